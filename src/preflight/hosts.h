// Which hosts a play runs on: Ansible's host patterns as written in a
// play's `hosts:` ("k8s_cluster:etcd:calico_rr", "kube_control_plane[0]",
// "etcd:calico_rr:!k8s_cluster", "&group", "~regex", "web*"), evaluated
// the way ansible-core 2.14's InventoryManager does (terms split on ':' or
// ',', unions first, then intersections, then exclusions; subscripts
// [i], [-i], [a:b] with b inclusive). An assertion's failure names hosts,
// so preflight needs the same answer Ansible would give.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/error.h"

namespace ksm::preflight {

// The inventory as patterns see it.
struct HostGroups {
  std::vector<std::string> hosts;                           // every host, inventory order
  std::map<std::string, std::vector<std::string>> groups;   // group -> hosts (descendants too)
};

struct Selection {
  std::vector<std::string> hosts;
  std::vector<std::string> unmatched;  // terms that named no group or host (Ansible warns)
};

// Hosts matching `pattern`, in Ansible's order. Errors on a malformed subscript.
Result<Selection> select_hosts(const std::string& pattern, const HostGroups& inv);

}  // namespace ksm::preflight
