// The groups a playbook run adds (see runtime_groups.h).
#include "inventory/runtime_groups.h"

#include <algorithm>

namespace ksm::inventory {

bool add_runtime_groups(Inventory& inv, const std::vector<RuntimeGroup>& groups) {
  // Who joins what, decided on the inventory as loaded.
  std::vector<std::vector<size_t>> from(groups.size());
  for (size_t i = 0; i < groups.size(); ++i)
    for (const auto& name : groups[i].from)
      if (auto g = inv.group_index(name)) from[i].push_back(*g);
  std::vector<std::vector<size_t>> joins(groups.size());  // per group, the hosts that join it
  for (size_t h : inv.group_hosts(Inventory::kAll)) {
    auto mine = inv.host_groups(h);
    std::sort(mine.begin(), mine.end());
    for (size_t i = 0; i < groups.size(); ++i)
      if (std::any_of(from[i].begin(), from[i].end(),
                      [&](size_t g) { return std::binary_search(mine.begin(), mine.end(), g); }))
        joins[i].push_back(h);
  }
  bool changed = false;
  for (size_t i = 0; i < groups.size(); ++i) {
    if (joins[i].empty()) continue;
    bool fresh = !inv.group_index(groups[i].group);
    size_t g = inv.add_group(groups[i].group);
    changed = changed || fresh;
    for (size_t h : joins[i]) {
      const auto& direct = inv.direct_groups(h);  // a host's few groups, not the group's many hosts
      if (std::find(direct.begin(), direct.end(), g) != direct.end()) continue;
      inv.add_host(inv.hosts()[h].name, g, std::nullopt);
      changed = true;
    }
  }
  if (changed) inv.reconcile();
  return changed;
}

}  // namespace ksm::inventory
