// The restructure interpreter (see restructure.h).
#include "upgrade/restructure.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/json.h"
#include "core/paths.h"
#include "core/yaml.h"
#include "core/fs.h"
#include "inventory/layers.h"
#include "jinja/jinja.h"
#include "merge/yaml_edit.h"
#include "schema/object_names.h"

namespace fs = std::filesystem;

namespace ksm::upgrade {

namespace {

// A path segment: a key, a `{name}` walk/placeholder, `[]`, or `[?expr]`.
struct Seg {
  enum Kind { Key, Placeholder, Append, Select } kind;
  std::string text;
};

std::vector<Seg> parse_path(const std::string& p) {
  std::vector<Seg> out;
  size_t i = 0;
  while (i < p.size()) {
    if (p[i] == '.') { ++i; continue; }
    if (p[i] == '{') {
      size_t e = p.find('}', i);
      out.push_back({Seg::Placeholder, p.substr(i + 1, e - i - 1)});
      i = e == std::string::npos ? p.size() : e + 1;
    } else if (p.compare(i, 2, "[]") == 0) {
      out.push_back({Seg::Append, ""});
      i += 2;
    } else if (p.compare(i, 2, "[?") == 0) {
      size_t e = p.find(']', i);
      out.push_back({Seg::Select, p.substr(i + 2, e - i - 2)});
      i = e == std::string::npos ? p.size() : e + 1;
    } else {
      size_t e = p.find_first_of(".{[", i);
      out.push_back({Seg::Key, p.substr(i, e == std::string::npos ? std::string::npos : e - i)});
      i = e == std::string::npos ? p.size() : e;
    }
  }
  return out;
}

bool plain_name(const std::string& p) { return p.find_first_of(".{[") == std::string::npos; }

// Variables of one walked item, layered over the old variables and the host's effective values.
class ItemContext : public jinja::Context {
 public:
  ItemContext(const Map& item, const Map& bindings, const Map& old, EffectiveView& view,
              const std::string& host)
      : item_(item), bindings_(bindings), old_(old), view_(view), host_(host) {}
  Value lookup(std::string_view n) override {
    if (const Value* v = item_.find(n)) return *v;
    if (const Value* v = bindings_.find(n)) return *v;
    if (const Value* v = old_.find(n)) return *v;
    return view_.get(host_, std::string(n)).value;
  }

 private:
  const Map& item_;
  const Map& bindings_;
  const Map& old_;
  EffectiveView& view_;
  const std::string& host_;
};

Value eval(const std::string& expr, jinja::Context& ctx) {
  auto t = jinja::parse_expression(expr, "mapping");
  if (!t) return Value::unknown("cannot evaluate '" + expr + "': " + t.error().message);
  return jinja::render(*t, ctx);
}

// True when `expr` reads the variable `name`.
bool reads(const std::string& expr, const std::string& name) {
  auto t = jinja::parse_expression(expr, "mapping");
  if (!t) return false;
  auto names = jinja::free_names(*t);
  return std::find(names.begin(), names.end(), name) != names.end();
}

struct Walked {
  Value value;
  Map item;  // `name` and the fields of the item walked
};

void walk(const Value& v, const std::vector<Seg>& segs, size_t i, Map item,
          std::vector<Walked>& out) {
  if (i == segs.size()) {
    out.push_back({v, std::move(item)});
    return;
  }
  const Seg& s = segs[i];
  auto fields = [](Map base, const Value& x) {
    if (x.is_map())
      for (const auto& [k, f] : x.as_map()) base.set(k, f);
    return base;
  };
  switch (s.kind) {
    case Seg::Key:
      if (const Value* n = v.get(s.text)) walk(*n, segs, i + 1, item, out);
      return;
    case Seg::Placeholder:
      if (!v.is_map()) return;
      for (const auto& [k, x] : v.as_map()) {
        Map it = fields(item, x);
        it.set(s.text, Value(k));
        walk(x, segs, i + 1, std::move(it), out);
      }
      return;
    case Seg::Append:
    case Seg::Select:
      if (!v.is_list()) return;
      for (const auto& x : v.as_list()) walk(x, segs, i + 1, fields(item, x), out);
      return;
  }
}

// Sets `value` at `segs` under `root` (a map of new variables).
bool assign(Map& root, const std::vector<Seg>& segs, const Value& value, const Map& names,
            bool ensure_map, std::string& why) {
  Value holder(root);
  // Walk with explicit pointers into a copy, then store back.
  std::vector<std::string> keys;
  bool append = false;
  for (size_t i = 0; i < segs.size(); ++i) {
    const Seg& s = segs[i];
    if (s.kind == Seg::Key) keys.push_back(s.text);
    else if (s.kind == Seg::Placeholder) {
      const Value* n = names.find(s.text);
      if (!n || !n->is_string()) { why = "no value for {" + s.text + "}"; return false; }
      keys.push_back(n->as_string());
    } else if (s.kind == Seg::Append && i + 1 == segs.size()) append = true;
    else { why = "unsupported target path"; return false; }
  }
  if (keys.empty()) { why = "empty target"; return false; }
  Map* m = &holder.map_mut();
  for (size_t i = 0; i + 1 < keys.size(); ++i) {
    Value& next = (*m)[keys[i]];
    if (!next.is_map()) next = Value::map();
    m = &next.map_mut();
  }
  Value& slot = (*m)[keys.back()];
  if (append) {
    if (!slot.is_list()) slot = Value::list();
    for (const auto& e : slot.as_list())
      if (e == value) { root = holder.as_map(); return true; }
    slot.list_mut().push_back(value);
  } else if (ensure_map) {
    if (!slot.is_map()) slot = Value::map();
  } else {
    slot = value;
  }
  root = holder.as_map();
  return true;
}

}  // namespace

Result<Map> compute_restructure(const schema::Restructure& rule, const Map& old_vars,
                                EffectiveView& view, const std::string& host, Hop& hop) {
  Map result, bindings;
  auto review = [&](std::string msg) {
    hop.notes.push_back(Note{NoteLevel::Review, rule.id + ": " + std::move(msg), rule.where.str()});
  };
  for (const auto& m : rule.mapping) {
    Map empty;
    ItemContext top(empty, bindings, old_vars, view, host);
    // Bind the old variable's value for later placeholders and conditions:
    // its own value, or the mapping's expression when that expression is a
    // defaulting of the variable itself (`metallb_pool_name | default(...)`).
    // A mapping whose value computes something else (the layer2 list's pool
    // name, from metallb_protocol) must not rebind the old name to it.
    if (plain_name(m.from) && !bindings.contains(m.from)) {
      Value v = old_vars.find(m.from) ? *old_vars.find(m.from) : Value::undefined();
      if (!m.value.empty() && reads(m.value, m.from)) v = eval(m.value, top);
      if (!v.is_undefined()) bindings.set(m.from, v);
    }
    if (m.to.empty()) {
      std::string root = parse_path(m.from).empty() ? m.from : parse_path(m.from).front().text;
      if (old_vars.contains(root) && !m.note.empty()) review(m.from + ": " + m.note);
      continue;
    }
    auto from = parse_path(m.from);
    if (from.empty() || from.front().kind != Seg::Key) continue;
    const Value* root = old_vars.find(from.front().text);
    Value start = root ? *root : Value::undefined();
    std::vector<Walked> items;
    if (!root && !m.value.empty() && from.size() == 1) items.push_back({Value::undefined(), Map{}});
    else if (root) walk(start, from, 1, Map{}, items);
    auto to = parse_path(m.to);
    bool key_only = !to.empty() && to.back().kind == Seg::Placeholder && plain_name(m.from);
    for (auto& w : items) {
      ItemContext ctx(w.item, bindings, old_vars, view, host);
      if (!m.when.empty()) {
        Value c = eval(m.when, ctx);
        if (c.is_unknown()) {
          review("cannot decide '" + m.when + "': " + c.unknown_reason());
          continue;
        }
        if (!c.is_bool() || !c.as_bool()) continue;
      }
      Value v = m.value.empty() ? w.value : eval(m.value, ctx);
      if (v.is_unknown()) {
        review(fmt::format("{} -> {}: {}{}", m.from, m.to, v.unknown_reason(),
                           m.note.empty() ? "" : "; " + m.note));
        continue;
      }
      if (v.is_undefined()) continue;
      Map names = bindings;
      for (const auto& [k, x] : w.item) names.set(k, x);
      // A placeholder nothing names (a key the operator chooses): number it.
      for (const auto& s : to) {
        if (s.kind == Seg::Placeholder && !names.find(s.text)) {
          std::string base =
              s.text.ends_with("_name") ? s.text.substr(0, s.text.size() - 5) : s.text;
          names.set(s.text, Value(base + std::to_string(1 + (&w - items.data()))));
          review(fmt::format("{}: named {{{}}} '{}'; rename it as you like. {}", m.to, s.text,
                             names.find(s.text)->as_string(), m.note));
        }
      }
      std::string why;
      if (!assign(result, to, v, names, key_only, why)) review(m.to + ": " + why);
    }
  }
  return result;
}

namespace {

// A manifest to apply before the upgrade (schemas/manifests/<id>.yml),
// rendered with the new values and kept beside the inventory (never in it).
Status write_manifest(const schema::Restructure& rule, const Map& old_vars, const Map& computed,
                      EffectiveView& view, const std::string& host, Workspace& ws, Hop& hop) {
  fs::path manifest = schemas_dir() / "manifests" / (rule.id + ".yml");
  if (!fs::exists(manifest)) return {};
  auto text = read_file(manifest);
  if (!text) return text.error();
  auto spec = parse_yaml(*text, manifest.string());
  if (!spec) return spec.error();
  const Value* file = spec->get("file");
  const Value* tmpl = spec->get("template");
  if (!file || !file->is_string() || !tmpl || !tmpl->is_string())
    return Error("manifest needs 'file' and 'template'", Location{manifest.string()});
  auto t = jinja::parse_template(tmpl->as_string(), manifest.string());
  if (!t) return t.error();
  Map empty;
  Map vars = old_vars;
  for (const auto& [k, v] : computed) vars.set(k, v);
  ItemContext ctx(empty, vars, old_vars, view, host);
  Value out = jinja::render(*t, ctx);
  if (!out.is_string()) {
    hop.notes.push_back(Note{NoteLevel::Review,
                             rule.id + ": cannot render " + file->as_string() + ": " +
                                 (out.is_unknown() ? out.unknown_reason() : "not text"),
                             manifest.string()});
    return {};
  }
  ws.put_beside(file->as_string(), out.as_string());
  Change c;
  c.kind = ChangeKind::Write;
  c.file = file->as_string();  // the caller names the folder once it is chosen (place_beside)
  c.reason = spec->get("why") && spec->get("why")->is_string() ? spec->get("why")->as_string()
                                                              : "manifest for " + rule.id;
  c.source = "schemas/manifests/" + rule.id + ".yml";
  hop.changes.push_back(std::move(c));
  return {};
}

// The first object_names path (with the key filled in) where `name` is.
std::string object_name_path(const schema::Restructure& rule, const Map& computed,
                             const std::string& name) {
  for (const auto& p : rule.object_names) {
    auto names = schema::names_at(computed, p);
    if (std::find(names.begin(), names.end(), name) == names.end()) continue;
    return p.ends_with(".{}") ? p.substr(0, p.size() - 2) + name : p;
  }
  return rule.to.front();
}

// Keys and entries Kubespray renders as Kubernetes object names, made valid
// DNS-1123 subdomains in `computed`, each mapping reported.
void valid_object_names(const schema::Restructure& rule, Map& computed, const std::string& file,
                        const std::string& source, Hop& hop) {
  std::vector<std::string> names;
  for (const auto& p : rule.object_names) {
    auto at = schema::names_at(computed, p);
    names.insert(names.end(), at.begin(), at.end());
  }
  auto plan = schema::plan_object_names(names);
  if (plan.empty()) return;
  for (const auto& p : rule.object_names) schema::rename_at(computed, p, plan);
  std::vector<Change> changes;
  for (const auto& m : plan)
    changes.push_back(Change{
        .kind = ChangeKind::ObjectName,
        .file = file,
        .variable = object_name_path(rule, computed, m.to),
        .old_value = Value(m.from),
        .new_value = Value(m.to),
        .reason = fmt::format(
            "Kubespray names a Kubernetes object after it and the API server accepts only a "
            "DNS-1123 "
            "subdomain (lowercase letters, digits, '-' and '.', starting and ending with a letter "
            "or "
            "digit, at most 253 characters): '{}' would be refused{}. Whatever names it outside "
            "the "
            "inventory (a Service annotation selecting the pool) must use '{}'",
            m.from, m.disambiguated ? "; another name maps to the same, hence the suffix" : "",
            m.to),
        .source = source});
  std::string list;
  for (const auto& m : plan) list += (list.empty() ? "" : ", ") + m.from + " -> " + m.to;
  hop.notes.push_back(
      Note{NoteLevel::Review,
           fmt::format("{}: renamed to valid Kubernetes object names: {}; update what "
                       "refers to the old names",
                       rule.id, list),
           rule.where.str()});
  hop.changes.insert(hop.changes.end(), changes.begin(), changes.end());
}

}  // namespace

Status apply_restructure(const schema::Restructure& rule, Workspace& ws,
                         const inventory::Inventory& before, EffectiveView& view,
                         const std::string& to_tag, Hop& hop) {
  if (before.hosts().empty()) return {};
  // The old variables the operator sets (first host: these are group-wide settings).
  std::unordered_map<std::string, Location> where;
  Map all = inventory::host_vars(before, 0, &where);
  Map old_vars;
  std::vector<std::pair<std::string, std::string>> places;  // variable, file
  for (const auto& name : rule.from) {
    if (const Value* v = all.find(name)) {
      old_vars.set(name, *v);
      places.emplace_back(name, where.count(name) ? where[name].file : "");
    }
  }
  if (old_vars.empty()) return {};
  const std::string host = before.hosts().front().name;
  for (const auto& t : rule.to) {
    if (all.contains(t)) {
      hop.notes.push_back(
          Note{NoteLevel::Review,
               fmt::format("{}: {} is already set; the old variables ({}) were left for you to "
                           "reconcile",
                           rule.id, t, places.front().first),
               rule.where.str()});
      return {};
    }
  }
  auto computed = compute_restructure(rule, old_vars, view, host, hop);
  if (!computed) return computed.error();
  for (const auto& [name, file] : places) {
    if (!file.empty() && ws.has_file(file) && is_sops(*ws.text(file))) {
      hop.notes.push_back(
          Note{NoteLevel::Review,
               fmt::format("{}: {} is set in the SOPS-encrypted {}, which is left byte-identical; "
                           "write {} with `sops {}`",
                           rule.id, name, file, fmt::join(rule.to, ", "), file),
               rule.where.str()});
      return {};
    }
  }
  std::string target = places.front().second;
  if (target.empty() || !ws.has_file(target)) {
    hop.notes.push_back(Note{NoteLevel::Review,
                             rule.id + ": the old variables are set in the hosts file; write " +
                                 fmt::format("{}", fmt::join(rule.to, ", ")) + " by hand",
                             rule.where.str()});
    return {};
  }
  std::string source = rule.where.str() + (rule.source.empty() ? "" : " (" + rule.source + ")");
  valid_object_names(rule, *computed, target, source, hop);
  // Comment out the old variables (with a note), then write the new ones.
  for (const auto& [name, file] : places) {
    if (file.empty() || !ws.has_file(file)) continue;
    auto doc = merge::YamlDoc::parse(*ws.text(file));
    merge::RemoveOptions ro;
    ro.note = fmt::format("{} is no longer read at {}: see {} below (kubespray-migrate)", name,
                          to_tag, fmt::join(rule.to, ", "));
    auto rec = doc.remove(name, ro);
    if (!rec) return rec.error().context(file);
    ws.put(file, doc.render());
    hop.changes.push_back(Change{.kind = ChangeKind::Restructure,
                                 .file = file,
                                 .line = rec->line,
                                 .variable = name,
                                 .old_value = *old_vars.find(name),
                                 .reason = "commented out: " + rule.reason,
                                 .source = source});
  }
  for (const auto& [name, value] : *computed) {
    auto doc = merge::YamlDoc::parse(*ws.text(target));
    merge::InsertOptions io;
    io.comment = fmt::format("{}: restructured by kubespray-migrate from {} for {}", name,
                             fmt::join(rule.from, ", "), to_tag);
    auto rec = doc.upsert(name, value, io);
    if (!rec) return rec.error().context(target);
    ws.put(target, doc.render());
    hop.changes.push_back(Change{.kind = ChangeKind::Restructure,
                                 .file = target,
                                 .line = rec->line,
                                 .variable = name,
                                 .new_value = value,
                                 .reason = rule.reason,
                                 .source = source});
  }
  return write_manifest(rule, old_vars, *computed, view, host, ws, hop);
}

}  // namespace ksm::upgrade
