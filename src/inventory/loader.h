// Loading an inventory the way `ansible-inventory -i SOURCE` does: a hosts
// file of any name, or a folder of them (every file, in sorted order, minus
// Ansible's ignore list and the group_vars/host_vars folders), then the
// group_vars/ and host_vars/ beside each source (`<name>`, `<name>.yml`,
// `.yaml`, `.json`, or a folder of such files read in sorted order). Without
// -i, the sources come from ANSIBLE_INVENTORY or the `inventory =` of the
// ansible.cfg Ansible would read.
#pragma once

#include <filesystem>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/error.h"
#include "inventory/model.h"

namespace ksm::inventory {

// Loads and reconciles. Errors (file:line:col where there is one): a missing
// or unreadable path, malformed YAML or INI, an unsupported file type, an
// inventory without hosts.
Result<Inventory> load_inventory(const std::vector<std::string>& sources);

// Parses one hosts file into `inv` (format picked as Ansible's plugin chain
// would: yaml for .yaml/.yml/.json or no extension, falling back to ini).
Status load_hosts_file(Inventory& inv, const std::filesystem::path& path);

// The files Ansible's vars plugin reads for `name` under `dir` (a group_vars
// or host_vars folder): find_vars_files order. `listing`, when given, holds
// the names in `dir` (one listing instead of four lookups per host).
std::vector<std::filesystem::path> find_vars_files(
    const std::filesystem::path& dir, const std::string& name,
    const std::unordered_set<std::string>* listing = nullptr);
// Reads one group_vars/host_vars file (YAML or JSON; a whole-file vault is
// kept as vault_encrypted with null data).
Result<VarsFile> load_vars_file(const std::filesystem::path& path);

// Where the inventory comes from without -i: ANSIBLE_INVENTORY, else
// `[defaults] inventory` of the ansible.cfg Ansible would read
// (ANSIBLE_CONFIG, ./ansible.cfg, ~/.ansible.cfg, /etc/ansible/ansible.cfg),
// else /etc/ansible/hosts. `origin` says which.
struct DefaultSources {
  std::vector<std::string> sources;
  std::string origin;
};
Result<DefaultSources> default_sources();

}  // namespace ksm::inventory
