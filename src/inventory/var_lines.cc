// Where an inventory sets a variable, or would (see var_lines.h).
#include "inventory/var_lines.h"

#include <algorithm>
#include <vector>

namespace ksm::inventory {

int variable_line(std::string_view text, std::string_view name, bool commented) {
  if (name.empty()) return 0;
  int n = 0;
  while (!text.empty()) {
    ++n;
    size_t nl = text.find('\n');
    std::string_view l = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    size_t b = l.find_first_not_of(" \t");
    if (b == std::string_view::npos) continue;
    l.remove_prefix(b);
    if (commented) {
      if (l.front() != '#') continue;
      l.remove_prefix(l.find_first_not_of("# \t") == std::string_view::npos
                          ? l.size()
                          : l.find_first_not_of("# \t"));
    }
    if (l.size() <= name.size() || l.substr(0, name.size()) != name) continue;
    size_t k = l.find_first_not_of(" \t", name.size());
    if (k != std::string_view::npos && (l[k] == ':' || l[k] == '=')) return n;
  }
  return 0;
}

Location find_variable_line(const Source& source, const std::string& dir, const std::string& name,
                            bool commented) {
  if (!source.is_dir(dir)) return {};
  auto files = source.list(dir, true);
  if (!files) return {};
  std::vector<std::string> yaml;
  for (const auto& f : *files)
    if (f.ends_with(".yml") || f.ends_with(".yaml")) yaml.push_back(f);
  std::sort(yaml.begin(), yaml.end());
  for (const auto& f : yaml) {
    auto text = source.read(f);
    if (!text) continue;
    if (int n = variable_line(*text, name, commented)) return Location{f, n, 0};
  }
  return {};
}

}  // namespace ksm::inventory
