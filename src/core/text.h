// Small text helpers shared by the line-oriented readers (requirements.txt,
// host patterns, task files). One definition, so that each reader does not
// carry its own idea of what whitespace is.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ksm {

// `s` without leading and trailing spaces, tabs, CR and LF.
inline std::string trim(std::string_view s) {
  constexpr std::string_view ws = " \t\r\n";
  size_t a = s.find_first_not_of(ws);
  if (a == std::string_view::npos) return "";
  size_t b = s.find_last_not_of(ws);
  return std::string(s.substr(a, b - a + 1));
}

// The parts with `sep` between them ("" adds no separator while nothing is written yet).
inline std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const auto& s : parts) out += (out.empty() ? "" : sep) + s;
  return out;
}

// The pieces of `s` between each `sep`, empty ones kept: n separators give
// n + 1 pieces ("a/b//c" -> a, b, "", c; "" -> one empty piece).
inline std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t p = s.find(sep, start);
    out.push_back(
        s.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start));
    if (p == std::string_view::npos) break;
    start = p + 1;
  }
  return out;
}

// The lines of `text`, split on "\n": a "\r" before it stays in its line,
// and a final "\n" leaves no empty last line ("a\n" -> a; "" -> none).
// Python's str.splitlines(), which breaks on "\r" and more, is
// inventory::split_lines.
inline std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    out.emplace_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

// `cp` appended to `out` as UTF-8 (1 to 4 bytes).
inline void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace ksm
