// Variable precedence over the inventory model (see layers.h).
#include "inventory/layers.h"

#include <algorithm>

namespace ksm::inventory {

const char* layer_kind_name(LayerKind k) {
  switch (k) {
    case LayerKind::HostsFileGroup: return "inventory group vars";
    case LayerKind::GroupVarsFile: return "group_vars";
    case LayerKind::HostsFileHost: return "inventory host vars";
    case LayerKind::HostVarsFile: return "host_vars";
  }
  return "?";
}

std::vector<size_t> sorted_host_groups(const Inventory& inv, size_t host) {
  std::vector<size_t> gs = inv.host_groups(host);
  gs.erase(std::remove(gs.begin(), gs.end(), Inventory::kAll), gs.end());
  const auto& G = inv.groups();
  std::sort(gs.begin(), gs.end(), [&](size_t a, size_t b) {
    if (G[a].depth != G[b].depth) return G[a].depth < G[b].depth;
    if (G[a].priority != G[b].priority) return G[a].priority < G[b].priority;
    return G[a].name < G[b].name;
  });
  return gs;
}

namespace {

// Calls fn(kind, entity, file_path_or_empty, vars_map, where_fn) per layer,
// lowest first. `file_ix` is SIZE_MAX for hosts-file layers.
template <typename Fn>
void each_layer(const Inventory& inv, size_t host, Fn fn) {
  const auto& G = inv.groups();
  const Host& h = inv.hosts()[host];
  std::vector<size_t> gs = sorted_host_groups(inv, host);
  fn(LayerKind::HostsFileGroup, G[Inventory::kAll].name, SIZE_MAX, G[Inventory::kAll].vars,
     &G[Inventory::kAll].var_where);
  for (size_t g : gs)
    fn(LayerKind::HostsFileGroup, G[g].name, SIZE_MAX, G[g].vars, &G[g].var_where);
  auto files = [&](const std::vector<size_t>& ix, size_t dir, LayerKind kind,
                   const std::string& entity) {
    for (size_t f : ix) {
      const VarsFile& vf = inv.vars_files[f];
      if (vf.vars_dir != dir || !vf.data.is_map()) continue;
      fn(kind, entity, f, vf.data.as_map(), nullptr);
    }
  };
  for (size_t d = 0; d < inv.vars_dirs.size(); ++d)
    files(G[Inventory::kAll].group_vars_files, d, LayerKind::GroupVarsFile,
          G[Inventory::kAll].name);
  for (size_t d = 0; d < inv.vars_dirs.size(); ++d)
    for (size_t g : gs) files(G[g].group_vars_files, d, LayerKind::GroupVarsFile, G[g].name);
  fn(LayerKind::HostsFileHost, h.name, SIZE_MAX, h.vars, &h.var_where);
  for (size_t d = 0; d < inv.vars_dirs.size(); ++d)
    files(inv.host_vars_files(host), d, LayerKind::HostVarsFile, h.name);
}

}  // namespace

std::vector<VarLayer> host_layers(const Inventory& inv, size_t host, LayerScope scope) {
  std::vector<VarLayer> out;
  each_layer(inv, host, [&](LayerKind kind, const std::string& entity, size_t file, const Map& vars,
                            const std::unordered_map<std::string, Location>* where) {
    if (vars.empty()) return;
    bool host_level = kind == LayerKind::HostsFileHost || kind == LayerKind::HostVarsFile;
    if ((scope == LayerScope::Groups && host_level) || (scope == LayerScope::Host && !host_level))
      return;
    VarLayer l{kind, entity, {}, vars, {}};
    if (file != SIZE_MAX) {
      const VarsFile& vf = inv.vars_files[file];
      l.file = vf.path;
      for (const auto& [k, v] : vars) {
        auto it = vf.where.find(k);
        l.where[k] = it != vf.where.end() ? it->second : Location{vf.path, 0, 0};
      }
    } else if (where) {
      l.where = *where;
    }
    out.push_back(std::move(l));
  });
  return out;
}

Map host_vars(const Inventory& inv, size_t host, std::unordered_map<std::string, Location>* where) {
  Map out;
  each_layer(inv, host, [&](LayerKind, const std::string&, size_t file, const Map& vars,
                            const std::unordered_map<std::string, Location>* w) {
    for (const auto& [k, v] : vars) {
      out.set(k, v);
      if (where) {
        if (file != SIZE_MAX) {
          const VarsFile& vf = inv.vars_files[file];
          auto it = vf.where.find(k);
          (*where)[k] = it != vf.where.end() ? it->second : Location{vf.path, 0, 0};
        } else if (w) {
          auto it = w->find(k);
          (*where)[k] = it != w->end() ? it->second : Location{};
        }
      }
    }
  });
  return out;
}

Map group_vars(const Inventory& inv, size_t group) {
  const Group& g = inv.groups()[group];
  Map out = g.vars;
  for (size_t d = 0; d < inv.vars_dirs.size(); ++d)
    for (size_t f : g.group_vars_files) {
      const VarsFile& vf = inv.vars_files[f];
      if (vf.vars_dir != d || !vf.data.is_map()) continue;
      for (const auto& [k, v] : vf.data.as_map()) out.set(k, v);
    }
  if (g.priority != 1) out.set("ansible_group_priority", Value(g.priority));
  return out;
}

}  // namespace ksm::inventory
