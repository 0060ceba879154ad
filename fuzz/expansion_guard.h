// Shared by the inventory fuzz targets: an upper estimate of how many hosts
// the host ranges of a text expand to ([1:3], [a:c], [01:10:2]: each line's
// ranges multiply, lines add). The parser bounds this itself at 100,000
// hosts per pattern and per inventory (tests/inventory_*_test.cc,
// tests/scripts/hostile.sh); under ASan such an input is seconds of honest
// work, which libFuzzer would report as a timeout. The targets skip inputs
// above a few thousand hosts to keep every run in milliseconds.
#pragma once

#include <cctype>
#include <cstdlib>
#include <cstddef>
#include <string_view>

namespace ksm::fuzz {

inline size_t range_size(std::string_view a, std::string_view b) {
  auto num = [](std::string_view s, size_t& v) {
    if (s.empty() || s.size() > 9) return false;
    v = 0;
    for (char c : s) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
      v = v * 10 + static_cast<size_t>(c - '0');
    }
    return true;
  };
  size_t x = 0, y = 0;
  if (num(a, x) && num(b, y)) return (x > y ? x - y : y - x) + 1;
  if (a.size() == 1 && b.size() == 1) return static_cast<size_t>(std::abs(a[0] - b[0])) + 1;
  return 1;  // the parser refuses it; no expansion
}

inline size_t estimated_hosts(std::string_view text) {
  size_t total = 0, line = 1;
  bool any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n') {
      if (any) total += line;
      line = 1;
      any = false;
    } else if (c == '[') {
      size_t colon = text.find(':', i), close = text.find(']', i);
      if (colon == std::string_view::npos || close == std::string_view::npos || colon > close) continue;
      size_t second = text.find(':', colon + 1);
      size_t end_b = second != std::string_view::npos && second < close ? second : close;
      size_t n = range_size(text.substr(i + 1, colon - i - 1), text.substr(colon + 1, end_b - colon - 1));
      line = line > 1'000'000'000 / (n ? n : 1) ? 1'000'000'000 : line * n;
      any = true;
    }
  }
  if (any) total += line;
  return total;
}

}  // namespace ksm::fuzz
