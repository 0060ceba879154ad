// Whole numbers from text without exceptions. std::stoi and friends throw on
// overflow and on a missing digit, and a throw from deep inside a template or
// a host pattern is a crash, not an error the operator can read (fuzzing found
// '%99999999999999999999s' % x). Callers decide what "no number" means.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ksm {

// The whole of `digits` as an integer in `base` (2..36), an optional leading
// '-' allowed; nullopt when empty, when anything else is in it, or when it does
// not fit in int64_t.
inline std::optional<int64_t> parse_int64(std::string_view digits, int base = 10) {
  int64_t out = 0;
  if (digits.empty()) return std::nullopt;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out, base);
  if (ec != std::errc() || p != digits.data() + digits.size()) return std::nullopt;
  return out;
}

}  // namespace ksm
