// Why this module exists: an operator's inventory folder often holds more
// than one hosts-like file. The most common layout of all is
// `cp -r inventory/sample inventory/mycluster`: the sample's all-commented
// inventory.ini beside the builder's hosts.yaml, and the operator runs
// `ansible-playbook -i inventory/mycluster/hosts.yaml`. Commands that take
// the operator's folder (upgrade, preflight, vars, explain -i) need the
// file the operator passes to `-i`, not Ansible's folder rules (which skip
// every .ini file): among the hosts-like files, the one that defines
// hosts, with the reason said.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "inventory/loader.h"
#include "sources/source.h"

namespace ksm::inventory {

struct HostsFileChoice {
  std::string path;                     // relative to the folder
  std::string why;                      // for the report: which, and why
  std::vector<std::string> candidates;  // every hosts-like file, in preference order
  bool several_with_hosts = false;      // more than one defines hosts: the operator should name one
};

// Hosts-like files are those directly in `dir` named inventory.ini,
// hosts.yaml, hosts.yml, hosts.ini or hosts, then any other *.ini, *.yaml,
// *.yml file that parses as an inventory (hidden files and the tool's own
// files aside). The chosen one defines hosts; when several do, the first
// in that order (and `several_with_hosts`); when none does, the first
// (a template inventory). With no hosts-like file at the top but files that
// define hosts one folder down (hosts/*.yml), `path` is `dir` itself: the
// folder is read as Ansible reads it. An Error when there is none at all.
// `memo` (loader.h), when given, keeps each parse for the loads that follow.
Result<HostsFileChoice> choose_hosts_file(const Source& source, const std::string& dir = "",
                                          HostsFileMemo* memo = nullptr);

// The hosts-like files directly in `dir` (names relative to it), in that
// preference order, none of them parsed: for a caller that parses each
// anyway, where counting hosts first would parse a large hosts file twice.
Result<std::vector<std::string>> hosts_like_files(const Source& source,
                                                  const std::string& dir = "");

}  // namespace ksm::inventory
