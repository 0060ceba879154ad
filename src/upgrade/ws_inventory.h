// Loading the inventory as it stands in a Workspace (between the steps of a
// hop): read straight from the workspace (it is a Source), so locations
// already name the operator's files relative to the inventory folder.
#pragma once

#include <memory>
#include <string>

#include "core/error.h"
#include "inventory/model.h"
#include "upgrade/workspace.h"

namespace ksm::upgrade {

// The inventory of `hosts_file` (relative to the workspace root). A hop
// loads the workspace several times and often nothing changed in between:
// the last load is kept in the workspace until its next change.
// Shared, never copied: at 10,000 hosts a copy costs more than the lookup.
Result<std::shared_ptr<const inventory::Inventory>> load_workspace_inventory(
    const Workspace& ws, const std::string& hosts_file);

}  // namespace ksm::upgrade
