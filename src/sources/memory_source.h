// Files held in memory, read through the Source interface: the tests'
// inventories and Kubespray trees (no disk), the fuzz targets, and the
// listing rules every in-memory tree shares (upgrade::Workspace uses them
// too): folders exist only as prefixes of the files below them.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sources/source.h"

namespace ksm {

// Listing over a byte-ordered list of root-relative file paths (`sorted`).
bool sorted_paths_is_dir(const std::vector<std::string>& sorted, std::string_view dir);
// Source::list and Source::list_dirs over the same list; a `dir` with no
// file below it is an Error ("no such folder"), the root never is.
Result<std::vector<std::string>> sorted_paths_list(const std::vector<std::string>& sorted,
                                                   std::string_view dir, bool recursive,
                                                   const std::string& label);
Result<std::vector<std::string>> sorted_paths_list_dirs(const std::vector<std::string>& sorted,
                                                        std::string_view dir,
                                                        const std::string& label);

class MemorySource : public Source {
 public:
  using Files = std::map<std::string, std::string>;
  explicit MemorySource(Files files = {}) : MemorySource("memory", std::move(files)) {}
  // `label` names the tree in messages.
  MemorySource(std::string label, Files files);

  // Adds or replaces a file (a root-relative path).
  void put(const std::string& path, std::string text);

  Result<std::string> read(std::string_view path) const override;
  bool exists(std::string_view path) const override;
  bool is_dir(std::string_view path) const override;
  Result<std::vector<std::string>> list(std::string_view dir, bool recursive) const override;
  Result<std::vector<std::string>> list_dirs(std::string_view dir) const override;
  std::string label() const override { return label_; }

 private:
  Files files_;
  std::vector<std::string> sorted_;  // the keys of files_
  std::string label_;
};

}  // namespace ksm
