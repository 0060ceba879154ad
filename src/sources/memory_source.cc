// Files in memory as a Source (see memory_source.h).
#include "sources/memory_source.h"

#include <algorithm>

namespace ksm {

namespace {

std::string prefix_of(std::string_view dir) {
  return dir.empty() ? "" : std::string(dir) + "/";
}

// The first path at or after `prefix` in byte order.
std::vector<std::string>::const_iterator first_under(const std::vector<std::string>& sorted,
                                                     const std::string& prefix) {
  return std::lower_bound(sorted.begin(), sorted.end(), prefix);
}

}  // namespace

bool sorted_paths_is_dir(const std::vector<std::string>& sorted, std::string_view dir) {
  if (dir.empty()) return true;
  std::string prefix = prefix_of(dir);
  auto it = first_under(sorted, prefix);
  return it != sorted.end() && it->starts_with(prefix);
}

Result<std::vector<std::string>> sorted_paths_list(const std::vector<std::string>& sorted,
                                                   std::string_view dir, bool recursive,
                                                   const std::string& label) {
  auto d = normalize_source_path(dir);
  if (!d) return d.error().context(label);
  if (!sorted_paths_is_dir(sorted, *d)) return Error(label + ": no such folder: " + *d);
  std::string prefix = prefix_of(*d);
  std::vector<std::string> out;
  for (auto it = first_under(sorted, prefix); it != sorted.end() && it->starts_with(prefix); ++it)
    if (recursive || it->find('/', prefix.size()) == std::string::npos) out.push_back(*it);
  return out;
}

Result<std::vector<std::string>> sorted_paths_list_dirs(const std::vector<std::string>& sorted,
                                                        std::string_view dir,
                                                        const std::string& label) {
  auto d = normalize_source_path(dir);
  if (!d) return d.error().context(label);
  if (!sorted_paths_is_dir(sorted, *d)) return Error(label + ": no such folder: " + *d);
  std::string prefix = prefix_of(*d);
  std::vector<std::string> out;
  for (auto it = first_under(sorted, prefix); it != sorted.end() && it->starts_with(prefix); ++it) {
    auto slash = it->find('/', prefix.size());
    if (slash == std::string::npos) continue;
    std::string sub = it->substr(0, slash);
    if (out.empty() || out.back() != sub) out.push_back(std::move(sub));
  }
  // The files of "a/b" and "a/b-c" are sorted as "a/b-c/..." < "a/b/...".
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

MemorySource::MemorySource(std::string label, Files files)
    : files_(std::move(files)), label_(std::move(label)) {
  for (const auto& [k, v] : files_) sorted_.push_back(k);
}

void MemorySource::put(const std::string& path, std::string text) {
  auto [it, added] = files_.insert_or_assign(path, std::move(text));
  if (added) sorted_.insert(std::lower_bound(sorted_.begin(), sorted_.end(), path), path);
}

Result<std::string> MemorySource::read(std::string_view path) const {
  auto p = normalize_source_path(path);
  if (!p) return p.error().context(label_);
  auto it = files_.find(*p);
  if (it != files_.end()) return it->second;
  if (sorted_paths_is_dir(sorted_, *p))
    return Error(label_ + ": " + *p + " is a folder, not a file");
  return Error(label_ + ": no such file: " + *p);
}

bool MemorySource::exists(std::string_view path) const {
  auto p = normalize_source_path(path);
  return p && (files_.count(*p) || sorted_paths_is_dir(sorted_, *p));
}

bool MemorySource::is_dir(std::string_view path) const {
  auto p = normalize_source_path(path);
  return p && sorted_paths_is_dir(sorted_, *p);
}

Result<std::vector<std::string>> MemorySource::list(std::string_view dir, bool recursive) const {
  return sorted_paths_list(sorted_, dir, recursive, label_);
}

Result<std::vector<std::string>> MemorySource::list_dirs(std::string_view dir) const {
  return sorted_paths_list_dirs(sorted_, dir, label_);
}

}  // namespace ksm
