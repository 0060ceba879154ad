// YamlTree from yaml-cpp's parser events (see yaml_tree.h), following
// yaml-cpp's NodeBuilder (src/nodebuilder.cpp) event by event.
#include "core/yaml_tree.h"

#include <yaml-cpp/emitterstyle.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <sstream>
#include <string_view>

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

namespace {

// The fast path: documents that are only block mappings of simple keys and
// values (machine-written hosts files), scanned here line by line and fed to
// the builder as the events yaml-cpp's parser would send for them, marks
// included. Anything else (quotes, tags, anchors, sequences, flow content
// other than `{}` and `[]`, multi-line scalars, tabs, CR, non-ASCII bytes,
// documents markers, odd indentation) is left to yaml-cpp: the scan says no
// and the caller parses the text again with yaml-cpp.
class BlockScan {
 public:
  BlockScan(std::string_view text, YamlTreeBuilder& b) : text_(text), b_(b) {}

  bool run() {
    if (!split()) return false;
    b_.OnDocumentStart(mark(0, 0));
    if (lines_.empty()) return true;  // no document: the caller's null
    size_t i = 0;
    if (!map(i, 0) || i != lines_.size()) return false;
    b_.OnDocumentEnd();
    return true;
  }

 private:
  struct Line {
    uint32_t no = 0, indent = 0, value_col = 0;
    std::string_view key, value;
  };

  static YAML::Mark mark(uint32_t line, uint32_t column) {
    YAML::Mark m;
    m.line = static_cast<int>(line);
    m.column = static_cast<int>(column);
    return m;
  }

  static bool plain_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.' || c == '/' || c == '+' || c == '=' || c == '~';
  }
  static bool plain_first(char c) { return plain_char(c) && c != '-' && c != '.' && c != '='; }

  // A run of plain characters from `at`, which must start like a plain scalar.
  static size_t plain_run(std::string_view s, size_t at) {
    if (at >= s.size() || !plain_first(s[at])) return 0;
    size_t e = at;
    while (e < s.size() && plain_char(s[e])) ++e;
    return e - at;
  }

  // `key:`, `key: value`, `key: {}` or `key: []`, each with an optional
  // trailing comment; blank and comment lines are skipped.
  bool split() {
    uint32_t no = 0;
    for (size_t at = 0; at < text_.size(); ++no) {
      size_t end = text_.find('\n', at);
      if (end == std::string_view::npos) end = text_.size();
      std::string_view raw = text_.substr(at, end - at);
      at = end + 1;
      for (char c : raw)
        if (c == '\t' || c == '\r' || static_cast<unsigned char>(c) >= 0x80) return false;
      size_t ind = raw.find_first_not_of(' ');
      if (ind == std::string_view::npos || raw[ind] == '#') continue;
      if (!line(raw, ind, no)) return false;
    }
    // yaml-cpp's mark for the end of the text: the line after the last
    // newline, column 0, with or without a final newline.
    end_line_ = static_cast<uint32_t>(std::count(text_.begin(), text_.end(), '\n'));
    return true;
  }

  bool line(std::string_view raw, size_t ind, uint32_t no) {
    Line l;
    l.no = no;
    l.indent = static_cast<uint32_t>(ind);
    size_t k = plain_run(raw, ind);
    if (k == 0 || k > 1000 || ind + k >= raw.size() || raw[ind + k] != ':') return false;
    l.key = raw.substr(ind, k);
    size_t at = ind + k + 1;
    if (at < raw.size()) {
      if (raw[at] != ' ') return false;
      at = raw.find_first_not_of(' ', at);
      if (at != std::string_view::npos && raw[at] != '#') {
        size_t v = plain_run(raw, at);
        if (v == 0 && (raw.substr(at, 2) == "{}" || raw.substr(at, 2) == "[]")) v = 2;
        if (v == 0) return false;
        l.value = raw.substr(at, v);
        l.value_col = static_cast<uint32_t>(at);
        size_t rest = at + v;
        if (rest < raw.size()) {
          if (raw[rest] != ' ') return false;
          rest = raw.find_first_not_of(' ', rest);
          if (rest != std::string_view::npos && raw[rest] != '#') return false;
        }
      }
    }
    lines_.push_back(l);
    return true;
  }

  static bool null_word(std::string_view s) {
    return s == "~" || s == "null" || s == "Null" || s == "NULL";
  }

  void scalar(std::string_view s, uint32_t line, uint32_t col) {
    if (null_word(s))
      b_.OnNull(mark(line, col), 0);
    else
      b_.OnScalar(mark(line, col), "?", 0, std::string(s));
  }

  // Where the token after lines_[i - 1] is: the next content line's first
  // character, or the end of the text.
  YAML::Mark next_mark(size_t i) const {
    if (i < lines_.size()) return mark(lines_[i].no, lines_[i].indent);
    return mark(end_line_, 0);
  }

  // The block mapping whose first key is lines_[i]; i ends past it.
  bool map(size_t& i, int depth) {
    if (depth > 100) return false;
    const uint32_t indent = lines_[i].indent;
    b_.OnMapStart(mark(lines_[i].no, indent), "?", 0, YAML::EmitterStyle::Block);
    while (i < lines_.size() && lines_[i].indent == indent) {
      const Line& l = lines_[i++];
      scalar(l.key, l.no, l.indent);
      const bool deeper = i < lines_.size() && lines_[i].indent > indent;
      if (l.value == "{}") {
        b_.OnMapStart(mark(l.no, l.value_col), "?", 0, YAML::EmitterStyle::Flow);
        b_.OnMapEnd();
      } else if (l.value == "[]") {
        b_.OnSequenceStart(mark(l.no, l.value_col), "?", 0, YAML::EmitterStyle::Flow);
        b_.OnSequenceEnd();
      } else if (!l.value.empty()) {
        scalar(l.value, l.no, l.value_col);
      } else if (deeper) {
        if (!map(i, depth + 1)) return false;
        continue;
      } else {
        b_.OnNull(next_mark(i), 0);
      }
      if (deeper) return false;  // a continuation line or a stray indentation
    }
    if (i < lines_.size() && lines_[i].indent > indent) return false;
    b_.OnMapEnd();
    return true;
  }

  std::string_view text_;
  YamlTreeBuilder& b_;
  std::vector<Line> lines_;
  uint32_t end_line_ = 0;
};

}  // namespace

bool yaml_fast_scan_applies(std::string_view text) {
  YamlTree t;
  YamlTreeBuilder b(t);
  return BlockScan(text, b).run();
}

YamlTree load_yaml_tree_or_throw(std::string_view text, bool fast) {
  YamlTree t;
  if (fast) {
    YamlTreeBuilder b(t);
    if (BlockScan(text, b).run()) {
      if (!b.got_root()) t.set_null_root();
      return t;
    }
    t = YamlTree();
  }
  // What YAML::Load(std::string) reads from.
  std::stringstream stream{std::string(text)};
  YAML::Parser parser(stream);
  YamlTreeBuilder b(t);
  parser.HandleNextDocument(b);
  if (!b.got_root()) t.set_null_root();
  return t;
}

Result<YamlTree> load_yaml_tree(std::string_view text, const std::string& filename, bool fast) {
  try {
    return load_yaml_tree_or_throw(text, fast);
  } catch (const YAML::Exception& e) {
    return yaml_error(e, filename);
  }
}

}  // namespace ksm
