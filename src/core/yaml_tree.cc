// YamlTree from yaml-cpp's parser events (see yaml_tree.h), following
// yaml-cpp's NodeBuilder (src/nodebuilder.cpp) event by event.
#include "core/yaml_tree.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <sstream>

#include "core/yaml.h"

namespace ksm {

Location YamlTree::location(Id n, const std::string& file) const {
  const Node& x = nodes_[n];
  if (x.line == kNoMark) return Location{file, 0, 0};
  return Location{file, static_cast<int>(x.line) + 1, static_cast<int>(x.column) + 1};
}

YamlTree::Id YamlTree::add_single_null_map(std::string key) {
  Id k = static_cast<Id>(nodes_.size());
  nodes_.push_back(Node{Type::Scalar, 0, kNoMark, kNoMark, 0, 0, std::move(key)});
  nodes_.push_back(Node{Type::Null, 0, kNoMark, kNoMark, 0, 0, {}});
  Node map{Type::Map, 0, kNoMark, kNoMark, static_cast<uint32_t>(kids_.size()), 2, {}};
  kids_.push_back(k);
  kids_.push_back(k + 1);
  nodes_.push_back(std::move(map));
  return k + 2;
}

class YamlTreeBuilder : public YAML::EventHandler {
 public:
  explicit YamlTreeBuilder(YamlTree& t) : t_(t) {}

  bool got_root() const { return got_root_; }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    YamlTree::Id n = add(mark, YamlTree::Type::Null, 0, anchor);
    done(n);
  }
  void OnAlias(const YAML::Mark&, YAML::anchor_t anchor) override {
    t_.has_alias_ = true;
    // The parser only hands out anchors it registered; an unknown one would
    // be a bug there, read as null rather than out of bounds.
    if (anchor >= anchors_.size()) {
      done(add(YAML::Mark::null_mark(), YamlTree::Type::Null, 0, 0));
      return;
    }
    done(anchors_[anchor]);
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    YamlTree::Id n = add(mark, YamlTree::Type::Scalar, tag_id(tag), anchor);
    t_.nodes_[n].scalar = value;
    done(n);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(add(mark, YamlTree::Type::Sequence, tag_id(tag), anchor));
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(add(mark, YamlTree::Type::Map, tag_id(tag), anchor));
  }
  void OnMapEnd() override { close(); }

 private:
  // A new node; NodeBuilder registers its anchor before its children are
  // read (so that an alias inside it refers to it).
  YamlTree::Id add(const YAML::Mark& mark, YamlTree::Type type, uint32_t tag,
                   YAML::anchor_t anchor) {
    auto n = static_cast<YamlTree::Id>(t_.nodes_.size());
    YamlTree::Node x;
    x.type = type;
    x.tag = tag;
    if (!mark.is_null()) {
      x.line = static_cast<uint32_t>(mark.line);
      x.column = static_cast<uint32_t>(mark.column);
    }
    t_.nodes_.push_back(std::move(x));
    if (anchor) {
      if (anchors_.empty()) anchors_.push_back(0);  // anchors start at 1
      anchors_.push_back(n);
    }
    return n;
  }

  uint32_t tag_id(const std::string& tag) {
    // Few distinct tags in a document ("?", "!", "!vault", ...): a short search.
    for (size_t i = 0; i < t_.tags_.size(); ++i)
      if (t_.tags_[i] == tag) return static_cast<uint32_t>(i);
    t_.tags_.push_back(tag);
    return static_cast<uint32_t>(t_.tags_.size() - 1);
  }

  void open(YamlTree::Id n) {
    open_.push_back(n);
    starts_.push_back(pending_.size());
  }

  void close() {
    YamlTree::Id n = open_.back();
    size_t start = starts_.back();
    open_.pop_back();
    starts_.pop_back();
    YamlTree::Node& x = t_.nodes_[n];
    x.first = static_cast<uint32_t>(t_.kids_.size());
    x.count = static_cast<uint32_t>(pending_.size() - start);
    t_.kids_.insert(t_.kids_.end(), pending_.begin() + static_cast<std::ptrdiff_t>(start),
                    pending_.end());
    pending_.resize(start);
    done(n);
  }

  // A finished node goes to its parent, or is the document.
  void done(YamlTree::Id n) {
    if (open_.empty()) {
      t_.root_ = n;
      got_root_ = true;
    } else {
      pending_.push_back(n);
    }
  }

  YamlTree& t_;
  std::vector<YamlTree::Id> open_;     // collections being read
  std::vector<size_t> starts_;         // where each one's children start in pending_
  std::vector<YamlTree::Id> pending_;  // children of the open collections
  std::vector<YamlTree::Id> anchors_;  // anchor id -> node
  bool got_root_ = false;
};

Result<YamlTree> load_yaml_tree(std::string_view text, const std::string& filename) {
  YamlTree t;
  try {
    // What YAML::Load(std::string) reads from.
    std::stringstream stream{std::string(text)};
    YAML::Parser parser(stream);
    YamlTreeBuilder b(t);
    parser.HandleNextDocument(b);
    if (!b.got_root()) t.set_null_root();
  } catch (const YAML::Exception& e) {
    return yaml_error(e, filename);
  }
  return t;
}

}  // namespace ksm
