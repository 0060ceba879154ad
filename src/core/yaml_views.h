// Why this exists: a parsed YAML document comes in two forms, yaml-cpp's
// node graph (what YAML::Load gives, and what documents with aliases keep:
// see inventory/yaml.cc) and the YamlTree built from parser events (the
// fast one, core/yaml_tree.h). The readers that take either (the Value
// converter of core/yaml.cc, the hosts-file reader of inventory/yaml.cc)
// ask both the same questions through these two views, written once.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <type_traits>

#include "core/error.h"
#include "core/yaml.h"
#include "core/yaml_tree.h"

namespace ksm {

namespace yaml_views_detail {
// f(args...) returning bool says whether to go on; one returning nothing visits all.
template <class F, class... A>
bool go_on(F& f, const A&... a) {
  if constexpr (std::is_void_v<std::invoke_result_t<F&, const A&...>>) {
    f(a...);
    return true;
  } else {
    return f(a...);
  }
}
}  // namespace yaml_views_detail

struct GraphView {
  using Ref = YAML::Node;
  const std::string& file;
  static YamlTree::Type type(const Ref& n) {
    switch (n.Type()) {
      case YAML::NodeType::Scalar:
        return YamlTree::Type::Scalar;
      case YAML::NodeType::Sequence:
        return YamlTree::Type::Sequence;
      case YAML::NodeType::Map:
        return YamlTree::Type::Map;
      default:
        return YamlTree::Type::Null;
    }
  }
  static bool is_map(const Ref& n) { return n.IsMap(); }
  static bool is_null(const Ref& n) { return n.IsNull(); }
  static bool is_scalar(const Ref& n) { return n.IsScalar(); }
  static bool is_sequence(const Ref& n) { return n.IsSequence(); }
  static const std::string& tag(const Ref& n) { return n.Tag(); }
  static const std::string& scalar(const Ref& n) { return n.Scalar(); }
  static size_t size(const Ref& n) { return n.size(); }
  Location loc(const Ref& n) const { return yaml_location(n, file); }
  // f(item) / f(key, value); one returning false stops the walk.
  template <class F>
  static void each_item(const Ref& n, F f) {
    for (const auto& e : n)
      if (!yaml_views_detail::go_on(f, e)) return;
  }
  template <class F>
  static void each_pair(const Ref& n, F f) {
    for (const auto& kv : n)
      if (!yaml_views_detail::go_on(f, kv.first, kv.second)) return;
  }
};

struct TreeView {
  using Ref = YamlTree::Id;
  const YamlTree& t;
  const std::string& file;
  YamlTree::Type type(Ref n) const { return t.type(n); }
  bool is_map(Ref n) const { return t.is_map(n); }
  bool is_null(Ref n) const { return t.is_null(n); }
  bool is_scalar(Ref n) const { return t.is_scalar(n); }
  bool is_sequence(Ref n) const { return t.type(n) == YamlTree::Type::Sequence; }
  const std::string& tag(Ref n) const { return t.tag(n); }
  const std::string& scalar(Ref n) const { return t.scalar(n); }
  size_t size(Ref n) const { return t.size(n); }
  Location loc(Ref n) const { return t.location(n, file); }
  template <class F>
  void each_item(Ref n, F f) const {
    for (size_t i = 0, e = t.size(n); i < e; ++i)
      if (!yaml_views_detail::go_on(f, t.item(n, i))) return;
  }
  template <class F>
  void each_pair(Ref n, F f) const {
    for (size_t i = 0, e = t.size(n); i < e; ++i)
      if (!yaml_views_detail::go_on(f, t.key(n, i), t.value(n, i))) return;
  }
};

}  // namespace ksm
