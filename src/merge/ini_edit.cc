// INI hosts file group renames in place (see ini_edit.h).
#include "merge/ini_edit.h"

#include <algorithm>

namespace ksm::merge {

namespace {

struct Header {
  size_t open = 0, name_begin = 0, name_end = 0;  // columns of the group name
  std::string name, suffix;                       // suffix: "", "vars", "children", ...
};

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// "[name]" / "  [name:children]  # comment"
bool parse_header(std::string_view s, Header& h) {
  size_t i = 0;
  while (i < s.size() && is_ws(s[i])) ++i;
  if (i >= s.size() || s[i] != '[') return false;
  size_t close = s.find(']', i);
  if (close == std::string_view::npos) return false;
  h.open = i;
  size_t b = i + 1;
  while (b < close && is_ws(s[b])) ++b;
  size_t colon = s.find(':', b);
  size_t e = (colon != std::string_view::npos && colon < close) ? colon : close;
  size_t ne = e;
  while (ne > b && is_ws(s[ne - 1])) --ne;
  h.name_begin = b;
  h.name_end = ne;
  h.name = std::string(s.substr(b, ne - b));
  h.suffix = e < close ? std::string(s.substr(e + 1, close - e - 1)) : "";
  return true;
}

// A line under `:children`: the group name's columns (comment, blank: false).
bool child_name(std::string_view s, size_t& b, size_t& e) {
  b = 0;
  while (b < s.size() && is_ws(s[b])) ++b;
  if (b >= s.size() || s[b] == '#' || s[b] == ';') return false;
  e = b;
  while (e < s.size() && !is_ws(s[e]) && s[e] != '#' && s[e] != ';') ++e;
  return e > b;
}

}  // namespace

std::vector<std::string> IniDoc::groups() const {
  std::vector<std::string> out;
  auto add = [&](const std::string& g) {
    if (std::find(out.begin(), out.end(), g) == out.end()) out.push_back(g);
  };
  bool children = false;
  for (size_t i = 0; i < text_.size(); ++i) {
    Header h;
    if (parse_header(text_[i], h)) {
      add(h.name);
      children = h.suffix == "children";
      continue;
    }
    size_t b, e;
    if (children && child_name(text_[i], b, e)) add(text_[i].substr(b, e - b));
  }
  return out;
}

std::vector<EditRecord> IniDoc::rename_group(std::string_view from, std::string_view to,
                                             bool* merged_with_existing) {
  std::vector<EditRecord> out;
  if (merged_with_existing) {
    auto g = groups();
    *merged_with_existing = std::find(g.begin(), g.end(), std::string(to)) != g.end();
  }
  bool children = false;
  for (size_t i = 0; i < text_.size(); ++i) {
    std::string line = text_[i];
    Header h;
    size_t b = 0, e = 0;
    bool hit = false;
    if (parse_header(line, h)) {
      children = h.suffix == "children";
      if (h.name == from) {
        b = h.name_begin;
        e = h.name_end;
        hit = true;
      }
    } else if (children && child_name(line, b, e) && line.substr(b, e - b) == from) {
      hit = true;
    }
    if (!hit) continue;
    EditRecord r;
    r.what = "rename-group";
    r.key = std::string(from);
    r.line = static_cast<int>(i) + 1;
    r.old_text = line;
    line.replace(b, e - b, to);
    r.new_text = line;
    text_.replace(i, line);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace ksm::merge
