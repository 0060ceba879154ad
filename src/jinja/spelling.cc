// Spelling keys and filter respelling of templates (see spelling.h).
#include "jinja/spelling.h"

#include <functional>

namespace ksm::jinja {

namespace {

bool ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool ident_char(char c) { return ident_start(c) || (c >= '0' && c <= '9'); }
bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The end of the string literal that starts at `i` (its opening quote).
size_t literal_end(std::string_view s, size_t i) {
  char q = s[i];
  for (size_t j = i + 1; j < s.size(); ++j) {
    if (s[j] == '\\') ++j;
    else if (s[j] == q) return j + 1;
  }
  return s.size();
}

// A dotted name at `i` (`ansible.utils.ipaddr`): its end, or `i` when none.
size_t dotted_end(std::string_view s, size_t i) {
  if (i >= s.size() || !ident_start(s[i])) return i;
  size_t j = i;
  while (true) {
    while (j < s.size() && ident_char(s[j])) ++j;
    if (j + 1 < s.size() && s[j] == '.' && ident_start(s[j + 1])) {
      ++j;
      continue;
    }
    return j;
  }
}

// Walks `s`, calling `text` for runs outside the delimiters and
// `code(begin, end)` for the inside of each `{{ }}` / `{% %}`; comments
// `{# #}` count as text.
void walk(std::string_view s, const std::function<void(std::string_view)>& text,
          const std::function<void(std::string_view)>& code) {
  size_t i = 0;
  while (i < s.size()) {
    size_t open = s.find('{', i);
    while (open != std::string_view::npos && open + 1 < s.size() && s[open + 1] != '{' &&
           s[open + 1] != '%')
      open = s.find('{', open + 1);
    if (open == std::string_view::npos || open + 1 >= s.size()) {
      text(s.substr(i));
      return;
    }
    text(s.substr(i, open + 2 - i));
    const char close = s[open + 1] == '{' ? '}' : '%';
    size_t j = open + 2;
    while (j < s.size()) {
      if (s[j] == '\'' || s[j] == '"') {
        j = literal_end(s, j);
        continue;
      }
      if (s[j] == close && j + 1 < s.size() && s[j + 1] == '}') break;
      ++j;
    }
    code(s.substr(open + 2, j - open - 2));
    i = j;
  }
}

std::string code_key(std::string_view c) {
  std::string out;
  bool after_pipe = false;
  size_t i = 0;
  while (i < c.size()) {
    char ch = c[i];
    if (space(ch)) {
      size_t j = i;
      while (j < c.size() && space(c[j])) ++j;
      if (!out.empty() && ident_char(out.back()) && j < c.size() && ident_char(c[j])) out += ' ';
      i = j;
      continue;
    }
    if (ch == '\'' || ch == '"') {
      size_t end = literal_end(c, i);
      std::string_view inner = c.substr(i + 1, end > i + 1 ? end - i - 2 : 0);
      bool requote = inner.find('\'') == std::string_view::npos &&
                     inner.find('\\') == std::string_view::npos;
      if (requote) out += '\'' + std::string(inner) + '\'';
      else out += c.substr(i, end - i);
      i = end;
      after_pipe = false;
      continue;
    }
    if (after_pipe && ident_start(ch)) {
      size_t end = dotted_end(c, i);
      std::string_view name = c.substr(i, end - i);
      size_t dot = name.rfind('.');
      out += dot == std::string_view::npos ? name : name.substr(dot + 1);
      i = end;
      after_pipe = false;
      continue;
    }
    after_pipe = ch == '|';
    out += ch;
    ++i;
  }
  return out;
}

// Every filter name in filter position: (offset in s, length).
void each_filter(std::string_view s, const std::function<void(size_t, size_t)>& fn) {
  walk(s, [](std::string_view) {},
       [&](std::string_view c) {
         size_t base = static_cast<size_t>(c.data() - s.data());
         size_t i = 0;
         while (i < c.size()) {
           if (c[i] == '\'' || c[i] == '"') {
             i = literal_end(c, i);
             continue;
           }
           if (c[i] != '|') {
             ++i;
             continue;
           }
           size_t j = i + 1;
           while (j < c.size() && space(c[j])) ++j;
           size_t end = dotted_end(c, j);
           if (end > j) fn(base + j, end - j);
           i = end > j ? end : j;
         }
       });
}

}  // namespace

std::string spelling_key(std::string_view text) {
  std::string out;
  walk(
      text, [&](std::string_view t) { out += t; }, [&](std::string_view c) { out += code_key(c); });
  return out;
}

std::map<std::string, std::string> filter_respellings(std::string_view before,
                                                      std::string_view after) {
  std::map<std::string, std::string> bare, out;
  each_filter(before, [&](size_t at, size_t n) {
    std::string name(before.substr(at, n));
    if (name.find('.') == std::string::npos) bare[name] = name;
  });
  each_filter(after, [&](size_t at, size_t n) {
    std::string name(after.substr(at, n));
    size_t dot = name.rfind('.');
    if (dot == std::string::npos) return;
    std::string last = name.substr(dot + 1);
    if (bare.count(last)) out[last] = name;
  });
  return out;
}

std::string respell_filters(std::string_view text,
                            const std::map<std::string, std::string>& respell) {
  std::string out;
  size_t done = 0;
  each_filter(text, [&](size_t at, size_t n) {
    auto it = respell.find(std::string(text.substr(at, n)));
    if (it == respell.end()) return;
    out.append(text.substr(done, at - done));
    out += it->second;
    done = at + n;
  });
  out.append(text.substr(done));
  return out;
}

}  // namespace ksm::jinja
