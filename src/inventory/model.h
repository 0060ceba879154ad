// The operator's inventory as Ansible builds it (ansible/inventory/data.py,
// group.py, host.py): groups with their hosts, children and variables, hosts
// with theirs, the implicit `all` and `ungrouped` groups, group depth and
// priority. Unlike Ansible it also keeps where everything came from: every
// file's raw text, the line of each INI host and section, the position of
// each YAML key, and file:line for each variable, so later steps (vars,
// upgrade) can explain values and edit the files in place.
#pragma once

#include <cstddef>
#include <filesystem>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "core/value.h"

namespace ksm::inventory {

enum class Format { Ini, Yaml };
const char* format_name(Format f);

// One line of an INI hosts file that Ansible reads (comments and blanks are
// not listed; their text is in InventoryFile::text).
struct IniLine {
  enum Kind { Section, Host, Child, Var } kind;
  int line = 0;            // 1-based
  std::string group;       // the section's group
  std::string section;     // "hosts", "children" or "vars" (for Section lines too)
  std::string name;        // host pattern, child group or variable name
  std::vector<std::string> hosts;  // Host lines: the expanded host names
  std::string comment;     // a trailing `# ...` on the line, without the marker
};

// A key of a YAML hosts file, by its path of keys from the top joined with
// '/' ("all/children/etcd/hosts/node1", "all/vars/ansible_user").
struct YamlKey {
  std::string path;
  int line = 0;    // 1-based
  int column = 0;  // 1-based
};

struct InventoryFile {
  std::string path;       // as found (source path joined with the entry name)
  std::string disk_path;  // absolute, where Ansible reads it (inventory_file); "" when not on disk
  std::string text;       // the raw bytes read
  Format format = Format::Ini;
  bool bom = false;       // starts with a UTF-8 byte order mark
  bool crlf = false;      // CRLF line ends
  std::vector<IniLine> ini_lines;  // Ini only, in file order
  std::vector<YamlKey> yaml_keys;  // Yaml only, in document order
};

// A group_vars/ or host_vars/ file that applies to a group or host.
struct VarsFile {
  std::string path;
  std::string entity;        // the group or host it is for
  bool for_group = true;     // group_vars/ (true) or host_vars/ (false)
  size_t vars_dir = 0;       // index into Inventory::vars_dirs
  std::string text;
  bool vault_encrypted = false;  // a whole-file vault: not readable, skipped
  Value data;                    // the top-level mapping (null when empty)
  std::unordered_map<std::string, Location> where;  // top-level key -> position
};

struct Var {
  Value value;
  Location where;  // file:line:col of the key (or of the INI line)
};

struct Group {
  std::string name;
  std::vector<size_t> hosts;     // direct members, in the order Ansible adds them
  std::vector<size_t> children;  // child groups, in order
  std::vector<size_t> parents;
  Map vars;                      // variables written in hosts files
  std::unordered_map<std::string, Location> var_where;
  int priority = 1;              // ansible_group_priority (hosts files only, as Ansible)
  int depth = 0;                 // longest path from `all`
  std::vector<Location> declared;        // INI section headers / YAML keys naming it
  std::vector<size_t> group_vars_files;  // indexes into Inventory::vars_files, in load order
};

// What the hosts files say of a host. Its groups and host_vars files are
// kept by the Inventory (direct_groups, host_vars_files): they change from
// one load of the same hosts files to the next, this does not.
struct Host {
  std::string name;
  Map vars;  // variables written in hosts files (ansible_port from host:port too)
  std::unordered_map<std::string, Location> var_where;
  std::vector<Location> declared;        // every line/key that names the host
};

// The hosts files of an inventory, each parsed once and then shared by every
// copy of the inventory: `upgrade` reloads the same hosts files with other
// group_vars several times per hop, and a copy costs a pointer per file.
class HostsFiles {
 public:
  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = InventoryFile;
    using difference_type = std::ptrdiff_t;
    using reference = const InventoryFile&;
    using pointer = const InventoryFile*;
    const_iterator() = default;
    explicit const_iterator(std::vector<std::shared_ptr<InventoryFile>>::const_iterator it)
        : it_(it) {}
    const InventoryFile& operator*() const { return **it_; }
    const InventoryFile* operator->() const { return it_->get(); }
    const_iterator& operator++() { ++it_; return *this; }
    const_iterator operator++(int) { auto t = *this; ++it_; return t; }
    bool operator==(const const_iterator&) const = default;

   private:
    std::vector<std::shared_ptr<InventoryFile>>::const_iterator it_;
  };
  void push_back(InventoryFile f) {
    files_.push_back(std::make_shared<InventoryFile>(std::move(f)));
  }
  size_t size() const { return files_.size(); }
  bool empty() const { return files_.empty(); }
  const InventoryFile& operator[](size_t i) const { return *files_[i]; }
  const InventoryFile& front() const { return *files_.front(); }
  const_iterator begin() const { return const_iterator(files_.begin()); }
  const_iterator end() const { return const_iterator(files_.end()); }
  // The file to finish while loading it (its disk path): this copy's own.
  InventoryFile& mutable_at(size_t i);

 private:
  std::vector<std::shared_ptr<InventoryFile>> files_;  // never changed while shared
};

class Inventory {
 public:
  Inventory();

  std::vector<std::string> sources;          // the -i paths, as given
  std::vector<std::filesystem::path>
      vars_dirs;  // folders whose group_vars/host_vars apply (display paths)
  HostsFiles files;                          // hosts files, in the order parsed
  std::vector<VarsFile> vars_files;          // group_vars/host_vars files that applied
  std::vector<std::string>
      unused_vars_entries;  // group_vars/host_vars entries naming no group/host
  std::vector<Error> warnings;

  const std::vector<Group>& groups() const { return groups_; }
  const std::vector<Host>& hosts() const { return hosts_->list; }  // in the order first seen
  // The hosts file named `path` (InventoryFile::path); nullptr when none.
  const InventoryFile* file(std::string_view path) const;
  const Group* group(std::string_view name) const;
  const Host* host(std::string_view name) const;
  std::optional<size_t> group_index(std::string_view name) const;
  std::optional<size_t> host_index(std::string_view name) const;

  // The groups a host joined directly, in the order it joined them.
  const std::vector<size_t>& direct_groups(size_t host) const { return direct_groups_[host]; }
  // A host's host_vars files (indexes into vars_files), in load order.
  const std::vector<size_t>& host_vars_files(size_t host) const { return host_vars_files_[host]; }

  // For loaders attaching vars files.
  Group& group_at(size_t i) { return groups_[i]; }
  void add_host_vars_file(size_t host, size_t file) { host_vars_files_[host].push_back(file); }
  // Forgets every group_vars/host_vars file: the inventory as its hosts files say.
  void clear_vars_files();

  // Building, with Ansible's semantics (InventoryData.add_group/add_host/...).
  size_t add_group(const std::string& name, const Location& where = {});
  // Adds the host (first time: with ansible_port from `port`) and makes it a
  // member of `group` (if given).
  size_t add_host(const std::string& name, std::optional<size_t> group, std::optional<int> port,
                  const Location& where = {});
  // Errors on a cycle ("creates a recursive dependency loop").
  Status add_child(size_t parent, size_t child);
  void set_group_var(size_t group, const std::string& key, Value v, const Location& where);
  void set_host_var(size_t host, const std::string& key, Value v, const Location& where);
  // After all sources: orphan groups under `all`, `ungrouped` membership,
  // depths (InventoryData.reconcile_inventory).
  void reconcile();

  // All groups the host belongs to, ancestors included, `all` included.
  std::vector<size_t> host_groups(size_t host) const;
  // Hosts of a group and its descendants, each once, in Ansible's order
  // (Group.get_hosts).
  std::vector<size_t> group_hosts(size_t group) const;

  static constexpr size_t kAll = 0;
  static constexpr size_t kUngrouped = 1;

 private:
  bool is_ancestor(size_t maybe_ancestor, size_t of) const;
  // The hosts with their index, shared by copies of the inventory (a copy
  // of a 10,000-host inventory would otherwise copy every host's variables
  // and locations) and copied on the first change to a shared one.
  struct HostTable {
    std::vector<Host> list;
    std::unordered_map<std::string, size_t> index;
  };
  HostTable& own_hosts();
  std::vector<Group> groups_;
  std::shared_ptr<HostTable> hosts_;
  std::vector<std::vector<size_t>> direct_groups_;    // per host, in order joined
  std::vector<std::vector<size_t>> host_vars_files_;  // per host
  std::unordered_map<std::string, size_t> group_ix_;
};

}  // namespace ksm::inventory
