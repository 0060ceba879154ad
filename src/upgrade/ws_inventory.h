// Loading the inventory as it stands in a Workspace (between the steps of a
// hop): read straight from the workspace (it is a Source), so locations
// already name the operator's files relative to the inventory folder.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "inventory/model.h"
#include "sources/knowledge.h"
#include "upgrade/workspace.h"

namespace ksm::upgrade {

// The inventory of `hosts_file` (relative to the workspace root). A hop
// loads the workspace several times and often nothing changed in between:
// the last load is kept in the workspace until its next change.
// Shared, never copied: at 10,000 hosts a copy costs more than the lookup.
// `runtime`: the groups the playbooks of the tag being evaluated build
// before they read a variable (kubespray().runtime_groups(tag): k8s_cluster
// from v2.27.0), so that group_vars/k8s_cluster counts; {} for the
// inventory as its files declare it (conversion of the hosts file).
Result<std::shared_ptr<const inventory::Inventory>> load_workspace_inventory(
    const Workspace& ws, const std::string& hosts_file, const std::vector<RuntimeGroup>& runtime);

}  // namespace ksm::upgrade
