// EffectiveView over the inventory's per-host layers and a tag's defaults
// (see effective.h). With a clone, vars::Resolver answers (the engine of the
// `vars` command: role defaults and vars, inventory layers, magic variables
// and hostvars, provenance). Offline, a memoized context over versions/
// defaults and the inventory layers; kubespray-defaults wins over other
// roles' defaults for a name both define, as in the Resolver's global view.
#include "upgrade/effective.h"

#include <set>
#include <unordered_map>

#include "catalog/facts.h"
#include "inventory/layers.h"
#include "jinja/jinja.h"
#include "sources/kubespray_tree.h"
#include "vars/resolver.h"

namespace ksm::upgrade {

namespace {

// Variables of one host, templated lazily as Ansible does, each name at
// most once (memoized), a name met again while templating itself is a cycle.
class HostContext : public jinja::Context {
 public:
  explicit HostContext(Map vars) : vars_(std::move(vars)) {}
  Value lookup(std::string_view name) override {
    std::string key(name);
    if (auto c = cache_.find(key); c != cache_.end()) return c->second;
    const Value* raw = vars_.find(name);
    if (!raw) return Value::undefined();
    if (active_.count(key)) return jinja::recursive_loop_error("of '" + key + "'");
    active_.insert(key);
    Value v = jinja::template_value(*raw, *this);
    active_.erase(key);
    if (jinja::is_undefined_error(v)) v = Value::undefined();
    cache_.emplace(std::move(key), v);
    return v;
  }

 private:
  Map vars_;
  std::unordered_map<std::string, Value> cache_;
  std::set<std::string> active_;
};

struct DefaultDef {
  Value value;
  std::string source;
};

class View : public EffectiveView {
 public:
  View(const inventory::Inventory& inv, const KubesprayTree* tree, const catalog::TagFacts& facts)
      : inv_(inv), tag_(facts.tag()) {
    if (tree) {
      // Other roles first, kubespray-defaults last so it wins.
      auto add_role = [&](const Role& r) {
        for (const auto& f : r.files) {
          if (f.layer != Layer::Defaults || !f.auto_loaded) continue;
          for (const auto& d : f.file.vars)
            defaults_[d.name] = {d.value,
                                 f.file.path + ":" + std::to_string(d.line) + " @ " + tag_};
        }
      };
      for (const auto& r : tree->roles())
        if (!r.is_kubespray_defaults()) add_role(r);
      if (const Role* kd = tree->kubespray_defaults()) add_role(*kd);
    } else if (const Value* d = facts.raw().get("defaults"); d && d->is_map()) {
      for (const auto& [name, e] : d->as_map())
        defaults_[name] = {facts.default_value(name), facts.default_source(name)};
    }
    Map groups;
    for (const auto& g : inv.groups()) {
      List hosts;
      for (size_t h : inv.group_hosts(*inv.group_index(g.name)))
        hosts.push_back(Value(inv.hosts()[h].name));
      groups.set(g.name, Value(std::move(hosts)));
    }
    groups_ = Value(std::move(groups));
  }

  Effective get(const std::string& host, const std::string& name) override {
    auto hi = inv_.host_index(host);
    if (!hi) return {Value::unknown("no host '" + host + "' in the inventory"), ""};
    HostState& st = state(*hi);
    auto w = st.where.find(name);
    std::string source;
    if (w != st.where.end()) source = w->second.str();
    else if (auto d = defaults_.find(name); d != defaults_.end()) source = d->second.source;
    Value v = st.ctx->lookup(name);
    if (jinja::is_undefined_error(v)) v = Value::undefined();
    return {std::move(v), std::move(source)};
  }

 private:
  struct HostState {
    std::unique_ptr<HostContext> ctx;
    std::unordered_map<std::string, Location> where;
  };

  HostState& state(size_t h) {
    auto it = states_.find(h);
    if (it != states_.end()) return it->second;
    HostState st;
    Map vars;
    for (const auto& [k, d] : defaults_) vars.set(k, d.value);
    for (const auto& [k, v] : inventory::host_vars(inv_, h, &st.where)) vars.set(k, v);
    const auto& host = inv_.hosts()[h];
    vars.set("inventory_hostname", host.name);
    vars.set("inventory_hostname_short", host.name.substr(0, host.name.find('.')));
    List names;
    for (size_t g : inventory::sorted_host_groups(inv_, h))
      names.push_back(Value(inv_.groups()[g].name));
    vars.set("group_names", Value(std::move(names)));
    vars.set("groups", groups_);
    st.ctx = std::make_unique<HostContext>(std::move(vars));
    return states_.emplace(h, std::move(st)).first->second;
  }

  const inventory::Inventory& inv_;
  std::string tag_;
  std::unordered_map<std::string, DefaultDef> defaults_;
  Value groups_;
  std::unordered_map<size_t, HostState> states_;
};

// A clone at hand: the vars module's Resolver.
class ResolverView : public EffectiveView {
 public:
  ResolverView(std::unique_ptr<vars::Resolver> r, std::string tag)
      : r_(std::move(r)), tag_(std::move(tag)) {}
  Effective get(const std::string& host, const std::string& name) override {
    auto hv = r_->host(host);
    if (!hv) return {Value::unknown(hv.error().message), ""};
    vars::Resolved x = (*hv)->resolve(name);
    if (!x.defined) return {Value::undefined(), ""};
    Value v = x.value;
    if (jinja::is_undefined_error(v)) v = Value::undefined();
    bool role = x.from.kind != vars::LayerKind::Inventory &&
                x.from.kind != vars::LayerKind::Facts && x.from.kind != vars::LayerKind::Magic &&
                x.from.kind != vars::LayerKind::Implicit;
    std::string src = x.from.where.file.empty() ? x.from.layer : x.from.where.str();
    if (role) src += " @ " + tag_;
    return {std::move(v), std::move(src)};
  }

 private:
  std::unique_ptr<vars::Resolver> r_;
  std::string tag_;
};

}  // namespace

std::unique_ptr<EffectiveView> make_effective_view(const inventory::Inventory& inv,
                                                   const KubesprayTree* tree,
                                                   const catalog::TagFacts& facts,
                                                   std::shared_ptr<const vars::TreeLayers> layers) {
  if (tree && layers)
    return std::make_unique<ResolverView>(
        vars::Resolver::create_with(*tree, &inv, std::move(layers)), facts.tag());
  if (tree) {
    auto r = vars::Resolver::create(*tree, &inv, {});
    if (r) return std::make_unique<ResolverView>(std::move(*r), facts.tag());
  }
  return std::make_unique<View>(inv, tree, facts);
}

}  // namespace ksm::upgrade
