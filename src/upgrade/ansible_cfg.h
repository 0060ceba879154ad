// ansible.cfg across an upgrade. Kubespray ships ansible.cfg at the top of
// its tree; operators edit it in their clone (seed 004 reviews remote_user,
// forks, pipelining and friends at every hop). When the clone's work tree
// has an ansible.cfg that differs from the one of the `from` tag, it is
// merged like a sample file (base = ansible.cfg at `from`, ours = the work
// tree's, theirs = ansible.cfg at `to`) and the merged file is written
// beside the produced inventory, for the operator to put into the checkout
// of `to`. The settings are read with inih so that the report names each
// one: kept (the operator's), taken (the new tag's), or in conflict.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/error.h"
#include "sources/source.h"
#include "upgrade/report.h"
#include "upgrade/workspace.h"

namespace ksm::upgrade {

inline constexpr const char* kAnsibleCfg = "ansible.cfg";

// "section.key" -> value, as inih reads the text; Error with the line of a
// malformed line.
Result<std::map<std::string, std::string>> ini_settings(std::string_view text,
                                                        const std::string& name);

// The merge of the three texts (see above); the result goes to
// `ws`/ansible.cfg, changes and conflicts to `hop`. Nothing happens when
// ours equals base (the operator did not change it) or theirs (a checkout
// of `to`).
Status merge_ansible_cfg_texts(std::string_view base, std::string_view ours,
                               std::string_view theirs, const std::string& from,
                               const std::string& to, Workspace& ws, Hop& hop);

// Reads ours from the clone's work tree (nothing for a bare clone or no
// ansible.cfg), base and theirs from the tags.
Status merge_ansible_cfg(const GitRepo& repo, const std::string& from, const std::string& to,
                         Workspace& ws, Hop& hop);

}  // namespace ksm::upgrade
