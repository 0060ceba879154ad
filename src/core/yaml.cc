// YAML 1.1 typing over yaml-cpp's parse tree, or over the YamlTree built
// from its parser's events (what parse_yaml reads: see yaml_tree.h).
#include "core/yaml.h"

#include <yaml-cpp/depthguard.h>

#include <charconv>
#include <cmath>
#include <optional>
#include <regex>

#include "core/number.h"
#include "core/yaml_views.h"

namespace ksm {

namespace {

bool all_of(std::string_view s, const char* set) {
  return !s.empty() && s.find_first_not_of(set) == std::string_view::npos;
}

std::string no_underscores(std::string_view s) {
  std::string r;
  for (char c : s)
    if (c != '_') r += c;
  return r;
}

// Sexagesimal "1:20:30" (YAML 1.1 base 60).
bool sexagesimal(std::string_view body, double& out) {
  double v = 0;
  size_t start = 0;
  while (true) {
    size_t colon = body.find(':', start);
    std::string part = no_underscores(body.substr(
        start, colon == std::string_view::npos ? std::string_view::npos : colon - start));
    if (part.empty()) return false;
    v = v * 60 + std::stod(part);
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  out = v;
  return true;
}

}  // namespace

Location yaml_location(const YAML::Node& n, const std::string& file) {
  auto m = n.Mark();
  if (m.is_null()) return Location{file, 0, 0};
  return Location{file, m.line + 1, m.column + 1};
}

std::string_view strip_bom(std::string_view text) {
  if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF &&
      static_cast<unsigned char>(text[1]) == 0xBB && static_cast<unsigned char>(text[2]) == 0xBF)
    return text.substr(3);
  return text;
}

Value yaml11_scalar(const std::string& s) {
  static const std::regex re_null("^(~|null|Null|NULL|)$");
  static const std::regex re_bool_t("^(yes|Yes|YES|true|True|TRUE|on|On|ON)$");
  static const std::regex re_bool_f("^(no|No|NO|false|False|FALSE|off|Off|OFF)$");
  static const std::regex re_int(
      "^([-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|"
      "[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+)$");
  static const std::regex re_float(
      "^([-+]?([0-9][0-9_]*)\\.[0-9_]*([eE][-+][0-9]+)?|[-+]?([0-9][0-9_]*)([eE][-+][0-9]+)|"
      "\\.[0-9_]+([eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\\.[0-9_]*|"
      "[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN))$");
  if (s.size() > 64) return Value(s);  // no scalar type is that long
  // Each pattern fixes its first character: most strings (host names, user
  // names, paths) are told apart without running std::regex at all.
  const char c = s.empty() ? '\0' : s[0];
  auto first_in = [c](std::string_view set) {
    return c != '\0' && set.find(c) != std::string_view::npos;
  };
  const bool numeric = first_in("-+.0123456789");
  if ((s.empty() || first_in("~nN")) && std::regex_match(s, re_null)) return Value();
  if (first_in("yYtToO") && std::regex_match(s, re_bool_t)) return Value(true);
  if (first_in("nNfFoO") && std::regex_match(s, re_bool_f)) return Value(false);
  if (!numeric) return Value(s);
  if (std::regex_match(s, re_int)) {
    std::string t = no_underscores(s);
    bool negative = false;
    std::string_view b = t;
    if (!b.empty() && (b[0] == '-' || b[0] == '+')) {
      negative = b[0] == '-';
      b.remove_prefix(1);
    }
    // Past int64 (Python has big integers) the text is kept: a cast there
    // would wrap or be undefined.
    auto whole = [&](std::string_view digits, int base) -> std::optional<Value> {
      uint64_t u = 0;
      auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), u, base);
      if (digits.empty() || ec != std::errc() || p != digits.data() + digits.size())
        return std::nullopt;
      if (auto n = signed_from_magnitude(negative, u)) return Value(*n);
      return std::nullopt;
    };
    try {
      std::optional<Value> v;
      if (b == "0") return Value(static_cast<int64_t>(0));
      if (b.substr(0, 2) == "0b") v = whole(b.substr(2), 2);
      else if (b.substr(0, 2) == "0x") v = whole(b.substr(2), 16);
      else if (b.find(':') != std::string_view::npos) {
        double d;
        if (sexagesimal(b, d))
          if (auto n = truncate_to_int64(negative ? -d : d)) v = Value(*n);
      } else if (b[0] == '0') v = whole(b, 8);
      else v = whole(b, 10);
      if (v) return *v;
    } catch (const std::exception&) {
    }
    return Value(s);  // out of int64 range: keep the text
  }
  if (std::regex_match(s, re_float)) {
    std::string t = no_underscores(s);
    std::string lower;
    for (char c : t) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower.find(".inf") != std::string::npos)
      return Value(lower[0] == '-' ? -HUGE_VAL : HUGE_VAL);
    if (lower.find(".nan") != std::string::npos) return Value(std::nan(""));
    try {
      std::string_view b = t;
      int sign = 1;
      if (!b.empty() && (b[0] == '-' || b[0] == '+')) {
        if (b[0] == '-') sign = -1;
        b.remove_prefix(1);
      }
      if (b.find(':') != std::string_view::npos) {
        double v;
        if (sexagesimal(b, v)) return Value(sign * v);
      }
      return Value(std::stod(t));
    } catch (const std::exception&) {
      return Value(s);
    }
  }
  (void)all_of;
  return Value(s);
}

namespace {

template <class Source>
struct Converter {
  using Ref = typename Source::Ref;
  const Source& src;
  const std::string& file;
  std::vector<Error>* warnings;
  YamlLoadOptions opts;
  size_t nodes = 0;

  Result<Value> convert(const Ref& n, size_t depth) {
    if (++nodes > opts.max_nodes)
      return Error("YAML document expands to more than " + std::to_string(opts.max_nodes) +
                       " nodes (alias bomb?)",
                   src.loc(n));
    if (depth > opts.max_depth) return Error("YAML nested too deeply", src.loc(n));
    switch (src.type(n)) {
      case YamlTree::Type::Null:
        return Value();
      case YamlTree::Type::Scalar:
        return scalar(n);
      case YamlTree::Type::Sequence:
        return sequence(n, depth);
      case YamlTree::Type::Map:
        return map(n, depth);
    }
    return Value();
  }

  Value scalar(const Ref& n) const {
    const std::string& tag = src.tag(n);
    const std::string& text = src.scalar(n);
    if (tag == "!vault") return Value(VaultText{text});
    if (tag == "?") return yaml11_scalar(text);
    if (tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:float" ||
        tag == "tag:yaml.org,2002:bool" || tag == "tag:yaml.org,2002:null")
      return yaml11_scalar(text);
    return Value(text);  // quoted, !!str, !unsafe and other tags: a string
  }

  Result<Value> sequence(const Ref& n, size_t depth) {
    List l;
    l.reserve(src.size(n));
    std::optional<Error> err;
    src.each_item(n, [&](const Ref& e) {
      auto v = convert(e, depth + 1);
      if (!v) {
        err = v.error();
        return false;
      }
      l.push_back(std::move(*v));
      return true;
    });
    if (err) return *err;
    return Value(std::move(l));
  }

  Result<Value> map(const Ref& n, size_t depth) {
    Map m;
    std::optional<Error> err;
    src.each_pair(n, [&](const Ref& k, const Ref& v) {
      if (auto st = pair(m, k, v, depth); !st) {
        err = st.error();
        return false;
      }
      return true;
    });
    if (err) return *err;
    return Value(std::move(m));
  }

  // One key: value of a mapping into `m`: a merge key's mapping fills the
  // keys not set yet, a repeated key keeps the last value with a warning.
  Status pair(Map& m, const Ref& kn, const Ref& vn, size_t depth) {
    std::string key;
    std::optional<Value> typed;  // a non-string scalar key, kept as such (Map::set_typed)
    const bool plain_key = src.type(kn) == YamlTree::Type::Scalar && src.tag(kn) == "?";
    if (src.type(kn) == YamlTree::Type::Scalar) {
      key = src.scalar(kn);
      if (plain_key) {
        Value k = yaml11_scalar(key);
        if (!k.is_string()) key = to_python_str(k);
        if (k.is_null()) key = "None";
        if (!k.is_string() && key != "<<") typed = std::move(k);
      }
    } else {
      auto k = convert(kn, depth + 1);
      if (!k) return k.error();
      key = to_python_str(*k);
      if (k->is_null()) typed = *k;  // `~:` and `null:` come as null nodes
    }
    auto v = convert(vn, depth + 1);
    if (!v) return v.error();
    if (key == "<<" && v->is_map() && src.tag(kn) == "?") {  // merge key
      for (const auto& [mk, mv] : v->as_map())
        if (!m.contains(mk)) m.set(mk, mv);
      return {};
    }
    if (m.contains(key) && warnings)
      warnings->push_back(Error("duplicate key '" + key + "': the last value wins", src.loc(kn)));
    if (typed)
      m.set_typed(*typed, std::move(*v));
    else
      m.set(key, std::move(*v));
    return {};
  }
};

}  // namespace

Result<Value> yaml_node_to_value(const YAML::Node& node, const std::string& filename,
                                 std::vector<Error>* warnings, YamlLoadOptions opts) {
  GraphView src{filename};
  Converter<GraphView> c{src, filename, warnings, opts};
  return c.convert(node, 0);
}

Result<Value> yaml_tree_to_value(const YamlTree& tree, YamlTree::Id node,
                                 const std::string& filename, std::vector<Error>* warnings,
                                 YamlLoadOptions opts) {
  TreeView src{tree, filename};
  Converter<TreeView> c{src, filename, warnings, opts};
  return c.convert(node, 0);
}

Result<Value> parse_yaml(std::string_view text, const std::string& filename,
                         std::vector<Error>* warnings, YamlLoadOptions opts) {
  text = strip_bom(text);
  if (text.find('\0') != std::string_view::npos) {
    int line = 1;
    for (char c : text.substr(0, text.find('\0')))
      if (c == '\n') ++line;
    return Error("NUL byte in YAML file", Location{filename, line, 0});
  }
  auto tree = load_yaml_tree(text, filename);
  if (!tree) return tree.error();
  return yaml_tree_to_value(*tree, tree->root(), filename, warnings, opts);
}

Error yaml_error(const YAML::Exception& e, const std::string& filename) {
  Location at{filename, e.mark.is_null() ? 0 : e.mark.line + 1,
              e.mark.is_null() ? 0 : e.mark.column + 1};
  if (dynamic_cast<const YAML::DeepRecursion*>(&e))
    return Error("YAML nested too deeply (over 500 levels of collections)", at);
  return Error("invalid YAML: " + e.msg, at);
}

}  // namespace ksm
