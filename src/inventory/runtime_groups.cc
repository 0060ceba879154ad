// The groups a playbook run adds (see runtime_groups.h).
#include "inventory/runtime_groups.h"

#include <algorithm>
#include <utility>

namespace ksm::inventory {

bool add_runtime_groups(Inventory& inv, const std::vector<RuntimeGroup>& groups) {
  // Who joins what, decided on the inventory as loaded.
  std::vector<std::vector<size_t>> from(groups.size());
  for (size_t i = 0; i < groups.size(); ++i)
    for (const auto& name : groups[i].from)
      if (auto g = inv.group_index(name)) from[i].push_back(*g);
  std::vector<std::pair<const RuntimeGroup*, std::vector<size_t>>> joins(groups.size());
  for (size_t h : inv.group_hosts(Inventory::kAll)) {
    auto mine = inv.host_groups(h);
    std::sort(mine.begin(), mine.end());
    for (size_t i = 0; i < groups.size(); ++i)
      if (std::any_of(from[i].begin(), from[i].end(),
                      [&](size_t g) { return std::binary_search(mine.begin(), mine.end(), g); }))
        joins[i].second.push_back(h);
  }
  for (size_t i = 0; i < groups.size(); ++i) joins[i].first = &groups[i];
  bool changed = false;
  for (const auto& [rg, hosts] : joins) {
    if (hosts.empty()) continue;
    bool fresh = !inv.group_index(rg->group);
    size_t g = inv.add_group(rg->group);
    changed = changed || fresh;
    for (size_t h : hosts) {
      const auto& direct = inv.hosts()[h].groups;  // a host's few groups, not the group's many hosts
      if (std::find(direct.begin(), direct.end(), g) != direct.end()) continue;
      inv.add_host(inv.hosts()[h].name, g, std::nullopt);
      changed = true;
    }
  }
  if (changed) inv.reconcile();
  return changed;
}

}  // namespace ksm::inventory
