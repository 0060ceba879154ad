// A parsed YAML document as one flat array of nodes, built from yaml-cpp's
// parser events (YAML::Parser::HandleNextDocument with an EventHandler)
// instead of YAML::Load's graph of shared_ptr'd nodes: the same scanner,
// the same marks, tags, anchors and exceptions, at a fraction of the cost
// (issue 16: big hosts files and role defaults). The tree is what
// YAML::Load's NodeBuilder would build from the same events: a plain
// scalar's tag is "?", a quoted one's "!", a null node has no tag, an alias
// is the index of its anchored node (YAML::Load shares that node too, so an
// alias to an open collection is a cycle there as here), only the first
// document is read and a text without one is a null node without a mark.
// Most of the time of reading a big hosts file was yaml-cpp's scanner, so
// texts that are only block mappings of simple keys and values are scanned
// here (load_yaml_tree's fast path) and fed to the same builder as the
// events yaml-cpp would send; anything else goes through yaml-cpp.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace ksm {

class YamlTree {
 public:
  using Id = uint32_t;
  enum class Type : uint8_t { Null, Scalar, Sequence, Map };
  static constexpr uint32_t kNoMark = UINT32_MAX;

  struct Node {
    Type type = Type::Null;
    uint32_t tag = 0;                           // index into tags_; 0 is ""
    uint32_t line = kNoMark, column = kNoMark;  // 0-based, as YAML::Mark
    uint32_t first = 0, count = 0;              // children in kids_; a map's alternate key, value
    std::string scalar;
  };

  YamlTree() : tags_{""} {}

  Id root() const { return root_; }
  Type type(Id n) const { return nodes_[n].type; }
  bool is_map(Id n) const { return type(n) == Type::Map; }
  bool is_null(Id n) const { return type(n) == Type::Null; }
  bool is_scalar(Id n) const { return type(n) == Type::Scalar; }
  const std::string& tag(Id n) const { return tags_[nodes_[n].tag]; }
  const std::string& scalar(Id n) const { return nodes_[n].scalar; }
  // file:line:col (1-based), 0:0 for a node built in memory.
  Location location(Id n, const std::string& file) const;
  // Items of a sequence, or pairs of a map.
  size_t size(Id n) const { return type(n) == Type::Map ? nodes_[n].count / 2 : nodes_[n].count; }
  Id item(Id seq, size_t i) const { return kids_[nodes_[seq].first + i]; }
  Id key(Id map, size_t i) const { return kids_[nodes_[map].first + 2 * i]; }
  Id value(Id map, size_t i) const { return kids_[nodes_[map].first + 2 * i + 1]; }
  // Whether the document has an alias (a node reached from two places).
  bool has_alias() const { return has_alias_; }

  // {key: null} built in memory (no marks, an empty tag on the key), as
  // `YAML::Node m(Map); m[key] = Node(Null)` would be.
  Id add_single_null_map(std::string key);
  // YAML::Node(): null, no mark (a text without a document).
  void set_null_root() {
    *this = YamlTree();
    nodes_.emplace_back();
  }

 private:
  friend class YamlTreeBuilder;
  std::vector<Node> nodes_;
  std::vector<Id> kids_;
  std::vector<std::string> tags_;
  Id root_ = 0;
  bool has_alias_ = false;
};

// Parses the first document of `text` (no BOM stripping: the callers do
// it). A syntax error is yaml_error's Error for yaml-cpp's exception.
// `fast`: documents that are only block mappings of simple keys and values
// (big machine-written hosts files) are scanned without yaml-cpp's scanner,
// to the same tree; false sends every text through yaml-cpp (the tests
// compare the two).
Result<YamlTree> load_yaml_tree(std::string_view text, const std::string& filename,
                                bool fast = true);

// load_yaml_tree throwing yaml-cpp's exception, as YAML::Load does, for the
// callers that word it their own way.
YamlTree load_yaml_tree_or_throw(std::string_view text, bool fast = true);

// Whether load_yaml_tree's fast path reads `text` (for the tests).
bool yaml_fast_scan_applies(std::string_view text);

}  // namespace ksm
