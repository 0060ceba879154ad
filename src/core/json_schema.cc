// JSON Schema subset over yaml-cpp nodes (see json_schema.h).
#include "core/json_schema.h"

#include <regex>
#include <set>
#include <unordered_map>

#include "core/fs.h"
#include "core/json.h"
#include "core/yaml.h"

namespace ksm {

namespace {

const std::set<std::string>& supported_keywords() {
  static const std::set<std::string> k = {
      "$comment", "$schema", "$id",   "title",    "description", "type",     "properties",
      "required", "additionalProperties", "items", "enum", "pattern", "minItems", "minLength",
      "$ref",     "definitions"};
  return k;
}

Status check_keywords(const Value& s, const std::string& where, const std::string& name) {
  if (!s.is_map()) return Error("schema at " + where + " is not an object", Location{name});
  for (const auto& [k, v] : s.as_map()) {
    if (!supported_keywords().count(k))
      return Error("unsupported JSON Schema keyword '" + k + "' at " + where, Location{name});
    if (k == "properties" || k == "definitions") {
      if (!v.is_map()) return Error("'" + k + "' must be an object at " + where, Location{name});
      for (const auto& [pk, pv] : v.as_map()) {
        Status st = check_keywords(pv, where + "/" + k + "/" + pk, name);
        if (!st) return st;
      }
    } else if (k == "items") {
      Status st = check_keywords(v, where + "/items", name);
      if (!st) return st;
    } else if (k == "pattern") {
      try {
        std::regex re(v.as_string(), std::regex::ECMAScript);
      } catch (const std::exception&) {
        return Error("invalid pattern at " + where, Location{name});
      }
    }
  }
  return {};
}

// The JSON type name of a node as Ansible would type it.
std::string type_of(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null: return "null";
    case YAML::NodeType::Sequence: return "array";
    case YAML::NodeType::Map: return "object";
    case YAML::NodeType::Scalar: break;
  }
  if (n.Tag() != "?") return "string";  // quoted or explicitly tagged
  Value v = yaml11_scalar(n.Scalar());
  switch (v.kind()) {
    case Kind::Null: return "null";
    case Kind::Bool: return "boolean";
    case Kind::Int: return "integer";
    case Kind::Float: return "number";
    default: return "string";
  }
}

Value scalar_value(const YAML::Node& n) {
  if (n.Tag() != "?") return Value(n.Scalar());
  return yaml11_scalar(n.Scalar());
}

std::string describe(const std::string& path) { return path.empty() ? "document" : path; }

struct Walker {
  const Value& root;
  const std::string& file;
  std::vector<Error>& errors;
  // Each `pattern` compiled once per walk, not once per string it checks.
  std::unordered_map<std::string, std::regex> patterns = {};

  const std::regex& pattern(const std::string& p) {
    auto it = patterns.find(p);
    if (it == patterns.end()) it = patterns.emplace(p, std::regex(p, std::regex::ECMAScript)).first;
    return it->second;
  }

  const Value* resolve(const Value* s) const {
    for (int i = 0; i < 32 && s; ++i) {
      const Value* ref = s->get("$ref");
      if (!ref || !ref->is_string()) return s;
      const std::string& r = ref->as_string();
      const std::string prefix = "#/definitions/";
      if (r.rfind(prefix, 0) != 0) return nullptr;
      const Value* defs = root.get("definitions");
      s = defs ? defs->get(r.substr(prefix.size())) : nullptr;
    }
    return s;
  }

  void fail(const YAML::Node& n, const std::string& path, const std::string& msg) {
    errors.push_back(Error(describe(path) + ": " + msg, yaml_location(n, file)));
  }

  void walk(const YAML::Node& n, const Value* schema, const std::string& path) {
    const Value* s = resolve(schema);
    if (!s) {
      fail(n, path, "schema reference cannot be resolved");
      return;
    }
    std::string t = type_of(n);
    if (const Value* type = s->get("type")) {
      bool ok = false;
      std::string expected;
      auto accept = [&](const std::string& want) {
        expected += (expected.empty() ? "" : " or ") + want;
        if (want == t || (want == "number" && t == "integer")) ok = true;
      };
      if (type->is_string()) accept(type->as_string());
      if (type->is_list())
        for (const auto& e : type->as_list())
          if (e.is_string()) accept(e.as_string());
      if (!ok) {
        fail(n, path, "expected " + expected + ", found " + t);
        return;
      }
    }
    if (const Value* en = s->get("enum")) {
      Value v = n.IsScalar() ? scalar_value(n) : Value::undefined();
      bool found = false;
      std::string allowed;
      for (const auto& e : en->as_list()) {
        allowed += (allowed.empty() ? "" : ", ") + to_python_str(e);
        if (!v.is_undefined() && v == e && v.kind() == e.kind()) found = true;
      }
      if (!found) {
        fail(n, path, "must be one of: " + allowed);
        return;
      }
    }
    if (n.IsScalar() && t == "string") {
      const std::string& text = n.Scalar();
      if (const Value* ml = s->get("minLength"); ml && ml->is_int() &&
                                                   static_cast<int64_t>(text.size()) < ml->as_int())
        fail(n, path,
             ml->as_int() == 1 ? "must not be empty"
                               : "shorter than " + std::to_string(ml->as_int()) + " characters");
      if (const Value* p = s->get("pattern"); p && p->is_string()) {
        if (!std::regex_search(text, pattern(p->as_string())))
          fail(n, path, "'" + text + "' does not match " + p->as_string());
      }
    }
    if (n.IsSequence()) {
      if (const Value* mi = s->get("minItems"); mi && mi->is_int() &&
                                                 static_cast<int64_t>(n.size()) < mi->as_int())
        fail(n, path, "needs at least " + std::to_string(mi->as_int()) + " item(s)");
      if (const Value* items = s->get("items")) {
        size_t i = 0;
        for (const auto& e : n) walk(e, items, path + "[" + std::to_string(i++) + "]");
      }
    }
    if (n.IsMap()) {
      const Value* props = s->get("properties");
      const Value* addl = s->get("additionalProperties");
      std::set<std::string> seen;
      for (const auto& kv : n) {
        std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "?";
        std::string sub = path.empty() ? key : path + "." + key;
        if (!seen.insert(key).second) {
          fail(kv.first, sub, "duplicate key");
          continue;
        }
        const Value* ps = props ? props->get(key) : nullptr;
        if (ps) {
          walk(kv.second, ps, sub);
        } else if (addl && addl->is_bool() && !addl->as_bool()) {
          std::string known;
          if (props)
            for (const auto& [pk, pv] : props->as_map()) known += (known.empty() ? "" : ", ") + pk;
          fail(kv.first, sub, "unknown key '" + key + "' (expected one of: " + known + ")");
        }
      }
      if (const Value* req = s->get("required"))
        for (const auto& r : req->as_list())
          if (r.is_string() && !seen.count(r.as_string()))
            fail(n, path, "missing required key '" + r.as_string() + "'");
    }
  }
};

}  // namespace

Result<JsonSchema> JsonSchema::parse(const Value& schema, const std::string& name) {
  Status st = check_keywords(schema, "#", name);
  if (!st) return st.error();
  JsonSchema js;
  js.root_ = schema;
  js.name_ = name;
  return js;
}

Result<JsonSchema> JsonSchema::load(const std::filesystem::path& path) {
  auto text = read_file(path);
  if (!text) return text.error();
  auto v = parse_json(*text, path.string());
  if (!v) return v.error();
  return parse(*v, path.string());
}

std::vector<Error> JsonSchema::validate(const YAML::Node& doc, const std::string& file) const {
  std::vector<Error> errors;
  Walker w{root_, file, errors};
  w.walk(doc, &root_, "");
  return errors;
}

Error first_problem(const std::vector<Error>& errors) {
  Error e = errors.front();
  if (errors.size() > 1)
    e.message += " (and " + std::to_string(errors.size() - 1) + " more problem" +
                 (errors.size() > 2 ? "s" : "") + ")";
  return e;
}

Result<YAML::Node> load_yaml_node(const std::string& text, const std::string& file) {
  std::string_view body = strip_bom(text);
  try {
    return YAML::Load(std::string(body));
  } catch (const YAML::Exception& e) {
    return yaml_error(e, file);
  }
}

}  // namespace ksm
