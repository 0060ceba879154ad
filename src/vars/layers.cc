// Role-level variable layers of one tag (see layers.h).
#include "vars/layers.h"

#include <algorithm>
#include <set>

namespace ksm::vars {

const char* layer_kind_name(LayerKind k) {
  switch (k) {
    case LayerKind::Implicit: return "implicit default";
    case LayerKind::KubesprayDefaults: return "role defaults";
    case LayerKind::RoleDefaults: return "role defaults";
    case LayerKind::Inventory: return "inventory";
    case LayerKind::Facts: return "facts";
    case LayerKind::KubesprayVars: return "role vars";
    case LayerKind::RoleVars: return "role vars";
    case LayerKind::Magic: return "magic variable";
  }
  return "?";
}

std::string Provenance::str() const {
  std::string w = where.str();
  if (w.empty()) return layer;
  return w + " [" + layer + "]";
}

namespace {

struct Candidate {
  const Role* role;
  Definition def;
};

// One role's definitions of one layer, files merged in load order (a
// later file of defaults/main/ replaces a name of an earlier one).
std::vector<std::pair<std::string, Definition>> role_layer(const Role& role, Layer layer) {
  std::vector<std::pair<std::string, Definition>> out;
  std::unordered_map<std::string, size_t> at;
  bool kd = role.is_kubespray_defaults();
  LayerKind kind = layer == Layer::Defaults
                       ? (kd ? LayerKind::KubesprayDefaults : LayerKind::RoleDefaults)
                       : (kd ? LayerKind::KubesprayVars : LayerKind::RoleVars);
  std::string label = std::string(layer == Layer::Defaults ? "role defaults" : "role vars") + " (" +
                      role.name + ")";
  for (const auto& rf : role.files) {
    if (rf.layer != layer || !rf.auto_loaded) continue;
    for (const auto& vd : rf.file.vars) {
      Definition d{vd.value, Provenance{kind, label, role.name,
                                        Location{rf.file.path, vd.line, vd.column}}};
      auto it = at.find(vd.name);
      if (it != at.end()) {
        out[it->second].second = std::move(d);
      } else {
        at.emplace(vd.name, out.size());
        out.emplace_back(vd.name, std::move(d));
      }
    }
  }
  return out;
}

// The global-view rule of layers.h.
Definition pick_global(const std::vector<Candidate>& cs) {
  for (const auto& c : cs)
    if (c.role->is_kubespray_defaults()) return c.def;
  bool same = std::all_of(cs.begin(), cs.end(),
                          [&](const Candidate& c) { return c.def.value == cs[0].def.value; });
  if (same) return cs[0].def;
  std::string list;
  for (const auto& c : cs) {
    if (!list.empty()) list += ", ";
    list += c.role->name + " (" + c.def.from.where.str() + ")";
  }
  Definition d = cs[0].def;
  d.value = Value::unknown("ambiguous: defined differently by roles " + list +
                           "; choose a role scope (--role)");
  d.from.layer =
      d.from.kind == LayerKind::RoleVars ? "role vars (ambiguous)" : "role defaults (ambiguous)";
  d.from.role.clear();
  return d;
}

}  // namespace

Result<RoleLayers> RoleLayers::build(const KubesprayTree& tree, const RoleScope& scope) {
  RoleLayers out;
  std::vector<const Role*> order;
  if (const Role* kd = tree.kubespray_defaults()) order.push_back(kd);
  if (scope.empty()) {
    for (const auto& r : tree.roles())
      if (!r.is_kubespray_defaults()) order.push_back(&r);
  } else {
    for (const auto& name : scope) {
      const Role* r = tree.find_role(name);
      if (!r) return Error("no role '" + name + "' at " + tree.label());
      if (!r->is_kubespray_defaults()) order.push_back(r);
    }
  }
  std::set<std::string> seen;
  for (Layer layer : {Layer::Defaults, Layer::Vars}) {
    auto& table = layer == Layer::Defaults ? out.defaults_ : out.vars_;
    std::unordered_map<std::string, std::vector<Candidate>> cands;
    std::vector<std::string> first_order;
    for (const Role* r : order) {
      for (auto& [name, def] : role_layer(*r, layer)) {
        auto& v = cands[name];
        if (v.empty()) first_order.push_back(name);
        v.push_back(Candidate{r, std::move(def)});
      }
    }
    for (const auto& name : first_order) {
      const auto& cs = cands[name];
      table.emplace(name, scope.empty() ? pick_global(cs) : cs.back().def);
      if (seen.insert(name).second) out.names_.push_back(name);
    }
  }
  // Files only include_vars reads, for the roles in scope.
  for (const Role* r : order)
    for (const auto& rf : r->files)
      if (!rf.auto_loaded)
        for (const auto& vd : rf.file.vars) out.include_only_[vd.name].push_back(rf.file.path);
  return out;
}

const Definition* RoleLayers::defaults(std::string_view name) const {
  auto it = defaults_.find(std::string(name));
  return it == defaults_.end() ? nullptr : &it->second;
}

const Definition* RoleLayers::vars(std::string_view name) const {
  auto it = vars_.find(std::string(name));
  return it == vars_.end() ? nullptr : &it->second;
}

const std::vector<std::string>* RoleLayers::include_only(std::string_view name) const {
  auto it = include_only_.find(std::string(name));
  return it == include_only_.end() ? nullptr : &it->second;
}

std::vector<std::string> RoleLayers::role_names(const Role& role) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& rf : role.files) {
    if (!rf.auto_loaded) continue;
    for (const auto& vd : rf.file.vars)
      if (seen.insert(vd.name).second) out.push_back(vd.name);
  }
  return out;
}

}  // namespace ksm::vars
