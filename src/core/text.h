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
