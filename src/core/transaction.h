// Why this module exists: `upgrade --in-place` rewrites many files of the
// operator's inventory (edits, moves into renamed folders, retired files).
// One atomic rename per file is not enough: a kill between two files leaves
// an inventory that is neither the input nor the output. A FolderTransaction
// makes the whole change one commit:
//   1. prepare: every new content is written and fsynced under a hidden
//      temporary name beside its target, every file to be replaced is
//      hard-linked to a hidden backup name, and the folders are fsynced.
//      Nothing the operator (or Ansible) reads has changed yet.
//   2. commit point: a journal listing every rename still to do is written
//      atomically (temporary file, fsync, rename, folder fsync).
//   3. apply: the renames (backups to `<file><suffix>`, new contents over
//      their targets, retired files to their backup names), each skipped
//      when already done; folders fsynced; the journal removed.
// recover() completes an interrupted run from its journal (roll forward),
// or, with no journal, removes the temporary files of a run killed before
// its commit point (the input is then untouched).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace ksm {

class FolderTransaction {
 public:
  static constexpr const char* kJournal = ".kubespray-migrate.journal";

  // `backup_suffix` "" keeps no backups.
  FolderTransaction(std::filesystem::path root, std::string backup_suffix);

  // Create or replace `rel` (relative to root) with `content`.
  void write(const std::string& rel, std::string content);
  // Rename `rel` to its backup name (a file moved away or removed), if it exists.
  void retire(const std::string& rel);

  // Prepare, commit, apply. An Error before the commit point leaves the
  // folder as it was (temporary files removed); after it, recover() ends
  // the work. `stop_after` (tests: a simulated kill) returns after that
  // many renames of the apply step, leaving the journal in place.
  Status commit(std::optional<size_t> stop_after = std::nullopt);

  // Completes or cleans up after an interrupted commit under `root`.
  // Returns what it did, "" when there was nothing to do.
  static Result<std::string> recover(const std::filesystem::path& root);
  // Whether `name` is one of the transaction's own files (journal, temporaries).
  static bool is_own_file(const std::string& name);

 private:
  std::filesystem::path root_;
  std::string suffix_;
  std::vector<std::pair<std::string, std::string>> writes_;
  std::vector<std::string> retires_;
};

}  // namespace ksm
