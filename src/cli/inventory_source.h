// The inventory sources a command works on: the -i values, else what Ansible
// would use (ANSIBLE_INVENTORY, ansible.cfg). Shared by inventory/convert
// (and any command taking -i).
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "inventory/model.h"

namespace ksm::cli {

Result<std::vector<std::string>> inventory_sources(const std::vector<std::string>& given);

// The inventory of those sources, loaded as Ansible loads it; its warnings
// (duplicate keys and the like) are printed on stderr. `playbook_tag`: the
// tag (or revision) whose playbook run reads it, adding the groups that run
// builds (inventory/runtime_groups.h); none: the inventory as
// ansible-inventory shows it.
Result<inventory::Inventory> load_cli_inventory(const std::vector<std::string>& given,
                                                const std::string& playbook_tag = "");

// For the commands that work on the operator's inventory (preflight, vars,
// explain -i): a folder given to -i stands for the hosts file the operator
// passes to ansible-playbook (inventory/hosts_file.h: the builder's
// hosts.yaml beside the sample's all-commented inventory.ini), said on
// stderr; files and host lists are kept. `inventory` and `convert` keep
// Ansible's folder rules.
Result<std::vector<std::string>> operator_hosts_files(const std::vector<std::string>& given);

}  // namespace ksm::cli
