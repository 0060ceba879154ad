// The YAML hosts-file reader (see yaml.h), following yaml.py's _parse_group.
#include "inventory/yaml.h"

#include <yaml-cpp/yaml.h>

#include "core/yaml.h"
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
    else if (!((d >= '0' && d <= '9') || std::string_view("_+-:abcdefABCDEFxinIN").find(d) != std::string_view::npos))
      return Value(s);
  }
  if (dots > 1) return Value(s);
  return yaml11_scalar(s);
}

namespace {

// yaml_node_to_value, with plain scalars typed by plain_scalar.
Result<Value> node_value(const YAML::Node& n, const std::string& file, std::vector<Error>* warnings) {
  if (n.IsScalar() && n.Tag() == "?") return plain_scalar(n.Scalar());
  return yaml_node_to_value(n, file, warnings);
}

struct Entry {
  std::string key;   // as Python would hold it (str() of a non-string key)
  bool key_is_string = true;
  YAML::Node key_node;
  YAML::Node value;
};

class YamlReader {
 public:
  YamlReader(Inventory& inv, InventoryFile& file) : inv_(inv), file_(file) {}

  Location loc(const YAML::Node& n) const { return yaml_location(n, file_.path); }

  // A mapping's entries in document order; a repeated key keeps its first
  // place and its last value (a Python dict), with a warning.
  std::vector<Entry> entries(const YAML::Node& map) {
    std::vector<Entry> out;
    std::unordered_map<std::string, size_t> ix;
    for (const auto& kv : map) {
      Entry e;
      e.key_node = kv.first;
      e.value = kv.second;
      if (kv.first.IsScalar()) {
        e.key = kv.first.Scalar();
        if (kv.first.Tag() == "?") {
          Value k = plain_scalar(e.key);
          if (!k.is_string()) {
            e.key_is_string = false;
            e.key = k.is_null() ? "None" : to_python_str(k);
          }
        }
      } else {
        e.key_is_string = false;
        auto k = yaml_node_to_value(kv.first, file_.path);
        e.key = k ? to_python_str(*k) : "?";
      }
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
        inv_.warnings.push_back(Error("duplicate key '" + e.key + "': the last value wins", loc(kv.first)));
        out[at].value = e.value;
      }
    }
    return out;
  }

  void key(std::string path, const YAML::Node& n) {
    auto m = n.Mark();
    if (m.is_null()) file_.yaml_keys.push_back(YamlKey{std::move(path), 0, 0});
    else file_.yaml_keys.push_back(YamlKey{std::move(path), m.line + 1, m.column + 1});
  }

  static const char* type_name(const YAML::Node& n) {
    switch (n.Type()) {
      case YAML::NodeType::Sequence: return "<class 'list'>";
      case YAML::NodeType::Scalar: return "<class 'str'>";
      default: return "<class 'dict'>";
    }
  }

  Result<std::string> group(const Entry& e, const std::string& path) {
    const std::string& name = e.key;
    const YAML::Node& data = e.value;
    key(path, e.key_node);
    if (!(data.IsMap() || data.IsNull())) {
      inv_.warnings.push_back(Error("Skipping '" + name + "' as this is not a valid group definition", loc(e.key_node)));
      return name;
    }
    if (!e.key_is_string || name.empty())
      return Error("Unable to add group " + name + ": Invalid group name supplied, expected a string", loc(e.key_node));
    size_t g = inv_.add_group(name, loc(e.key_node));
    if (data.IsNull()) return name;
    auto items = entries(data);
    for (auto& it : items) {
      if (it.key != "vars" && it.key != "children" && it.key != "hosts") continue;
      if (it.value.IsScalar() && it.value.Tag() != "!vault") {
        Value v = it.value.Tag() == "?" ? plain_scalar(it.value.Scalar()) : Value(it.value.Scalar());
        if (v.is_string()) {
          // `hosts: node1` means {node1: None}
          YAML::Node m(YAML::NodeType::Map);
          m[it.value.Scalar()] = YAML::Node(YAML::NodeType::Null);
          it.value = m;
          continue;
        }
      }
      if (!(it.value.IsMap() || it.value.IsNull()))
        return Error("Invalid \"" + it.key + "\" entry for \"" + name +
                         "\" group, requires a dictionary, found \"" + type_name(it.value) + "\" instead.",
                     loc(it.value));
    }
    for (const auto& it : items) {
      std::string sub = path + "/" + it.key;
      if (!(it.value.IsMap() || it.value.IsNull())) {
        inv_.warnings.push_back(Error("Skipping key (" + it.key + ") in group (" + name + ") as it is not a mapping", loc(it.key_node)));
        continue;
      }
      key(sub, it.key_node);
      if (it.value.IsNull()) continue;
      if (it.key == "vars") {
        for (const auto& v : entries(it.value)) {
          auto val = node_value(v.value, file_.path, &inv_.warnings);
          if (!val) return val.error();
          key(sub + "/" + v.key, v.key_node);
          inv_.set_group_var(g, v.key, std::move(*val), loc(v.key_node));
        }
      } else if (it.key == "children") {
        for (const auto& c : entries(it.value)) {
          auto child = group(c, sub + "/" + c.key);
          if (!child) return child;
          auto ci = inv_.group_index(*child);
          if (!ci) {
            if (!inv_.host_index(*child))
              return Error(*child + " is not a known host nor group", loc(c.key_node));
            inv_.add_host(*child, g, std::nullopt);  // Ansible adds a known host as a member
            continue;
          }
          if (auto st = inv_.add_child(g, *ci); !st) return Error(st.error().message, loc(c.key_node));
        }
      } else if (it.key == "hosts") {
        for (const auto& h : entries(it.value)) {
          if (!h.key_is_string)
            return Error("Host pattern " + h.key + " must be a string. Enclose integers/floats in quotation marks.",
                         loc(h.key_node));
          auto hp = expand_host_pattern(h.key);
          if (!hp) return Error(hp.error().message, loc(h.key_node));
          std::string hpath = sub + "/" + h.key;
          key(hpath, h.key_node);
          // `value or {}`: falsy values mean no variables.
          Map vars;
          std::vector<std::pair<std::string, Location>> where;
          if (h.value.IsMap()) {
            for (const auto& v : entries(h.value)) {
              auto val = node_value(v.value, file_.path, &inv_.warnings);
              if (!val) return val.error();
              key(hpath + "/" + v.key, v.key_node);
              vars.set(v.key, std::move(*val));
              where.emplace_back(v.key, loc(v.key_node));
            }
          } else if (!h.value.IsNull()) {
            auto val = yaml_node_to_value(h.value, file_.path);
            if (!val) return val.error();
            const Value& x = *val;
            bool falsy = (x.is_string() && x.as_string().empty()) || (x.is_bool() && !x.as_bool()) ||
                         (x.is_int() && x.as_int() == 0) || (x.is_float() && x.as_float() == 0) ||
                         (x.is_list() && x.as_list().empty()) || x.is_null();
            if (!falsy)
              return Error("Invalid data from file, expected dictionary and got: " + to_python_str(x),
                           loc(h.value));
          }
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
      } else {
        inv_.warnings.push_back(Error("Skipping unexpected key (" + it.key + ") in group (" + name +
                                          "), only \"vars\", \"children\" and \"hosts\" are valid",
                                      loc(it.key_node)));
      }
    }
    return name;
  }

 private:
  Inventory& inv_;
  InventoryFile& file_;
};

}  // namespace

Status parse_yaml_inventory(Inventory& inv, const std::string& path, std::string text,
                            bool* not_yaml) {
  if (not_yaml) *not_yaml = false;
  InventoryFile file;
  file.path = path;
  file.format = Format::Yaml;
  file.text = std::move(text);
  std::string_view body = strip_bom(file.text);
  file.bom = body.size() != file.text.size();
  file.crlf = body.find("\r\n") != std::string_view::npos;
  auto not_inventory = [&](Error e) -> Status {
    if (not_yaml) *not_yaml = true;
    return e;
  };
  if (body.find('\0') != std::string_view::npos)
    return not_inventory(Error("NUL byte in YAML file", Location{path, 0, 0}));
  YAML::Node root;
  try {
    root = YAML::Load(std::string(body));
  } catch (const YAML::Exception& e) {
    return not_inventory(yaml_error(e, path));
  }
  if (root.IsNull() || !root.IsDefined() || (root.IsMap() && root.size() == 0))
    return not_inventory(Error("Parsed empty YAML file", Location{path, 0, 0}));
  if (!root.IsMap())
    return not_inventory(Error("YAML inventory has invalid structure, it should be a dictionary", Location{path, 1, 1}));
  if (const YAML::Node& croot = root; croot["plugin"] && !croot["plugin"].IsNull())
    return not_inventory(Error("Plugin configuration YAML file, not YAML inventory (inventory plugins are not supported)",
                               Location{path, 1, 1}));
  YamlReader r(inv, file);
  try {
    for (const auto& e : r.entries(root)) {
      auto g = r.group(e, e.key);
      if (!g) return g.error();
    }
  } catch (const YAML::Exception& e) {
    return yaml_error(e, path);
  }
  inv.files.push_back(std::move(file));
  return {};
}

}  // namespace ksm::inventory
