// Loading an inventory the way `ansible-inventory -i SOURCE` does: a hosts
// file of any name, or a folder of them (every file, in sorted order, minus
// Ansible's ignore list and the group_vars/host_vars folders), then the
// group_vars/ and host_vars/ beside each source (`<name>`, `<name>.yml`,
// `.yaml`, `.json`, or a folder of such files read in sorted order). Without
// -i, the sources come from ANSIBLE_INVENTORY or the `inventory =` of the
// ansible.cfg Ansible would read.
//
// Everything is read through a Source (sources/source.h): a folder on disk
// (DirSource), the inventory `upgrade` is producing (upgrade::Workspace) or
// files in memory (tests). Locations name files by the Source's
// display_path; inventory_file/inventory_dir come from its disk_path.
#pragma once

#include <map>
#include <memory>
#include <string_view>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/error.h"
#include "inventory/model.h"
#include "sources/knowledge.h"
#include "sources/source.h"

namespace ksm::inventory {

// One -i source: a hosts file or a folder of them, `path` relative to
// `source` ("" = its root); without a source, `path` is a host list
// ("host1,host2:2222", Ansible's host_list plugin).
struct InventoryInput {
  const Source* source = nullptr;
  std::string path;
};

// The -i values of a command as InventoryInputs on disk: one DirSource per
// path (its folder, or the folder of the file), so that locations keep the
// path as the operator typed it; a value with a comma that names no file is
// a host list.
class DiskInputs {
 public:
  explicit DiskInputs(const std::vector<std::string>& paths);
  const std::vector<InventoryInput>& inputs() const { return inputs_; }

 private:
  std::vector<std::unique_ptr<DirSource>> owned_;
  std::vector<InventoryInput> inputs_;
};

// Hosts files already parsed, by display path and text, each path's latest
// parse only: a caller that reads the same hosts file more than once
// (`upgrade` parses it to choose it among the folder's files, then loads it
// for the first hop) parses it once. It answers only for a hosts file loaded
// into a fresh inventory, the one case where the parse alone makes the
// result.
class HostsFileMemo {
 public:
  const Inventory* find(const std::string& display, std::string_view text) const;
  void put(const std::string& display, std::string text, Inventory parsed);

 private:
  struct Entry {
    std::string text;
    Inventory parsed;
  };
  std::map<std::string, Entry, std::less<>> by_path_;
};

// Loads and reconciles. Errors (file:line:col where there is one): a missing
// or unreadable path, malformed YAML or INI, an unsupported file type, no
// file Ansible would parse. An inventory without hosts is valid (a
// template), as it is for ansible-inventory.
// `runtime` (sources/knowledge.h: kubespray().runtime_groups(tag)): the
// groups a playbook run of that tag adds before it reads any variable
// (inventory/runtime_groups.h); without them, the inventory as
// ansible-inventory shows it.
Result<Inventory> load_inventory(const std::vector<InventoryInput>& inputs,
                                 const std::vector<RuntimeGroup>& runtime = {});
Result<Inventory> load_inventory(const Source& source, const std::string& path);
// The two steps of load_inventory, for a caller that reloads the same hosts
// files with other group_vars/host_vars (upgrade, between the steps of a
// hop): the hosts files, reconciled and checked; then the vars folders
// beside each input.
Result<Inventory> load_hosts(const std::vector<InventoryInput>& inputs,
                             HostsFileMemo* memo = nullptr);
Result<Inventory> load_vars(Inventory hosts, const std::vector<InventoryInput>& inputs);
// The -i paths on disk as given (DiskInputs).
Result<Inventory> load_inventory(const std::vector<std::string>& sources,
                                 const std::vector<RuntimeGroup>& runtime = {});

// Parses one hosts file into `inv` (format picked as Ansible's plugin chain
// would: yaml for .yaml/.yml/.json or no extension, falling back to ini).
Status load_hosts_file(Inventory& inv, const Source& source, const std::string& path,
                       HostsFileMemo* memo = nullptr);

// The files Ansible's vars plugin reads for `name` under `dir` (a group_vars
// or host_vars folder of `source`): find_vars_files order, as paths of
// `source`. `listing`, when given, holds the names in `dir` (one listing
// instead of four lookups per host).
std::vector<std::string> find_vars_files(const Source& source, const std::string& dir,
                                         const std::string& name,
                                         const std::unordered_set<std::string>* listing = nullptr);
// Reads one group_vars/host_vars file (YAML or JSON; a whole-file vault is
// kept as vault_encrypted with null data); `display` names it in locations.
Result<VarsFile> parse_vars_file(std::string display, std::string text);

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
