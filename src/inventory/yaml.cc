// The YAML hosts-file reader (see yaml.h), following yaml.py's _parse_group,
// over the YamlTree of the file (or yaml-cpp's node graph when it has aliases).
#include "inventory/yaml.h"

#include <yaml-cpp/yaml.h>

#include <optional>
#include <unordered_map>

#include "core/yaml.h"
#include "core/yaml_views.h"
#include "inventory/hostpattern.h"

namespace ksm::inventory {

Value plain_scalar(const std::string& s) {
  if (s.empty()) return yaml11_scalar(s);
  char c = s[0];
  bool numeric_start = (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
  if (!numeric_start) {
    // Ints and floats start with a digit, a sign or a dot; the rest that is
    // not a string is one of YAML 1.1's null and bool words.
    static constexpr std::string_view kWords[] = {
        "~",   "null", "Null", "NULL", "yes", "Yes",   "YES",   "true",  "True", "TRUE",
        "on",  "On",   "ON",   "no",   "No",  "NO",    "false", "False", "FALSE", "off",
        "Off", "OFF"};
    for (std::string_view w : kWords)
      if (s == w) return yaml11_scalar(s);
    return Value(s);
  }
  // The characters of YAML 1.1 ints and floats (binary, octal, hex,
  // base 60, exponents, .inf/.nan), and at most one dot.
  int dots = 0;
  for (char d : s) {
    if (d == '.') ++dots;
    else if (!((d >= '0' && d <= '9') ||
               std::string_view("_+-:abcdefABCDEFxinIN").find(d) != std::string_view::npos))
      return Value(s);
  }
  if (dots > 1) return Value(s);
  return yaml11_scalar(s);
}

namespace {

// The two forms a hosts file is read from, asked the same questions. The
// YamlTree (load_yaml_tree) is the fast one. yaml-cpp's node graph stays for
// documents with aliases: there the reader's assignments of YAML::Node
// (a repeated key's last value, `hosts: name` made a mapping) rebind the
// node itself, which every alias of it then sees, and only the graph does
// that exactly as before. Each is a view of core/yaml_views.h with what this
// reader adds: conversion, a `{name: null}` map made for `hosts: name`, a
// key looked up by name.
struct GraphDoc : GraphView {
  Result<Value> to_value(const Ref& n, std::vector<Error>* warnings) const {
    return yaml_node_to_value(n, file, warnings);
  }
  static Ref single_null_map(const std::string& key) {
    YAML::Node m(YAML::NodeType::Map);
    m[key] = YAML::Node(YAML::NodeType::Null);
    return m;
  }
  // The value of the first scalar key `name` (yaml-cpp's const operator[]).
  static std::optional<Ref> find(const Ref& map, const char* name) {
    const YAML::Node& c = map;
    if (c[name]) return c[name];
    return std::nullopt;
  }
};

struct TreeDoc : TreeView {
  YamlTree& mut;  // the same tree, which single_null_map adds to
  Result<Value> to_value(Ref n, std::vector<Error>* warnings) const {
    return yaml_tree_to_value(t, n, file, warnings);
  }
  Ref single_null_map(const std::string& key) { return mut.add_single_null_map(key); }
  std::optional<Ref> find(Ref map, const char* name) const {
    for (size_t i = 0, e = t.size(map); i < e; ++i)
      if (t.is_scalar(t.key(map, i)) && t.scalar(t.key(map, i)) == name) return t.value(map, i);
    return std::nullopt;
  }
};

template <class Ref>
struct Entry {
  std::string key;  // as Python would hold it (str() of a non-string key)
  bool key_is_string = true;
  Ref key_node;
  Ref value;
};

template <class Doc>
class YamlReader {
 public:
  using Ref = typename Doc::Ref;
  YamlReader(Doc& doc, Inventory& inv, InventoryFile& file) : doc_(doc), inv_(inv), file_(file) {}

  Location loc(const Ref& n) const { return doc_.loc(n); }

  // yaml_node_to_value, with plain scalars typed by plain_scalar.
  Result<Value> node_value(const Ref& n) {
    if (doc_.is_scalar(n) && doc_.tag(n) == "?") return plain_scalar(doc_.scalar(n));
    return doc_.to_value(n, &inv_.warnings);
  }

  // A key as Python holds it.
  Entry<Ref> entry(const Ref& k, const Ref& v) const {
    Entry<Ref> e;
    e.key_node = k;
    e.value = v;
    if (doc_.is_scalar(k)) {
      e.key = doc_.scalar(k);
      if (doc_.tag(k) == "?") {
        Value kv = plain_scalar(e.key);
        if (!kv.is_string()) {
          e.key_is_string = false;
          e.key = kv.is_null() ? "None" : to_python_str(kv);
        }
      }
    } else {
      e.key_is_string = false;
      auto kv = doc_.to_value(k, nullptr);
      e.key = kv ? to_python_str(*kv) : "?";
    }
    return e;
  }

  // A mapping's entries in document order; a repeated key keeps its first
  // place and its last value (a Python dict), with a warning.
  std::vector<Entry<Ref>> entries(const Ref& map) {
    std::vector<Entry<Ref>> out;
    out.reserve(doc_.size(map));
    std::unordered_map<std::string, size_t> ix;
    doc_.each_pair(map, [&](const Ref& k, const Ref& v) {
      Entry<Ref> e = entry(k, v);
      // small mappings (a host's variables) are searched, big ones indexed
      size_t at = out.size();
      if (out.size() < 16) {
        for (size_t i = 0; i < out.size(); ++i)
          if (out[i].key == e.key) at = i;
      } else {
        if (ix.empty())
          for (size_t i = 0; i < out.size(); ++i) ix.emplace(out[i].key, i);
        auto [it, fresh] = ix.emplace(e.key, out.size());
        at = it->second;
      }
      if (at == out.size()) {
        out.push_back(std::move(e));
      } else {
        inv_.warnings.push_back(
            Error("duplicate key '" + e.key + "': the last value wins", loc(k)));
        out[at].value = e.value;
      }
    });
    return out;
  }

  void key(std::string path, const Ref& n) {
    Location l = loc(n);
    file_.yaml_keys.push_back(YamlKey{std::move(path), l.line, l.column});
  }

  const char* type_name(const Ref& n) const {
    if (doc_.is_sequence(n)) return "<class 'list'>";
    if (doc_.is_scalar(n)) return "<class 'str'>";
    return "<class 'dict'>";
  }

  // `hosts: node1` means {node1: None}; any other section that is not a
  // mapping (or null) is an error.
  Status check_sections(std::vector<Entry<Ref>>& items, const std::string& name) {
    for (auto& it : items) {
      if (it.key != "vars" && it.key != "children" && it.key != "hosts") continue;
      if (doc_.is_scalar(it.value) && doc_.tag(it.value) != "!vault") {
        Value v = doc_.tag(it.value) == "?" ? plain_scalar(doc_.scalar(it.value))
                                            : Value(doc_.scalar(it.value));
        if (v.is_string()) {
          it.value = doc_.single_null_map(doc_.scalar(it.value));
          continue;
        }
      }
      if (!(doc_.is_map(it.value) || doc_.is_null(it.value)))
        return Error("Invalid \"" + it.key + "\" entry for \"" + name +
                         "\" group, requires a dictionary, found \"" + type_name(it.value) +
                         "\" instead.",
                     loc(it.value));
    }
    return {};
  }

  Result<std::string> group(const Entry<Ref>& e, const std::string& path) {
    const std::string& name = e.key;
    const Ref& data = e.value;
    key(path, e.key_node);
    if (!(doc_.is_map(data) || doc_.is_null(data))) {
      inv_.warnings.push_back(Error(
          "Skipping '" + name + "' as this is not a valid group definition", loc(e.key_node)));
      return name;
    }
    if (!e.key_is_string || name.empty())
      return Error(
          "Unable to add group " + name + ": Invalid group name supplied, expected a string",
          loc(e.key_node));
    size_t g = inv_.add_group(name, loc(e.key_node));
    if (doc_.is_null(data)) return name;
    auto items = entries(data);
    if (auto st = check_sections(items, name); !st) return st.error();
    for (const auto& it : items) {
      std::string sub = path + "/" + it.key;
      if (!(doc_.is_map(it.value) || doc_.is_null(it.value))) {
        inv_.warnings.push_back(
            Error("Skipping key (" + it.key + ") in group (" + name + ") as it is not a mapping",
                  loc(it.key_node)));
        continue;
      }
      key(sub, it.key_node);
      if (doc_.is_null(it.value)) continue;
      Status st;
      if (it.key == "vars")
        st = group_vars(g, it.value, sub);
      else if (it.key == "children")
        st = children(g, it.value, sub);
      else if (it.key == "hosts")
        st = hosts(g, it.value, sub);
      else
        inv_.warnings.push_back(Error("Skipping unexpected key (" + it.key + ") in group (" + name +
                                          "), only \"vars\", \"children\" and \"hosts\" are valid",
                                      loc(it.key_node)));
      if (!st) return st.error();
    }
    return name;
  }

  Status group_vars(size_t g, const Ref& map, const std::string& sub) {
    for (const auto& v : entries(map)) {
      auto val = node_value(v.value);
      if (!val) return val.error();
      key(sub + "/" + v.key, v.key_node);
      inv_.set_group_var(g, v.key, std::move(*val), loc(v.key_node));
    }
    return {};
  }

  Status children(size_t g, const Ref& map, const std::string& sub) {
    for (const auto& c : entries(map)) {
      auto child = group(c, sub + "/" + c.key);
      if (!child) return child.error();
      auto ci = inv_.group_index(*child);
      if (!ci) {
        if (!inv_.host_index(*child))
          return Error(*child + " is not a known host nor group", loc(c.key_node));
        inv_.add_host(*child, g, std::nullopt);  // Ansible adds a known host as a member
        continue;
      }
      if (auto st = inv_.add_child(g, *ci); !st) return Error(st.error().message, loc(c.key_node));
    }
    return {};
  }

  // A host entry's variables: `value or {}`, falsy values mean none.
  Status host_vars(const Entry<Ref>& h, const std::string& hpath, Map& vars,
                   std::vector<std::pair<std::string, Location>>& where) {
    if (doc_.is_map(h.value)) {
      for (const auto& v : entries(h.value)) {
        auto val = node_value(v.value);
        if (!val) return val.error();
        key(hpath + "/" + v.key, v.key_node);
        vars.set(v.key, std::move(*val));
        where.emplace_back(v.key, loc(v.key_node));
      }
    } else if (!doc_.is_null(h.value)) {
      auto val = doc_.to_value(h.value, nullptr);
      if (!val) return val.error();
      const Value& x = *val;
      bool falsy = (x.is_string() && x.as_string().empty()) || (x.is_bool() && !x.as_bool()) ||
                   (x.is_int() && x.as_int() == 0) || (x.is_float() && x.as_float() == 0) ||
                   (x.is_list() && x.as_list().empty()) || x.is_null();
      if (!falsy)
        return Error("Invalid data from file, expected dictionary and got: " + to_python_str(x),
                     loc(h.value));
    }
    return {};
  }

  Status hosts(size_t g, const Ref& map, const std::string& sub) {
    for (const auto& h : entries(map)) {
      if (!h.key_is_string)
        return Error("Host pattern " + h.key +
                         " must be a string. Enclose integers/floats in quotation marks.",
                     loc(h.key_node));
      auto hp = expand_host_pattern(h.key);
      if (!hp) return Error(hp.error().message, loc(h.key_node));
      std::string hpath = sub + "/" + h.key;
      key(hpath, h.key_node);
      Map vars;
      std::vector<std::pair<std::string, Location>> where;
      if (auto st = host_vars(h, hpath, vars, where); !st) return st;
      for (const auto& hn : hp->hosts) {
        if (hn.empty()) return Error("Invalid empty host name provided", loc(h.key_node));
        size_t hi = inv_.add_host(hn, g, hp->port, loc(h.key_node));
        for (size_t i = 0; i < where.size(); ++i)
          inv_.set_host_var(hi, where[i].first, *vars.find(where[i].first), where[i].second);
      }
      if (inv_.hosts().size() > kMaxInventoryHosts)
        return Error("the inventory has more than " + std::to_string(kMaxInventoryHosts) +
                         " hosts (Kubernetes supports 5,000 nodes)",
                     loc(h.key_node));
    }
    return {};
  }

 private:
  Doc& doc_;
  Inventory& inv_;
  InventoryFile& file_;
};

// The document's top level: a mapping of groups, not empty, not an
// inventory plugin's configuration. *not_yaml when it is none of those.
template <class Doc>
Status check_root(Doc& doc, const typename Doc::Ref& root, const std::string& path,
                  bool* not_yaml) {
  auto not_inventory = [&](Error e) -> Status {
    if (not_yaml) *not_yaml = true;
    return e;
  };
  if (doc.is_null(root) || (doc.is_map(root) && doc.size(root) == 0))
    return not_inventory(Error("Parsed empty YAML file", Location{path, 0, 0}));
  if (!doc.is_map(root))
    return not_inventory(Error("YAML inventory has invalid structure, it should be a dictionary",
                               Location{path, 1, 1}));
  if (auto plugin = doc.find(root, "plugin"); plugin && !doc.is_null(*plugin))
    return not_inventory(Error(
        "Plugin configuration YAML file, not YAML inventory (inventory plugins are not supported)",
        Location{path, 1, 1}));
  return {};
}

template <class Doc>
Status read_groups(Doc& doc, const typename Doc::Ref& root, Inventory& inv, InventoryFile& file,
                   bool* not_yaml) {
  if (auto st = check_root(doc, root, file.path, not_yaml); !st) return st;
  YamlReader<Doc> r(doc, inv, file);
  for (const auto& e : r.entries(root)) {
    auto g = r.group(e, e.key);
    if (!g) return g.error();
  }
  return {};
}

// The fallback for documents with aliases (see GraphDoc).
Status read_graph(std::string_view body, Inventory& inv, InventoryFile& file, bool* not_yaml) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(body));
  } catch (const YAML::Exception& e) {
    if (not_yaml) *not_yaml = true;
    return yaml_error(e, file.path);
  }
  GraphDoc doc{{file.path}};
  try {
    return read_groups(doc, root, inv, file, not_yaml);
  } catch (const YAML::Exception& e) {
    return yaml_error(e, file.path);
  }
}

}  // namespace

namespace {

// The file's text read from the YamlTree (or, with `graph`, from
// YAML::Load's node graph) into `inv`; the file joins inv.files.
Status parse_file(Inventory& inv, const std::string& path, std::string text, bool* not_yaml,
                  bool graph) {
  if (not_yaml) *not_yaml = false;
  InventoryFile file;
  file.path = path;
  file.format = Format::Yaml;
  file.text = std::move(text);
  std::string_view body = strip_bom(file.text);
  file.bom = body.size() != file.text.size();
  file.crlf = body.find("\r\n") != std::string_view::npos;
  if (body.find('\0') != std::string_view::npos) {
    if (not_yaml) *not_yaml = true;
    return Error("NUL byte in YAML file", Location{path, 0, 0});
  }
  Status st;
  if (graph) {
    st = read_graph(body, inv, file, not_yaml);
  } else {
    auto tree = load_yaml_tree(body, path);
    if (!tree) {
      if (not_yaml) *not_yaml = true;
      return tree.error();
    }
    if (tree->has_alias()) {
      st = read_graph(body, inv, file, not_yaml);
    } else {
      TreeDoc doc{{*tree, file.path}, *tree};
      st = read_groups(doc, tree->root(), inv, file, not_yaml);
    }
  }
  if (!st) return st;
  inv.files.push_back(std::move(file));
  return {};
}

}  // namespace

Status parse_yaml_inventory(Inventory& inv, const std::string& path, std::string text,
                            bool* not_yaml) {
  return parse_file(inv, path, std::move(text), not_yaml, false);
}

Status parse_yaml_inventory_node_graph(Inventory& inv, const std::string& path, std::string text,
                                       bool* not_yaml) {
  return parse_file(inv, path, std::move(text), not_yaml, true);
}

}  // namespace ksm::inventory
