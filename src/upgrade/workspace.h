// The inventory being produced by `upgrade`: an in-memory overlay of the
// operator's inventory folder. Every file starts as the bytes read from the
// input; hops edit texts, move files and add new ones; nothing touches the
// disk until one of the three outputs is chosen:
//   - a new folder (the default): unchanged files copied byte-exact;
//   - in place: only changed files rewritten, each atomically, with a backup;
//   - a unified diff against the input, writing nothing.
// Files that are no part of the inventory (manifests to apply with kubectl)
// are kept apart and written beside the output folder, never inside it:
// `ansible-inventory -i FOLDER` parses every YAML file of a folder as an
// inventory source.
// It is a Source (sources/source.h): the inventory module and preflight read
// the inventory being produced straight from memory, its files named
// relative to the inventory folder and placed, for Ansible's inventory_dir,
// in the operator's folder.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "inventory/loader.h"
#include "inventory/model.h"
#include "sources/source.h"

namespace ksm::upgrade {

struct WorkFile {
  std::optional<std::string> original_path;  // relative path in the input, if it came from there
  std::optional<std::string> original;       // its bytes as read
  std::string text;                          // current bytes
  bool deleted = false;
};

// A SOPS-encrypted file (a top-level `sops:` map with a `mac`, YAML or
// JSON). Its MAC covers every key and value, so upgrade never edits one: a
// rename inside it is reported for the operator to do with `sops`.
bool is_sops(const std::string& text);

class Workspace : public Source {
 public:
  // Reads every regular file under `root` (skipping .git and editor
  // droppings). Symlinks pointing outside `root` are refused.
  static Result<Workspace> load(const std::filesystem::path& root);
  // An empty workspace (tests, or converting a single hosts file).
  static Workspace empty(std::filesystem::path root) {
    Workspace w;
    w.root_ = std::move(root);
    w.touch();
    return w;
  }

  const std::filesystem::path& root() const { return root_; }
  // A live file at `rel` (Source::exists also answers for folders).
  bool has_file(const std::string& rel) const;
  const std::string* text(const std::string& rel) const;
  std::vector<std::string> files() const;  // live files, sorted
  // The path in the input a live file was read from (nullopt: a new file).
  std::optional<std::string> original_of(const std::string& rel) const;
  std::vector<std::string> files_under(const std::string& dir) const;

  void put(const std::string& rel, std::string text);  // create or replace
  Status move(const std::string& from, const std::string& to);  // file or folder prefix
  void remove(const std::string& rel);
  bool changed() const;

  // A file written beside the inventory (in beside_dir() of the output
  // folder), never inside it; `name` is relative to that folder.
  void put_beside(const std::string& name, std::string text);
  const std::map<std::string, std::string>& beside() const { return beside_; }
  void clear_beside() { beside_.clear(); }
  // Where the files beside an inventory folder go: its sibling
  // `<folder>.manifests` (inventory/mycluster -> inventory/mycluster.manifests).
  static std::filesystem::path beside_dir(const std::filesystem::path& inventory_dir);
  // Changes with every put/move/remove; no two states of any workspace share one.
  uint64_t generation() const { return generation_; }

  // Source: the live files, by their current relative paths.
  Result<std::string> read(std::string_view path) const override;
  bool exists(std::string_view path) const override;
  bool is_dir(std::string_view path) const override;
  Result<std::vector<std::string>> list(std::string_view dir, bool recursive) const override;
  Result<std::vector<std::string>> list_dirs(std::string_view dir) const override;
  std::string label() const override { return root_.string(); }
  // Reports name the operator's files relative to the inventory folder.
  std::string display_path(std::string_view path) const override { return std::string(path); }
  std::optional<std::filesystem::path> disk_path(std::string_view path) const override;

  // The inventory last loaded from this workspace (upgrade/ws_inventory.cc),
  // for the hosts file it was loaded with, at the generation it was loaded.
  struct LoadedInventory {
    uint64_t generation = 0;
    std::string hosts_file;
    std::string runtime_key;  // the run-time groups it was loaded with

    std::shared_ptr<const inventory::Inventory> inventory;
    // Its hosts part (inventory::load_hosts) and the hosts file's text it
    // was parsed from: a hop mostly edits group_vars, and at 10,000 hosts
    // parsing the hosts file is most of a load.
    std::string hosts_text;
    std::shared_ptr<const inventory::Inventory> hosts;
  };
  LoadedInventory& loaded() const { return loaded_; }
  // The hosts files parsed so far, by path and text, shared by the copies
  // of this workspace: the hosts file parsed to choose it serves the first
  // load, and a stop's copy parses nothing its original did.
  inventory::HostsFileMemo& hosts_memo() const { return *hosts_memo_; }

  // Outputs.
  // out_dir (and beside_dir(out_dir) when there are files beside) must not
  // exist or be empty.
  Status write_to(const std::filesystem::path& out_dir) const;
  // Rewrites changed files under root() atomically, keeping `<file>.<suffix>` backups;
  // moved files are written at their new place and the old one renamed to the backup.
  // The files beside go first, in a transaction of their own in beside_dir(root()):
  // a run killed between the two leaves the input inventory as it was.
  Status write_in_place(const std::string& backup_suffix) const;
  // A unified diff (git style, a/ b/ prefixes) of every change against the input.
  std::string diff() const;
  // The same, against an earlier state of this inventory (the stop before
  // a hop): what one hop changed. Files are paired by their current path,
  // else by the input path they were read from (a file the hop moved).
  std::string diff_since(const Workspace& before) const;

 private:
  void touch();

  std::filesystem::path root_;
  std::map<std::string, WorkFile> files_;  // key: current relative path
  std::map<std::string, std::string> beside_;  // name in beside_dir() -> text
  uint64_t generation_ = 0;
  mutable LoadedInventory loaded_;
  std::shared_ptr<inventory::HostsFileMemo> hosts_memo_ =
      std::make_shared<inventory::HostsFileMemo>();
};

}  // namespace ksm::upgrade
