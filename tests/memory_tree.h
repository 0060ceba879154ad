// A Kubespray tree held in memory for unit tests, read through the Source
// interface as a clone is (preflight extraction and evaluation tests).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sources/source.h"

namespace ksm::test {

using Files = std::map<std::string, std::string>;

class MemoryTree : public Source {
 public:
  explicit MemoryTree(Files files) : files_(std::move(files)) {}
  Result<std::string> read(std::string_view path) const override {
    auto it = files_.find(std::string(path));
    if (it == files_.end()) return Error("no such file: " + std::string(path));
    return it->second;
  }
  bool exists(std::string_view path) const override { return files_.count(std::string(path)) || is_dir(path); }
  bool is_dir(std::string_view path) const override {
    std::string prefix = path.empty() ? "" : std::string(path) + "/";
    auto it = files_.lower_bound(prefix);
    return it != files_.end() && it->first.compare(0, prefix.size(), prefix) == 0;
  }
  Result<std::vector<std::string>> list(std::string_view dir, bool recursive) const override {
    std::vector<std::string> out;
    std::string prefix = dir.empty() ? "" : std::string(dir) + "/";
    for (const auto& [k, v] : files_)
      if (k.compare(0, prefix.size(), prefix) == 0 && (recursive || k.find('/', prefix.size()) == std::string::npos))
        out.push_back(k);
    return out;
  }
  Result<std::vector<std::string>> list_dirs(std::string_view) const override {
    return std::vector<std::string>{};  // not needed by preflight
  }
  std::string label() const override { return "memory"; }

 private:
  Files files_;
};

}  // namespace ksm::test
