// The inventory being produced by `upgrade`: an in-memory overlay of the
// operator's inventory folder. Every file starts as the bytes read from the
// input; hops edit texts, move files and add new ones; nothing touches the
// disk until one of the three outputs is chosen:
//   - a new folder (the default): unchanged files copied byte-exact;
//   - in place: only changed files rewritten, each atomically, with a backup;
//   - a unified diff against the input, writing nothing.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace ksm::upgrade {

namespace fs = std::filesystem;

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

class Workspace {
 public:
  // Reads every regular file under `root` (skipping .git and editor
  // droppings). Symlinks pointing outside `root` are refused.
  static Result<Workspace> load(const fs::path& root);
  // An empty workspace (tests, or converting a single hosts file).
  static Workspace empty(fs::path root) { Workspace w; w.root_ = std::move(root); return w; }

  const fs::path& root() const { return root_; }
  bool exists(const std::string& rel) const;
  const std::string* text(const std::string& rel) const;
  std::vector<std::string> files() const;  // live files, sorted
  std::vector<std::string> files_under(const std::string& dir) const;

  void put(const std::string& rel, std::string text);  // create or replace
  Status move(const std::string& from, const std::string& to);  // file or folder prefix
  void remove(const std::string& rel);
  bool changed() const;

  // Outputs.
  Status write_to(const fs::path& out_dir) const;  // out_dir must not exist or be empty
  // The same without fsync or rename, for a private scratch copy (upgrade
  // loads the inventory being produced from one between steps).
  Status write_scratch(const fs::path& out_dir) const;
  // Rewrites changed files under root() atomically, keeping `<file>.<suffix>` backups;
  // moved files are written at their new place and the old one renamed to the backup.
  Status write_in_place(const std::string& backup_suffix) const;
  // A unified diff (git style, a/ b/ prefixes) of every change against the input.
  std::string diff() const;

 private:
  fs::path root_;
  std::map<std::string, WorkFile> files_;  // key: current relative path
};

}  // namespace ksm::upgrade
