// What `preflight` and `upgrade` (which runs preflight on the inventory it
// produced) both need from the command line's surroundings: the Kubespray
// tree at a revision (a clone at any revision, or a plain checkout) and
// the version of the `ansible` on PATH (Kubespray's own ansible_version.yml
// check compares it).
#pragma once

#include <future>
#include <memory>
#include <optional>
#include <string>

#include "core/error.h"
#include "sources/source.h"

namespace ksm::cli {

// `ansible --version` of the ansible on PATH ("" when there is none).
std::string ansible_on_path();
// The same, run in the background from now on (preflight waits for it
// only when it evaluates).
std::shared_future<std::string> ansible_on_path_async();

// The Kubespray tree at `rev`: a git clone (any revision) or a plain folder
// (a checkout; `rev` is then only a label).
Result<std::unique_ptr<Source>> open_tree(const std::optional<std::string>& path,
                                          const std::string& rev);

}  // namespace ksm::cli
