// Inventory building with InventoryData's rules (see model.h).
#include "inventory/model.h"

#include <algorithm>
#include <functional>

#include "core/number.h"

namespace ksm::inventory {

const char* format_name(Format f) { return f == Format::Ini ? "ini" : "yaml"; }

InventoryFile& HostsFiles::mutable_at(size_t i) {
  if (files_[i].use_count() > 1) files_[i] = std::make_shared<InventoryFile>(*files_[i]);
  return *files_[i];
}

Inventory::Inventory() : hosts_(std::make_shared<HostTable>()) {
  add_group("all");
  add_group("ungrouped");
  (void)add_child(kAll, kUngrouped);
}

const InventoryFile* Inventory::file(std::string_view path) const {
  for (const auto& f : files)
    if (f.path == path) return &f;
  return nullptr;
}

const Group* Inventory::group(std::string_view name) const {
  auto i = group_index(name);
  return i ? &groups_[*i] : nullptr;
}

const Host* Inventory::host(std::string_view name) const {
  auto i = host_index(name);
  return i ? &hosts_->list[*i] : nullptr;
}

Inventory::HostTable& Inventory::own_hosts() {
  if (hosts_.use_count() > 1) hosts_ = std::make_shared<HostTable>(*hosts_);
  return *hosts_;
}

void Inventory::clear_vars_files() {
  for (auto& g : groups_) g.group_vars_files.clear();
  for (auto& f : host_vars_files_) f.clear();
  vars_files.clear();
}

std::optional<size_t> Inventory::group_index(std::string_view name) const {
  auto it = group_ix_.find(std::string(name));
  if (it == group_ix_.end()) return std::nullopt;
  return it->second;
}

std::optional<size_t> Inventory::host_index(std::string_view name) const {
  auto it = hosts_->index.find(std::string(name));
  if (it == hosts_->index.end()) return std::nullopt;
  return it->second;
}

size_t Inventory::add_group(const std::string& name, const Location& where) {
  auto [it, fresh] = group_ix_.emplace(name, groups_.size());
  if (fresh) {
    Group g;
    g.name = name;
    groups_.push_back(std::move(g));
  }
  if (!where.file.empty()) groups_[it->second].declared.push_back(where);
  return it->second;
}

size_t Inventory::add_host(const std::string& name, std::optional<size_t> group,
                           std::optional<int> port, const Location& where) {
  size_t h;
  if (auto known = host_index(name)) {
    h = *known;
  } else {
    HostTable& table = own_hosts();
    h = table.list.size();
    table.index.emplace(name, h);
    Host host;
    host.name = name;
    table.list.push_back(std::move(host));
    direct_groups_.emplace_back();
    host_vars_files_.emplace_back();
    if (port && *port) set_host_var(h, "ansible_port", Value(*port), where);
  }
  if (!where.file.empty()) own_hosts().list[h].declared.push_back(where);
  if (group) {
    auto& hg = direct_groups_[h];
    if (std::find(hg.begin(), hg.end(), *group) == hg.end()) {
      hg.push_back(*group);
      groups_[*group].hosts.push_back(h);
    }
  }
  return h;
}

bool Inventory::is_ancestor(size_t maybe_ancestor, size_t of) const {
  std::vector<size_t> stack(groups_[of].parents);
  std::vector<bool> seen(groups_.size());
  while (!stack.empty()) {
    size_t g = stack.back();
    stack.pop_back();
    if (g == maybe_ancestor) return true;
    if (seen[g]) continue;
    seen[g] = true;
    stack.insert(stack.end(), groups_[g].parents.begin(), groups_[g].parents.end());
  }
  return false;
}

Status Inventory::add_child(size_t parent, size_t child) {
  if (parent == child) return Error("can't add group '" + groups_[parent].name + "' to itself");
  auto& kids = groups_[parent].children;
  if (std::find(kids.begin(), kids.end(), child) != kids.end()) return {};
  if (is_ancestor(child, parent))
    return Error("Adding group '" + groups_[child].name + "' as child to '" +
                 groups_[parent].name + "' creates a recursive dependency loop.");
  kids.push_back(child);
  auto& ps = groups_[child].parents;
  if (std::find(ps.begin(), ps.end(), parent) == ps.end()) ps.push_back(parent);
  return {};
}

void Inventory::set_group_var(size_t group, const std::string& key, Value v,
                              const Location& where) {
  Group& g = groups_[group];
  if (key == "ansible_group_priority") {
    // Group.set_priority: int(value); kept out of the variables, as Ansible does.
    if (v.is_int()) g.priority = clamp_to_int(v.as_int());
    else if (v.is_float())
      g.priority = clamp_to_int(
          truncate_to_int64(v.as_float()).value_or(v.as_float() < 0 ? INT64_MIN : INT64_MAX));
    else if (v.is_bool()) g.priority = v.as_bool() ? 1 : 0;
    else if (v.is_string()) {
      try {
        g.priority = std::stoi(v.as_string());
      } catch (const std::exception&) {
        warnings.push_back(
            Error("ansible_group_priority '" + v.as_string() + "' is not an integer", where));
      }
    }
    return;
  }
  g.vars.set(key, std::move(v));
  g.var_where[key] = where;
}

void Inventory::set_host_var(size_t host, const std::string& key, Value v, const Location& where) {
  Host& h = own_hosts().list[host];
  h.vars.set(key, std::move(v));
  h.var_where[key] = where;
}

void Inventory::reconcile() {
  for (size_t g = 0; g < groups_.size(); ++g)
    if (g != kAll && groups_[g].parents.empty()) (void)add_child(kAll, g);

  for (size_t h = 0; h < direct_groups_.size(); ++h) {
    auto& direct = direct_groups_[h];
    bool in_ungrouped = std::find(direct.begin(), direct.end(), kUngrouped) != direct.end();
    if (in_ungrouped) {
      // Any group but all/ungrouped (ancestors included) takes it out of ungrouped.
      bool other = false;
      for (size_t g : direct)
        if (g != kAll && g != kUngrouped) other = true;
      if (other) {
        direct.erase(std::find(direct.begin(), direct.end(), kUngrouped));
        auto& uh = groups_[kUngrouped].hosts;
        uh.erase(std::find(uh.begin(), uh.end(), h));
      }
    } else {
      bool only_all = true;
      for (size_t g : direct)
        if (g != kAll) only_all = false;
      if (only_all) {
        direct.push_back(kUngrouped);
        groups_[kUngrouped].hosts.push_back(h);
      }
    }
  }

  // Depth: the longest path from `all` (Group.depth after all add_child calls).
  std::vector<int> depth(groups_.size(), -1);
  std::function<int(size_t)> walk = [&](size_t g) -> int {
    if (depth[g] >= 0) return depth[g];
    int d = 0;
    for (size_t p : groups_[g].parents) d = std::max(d, walk(p) + 1);
    return depth[g] = d;
  };
  for (size_t g = 0; g < groups_.size(); ++g) groups_[g].depth = walk(g);
}

std::vector<size_t> Inventory::host_groups(size_t host) const {
  std::vector<size_t> out;
  std::vector<bool> seen(groups_.size());
  std::vector<size_t> stack(direct_groups_[host].rbegin(), direct_groups_[host].rend());
  while (!stack.empty()) {
    size_t g = stack.back();
    stack.pop_back();
    if (seen[g]) continue;
    seen[g] = true;
    out.push_back(g);
    for (auto it = groups_[g].parents.rbegin(); it != groups_[g].parents.rend(); ++it)
      stack.push_back(*it);
  }
  if (!seen[kAll]) out.push_back(kAll);
  return out;
}

std::vector<size_t> Inventory::group_hosts(size_t group) const {
  std::vector<size_t> order{group};
  std::vector<bool> seen_g(groups_.size());
  seen_g[group] = true;
  for (size_t i = 0; i < order.size(); ++i)
    for (size_t c : groups_[order[i]].children)
      if (!seen_g[c]) {
        seen_g[c] = true;
        order.push_back(c);
      }
  std::vector<size_t> out;
  std::vector<bool> seen_h(hosts_->list.size());
  for (size_t g : order)
    for (size_t h : groups_[g].hosts)
      if (!seen_h[h]) {
        seen_h[h] = true;
        out.push_back(h);
      }
  return out;
}

}  // namespace ksm::inventory
