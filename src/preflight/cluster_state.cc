// Cluster-state files and live-value rules (see cluster_state.h).
#include "preflight/cluster_state.h"

#include <yaml-cpp/yaml.h>

#include "core/fs.h"
#include "core/yaml.h"

namespace ksm::preflight {

const Value* ClusterState::object(const std::string& kind, const std::string& name) const {
  for (const auto& o : objects) {
    const Value* k = o.get("kind");
    const Value* md = o.get("metadata");
    const Value* n = md ? md->get("name") : nullptr;
    if (k && k->is_string() && k->as_string() == kind && n && n->is_string() &&
        n->as_string() == name)
      return &o;
  }
  return nullptr;
}

namespace {

bool is_object(const Value& v) { return v.is_map() && v.get("kind") && v.get("apiVersion"); }

// A List / IPPoolList contributes its items; a single object itself.
ksm::Status add_objects(ClusterState& s, const Value& doc, const Location& where) {
  const Value* items = doc.get("items");
  if (items && items->is_list()) {
    for (const auto& it : items->as_list()) {
      if (!it.is_map() || !it.get("metadata")) continue;
      Value o = it;
      // calicoctl and kubectl write the item kind; fill it in from the list's when absent.
      if (!o.get("kind")) {
        std::string lk = doc.get("kind")->is_string() ? doc.get("kind")->as_string() : "";
        if (lk.size() > 4 && lk.compare(lk.size() - 4, 4, "List") == 0)
          o.map_mut().set("kind", lk.substr(0, lk.size() - 4));
      }
      s.objects.push_back(std::move(o));
    }
    return {};
  }
  if (!doc.get("metadata")) return Error("a Kubernetes object without metadata", where);
  s.objects.push_back(doc);
  return {};
}

}  // namespace

Result<ClusterState> parse_cluster_state(const std::string& text, const std::string& file) {
  ClusterState s;
  s.file = file;
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(std::string(strip_bom(text)));
  } catch (const YAML::Exception& e) {
    return Error("invalid YAML: " + e.msg, Location{file, e.mark.line + 1, e.mark.column + 1});
  }
  for (const auto& d : docs) {
    Location where{file, d.Mark().is_null() ? 0 : d.Mark().line + 1, 0};
    auto v = yaml_node_to_value(d, file);
    if (!v) return v.error();
    if (v->is_null()) continue;
    if (!v->is_map())
      return Error("a cluster-state document is a map (variables, or a Kubernetes object)", where);
    if (is_object(*v)) {
      if (auto st = add_objects(s, *v, where); !st) return st.error();
      continue;
    }
    for (const auto& [k, val] : v->as_map()) s.variables.set(k, val);
  }
  return s;
}

Result<ClusterState> load_cluster_state(const std::filesystem::path& path) {
  auto text = read_file(path);
  if (!text) return text.error();
  return parse_cluster_state(*text, path.string());
}

Result<std::vector<LiveValueRule>> parse_live_value_rules(const std::string& text,
                                                          const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(strip_bom(text)));
  } catch (const YAML::Exception& e) {
    return Error("invalid YAML: " + e.msg, Location{file, e.mark.line + 1, e.mark.column + 1});
  }
  std::vector<LiveValueRule> rules;
  YAML::Node list = root["live_values"];
  if (!list || !list.IsSequence())
    return Error("expected a live_values: list", Location{file, 1, 1});
  for (const auto& n : list) {
    Location where{file, n.Mark().is_null() ? 0 : n.Mark().line + 1, 0};
    auto v = yaml_node_to_value(n, file);
    if (!v) return v.error();
    auto str = [&](const char* key) -> std::string {
      const Value* x = v->get(key);
      return x && x->is_string() ? x->as_string() : "";
    };
    LiveValueRule r;
    r.where = where;
    r.name = str("name");
    if (r.name.empty()) return Error("a live value without a name", where);
    r.reads = str("reads");
    r.source = str("source");
    r.when = str("when");
    r.caveat = str("caveat");
    if (const Value* val = v->get("value")) r.value = *val;
    else return Error("live value " + r.name + " has no value template", where);
    if (const Value* cs = v->get("cluster_state"); cs && cs->is_map()) {
      if (const Value* k = cs->get("kind"); k && k->is_string()) r.state_kind = k->as_string();
      if (const Value* nm = cs->get("name"); nm && nm->is_string()) r.state_name = nm->as_string();
    }
    if (const Value* f = v->get("fields"); f && f->is_map())
      for (const auto& [path, var] : f->as_map())
        if (var.is_string()) r.fields[path] = var.as_string();
    rules.push_back(std::move(r));
  }
  return rules;
}

const Value* value_at_path(const Value& v, const std::string& dotted) {
  const Value* cur = &v;
  size_t start = 0;
  while (cur) {
    size_t dot = dotted.find('.', start);
    cur =
        cur->get(dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return cur;
}

}  // namespace ksm::preflight
