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

namespace ksm {

// `d` truncated toward zero, as Python's int(float) does, when the result fits
// in int64_t; nullopt for NaN, the infinities and anything past the range
// (a cast there is undefined behaviour; fuzzing found '4244444444444444444444' | int).
inline std::optional<int64_t> truncate_to_int64(double d) {
  if (!(d >= -0x1p63 && d < 0x1p63)) return std::nullopt;
  return static_cast<int64_t>(d);
}

// The value -u or u, when it fits in int64_t (u up to 2^63 when negative).
inline std::optional<int64_t> signed_from_magnitude(bool negative, uint64_t u) {
  constexpr uint64_t kMax = static_cast<uint64_t>(INT64_MAX);
  if (!negative) return u <= kMax ? std::optional<int64_t>(static_cast<int64_t>(u)) : std::nullopt;
  if (u <= kMax) return -static_cast<int64_t>(u);
  if (u == kMax + 1) return INT64_MIN;
  return std::nullopt;
}

// An int64 narrowed to int, clamped to int's range.
inline int clamp_to_int(int64_t v) {
  return static_cast<int>(v < INT32_MIN ? INT32_MIN : v > INT32_MAX ? INT32_MAX : v);
}

}  // namespace ksm
