// Line scanner and in-place editor for YAML vars files (see yaml_edit.h).
#include "merge/yaml_edit.h"

#include <fmt/format.h>

#include <cmath>
#include <regex>

#include "core/text.h"
#include "core/yaml.h"

namespace ksm::merge {

namespace {

bool is_blank(std::string_view s) {
  return s.find_first_not_of(" \t\r") == std::string_view::npos;
}
bool is_space(char c) { return c == ' ' || c == '\t'; }
bool is_indented(std::string_view s) { return !s.empty() && is_space(s[0]) && !is_blank(s); }
bool is_col0_comment(std::string_view s) { return !s.empty() && s[0] == '#'; }
bool is_seq_item(std::string_view s) {
  return !s.empty() && s[0] == '-' && (s.size() == 1 || is_space(s[1]) || s[1] == '\r');
}
bool is_doc_marker(std::string_view s) {
  return s.rfind("---", 0) == 0 || s.rfind("...", 0) == 0 || (!s.empty() && s[0] == '%');
}

// State of a value that may continue over lines (a flow collection or a
// quoted scalar not closed yet).
struct ValueState {
  int flow = 0;
  char quote = 0;
  bool open() const { return flow > 0 || quote != 0; }
};

// Scans value characters of `s` from `from`; sets the end of the value text
// (trailing blanks excluded) and the column of a trailing comment.
void scan_value(std::string_view s, size_t from, ValueState& st, size_t& value_end,
                size_t& comment_col) {
  comment_col = std::string::npos;
  size_t end = from;
  for (size_t i = from; i < s.size(); ++i) {
    char c = s[i];
    if (st.quote == '\'') {
      if (c == '\'') {
        if (i + 1 < s.size() && s[i + 1] == '\'') {
          ++i;
        } else {
          st.quote = 0;
        }
      }
      end = i + 1;
      continue;
    }
    if (st.quote == '"') {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        st.quote = 0;
      }
      end = std::min(i + 1, s.size());
      continue;
    }
    bool token_start = i == from || is_space(s[i - 1]) ||
                       (st.flow > 0 && (s[i - 1] == '[' || s[i - 1] == '{' || s[i - 1] == ','));
    if (c == '#' && (i == 0 || is_space(s[i - 1]))) {
      comment_col = i;
      break;
    }
    if ((c == '\'' || c == '"') && token_start) {
      st.quote = c;
    } else if ((c == '[' || c == '{') && (token_start || st.flow > 0)) {
      ++st.flow;
    } else if ((c == ']' || c == '}') && st.flow > 0) {
      --st.flow;
    }
    if (!is_space(c) && c != '\r') end = i + 1;
  }
  value_end = std::max(end, from);
}

// Parses a column-0 `key: value` line into `e` (key and value columns).
bool parse_key_line(std::string_view s, YamlEntry& e, ValueState& st) {
  if (s.empty() || is_space(s[0]) || s[0] == '#' || is_seq_item(s) || is_doc_marker(s))
    return false;
  size_t colon = std::string::npos;
  if (s[0] == '"' || s[0] == '\'') {
    char q = s[0];
    size_t i = 1;
    for (; i < s.size(); ++i) {
      if (q == '"' && s[i] == '\\') {
        ++i;
        continue;
      }
      if (s[i] == q) {
        if (q == '\'' && i + 1 < s.size() && s[i + 1] == '\'') {
          ++i;
          continue;
        }
        break;
      }
    }
    if (i >= s.size()) return false;
    e.key = std::string(s.substr(1, i - 1));
    e.key_end = i + 1;
    size_t j = i + 1;
    while (j < s.size() && is_space(s[j])) ++j;
    if (j >= s.size() || s[j] != ':') return false;
    colon = j;
    // Unescape the simple cases; keys in vars files are identifiers anyway.
    if (q == '\'') {
      std::string k;
      for (size_t p = 0; p < e.key.size(); ++p) {
        k += e.key[p];
        if (e.key[p] == '\'' && p + 1 < e.key.size() && e.key[p + 1] == '\'') ++p;
      }
      e.key = k;
    }
  } else {
    if (std::string_view("[]{},&*!|>%@`?:").find(s[0]) != std::string_view::npos &&
        !(s.rfind("<<", 0) == 0))
      return false;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '#' && i > 0 && is_space(s[i - 1])) return false;
      if (s[i] == ':' && (i + 1 == s.size() || is_space(s[i + 1]) || s[i + 1] == '\r')) {
        colon = i;
        break;
      }
    }
    if (colon == std::string::npos) return false;
    size_t ke = colon;
    while (ke > 0 && is_space(s[ke - 1])) --ke;
    e.key = std::string(s.substr(0, ke));
    e.key_end = ke;
  }
  e.key_col = 0;
  size_t v = colon + 1;
  while (v < s.size() && is_space(s[v])) ++v;
  e.value_col = v;
  scan_value(s, v, st, e.value_end, e.comment_col);
  if (e.value_end < e.value_col) e.value_end = e.value_col;
  return true;
}

// Skips node properties: `!tag` and `&anchor` tokens with the blanks after them.
std::string_view skip_props(std::string_view v) {
  while (!v.empty() && (v[0] == '!' || v[0] == '&')) {
    size_t e = 0;
    while (e < v.size() && !is_space(v[e])) ++e;
    while (e < v.size() && is_space(v[e])) ++e;
    v.remove_prefix(e);
  }
  return v;
}

// `|`, `>-`, `!vault |`, `&a |2` ...
bool block_scalar_indicator(std::string_view v) {
  v = skip_props(v);
  if (v.empty() || (v[0] != '|' && v[0] != '>')) return false;
  for (char c : v.substr(1))
    if (!(c == '+' || c == '-' || (c >= '0' && c <= '9'))) return false;
  return true;
}
bool only_props(std::string_view v) { return skip_props(v).empty(); }

std::string strip_hash(std::string_view line) {
  if (line.empty() || line[0] != '#') return std::string(line);
  line.remove_prefix(1);
  if (!line.empty() && line[0] == ' ') line.remove_prefix(1);
  return std::string(line);
}

}  // namespace

std::optional<std::string> commented_key(std::string_view line) {
  if (line.empty() || line[0] != '#') return std::nullopt;
  std::string_view s = line.substr(1);
  if (!s.empty() && s[0] == ' ') s.remove_prefix(1);
  if (s.empty() || !((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_')) return std::nullopt;
  size_t i = 0;
  while (i < s.size() &&
         ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
    ++i;
  if (i >= s.size() || s[i] != ':') return std::nullopt;
  if (i + 1 < s.size() && !is_space(s[i + 1]) && s[i + 1] != '\r') return std::nullopt;
  return std::string(s.substr(0, i));
}

std::string uncomment_line(std::string_view line) { return strip_hash(line); }

YamlScan scan_yaml(const Text& text) {
  std::vector<std::string> lines;
  lines.reserve(text.size());
  for (const auto& l : text.lines()) lines.push_back(l.text);
  return scan_yaml(lines);
}

YamlScan scan_yaml(const std::vector<std::string>& L) {
  YamlScan out;
  const size_t n = L.size();
  size_t i = 0;
  while (i < n) {
    const std::string& s = L[i];
    if (is_blank(s) || is_doc_marker(s)) {
      ++i;
      continue;
    }
    if (is_col0_comment(s)) {
      auto key = commented_key(s);
      if (!key) {
        ++i;
        continue;
      }
      YamlEntry e;
      e.key = *key;
      e.commented = true;
      e.first = e.last = i;
      std::string body = strip_hash(s);
      size_t colon = body.find(':');
      std::string rest = body.substr(colon + 1);
      size_t rb = rest.find_first_not_of(" \t");
      bool empty_value = rb == std::string::npos || only_props(std::string_view(rest).substr(rb));
      size_t j = i + 1;
      while (j < n && is_col0_comment(L[j]) && !commented_key(L[j])) {
        std::string c = strip_hash(L[j]);
        if (!c.empty() && (is_space(c[0]) || (empty_value && is_seq_item(c)))) {
          e.last = j++;
        } else {
          break;
        }
      }
      out.entries.push_back(e);
      i = e.last + 1;
      continue;
    }
    YamlEntry e;
    ValueState st;
    if (!parse_key_line(s, e, st)) {
      out.unclassified.push_back(i);  // content outside any key (a list, `? key`, ...)
      ++i;
      continue;
    }
    e.first = e.last = i;
    std::string_view val(s.data() + e.value_col, e.value_end - e.value_col);
    e.block_scalar = block_scalar_indicator(val);
    bool allow_seq = val.empty() || only_props(val);
    size_t j = i + 1;
    // A flow collection or quoted scalar still open continues on the next lines.
    while (st.open() && j < n) {
      size_t ve, cc;
      if (st.quote == 0 && is_blank(L[j])) {
        ++j;
        continue;
      }
      scan_value(L[j], 0, st, ve, cc);
      e.last = j++;
    }
    while (j < n) {
      const std::string& t = L[j];
      if (is_blank(t)) {
        ++j;
        continue;
      }
      if (is_indented(t) || (allow_seq && is_seq_item(t))) {
        e.last = j++;
        continue;
      }
      if (is_col0_comment(t) && !e.block_scalar) {
        size_t k = j;
        while (k < n && (is_blank(L[k]) || is_col0_comment(L[k]))) ++k;
        if (k < n && (is_indented(L[k]) || (allow_seq && is_seq_item(L[k])))) {
          e.last = k;
          j = k + 1;
          continue;
        }
      }
      break;
    }
    out.entries.push_back(e);
    i = e.last + 1;
  }
  return out;
}

// ---- Rendering ---------------------------------------------------------------

namespace {

bool needs_quotes(const std::string& s) {
  if (s.empty()) return true;
  if (s.size() > 200) return true;
  if (is_space(s.front()) || is_space(s.back())) return true;
  if (std::string_view("-?:,[]{}#&*!|>'\"%@`").find(s[0]) != std::string_view::npos) {
    // "-x" and ":x" are plain in YAML, but quoting costs nothing.
    return true;
  }
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) return true;
    if (s[i] == ':' && (i + 1 == s.size() || is_space(s[i + 1]))) return true;
    if (s[i] == '#' && i > 0 && is_space(s[i - 1])) return true;
  }
  // YAML 1.1 (Ansible) would type it: 'yes', 'on', '0755', '1.5', '~', 'null'.
  Value typed = yaml11_scalar(s);
  if (!typed.is_string()) return true;
  // YAML 1.2 readers (and a human) would take it for a number: 1e3, 1.10.0 is fine.
  static const std::regex num12(
      R"(^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$|^0o[0-7]+$)");
  if (std::regex_match(s, num12)) return true;
  static const std::regex special(R"(^(y|Y|n|N|\.inf|\.nan|=)$)");
  if (std::regex_match(s, special)) return true;
  return false;
}

bool printable(const std::string& s) {
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  return true;
}

std::string double_quoted(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += fmt::format("\\x{:02x}", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string quote_string(const std::string& s) {
  if (!needs_quotes(s)) return s;
  if (printable(s) && s.find('\t') == std::string::npos) {
    std::string out = "'";
    for (char c : s) {
      out += c;
      if (c == '\'') out += '\'';
    }
    return out + "'";
  }
  return double_quoted(s);
}

std::string render_float(double d) {
  if (std::isnan(d)) return ".nan";
  if (std::isinf(d)) return d < 0 ? "-.inf" : ".inf";
  std::string s = fmt::format("{}", d);
  size_t e = s.find_first_of("eE");
  if (s.find('.') == std::string::npos) {
    if (e == std::string::npos) {
      s += ".0";
    } else {
      s.insert(e, ".0");
    }
  }
  // YAML 1.1 needs a signed exponent.
  e = s.find_first_of("eE");
  if (e != std::string::npos && e + 1 < s.size() && s[e + 1] != '-' && s[e + 1] != '+')
    s.insert(e + 1, "+");
  return s;
}

// A multi-line string a literal block can carry exactly.
bool literal_ok(const std::string& s) {
  if (s.find('\n') == std::string::npos) return false;
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\n') || c == 0x7f) return false;
  auto lines = split_lines(s);
  if (lines.empty() || lines.front().empty() || is_space(lines.front()[0])) return false;
  for (const auto& l : lines)
    if (!l.empty() && is_space(l.back())) return false;
  return true;
}

Status emit(std::vector<std::string>& out, const std::string& head, const Value& v, int indent) {
  std::string pad(static_cast<size_t>(indent), ' ');
  if (auto in = render_inline(v)) {
    out.push_back(head + " " + *in);
    return {};
  }
  if (v.is_vault()) {
    out.push_back(head + " !vault |");
    for (const auto& l : split_lines(v.vault_text())) out.push_back(l.empty() ? "" : pad + l);
    return {};
  }
  if (v.is_string()) {
    const std::string& s = v.as_string();
    size_t trailing = 0;
    while (trailing < s.size() && s[s.size() - 1 - trailing] == '\n') ++trailing;
    out.push_back(head + (trailing == 0 ? " |-" : trailing == 1 ? " |" : " |+"));
    auto lines = split_lines(s);
    for (const auto& l : lines) out.push_back(l.empty() ? "" : pad + l);
    // split_lines drops the empty piece after the last "\n"; |+ keeps extra ones.
    for (size_t k = 1; k < trailing; ++k) out.push_back("");
    return {};
  }
  if (v.is_list()) {
    out.push_back(head);
    for (const auto& item : v.as_list()) {
      if (item.is_map() && !item.as_map().empty()) {
        bool first = true;
        for (const auto& [k, val] : item.as_map()) {
          std::string h = (first ? pad + "- " : pad + "  ") + render_key(k) + ":";
          if (Status st = emit(out, h, val, indent + 4); !st) return st;
          first = false;
        }
      } else {
        if (Status st = emit(out, pad + "-", item, indent + 2); !st) return st;
      }
    }
    return {};
  }
  if (v.is_map()) {
    out.push_back(head);
    for (const auto& [k, val] : v.as_map()) {
      if (Status st = emit(out, pad + render_key(k) + ":", val, indent + 2); !st) return st;
    }
    return {};
  }
  return Error(std::string("cannot write a value of kind ") + kind_name(v.kind()) + " as YAML");
}

std::string spaces(size_t n) { return std::string(n, ' '); }

size_t indent_of(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && is_space(s[i])) ++i;
  return i;
}

}  // namespace

std::optional<std::string> render_inline(const Value& v) {
  switch (v.kind()) {
    case Kind::Null: return std::string("null");
    case Kind::Bool: return std::string(v.as_bool() ? "true" : "false");
    case Kind::Int: return std::to_string(v.as_int());
    case Kind::Float: return render_float(v.as_float());
    case Kind::String: {
      const std::string& s = v.as_string();
      if (s.find('\n') != std::string::npos && literal_ok(s)) return std::nullopt;
      return quote_string(s);
    }
    case Kind::List:
      if (v.as_list().empty()) return std::string("[]");
      return std::nullopt;
    case Kind::Map:
      if (v.as_map().empty()) return std::string("{}");
      return std::nullopt;
    default: return std::nullopt;
  }
}

std::string render_key(std::string_view key) { return quote_string(std::string(key)); }

Result<std::vector<std::string>> render_entry(const std::string& head, const Value& v, int indent) {
  std::vector<std::string> out;
  if (Status st = emit(out, head, v, indent); !st) return st.error();
  return out;
}

// ---- Editing -----------------------------------------------------------------

YamlDoc YamlDoc::parse(std::string_view bytes) { return YamlDoc(Text::parse(bytes)); }

YamlDoc::YamlDoc(Text text) : text_(std::move(text)) { rescan(); }

void YamlDoc::rescan() { scan_ = scan_yaml(text_); }

std::optional<YamlEntry> YamlDoc::find(std::string_view key) const {
  std::optional<YamlEntry> found;
  for (const auto& e : scan_.entries)
    if (!e.commented && e.key == key) found = e;
  return found;
}

std::optional<YamlEntry> YamlDoc::find_commented(std::string_view key) const {
  for (const auto& e : scan_.entries)
    if (e.commented && e.key == key) return e;
  return std::nullopt;
}

std::string YamlDoc::value_text(const YamlEntry& e) const {
  std::string out = text_[e.first].substr(e.value_col, e.value_end - e.value_col);
  for (size_t i = e.first + 1; i <= e.last; ++i) out += "\n" + text_[i];
  return out;
}

Result<EditRecord> YamlDoc::replace_lines(size_t first, size_t last, std::vector<std::string> repl,
                                          std::string what, std::string key) {
  EditRecord r;
  r.what = std::move(what);
  r.key = std::move(key);
  r.line = static_cast<int>(first) + 1;
  if (last >= first && last < text_.size()) r.old_text = text_.join(first, last);
  size_t old_n = last >= first && first < text_.size() ? last - first + 1 : 0;
  // Reuse existing lines (keeping their endings) as far as they go.
  size_t common = std::min(old_n, repl.size());
  for (size_t k = 0; k < common; ++k) text_.replace(first + k, repl[k]);
  if (repl.size() > old_n) {
    std::vector<std::string> extra(repl.begin() + static_cast<std::ptrdiff_t>(common), repl.end());
    text_.insert(first + common, extra);
  } else if (old_n > repl.size()) {
    text_.erase(first + common, old_n - common);
  }
  for (size_t k = 0; k < repl.size(); ++k) r.new_text += (k ? "\n" : "") + repl[k];
  rescan();
  return r;
}

Result<EditRecord> YamlDoc::set(std::string_view key, const Value& v) {
  auto e = find(key);
  if (!e) return Error("cannot set `" + std::string(key) + "`: it is not set in this file");
  const std::string& kl = text_[e->first];
  std::string head = kl.substr(0, e->key_end) + ":";
  std::string comment = e->comment_col == std::string::npos ? "" : kl.substr(e->comment_col);
  // Spacing between the value and its comment as written.
  std::string gap = "  ";
  if (e->comment_col != std::string::npos && e->value_end < e->comment_col)
    gap = kl.substr(e->value_end, e->comment_col - e->value_end);
  auto inl = render_inline(v);
  if (inl && e->first == e->last && !e->block_scalar) {
    std::string line;
    if (e->value_col == e->value_end) {
      // "key:" or "key:  # comment" with an empty value
      line = head + " " + *inl + (comment.empty() ? "" : gap + comment);
    } else {
      line = kl.substr(0, e->value_col) + *inl + (comment.empty() ? "" : gap + comment);
    }
    return replace_lines(e->first, e->last, {line}, "set", std::string(key));
  }
  auto lines = render_entry(head, v, 2);
  if (!lines) return lines.error();
  if (!comment.empty()) (*lines)[0] += gap + comment;
  return replace_lines(e->first, e->last, *lines, "set", std::string(key));
}

Result<EditRecord> YamlDoc::set_text(std::string_view key, const std::string& yaml_value) {
  auto e = find(key);
  if (!e) return Error("cannot set `" + std::string(key) + "`: it is not set in this file");
  const std::string& kl = text_[e->first];
  std::string comment;
  if (e->comment_col != std::string::npos)
    comment =
        (e->value_end < e->comment_col ? kl.substr(e->value_end, e->comment_col - e->value_end)
                                       : std::string("  ")) +
        kl.substr(e->comment_col);
  auto vl = split_lines(yaml_value);
  std::vector<std::string> out;
  std::string first = kl.substr(0, e->key_end) + ":";
  if (!vl.empty() && !vl[0].empty() && !is_space(vl[0][0]) && !is_seq_item(vl[0])) {
    first += " " + vl[0];
    vl.erase(vl.begin());
  }
  out.push_back(first + comment);
  out.insert(out.end(), vl.begin(), vl.end());
  return replace_lines(e->first, e->last, out, "set", std::string(key));
}

Result<EditRecord> YamlDoc::insert(std::string_view key, const Value& v, const InsertOptions& opt) {
  if (find(key)) return Error("cannot insert `" + std::string(key) + "`: it is already set");
  auto lines = render_entry(render_key(key) + ":", v, 2);
  if (!lines) return lines.error();
  std::vector<std::string> block;
  if (!opt.comment.empty()) block.push_back("# " + opt.comment);
  block.insert(block.end(), lines->begin(), lines->end());
  if (opt.uncomment) {
    if (auto c = find_commented(key)) {
      auto r = replace_lines(c->first, c->last, block, "uncomment", std::string(key));
      return r;
    }
  }
  size_t at = text_.size();
  if (!opt.after.empty()) {
    std::optional<YamlEntry> anchor = find(opt.after);
    if (!anchor) anchor = find_commented(opt.after);
    if (!anchor) return Error("cannot insert `" + std::string(key) + "` after `" + opt.after +
                              "`: no such key in this file");
    at = anchor->last + 1;
  }
  // Insertion only: an empty old range.
  EditRecord r;
  r.what = "insert";
  r.key = std::string(key);
  r.line = static_cast<int>(at) + 1;
  text_.insert(at, block);
  for (size_t k = 0; k < block.size(); ++k) r.new_text += (k ? "\n" : "") + block[k];
  rescan();
  return r;
}

Result<EditRecord> YamlDoc::upsert(std::string_view key, const Value& v, const InsertOptions& opt) {
  if (find(key)) return set(key, v);
  return insert(key, v, opt);
}

Result<EditRecord> YamlDoc::rename(std::string_view from, std::string_view to) {
  if (find(to)) return Error("cannot rename `" + std::string(from) + "` to `" + std::string(to) +
                             "`: `" + std::string(to) + "` is already set");
  auto e = find(from);
  if (!e) return Error("cannot rename `" + std::string(from) + "`: it is not set in this file");
  std::string line = text_[e->first];
  line.replace(e->key_col, e->key_end - e->key_col, render_key(to));
  return replace_lines(e->first, e->first, {line}, "rename", std::string(from));
}

Result<EditRecord> YamlDoc::remove(std::string_view key, const RemoveOptions& opt) {
  auto e = find(key);
  if (!e) return Error("cannot remove `" + std::string(key) + "`: it is not set in this file");
  std::vector<std::string> out;
  if (opt.comment_out) {
    if (!opt.note.empty()) out.push_back("# " + opt.note);
    for (size_t i = e->first; i <= e->last; ++i)
      out.push_back(text_[i].empty() ? "#" : "# " + text_[i]);
  }
  return replace_lines(e->first, e->last, out, opt.comment_out ? "comment-out" : "delete",
                       std::string(key));
}

Result<EditRecord> YamlDoc::add_comment(std::string_view before_key, std::string_view comment) {
  size_t at = text_.size();
  if (!before_key.empty()) {
    auto e = find(before_key);
    if (!e) e = find_commented(before_key);
    if (!e)
      return Error("cannot add a comment before `" + std::string(before_key) + "`: no such key");
    at = e->first;
  }
  EditRecord r;
  r.what = "comment";
  r.key = std::string(before_key);
  r.line = static_cast<int>(at) + 1;
  r.new_text = "# " + std::string(comment);
  text_.insert(at, r.new_text);
  rescan();
  return r;
}

namespace {

// A child `name:` of a block map spanning lines [first+1, last] of a parent.
struct Child {
  size_t line = 0, last = 0, indent = 0;
  YamlEntry e;  // columns relative to the dedented line
  bool found = false;
};

Child find_child(const Text& t, size_t parent_first, size_t parent_last, std::string_view name,
                 size_t& child_indent) {
  Child c;
  child_indent = std::string::npos;
  for (size_t i = parent_first + 1; i <= parent_last; ++i) {
    const std::string& s = t[i];
    if (is_blank(s) || s[indent_of(s)] == '#') continue;
    size_t ind = indent_of(s);
    if (child_indent == std::string::npos) child_indent = ind;
    if (ind < child_indent) break;
    if (ind != child_indent) continue;
    if (c.found) {
      break;
    }
    YamlEntry e;
    ValueState st;
    if (!parse_key_line(std::string_view(s).substr(ind), e, st)) continue;
    if (e.key != name) continue;
    c.found = true;
    c.line = c.last = i;
    c.indent = ind;
    c.e = e;
    for (size_t j = i + 1; j <= parent_last; ++j) {
      const std::string& u = t[j];
      if (is_blank(u)) continue;
      size_t ui = indent_of(u);
      if (ui > ind || (ui == ind && is_seq_item(std::string_view(u).substr(ui)) &&
                       e.value_col == e.value_end)) {
        if (u[ui] != '#') c.last = j;
        continue;
      }
      if (u[ui] == '#') continue;
      break;
    }
    return c;
  }
  return c;
}

}  // namespace

Result<EditRecord> YamlDoc::set_nested(const std::vector<std::string>& path, const Value& v) {
  if (path.empty()) return Error("set_nested: empty path");
  if (path.size() == 1) return upsert(path[0], v);
  std::string dotted;
  for (const auto& p : path) dotted += (dotted.empty() ? "" : ".") + p;
  auto top = find(path[0]);
  if (!top) return Error("cannot set `" + dotted + "`: `" + path[0] + "` is not set in this file");
  size_t pf = top->first, pl = top->last;
  for (size_t k = 1; k < path.size(); ++k) {
    size_t ci;
    Child c = find_child(text_, pf, pl, path[k], ci);
    bool last_step = k + 1 == path.size();
    if (!c.found) {
      if (!last_step) return Error("cannot set `" + dotted + "`: `" + path[k] + "` is missing");
      if (ci == std::string::npos) ci = indent_of(text_[pf]) + 2;
      auto lines =
          render_entry(spaces(ci) + render_key(path[k]) + ":", v, static_cast<int>(ci) + 2);
      if (!lines) return lines.error();
      EditRecord r;
      r.what = "insert";
      r.key = dotted;
      r.line = static_cast<int>(pl) + 2;
      text_.insert(pl + 1, *lines);
      for (size_t q = 0; q < lines->size(); ++q) r.new_text += (q ? "\n" : "") + (*lines)[q];
      rescan();
      return r;
    }
    if (!last_step) {
      pf = c.line;
      pl = c.last;
      continue;
    }
    const std::string& kl = text_[c.line];
    std::string comment;
    if (c.e.comment_col != std::string::npos) {
      size_t cc = c.indent + c.e.comment_col, ve = c.indent + c.e.value_end;
      comment = (ve < cc ? kl.substr(ve, cc - ve) : std::string("  ")) + kl.substr(cc);
    }
    std::string head = kl.substr(0, c.indent + c.e.key_end) + ":";
    auto lines = render_entry(head, v, static_cast<int>(c.indent) + 2);
    if (!lines) return lines.error();
    (*lines)[0] += comment;
    return replace_lines(c.line, c.last, *lines, "set", dotted);
  }
  return Error("cannot set `" + dotted + "`");
}

Result<EditRecord> YamlDoc::rename_nested(const std::vector<std::string>& path,
                                          std::string_view to) {
  if (path.empty()) return Error("rename_nested: empty path");
  if (path.size() == 1) return rename(path[0], to);
  std::string dotted;
  for (const auto& p : path) dotted += (dotted.empty() ? "" : ".") + p;
  auto top = find(path[0]);
  if (!top) return Error("cannot rename `" + dotted + "`: `" + path[0] + "` is not set");
  size_t pf = top->first, pl = top->last;
  for (size_t k = 1; k < path.size(); ++k) {
    size_t ci;
    Child c = find_child(text_, pf, pl, path[k], ci);
    if (!c.found) return Error("cannot rename `" + dotted + "`: `" + path[k] + "` is missing");
    if (k + 1 < path.size()) {
      pf = c.line;
      pl = c.last;
      continue;
    }
    size_t ci2;
    if (find_child(text_, pf, pl, to, ci2).found)
      return Error("cannot rename `" + dotted + "` to `" + std::string(to) + "`: already set");
    std::string line = text_[c.line];
    line.replace(c.indent + c.e.key_col, c.e.key_end - c.e.key_col, render_key(to));
    return replace_lines(c.line, c.line, {line}, "rename", dotted);
  }
  return Error("cannot rename `" + dotted + "`");
}

}  // namespace ksm::merge
