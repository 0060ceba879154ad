// Small text helpers shared by the line-oriented readers (requirements.txt,
// host patterns, task files). One definition, so that each reader does not
// carry its own idea of what whitespace is.
#pragma once

#include <string>
#include <string_view>

namespace ksm {

// `s` without leading and trailing spaces, tabs, CR and LF.
inline std::string trim(std::string_view s) {
  constexpr std::string_view ws = " \t\r\n";
  size_t a = s.find_first_not_of(ws);
  if (a == std::string_view::npos) return "";
  size_t b = s.find_last_not_of(ws);
  return std::string(s.substr(a, b - a + 1));
}

}  // namespace ksm
