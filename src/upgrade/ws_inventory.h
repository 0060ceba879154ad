// Loading the inventory as it stands in a Workspace (between the steps of a
// hop), with every Location made relative to the workspace root so reports
// name the operator's files.
#pragma once

#include <string>

#include "core/error.h"
#include "inventory/model.h"
#include "upgrade/workspace.h"

namespace ksm::upgrade {

Result<inventory::Inventory> load_workspace_inventory(const Workspace& ws,
                                                      const std::string& hosts_file);

// The path of `loc` relative to the folder it was loaded from (see above).
std::string relative_file(const std::string& file);

}  // namespace ksm::upgrade
