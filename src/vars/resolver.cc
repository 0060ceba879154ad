// Lazy, memoized resolution of effective variables (see resolver.h).
#include "vars/resolver.h"

#include <algorithm>
#include <deque>
#include <functional>
#include <filesystem>
#include <regex>
#include <set>

#include "core/fs.h"
#include "core/json.h"
#include "inventory/layers.h"
#include "sources/knowledge.h"

namespace ksm::vars {

// ------------------------------------------------------------ known-ness

std::string first_unknown_reason(const Value& v) {
  switch (v.kind()) {
    case Kind::Undefined: return "undefined";
    case Kind::Unknown: return v.unknown_reason();
    case Kind::Vault: return "vault-encrypted";
    case Kind::List:
      for (const auto& e : v.as_list())
        if (auto r = first_unknown_reason(e); !r.empty()) return r;
      return "";
    case Kind::Map:
      for (const auto& [k, e] : v.as_map())
        if (auto r = first_unknown_reason(e); !r.empty()) return r;
      return "";
    default: return "";
  }
}

bool fully_known(const Value& v) { return first_unknown_reason(v).empty(); }

bool Resolved::known() const { return defined && fully_known(value); }

std::string Resolved::reason() const {
  if (!defined) return "undefined: no layer defines it";
  return first_unknown_reason(value);
}

// ------------------------------------------------------------ facts

Result<std::unordered_map<std::string, Map>> load_fact_cache(const std::string& dir) {
  std::unordered_map<std::string, Map> out;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return Error(dir + ": not a folder (--facts)");
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (name.empty() || name[0] == '.' || !e.is_regular_file()) continue;
    auto text = read_file(e.path());
    if (!text) return text.error();
    auto v = parse_json(*text, e.path().string());
    if (!v) return v.error();
    if (!v->is_map())
      return Error("not a JSON object (an Ansible jsonfile fact cache)",
                   Location{e.path().string()});
    out[name] = v->as_map();
  }
  if (ec) return Error(dir + ": " + ec.message());
  return out;
}

namespace {

// Connection and behaviour variables: `ansible_*` names that are not facts.
bool is_connection_var(std::string_view n) {
  static const std::set<std::string, std::less<>> exact = {
      "ansible_host", "ansible_port", "ansible_user", "ansible_password", "ansible_connection",
      "ansible_private_key_file", "ansible_pipelining", "ansible_timeout", "ansible_shell_type",
      "ansible_shell_executable", "ansible_module_compression", "ansible_remote_tmp",
      "ansible_keep_remote_files", "ansible_network_os", "ansible_group_priority",
      "ansible_async_dir", "ansible_host_key_checking", "ansible_connection_timeout",
      "ansible_remote_user", "ansible_play_batch", "ansible_limit"};
  if (exact.count(n)) return true;
  for (std::string_view p : {"ansible_ssh_", "ansible_become", "ansible_sudo", "ansible_su_",
                             "ansible_winrm_", "ansible_paramiko_", "ansible_httpapi_",
                             "ansible_netconf_", "ansible_psrp_", "ansible_docker_",
                             "ansible_kubectl_", "ansible_libssh_", "ansible_scp_",
                             "ansible_sftp_", "ansible_local_"})
    if (n.substr(0, p.size()) == p) return true;
  return n.size() > 12 && n.substr(n.size() - 12) == "_interpreter";
}

// Set by Ansible per play or run: not knowable from the inventory and the tag.
bool is_run_magic(std::string_view n) {
  static const std::set<std::string, std::less<>> names = {
      "playbook_dir", "play_hosts", "ansible_play_hosts", "ansible_play_hosts_all",
      "ansible_play_batch", "ansible_play_name", "ansible_play_role_names", "ansible_role_names",
      "ansible_dependent_role_names", "ansible_parent_role_names", "ansible_parent_role_paths",
      "role_name", "role_path", "role_names", "ansible_role_name", "ansible_collection_name",
      "ansible_version", "ansible_check_mode", "ansible_diff_mode", "ansible_forks",
      "ansible_run_tags", "ansible_skip_tags", "ansible_verbosity", "ansible_config_file",
      "ansible_playbook_python", "ansible_search_path", "ansible_inventory_sources",
      "ansible_loop", "ansible_loop_var", "ansible_index_var", "ansible_limit",
      "ansible_failed_task", "ansible_failed_result", "ansible_execution_engine",
      "environment"};
  return names.count(n) > 0;
}

bool is_fact_name(std::string_view n) {
  return n.substr(0, 8) == "ansible_" && !is_connection_var(n) && !is_run_magic(n);
}

Provenance magic(std::string what) {
  return Provenance{
      LayerKind::Magic, "magic variable" + (what.empty() ? "" : " (" + what + ")"), "", {}};
}

void collect_strings(const Value& v, std::vector<const std::string*>& out) {
  if (v.is_string()) {
    out.push_back(&v.as_string());
  } else if (v.is_list()) {
    for (const auto& e : v.as_list()) collect_strings(e, out);
  } else if (v.is_map()) {
    for (const auto& [k, e] : v.as_map()) collect_strings(e, out);
  }
}

// Ansible's HostVarsVars: templating with fail_on_undefined=False leaves a
// string whose template hits an undefined variable as it was.
Value template_lenient(HostView& view, const Value& raw,
                       const std::function<Value(const std::string&)>& tmpl) {
  if (raw.is_string()) {
    Value t = tmpl(raw.as_string());
    return jinja::is_undefined_error(t) ? raw : t;
  }
  if (raw.is_list()) {
    List out;
    for (const auto& e : raw.as_list()) out.push_back(template_lenient(view, e, tmpl));
    return Value(std::move(out));
  }
  if (raw.is_map()) {
    Map out;
    for (const auto& [k, e] : raw.as_map()) {
      out.set(k, template_lenient(view, e, tmpl));
      out.copy_key_type(raw.as_map(), k);
    }
    return Value(std::move(out));
  }
  return raw;
}

}  // namespace

// ------------------------------------------------------------ HostView

HostView::HostView(Resolver& r, std::optional<size_t> host, Mode mode)
    : r_(r), host_ix_(host), mode_(mode) {
  if (!host_ix_ || !r_.inv_) return;
  const auto& inv = *r_.inv_;
  const auto& h = inv.hosts()[*host_ix_];
  host_ = h.name;
  auto add = [](InventoryVars& to, const inventory::VarLayer& l) {
    std::string label = std::string(inventory::layer_kind_name(l.kind)) + " (" + l.entity + ")";
    for (const auto& [k, v] : l.vars) {
      auto w = l.where.find(k);
      to.set(k, v,
             Provenance{LayerKind::Inventory, label, "",
                        w != l.where.end() ? w->second : Location{l.file, 0, 0}});
    }
  };
  auto& shared = r_.group_vars_[inventory::sorted_host_groups(inv, *host_ix_)];
  if (!shared) {
    auto g = std::make_shared<InventoryVars>();
    for (const auto& l : inventory::host_layers(inv, *host_ix_, inventory::LayerScope::Groups))
      add(*g, l);
    shared = std::move(g);
  }
  group_vars_ = shared;
  bool host_level = false;
  for (const auto& l : inventory::host_layers(inv, *host_ix_, inventory::LayerScope::Host)) {
    add(host_vars_, l);
    if (l.vars.contains("inventory_file") || l.vars.contains("inventory_dir")) host_level = true;
  }
  // inventory_file/inventory_dir: set on the host when it is first added.
  if (!host_level && !h.declared.empty() && !h.declared.front().file.empty()) {
    // Where Ansible reads the file (an upgrade's produced inventory names
    // the operator's folder); a file with no place on disk as named.
    const inventory::InventoryFile* declared = inv.file(h.declared.front().file);
    std::filesystem::path file =
        declared && !declared->disk_path.empty()
            ? std::filesystem::path(declared->disk_path)
            : std::filesystem::absolute(h.declared.front().file).lexically_normal();
    Provenance p{LayerKind::Inventory, "inventory (the hosts file that first named the host)", "",
                 h.declared.front()};
    host_vars_.set("inventory_file", Value(file.string()), p);
    host_vars_.set("inventory_dir", Value(file.parent_path().string()), p);
  }
  auto f = r_.opts_.facts.find(host_);
  if (f != r_.opts_.facts.end()) {
    facts_ = &f->second;
    Map ns;
    for (const auto& [k, v] : *facts_)
      ns.set(k.rfind("ansible_", 0) == 0 && k != "ansible_local" ? k.substr(8) : k, v);
    ansible_facts_ = Value(std::move(ns));
  }
  if (mode_ == Mode::Full) {
    std::string key = facts_ ? "F" : "-";
    for (size_t g : inventory::sorted_host_groups(inv, *host_ix_)) key += std::to_string(g) + ',';
    std::vector<std::string> own;
    for (const auto& [k, v] : host_vars_.vars) own.push_back(k);
    std::sort(own.begin(), own.end());
    for (const auto& k : own) key += '\x1f' + k;
    class_memo_ = &r_.class_memo_[key];
  }
}

void HostView::taint() const {
  for (auto& t : taint_) t = 1;
}

std::optional<HostView::Found> HostView::find(std::string_view name) const {
  const bool full = mode_ == Mode::Full;
  const bool have_host = host_ix_.has_value() && r_.inv_;
  auto unknown = [&](std::string reason, std::string what) {
    return Found{Value::unknown(std::move(reason)), magic(std::move(what)), true};
  };
  // 5. magic variables
  if (name == "inventory_hostname" || name == "inventory_hostname_short" || name == "group_names") {
    if (!have_host) return unknown("depends on the host (no host given)", "");
    if (name == "inventory_hostname") {
      taint();
      return Found{Value(host_), magic(""), true};
    }
    if (name == "inventory_hostname_short") {
      taint();
      return Found{Value(host_.substr(0, host_.find('.'))), magic(""), true};
    }
    std::vector<std::string> gs;
    for (size_t g : r_.inv_->host_groups(*host_ix_))
      if (g != inventory::Inventory::kAll) gs.push_back(r_.inv_->groups()[g].name);
    std::sort(gs.begin(), gs.end());
    List l(gs.begin(), gs.end());
    return Found{Value(std::move(l)), magic(""), true};
  }
  if (name == "groups") {
    if (!r_.inv_) return unknown("depends on the inventory (none given)", "");
    return Found{r_.groups_value(), magic(""), true};
  }
  if (name == "hostvars" && full) {
    if (!r_.inv_) return unknown("depends on the inventory (none given)", "");
    return Found{r_.hostvars_value(), magic("inventory-level variables of every host"), true};
  }
  if (name == "omit")
    return unknown("omit: a per-run placeholder that leaves the module argument out", "");
  if (is_run_magic(name))
    return unknown(std::string(name) + " is set by Ansible per play or run", "");
  // 4. role vars
  if (full)
    if (const Definition* d = r_.roles_.vars(name)) return Found{d->value, d->from, false};
  // 3. facts
  if (facts_) {
    if (name == "ansible_facts") {
      taint();
      return Found{ansible_facts_, Provenance{LayerKind::Facts, "facts", "", {}}, true};
    }
    if (const Value* v = facts_->find(name)) {
      taint();
      return Found{*v, Provenance{LayerKind::Facts, "facts", "", {}}, true};
    }
  }
  // 2. inventory
  for (const InventoryVars* iv : {&host_vars_, group_vars_.get()}) {
    if (!iv) continue;
    if (const Value* v = iv->vars.find(name)) {
      if (iv == &host_vars_) taint();
      auto it = iv->from.find(std::string(name));
      return Found{*v, it != iv->from.end() ? it->second : Provenance{}, false};
    }
  }
  // 1. role defaults
  if (full)
    if (const Definition* d = r_.roles_.defaults(name)) return Found{d->value, d->from, false};
  if (full) {
    auto it = r_.opts_.implicit_defaults.find(std::string(name));
    if (it != r_.opts_.implicit_defaults.end())
      return Found{it->second.value, it->second.from, false};
  }
  if (full)
    if (const auto* files = r_.roles_.include_only(name)) {
      std::string list;
      for (const auto& f : *files) list += (list.empty() ? "" : ", ") + f;
      return Found{Value::unknown("set only by include_vars of OS-specific files at run time (" +
                                  list + ")"),
                   Provenance{LayerKind::RoleVars, "role vars (OS-specific, loaded at run time)",
                              "", Location{files->front(), 0, 0}},
                   true};
    }
  if (full) {
    auto rt = r_.opts_.runtime_names.find(std::string(name));
    if (rt != r_.opts_.runtime_names.end())
      return Found{
          Value::unknown(std::string(name) + " is set at run time (" + rt->second.str() + ")"),
          Provenance{LayerKind::Magic, "set at run time", "", rt->second}, true};
  }
  if (!facts_ && (name == "ansible_facts" || is_fact_name(name)))
    return unknown("fact " + std::string(name) + " is gathered at run time (pass --facts DIR)",
                   "fact");
  return std::nullopt;
}

Value HostView::template_string(const std::string& s) {
  return jinja::template_value(Value(s), *this);
}

namespace {
bool has_template(const Value& v) {
  if (v.is_string()) return jinja::is_possibly_template(v.as_string());
  if (v.is_list()) {
    for (const auto& e : v.as_list())
      if (has_template(e)) return true;
  } else if (v.is_map()) {
    for (const auto& [k, e] : v.as_map())
      if (has_template(e)) return true;
  }
  return false;
}
}  // namespace

Value HostView::template_tree(const Value& v) {
  if (v.is_string()) return template_string(v.as_string());
  // Containers without templates (checksum tables...) are shared, not rebuilt.
  if ((v.is_list() || v.is_map()) && !has_template(v)) return v;
  if (v.is_list()) {
    List out;
    out.reserve(v.as_list().size());
    for (const auto& e : v.as_list()) {
      Value t = template_tree(e);
      if (jinja::is_undefined_error(t)) return t;  // Ansible raises on the first
      out.push_back(std::move(t));
    }
    return Value(std::move(out));
  }
  if (v.is_map()) {
    Map out;
    for (const auto& [k, e] : v.as_map()) {
      Value t = template_tree(e);
      if (jinja::is_undefined_error(t)) return t;
      out.set(k, std::move(t));
      out.copy_key_type(v.as_map(), k);
    }
    return Value(std::move(out));
  }
  return v;
}

Resolved HostView::resolve(std::string_view name) {
  std::string n(name);
  if (auto it = memo_.find(n); it != memo_.end()) {
    if (tainted_.count(n)) taint();
    return it->second;
  }
  if (auto at = std::find(active_.begin(), active_.end(), n); at != active_.end()) {
    std::string chain;
    for (auto i = at; i != active_.end(); ++i) chain += *i + " -> ";
    chain += n;
    Resolved r;
    r.defined = true;
    if (auto f = find(name)) {
      r.from = f->from;
      r.raw = f->raw;
    }
    r.value = jinja::recursive_loop_error(": " + chain);
    taint();  // the chain depends on where the walk entered it: never shared
    return r;
  }
  if (class_memo_) {
    if (auto it = class_memo_->find(n); it != class_memo_->end()) {
      memo_.emplace(n, it->second);
      return it->second;
    }
  }
  Resolved r;
  taint_.push_back(0);
  auto f = find(name);
  if (!f) {
    taint_.pop_back();
    r.value = Value::undefined();
    memo_.emplace(n, r);
    return r;
  }
  r.defined = true;
  r.from = f->from;
  r.raw = f->raw;
  if (f->is_static) {
    r.value = f->raw;
  } else {
    active_.push_back(n);
    r.value = template_tree(f->raw);
    active_.pop_back();
  }
  bool host_specific = taint_.back() != 0;
  taint_.pop_back();
  if (host_specific) {
    tainted_.insert(n);
    taint();
  } else if (class_memo_) {
    class_memo_->emplace(n, r);
  }
  memo_.emplace(n, r);
  return r;
}

Value HostView::lookup(std::string_view name) {
  Resolved r = resolve(name);
  if (!r.defined || jinja::is_undefined_error(r.value)) return Value::undefined();
  return r.value;
}

Value HostView::lookup_raw(std::string_view name) {
  auto f = find(name);
  return f ? f->raw : Value::undefined();
}

std::optional<Value> HostView::lookup_member(std::string_view name, const Value& key) {
  // Only where find() would give the whole hostvars: a full view of an inventory.
  if (name != "hostvars" || mode_ != Mode::Full || !r_.inv_ || !key.is_string())
    return std::nullopt;
  const Value* h = r_.hostvars_of(key.as_string());
  if (!h) return std::nullopt;  // no such host: the whole value decides (undefined)
  return *h;
}

std::optional<Definition> HostView::definition(std::string_view name) const {
  auto f = find(name);
  if (!f) return std::nullopt;
  return Definition{f->raw, f->from};
}

std::vector<std::string> HostView::inventory_names() const {
  std::vector<std::string> out;
  auto keep = [](const std::string& k) { return k != "inventory_file" && k != "inventory_dir"; };
  if (group_vars_)
    for (const auto& [k, v] : group_vars_->vars)
      if (keep(k)) out.push_back(k);
  for (const auto& [k, v] : host_vars_.vars)
    if (keep(k) && (!group_vars_ || !group_vars_->vars.contains(k))) out.push_back(k);
  return out;
}

std::vector<std::string> HostView::depends(std::string_view name) {
  auto f = find(name);
  if (!f || f->is_static) return {};
  std::vector<const std::string*> strs;
  collect_strings(f->raw, strs);
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const std::string* s : strs) {
    if (!jinja::is_possibly_template(*s)) continue;
    auto it = r_.free_names_cache_.find(*s);
    if (it == r_.free_names_cache_.end()) {
      std::vector<std::string> names;
      if (auto t = jinja::parse_template(*s)) names = jinja::free_names(*t);
      it = r_.free_names_cache_.emplace(*s, std::move(names)).first;
    }
    for (const auto& d : it->second)
      if (seen.insert(d).second) out.push_back(d);
  }
  return out;
}

std::vector<std::string> HostView::dependents(const std::vector<std::string>& roots) {
  std::vector<std::string> names = r_.roles_.names();
  for (const auto& [n, d] : r_.opts_.implicit_defaults)
    if (!r_.roles_.defaults(n) && !r_.roles_.vars(n)) names.push_back(n);
  std::unordered_map<std::string, std::vector<std::string>> rdeps;  // dep -> readers
  for (const auto& n : names)
    for (const auto& d : depends(n)) rdeps[d].push_back(n);
  std::unordered_set<std::string> reached;
  std::deque<std::string> todo(roots.begin(), roots.end());
  while (!todo.empty()) {
    std::string cur = std::move(todo.front());
    todo.pop_front();
    auto it = rdeps.find(cur);
    if (it == rdeps.end()) continue;
    for (const auto& reader : it->second)
      if (reached.insert(reader).second) todo.push_back(reader);
  }
  std::vector<std::string> out;
  for (const auto& n : names)
    if (reached.count(n)) out.push_back(n);
  return out;
}

// ------------------------------------------------------------ Resolver

Resolver::Resolver(const KubesprayTree& tree, const inventory::Inventory* inv,
                   std::shared_ptr<const TreeLayers> layers, ResolverOptions opts)
    : tree_(tree),
      inv_(inv),
      layers_(std::move(layers)),
      roles_(layers_->roles),
      opts_(std::move(opts)),
      fact_names_(layers_->fact_names) {}

Result<std::shared_ptr<const TreeLayers>> TreeLayers::build(const KubesprayTree& tree,
                                                            const RoleScope& scope) {
  auto roles = RoleLayers::build(tree, scope);
  if (!roles) return roles.error();
  auto t = std::make_shared<TreeLayers>();
  t->roles = std::move(*roles);
  // Fact names the role templates read.
  static const std::regex fact_re(R"(\bansible_[A-Za-z0-9_]+)");
  std::set<std::string> facts;
  for (const auto& n : t->roles.names()) {
    for (const Definition* d : {t->roles.defaults(n), t->roles.vars(n)}) {
      if (!d) continue;
      std::vector<const std::string*> strs;
      collect_strings(d->value, strs);
      for (const std::string* s : strs) {
        if (s->find("ansible_") == std::string::npos) continue;
        for (auto it = std::sregex_iterator(s->begin(), s->end(), fact_re);
             it != std::sregex_iterator(); ++it)
          if (is_fact_name(it->str())) facts.insert(it->str());
      }
    }
  }
  t->fact_names.assign(facts.begin(), facts.end());
  return std::shared_ptr<const TreeLayers>(std::move(t));
}

Result<std::unique_ptr<Resolver>> Resolver::create(const KubesprayTree& tree,
                                                   const inventory::Inventory* inv,
                                                   ResolverOptions opts) {
  auto layers = TreeLayers::build(tree, opts.roles);
  if (!layers) return layers.error();
  return create_with(tree, inv, std::move(*layers), std::move(opts));
}

std::unique_ptr<Resolver> Resolver::create_with(const KubesprayTree& tree,
                                                const inventory::Inventory* inv,
                                                std::shared_ptr<const TreeLayers> layers,
                                                ResolverOptions opts) {
  return std::unique_ptr<Resolver>(new Resolver(tree, inv, std::move(layers), std::move(opts)));
}

Result<HostView*> Resolver::host(std::string_view name) {
  if (!inv_) return Error("no inventory given: no host '" + std::string(name) + "'");
  auto ix = inv_->host_index(name);
  if (!ix) return Error("no host named '" + std::string(name) + "' in the inventory");
  auto& slot = views_[std::string(name)];
  if (!slot) slot.reset(new HostView(*this, *ix, HostView::Mode::Full));
  return slot.get();
}

void Resolver::release(std::string_view host) { views_.erase(std::string(host)); }

HostView& Resolver::defaults_only() {
  if (!defaults_view_)
    defaults_view_.reset(new HostView(*this, std::nullopt, HostView::Mode::Full));
  return *defaults_view_;
}

std::optional<std::string> Resolver::default_host() const {
  if (!inv_ || inv_->hosts().empty()) return std::nullopt;
  for (const auto& g : kubespray().control_plane_groups()) {
    if (auto gi = inv_->group_index(g)) {
      auto hs = inv_->group_hosts(*gi);
      if (!hs.empty()) return inv_->hosts()[hs.front()].name;
    }
  }
  return inv_->hosts().front().name;
}

const Value& Resolver::groups_value() {
  if (!groups_) {
    Map m;
    for (size_t g = 0; g < inv_->groups().size(); ++g) {
      List hs;
      for (size_t h : inv_->group_hosts(g)) hs.push_back(Value(inv_->hosts()[h].name));
      m.set(inv_->groups()[g].name, Value(std::move(hs)));
    }
    groups_ = Value(std::move(m));
  }
  return *groups_;
}

Value Resolver::build_hostvars(size_t i) {
  HostView v(*this, i, HostView::Mode::InventoryOnly);
  Map m;
  auto tmpl = [&](const std::string& s) {
    // as HostView::resolve does for one string, under the host's own view
    return v.template_string(s);
  };
  std::vector<std::string> names = v.inventory_names();
  names.push_back("inventory_file");
  names.push_back("inventory_dir");
  for (const auto& n : names) {
    auto f = v.find(n);
    if (!f) continue;
    m.set(n, f->is_static ? f->raw : template_lenient(v, f->raw, tmpl));
  }
  if (v.facts_) {
    for (const auto& [k, val] : *v.facts_) m.set(k, val);
    m.set("ansible_facts", v.ansible_facts_);
  } else {
    for (const auto& fn : fact_names_)
      if (!m.contains(fn))
        m.set(fn, Value::unknown("fact " + fn + " of " + v.host_ +
                                 " is gathered at run time (pass --facts DIR)"));
  }
  for (const auto& [rn, where] : opts_.runtime_names)
    if (!m.contains(rn))
      m.set(rn,
            Value::unknown(rn + " of " + v.host_ + " is set at run time (" + where.str() + ")"));
  for (const char* n : {"inventory_hostname", "inventory_hostname_short", "group_names", "groups"})
    if (auto f = v.find(n)) m.set(n, f->raw);
  return Value(std::move(m));
}

const Value* Resolver::hostvars_of(const std::string& host) {
  if (!inv_) return nullptr;
  if (hostvars_) return hostvars_->get(host);
  auto it = hostvars_by_host_.find(host);
  if (it != hostvars_by_host_.end()) return &it->second;
  auto ix = inv_->host_index(host);
  if (!ix) return nullptr;
  return &hostvars_by_host_.emplace(host, build_hostvars(*ix)).first->second;
}

const Value& Resolver::hostvars_value() {
  if (!hostvars_) {
    Map all;
    for (size_t i = 0; i < inv_->hosts().size(); ++i) {
      const std::string& name = inv_->hosts()[i].name;
      auto it = hostvars_by_host_.find(name);
      all.set(name, it != hostvars_by_host_.end() ? it->second : build_hostvars(i));
    }
    hostvars_by_host_.clear();
    hostvars_ = Value(std::move(all));
  }
  return *hostvars_;
}

}  // namespace ksm::vars
