// Three-way merge of sample-derived files (see merge3.h).
#include "merge/merge3.h"

#include <git2.h>

#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "core/json.h"
#include "core/text.h"
#include "core/yaml.h"
#include "jinja/jinja.h"
#include "jinja/spelling.h"
#include "merge/text.h"
#include "merge/yaml_edit.h"
#include "sources/git.h"

namespace ksm::merge {

namespace {

// Owns the buffer git_merge_file fills.
class MergeFileResult {
 public:
  MergeFileResult() = default;
  MergeFileResult(const MergeFileResult&) = delete;
  MergeFileResult& operator=(const MergeFileResult&) = delete;
  ~MergeFileResult() { git_merge_file_result_free(&r_); }
  git_merge_file_result* get() { return &r_; }

 private:
  git_merge_file_result r_{};
};

struct LineMerge {
  std::string text;  // LF endings
  bool clean = true;
};

// git_merge_file on LF texts, diff3 markers with our labels.
Result<LineMerge> git_merge(const std::string& base, const std::string& ours,
                            const std::string& theirs, const MergeLabels& labels) {
  git::ensure_init();
  // The *_init functions, not the *_INIT macros: the macros leave fields to
  // zero-initialisation, which clang's -Wmissing-field-initializers rejects.
  git_merge_file_input in_base, in_ours, in_theirs;
  git_merge_file_input_init(&in_base, GIT_MERGE_FILE_INPUT_VERSION);
  git_merge_file_input_init(&in_ours, GIT_MERGE_FILE_INPUT_VERSION);
  git_merge_file_input_init(&in_theirs, GIT_MERGE_FILE_INPUT_VERSION);
  in_base.ptr = base.data();
  in_base.size = base.size();
  in_ours.ptr = ours.data();
  in_ours.size = ours.size();
  in_theirs.ptr = theirs.data();
  in_theirs.size = theirs.size();
  git_merge_file_options opts;
  git_merge_file_options_init(&opts, GIT_MERGE_FILE_OPTIONS_VERSION);
  opts.ancestor_label = labels.base.c_str();
  opts.our_label = labels.ours.c_str();
  opts.their_label = labels.theirs.c_str();
  opts.flags = GIT_MERGE_FILE_STYLE_DIFF3;
  MergeFileResult res;
  if (git_merge_file(res.get(), &in_base, &in_ours, &in_theirs, &opts) < 0) {
    const git_error* e = git_error_last();
    return Error(std::string("git_merge_file: ") + (e && e->message ? e->message : "failed"));
  }
  LineMerge out;
  if (res.get()->ptr) out.text.assign(res.get()->ptr, res.get()->len);
  out.clean = res.get()->automergeable != 0;
  return out;
}

// Gives every line an ending in ours' style; the last one follows ours'
// final newline.
std::string render_lines(std::vector<Line>& lines, const Text& ours) {
  std::string out = ours.bom() ? "\xEF\xBB\xBF" : "";
  for (size_t i = 0; i < lines.size(); ++i) {
    Line& l = lines[i];
    if (l.eol.empty()) l.eol = ours.eol();
    if (i + 1 == lines.size() && !ours.final_newline()) l.eol.clear();
    out += l.text;
    out += l.eol;
  }
  return out;
}

void count_markers(const std::vector<Line>& lines, MergeResult& r) {
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].text.rfind("<<<<<<< ", 0) != 0 && lines[i].text != "<<<<<<<") continue;
    MergeConflict c;
    c.line = static_cast<int>(i) + 1;
    size_t j = i;
    while (j < lines.size() && lines[j].text.rfind(">>>>>>>", 0) != 0) ++j;
    c.lines = static_cast<int>(j - i + 1);
    c.reason = "both sides changed these lines";
    r.conflicts.push_back(c);
    i = j;
  }
}

// Marks lines of a file that is not ours so they take ours' ending.
Text foreign(std::string_view bytes) {
  Text t = Text::parse(bytes);
  return t;
}
std::vector<Line> foreign_lines(const Text& t) {
  std::vector<Line> out = t.lines();
  for (auto& l : out) l.eol.clear();
  return out;
}

// ---- Blocks ----------------------------------------------------------------

struct Block {
  std::string id;
  std::string key;
  std::vector<Line> lead;   // comment and blank lines before the entry
  std::vector<Line> entry;  // the key's lines (empty for the tail block)
  bool commented = false;
};

struct Blocks {
  std::vector<Block> list;
  std::unordered_map<std::string, size_t> index;
  const Block* get(const std::string& id) const {
    auto it = index.find(id);
    return it == index.end() ? nullptr : &list[it->second];
  }
};

std::optional<Blocks> split_blocks(const Text& t, std::vector<Line> lines) {
  YamlScan scan = scan_yaml(t);
  if (!scan.ok()) return std::nullopt;
  Blocks out;
  // The document head (through a `---` line and the header paragraph after
  // it) is a block of its own, so header changes never move into a key's
  // comments and the marker can never be written twice.
  const size_t first_entry = scan.entries.empty() ? lines.size() : scan.entries.front().first;
  size_t head = 0;
  for (size_t i = 0; i < first_entry; ++i) {
    const std::string& s = lines[i].text;
    if (s.rfind("---", 0) == 0 || s.rfind("...", 0) == 0 || s.rfind("%", 0) == 0) head = i + 1;
  }
  for (size_t i = head; i < first_entry; ++i) {
    if (lines[i].text.find_first_not_of(" \t\r") != std::string::npos) continue;
    head = i + 1;
    while (head < first_entry && lines[head].text.find_first_not_of(" \t\r") == std::string::npos)
      ++head;
    break;
  }
  Block hb;
  hb.id = "\nhead";
  hb.lead.assign(lines.begin(), lines.begin() + static_cast<std::ptrdiff_t>(head));
  out.index[hb.id] = 0;
  out.list.push_back(std::move(hb));
  std::unordered_map<std::string, int> occ;
  size_t pos = head;
  for (const auto& e : scan.entries) {
    Block b;
    b.key = e.key;
    b.commented = e.commented;
    b.id = e.key + "#" + std::to_string(occ[e.key]++);
    b.lead.assign(lines.begin() + static_cast<std::ptrdiff_t>(pos),
                  lines.begin() + static_cast<std::ptrdiff_t>(e.first));
    b.entry.assign(lines.begin() + static_cast<std::ptrdiff_t>(e.first),
                   lines.begin() + static_cast<std::ptrdiff_t>(e.last + 1));
    pos = e.last + 1;
    out.index[b.id] = out.list.size();
    out.list.push_back(std::move(b));
  }
  Block tail;
  tail.id = "\ntail";
  tail.lead.assign(lines.begin() + static_cast<std::ptrdiff_t>(pos), lines.end());
  out.index[tail.id] = out.list.size();
  out.list.push_back(std::move(tail));
  return out;
}

// Lines compared with whitespace runs collapsed, trailing blanks and blank
// lines ignored.
std::string norm(const std::vector<Line>* lines) {
  std::string out;
  if (!lines) return out;
  for (const auto& l : *lines) {
    std::string s;
    bool space = false;
    for (char c : l.text) {
      if (c == ' ' || c == '\t' || c == '\r') {
        space = true;
        continue;
      }
      if (space && !s.empty()) s += ' ';
      space = false;
      s += c;
    }
    if (s.empty()) continue;
    out += s;
    out += '\n';
  }
  return out;
}

std::string joined(const std::vector<Line>* lines) {
  std::string out;
  if (!lines) return out;
  for (const auto& l : *lines) out += l.text + "\n";
  return out;
}

bool is_template(const Value& v) {
  return v.is_string() && jinja::is_possibly_template(v.as_string());
}

// Same meaning: equal values of one kind (1 and "1" differ, as they do for
// Ansible), templates compared by their spelling key.
bool equivalent(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  if (a.is_list()) {
    if (a.as_list().size() != b.as_list().size()) return false;
    for (size_t i = 0; i < a.as_list().size(); ++i)
      if (!equivalent(a.as_list()[i], b.as_list()[i])) return false;
    return true;
  }
  if (a.is_map()) {
    if (a.as_map().size() != b.as_map().size()) return false;
    for (const auto& [k, v] : b.as_map()) {
      const Value* w = a.as_map().find(k);
      if (!w || !equivalent(*w, v)) return false;
    }
    return true;
  }
  if (a.is_float())
    return a.as_float() == b.as_float() ||
           (a.as_float() != a.as_float() && b.as_float() != b.as_float());
  if (is_template(a) || is_template(b))
    return a == b || jinja::spelling_key(a.as_string()) == jinja::spelling_key(b.as_string());
  return a == b;
}

enum class SK { Absent, Doc, Live };

struct Setting {
  SK kind = SK::Absent;
  bool parsed = false;
  Value value = Value::undefined();
  std::string text;  // normalized entry text (identity when the value did not parse)
};

Setting setting_of(const Block* b) {
  Setting s;
  if (!b || b->entry.empty()) return s;
  s.text = norm(&b->entry);
  if (b->commented) {
    s.kind = SK::Doc;
    return s;
  }
  s.kind = SK::Live;
  auto v = parse_yaml(joined(&b->entry), "");
  if (v && v->is_map()) {
    if (const Value* x = v->as_map().find(b->key)) {
      s.parsed = true;
      s.value = *x;
    }
  }
  return s;
}

bool same_setting(const Setting& a, const Setting& b) {
  if (a.kind != b.kind) return false;
  if (a.kind == SK::Absent) return true;
  if (a.kind == SK::Doc) return a.text == b.text;
  if (a.parsed && b.parsed) return equivalent(a.value, b.value);
  return a.text == b.text;
}

bool unset(const Setting& s) { return s.kind != SK::Live; }

// A value for messages: the entry's YAML text after `key:` when it did not parse.
std::string shown(const Setting& s) {
  if (s.kind == SK::Absent) return "(absent)";
  if (s.kind == SK::Doc) return "(documented only)";
  if (s.value.is_string()) return s.value.as_string();
  if (s.parsed) return to_json(s.value, {true, 0});
  return s.text;
}

// Whether a line of ours' entry carries a comment (` #`) that no line of
// base's entry has.
bool annotated(const Block* o, const Block* b) {
  if (!o) return false;
  auto comment = [](const std::string& line) {
    size_t p = line.find(" #");
    return p == std::string::npos ? std::string() : line.substr(p);
  };
  for (const auto& l : o->entry) {
    std::string c = comment(l.text);
    if (c.empty()) continue;
    bool in_base = false;
    if (b)
      for (const auto& m : b->entry) in_base = in_base || comment(m.text) == c;
    if (!in_base) return true;
  }
  return false;
}

struct Merger {
  const MergeLabels& labels;
  MergeResult& result;
  bool trimmed = false;  // ours keeps fewer than half of the old sample's keys
  std::vector<Line> out;

  void note(const std::string& key, Taken kind, const std::string& what, int line,
            const Setting* b = nullptr, const Setting* o = nullptr, const Setting* t = nullptr) {
    MergeTaken m{line, key, kind, what};
    if (b && b->parsed) m.base = b->value;
    if (o && o->parsed) m.ours = o->value;
    if (t && t->parsed) m.theirs = t->value;
    result.taken.push_back(std::move(m));
  }

  void append(const std::vector<Line>* lines) {
    if (!lines) return;
    out.insert(out.end(), lines->begin(), lines->end());
  }

  Status lead(const Block* b, const Block* o, const Block* t, const std::string& key) {
    const std::vector<Line>* bl = b ? &b->lead : nullptr;
    const std::vector<Line>* ol = o ? &o->lead : nullptr;
    const std::vector<Line>* tl = t ? &t->lead : nullptr;
    std::string nb = norm(bl), no = norm(ol), nt = norm(tl);
    if (nt == nb || no == nt) return append(ol), Status{};
    // A new sample key's comments are not added to a trimmed file.
    if (trimmed && !b && !o && t && !t->entry.empty()) return {};
    if (no == nb) return append(tl), Status{};
    auto m = git_merge(joined(bl), joined(ol), joined(tl), labels);
    if (!m) return m.error();
    int line = static_cast<int>(out.size()) + 1;
    if (m->clean) {
      for (auto& s : split_lines(m->text)) out.push_back(Line{s, ""});
      note(key, Taken::Merged, "comments changed on both sides; merged line by line", line);
    } else {
      append(ol);
      note(key, Taken::Ours, "comments changed on both sides; kept the operator's", line);
    }
    return {};
  }

  void conflict(const Block* b, const Block* o, const Block* t, const std::string& key,
                const std::string& reason) {
    MergeConflict c;
    c.line = static_cast<int>(out.size()) + 1;
    c.key = key;
    c.reason = reason;
    out.push_back(Line{"<<<<<<< " + labels.ours, ""});
    if (o) append(&o->entry);
    out.push_back(Line{"||||||| " + labels.base, ""});
    if (b) append(&b->entry);
    out.push_back(Line{"=======", ""});
    if (t) append(&t->entry);
    out.push_back(Line{">>>>>>> " + labels.theirs, ""});
    c.lines = static_cast<int>(out.size()) - c.line + 1;
    result.conflicts.push_back(c);
  }

  // The operator's entry, with the filter names the sample respelled
  // between its two versions respelled the same way.
  void append_ours_respelled(const Block* b, const Block* o, const Block* t,
                             const std::string& key, const Setting& so) {
    if (!o) return;  // the operator removed the key: it stays removed
    std::map<std::string, std::string> respell;
    if (b && t && !unset(so))
      respell = jinja::filter_respellings(joined(&b->entry), joined(&t->entry));
    if (respell.empty()) return append(&o->entry);
    int line = static_cast<int>(out.size()) + 1;
    bool changed = false;
    for (Line l : o->entry) {
      std::string text = jinja::respell_filters(l.text, respell);
      changed = changed || text != l.text;
      l.text = std::move(text);
      out.push_back(std::move(l));
    }
    if (!changed) return;
    std::string names;
    for (const auto& [bare, full] : respell)
      names += (names.empty() ? "" : ", ") + bare + " -> " + full;
    note(key, Taken::Respelled,
         "the operator's expression respelled as the sample now spells it (" + names + ")", line);
  }

  // Both sides changed the entry's text (not only its spacing).
  void decide(const Block* b, const Block* o, const Block* t, const std::string& key, int line) {
    Setting sb = setting_of(b), so = setting_of(o), st = setting_of(t);
    if (same_setting(so, st)) return append_ours_respelled(b, o, t, key, so);
    // The operator annotated the line (`key: v  # why`): a choice, kept.
    if (same_setting(so, sb) && annotated(o, b)) {
      append(&o->entry);
      note(key, Taken::KeptValue,
           "the operator's value " + shown(so) +
               " is kept, with its comment; the sample's changed from " + shown(sb) + " to " +
               shown(st),
           line, &sb, &so, &st);
      return;
    }
    if (same_setting(so, sb)) {
      // The operator only reformatted or commented; the sample's change wins.
      append(&t->entry);
      note(key, Taken::Sample,
           "sample changed it; the operator's formatting or comment of it is replaced", line, &sb,
           &so, &st);
      return;
    }
    // The sample only respelled it: the operator's meaning, the sample's spelling.
    if (same_setting(st, sb)) return append_ours_respelled(b, o, t, key, so);
    if (so.kind == SK::Live && unset(st)) {
      append(&o->entry);
      note(key, Taken::Ours,
           st.kind == SK::Absent
               ? "the operator's setting is kept; the sample no longer has this key"
               : "the operator's setting is kept; the sample changed its documented default",
           line, &sb, &so, &st);
      return;
    }
    if (unset(so) && unset(st)) {
      if (o) append(&o->entry);
      note(key, Taken::Ours, "documentation changed on both sides; kept the operator's", line);
      return;
    }
    if (unset(so)) {  // the sample sets it now or sets another value
      if (sb.kind == SK::Live || so.kind == SK::Absent) {
        if (o) append(&o->entry);
        note(key, Taken::KeptRemoved,
             sb.kind == SK::Live
                 ? "the operator removed this default; the sample now sets " + shown(st)
                 : "the operator removed its documentation; the sample now sets " + shown(st),
             line, &sb, &so, &st);
        return;
      }
      append(&t->entry);
      note(key, Taken::Sample, "the sample now sets it", line, &sb, &so, &st);
      return;
    }
    // Both set it, to different values.
    if (so.parsed && st.parsed && sb.parsed && is_template(so.value) && is_template(st.value) &&
        is_template(sb.value)) {
      conflict(b, o, t, key,
               "both rewrote this template: the operator's is " + shown(so) +
                   ", the sample's is now " + shown(st) + " (was " + shown(sb) + ")");
      return;
    }
    append_ours_respelled(b, o, t, key, so);
    note(key, Taken::KeptValue,
         "the operator's value " + shown(so) + " is kept; the sample's changed from " + shown(sb) +
             " to " + shown(st),
         line, &sb, &so, &st);
  }

  void entry(const Block* b, const Block* o, const Block* t, const std::string& key) {
    const std::vector<Line>* be = b ? &b->entry : nullptr;
    const std::vector<Line>* oe = o ? &o->entry : nullptr;
    const std::vector<Line>* te = t ? &t->entry : nullptr;
    int line = static_cast<int>(out.size()) + 1;
    std::string nb = norm(be), no = norm(oe), nt = norm(te);
    if (nt == nb || no == nt) return append(oe);
    if (no == nb) {
      if (trimmed && nb.empty()) {
        Setting st = setting_of(t);
        note(key, Taken::NotAdded, "new in the sample; not added to this trimmed file", 0, nullptr,
             nullptr, &st);
        return;
      }
      append(te);
      // The operator's entry is the old sample's: its value is the base's.
      Setting sb = setting_of(b), st = setting_of(t);
      if (!te || te->empty()) {
        note(key, Taken::Sample, "removed from the sample", line, &sb, &sb, &st);
      } else {
        note(key, Taken::Sample,
             t && !t->commented ? "sample's setting taken" : "sample's documentation taken", line,
             &sb, &sb, &st);
      }
      return;
    }
    decide(b, o, t, key, line);
  }

  Status block(const Block* b, const Block* o, const Block* t) {
    const Block* any = o ? o : t ? t : b;
    std::string key = any->key;
    if (Status s = lead(b, o, t, key); !s) return s;
    entry(b, o, t, key);
    return {};
  }
};

// Whether the operator kept fewer than half of the old sample's keys.
bool is_trimmed(const Blocks& base, const Blocks& ours) {
  size_t keys = 0, kept = 0;
  for (const auto& b : base.list) {
    if (b.entry.empty()) continue;
    ++keys;
    kept += ours.get(b.id) != nullptr;
  }
  return keys >= 4 && kept * 2 < keys;
}

Result<MergeResult> merge_yaml(const Text& base, const Text& ours, const Text& theirs,
                               const MergeLabels& labels) {
  auto bb = split_blocks(base, foreign_lines(base));
  auto ob = split_blocks(ours, ours.lines());
  auto tb = split_blocks(theirs, foreign_lines(theirs));
  if (!bb || !ob || !tb) return Error("not a map of top-level keys");

  // The result's order: the new sample's when the operator kept the old
  // sample's order (sample moves are applied), else the operator's; the
  // other side's blocks are placed after the block preceding them there.
  auto ids = [](const Blocks& b, const Blocks& filter) {
    std::vector<std::string> out;
    for (const auto& x : b.list)
      if (filter.get(x.id)) out.push_back(x.id);
    return out;
  };
  bool reordered = ids(*ob, *bb) != ids(*bb, *ob);
  const Blocks& skeleton = reordered ? *ob : *tb;
  const Blocks& other = reordered ? *tb : *ob;
  std::vector<std::string> order;
  std::unordered_set<std::string> in_order;
  for (const auto& b : skeleton.list) {
    order.push_back(b.id);
    in_order.insert(b.id);
  }
  {
    std::string anchor;
    for (const auto& b : other.list) {
      if (!in_order.count(b.id)) {
        size_t at = 0;
        if (!anchor.empty()) {
          for (size_t i = 0; i < order.size(); ++i)
            if (order[i] == anchor) at = i + 1;
        }
        order.insert(order.begin() + static_cast<std::ptrdiff_t>(at), b.id);
        in_order.insert(b.id);
      }
      anchor = b.id;
    }
  }
  MergeResult result;
  result.semantic = true;
  Merger m{labels, result, is_trimmed(*bb, *ob), {}};
  for (const auto& id : order) {
    const Block* b = bb->get(id);
    const Block* o = ob->get(id);
    const Block* t = tb->get(id);
    if (Status s = m.block(b, o, t); !s) return s.error();
  }
  result.text = render_lines(m.out, ours);
  return result;
}

}  // namespace

bool is_conflict_start(std::string_view line) {
  return line.starts_with("<<<<<<< ") || line == "<<<<<<<";
}

size_t first_conflict_start(std::string_view text) {
  for (size_t at = 0; at < text.size();) {
    size_t nl = text.find('\n', at);
    if (is_conflict_start(text.substr(at, (nl == std::string_view::npos ? text.size() : nl) - at)))
      return at;
    if (nl == std::string_view::npos) break;
    at = nl + 1;
  }
  return std::string_view::npos;
}

Result<MergeResult> merge_lines(std::string_view base, std::string_view ours,
                                std::string_view theirs, const MergeLabels& labels) {
  Text b = foreign(base), o = Text::parse(ours), t = foreign(theirs);
  auto m = git_merge(b.normalized(), o.normalized(), t.normalized(), labels);
  if (!m) return m.error();
  std::vector<Line> lines;
  for (auto& s : split_lines(m->text)) lines.push_back(Line{s, ""});
  // Every line takes ours' dominant ending (the line merge does not carry
  // per-line endings; the per-key merge does).
  MergeResult r;
  count_markers(lines, r);
  r.text = render_lines(lines, o);
  return r;
}

Result<MergeResult> merge3(std::string_view base, std::string_view ours, std::string_view theirs,
                           const MergeLabels& labels, const MergeOptions& opt) {
  if (opt.yaml) {
    Text b = foreign(base), o = Text::parse(ours), t = foreign(theirs);
    auto r = merge_yaml(b, o, t, labels);
    if (r) return r;
  }
  return merge_lines(base, ours, theirs, labels);
}

}  // namespace ksm::merge
