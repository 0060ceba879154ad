// Why this module exists: a playbook run sees groups no hosts file declares.
// Kubespray's first play builds them with group_by (legacy_groups.yml from
// v2.16.0, playbooks/boilerplate.yml, later roles/dynamic_groups): the
// underscore groups from their legacy hyphenated names, and from v2.27.0
// k8s_cluster from kube_control_plane, kube_node and calico_rr. A
// hand-written v2.27 inventory.ini has no k8s_cluster section, yet its
// group_vars/k8s_cluster applies to every node. ansible-inventory runs no
// play, so `inventory --list` loads without these groups; what a playbook
// reads (vars, preflight, upgrade's effective values) loads with them.
#pragma once

#include <vector>

#include "inventory/model.h"
#include "sources/knowledge.h"

namespace ksm::inventory {

// Adds the groups as group_by does: a group new to the inventory goes under
// `all`; each host of the play (the order of `all`) that is in one of a
// group's `from` groups, ancestors included (its group_names), joins it
// unless already a member. Every group's hosts are chosen from the groups
// as loaded, before any is added (one task; group_names is read once).
// Call between load_hosts and load_vars, so that the groups' group_vars
// load. Returns whether any membership changed.
bool add_runtime_groups(Inventory& inv, const std::vector<RuntimeGroup>& groups);

}  // namespace ksm::inventory
