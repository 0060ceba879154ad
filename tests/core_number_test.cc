// parse_int64: whole numbers from text, no exceptions (core/number.h).
#include "core/number.h"

#include <doctest/doctest.h>

#include <limits>

using ksm::clamp_to_int;
using ksm::parse_int64;
using ksm::signed_from_magnitude;
using ksm::truncate_to_int64;

TEST_CASE("number: whole strings in a base, nothing else") {
  CHECK(parse_int64("42") == 42);
  CHECK(parse_int64("-7") == -7);
  CHECK(parse_int64("ff", 16) == 255);
  CHECK(parse_int64("101", 2) == 5);
  CHECK(parse_int64("17", 8) == 15);
  CHECK(parse_int64("9223372036854775807") == INT64_MAX);
  CHECK_FALSE(parse_int64(""));
  CHECK_FALSE(parse_int64("12a"));
  CHECK_FALSE(parse_int64(" 1"));
  CHECK_FALSE(parse_int64("+1"));
  CHECK_FALSE(parse_int64("2", 2));
  CHECK_FALSE(parse_int64("9", 8));
}

TEST_CASE("number: out of int64 range is no number, not an exception") {
  CHECK_FALSE(parse_int64("9223372036854775808"));
  CHECK_FALSE(parse_int64("99999999999999999999999999"));
  CHECK_FALSE(parse_int64("ffffffffffffffffff", 16));
}

// Fuzzing found '42444444444444444444444' | int casting 4.2e22 to int64 (UBSan, CI).
TEST_CASE("number: doubles truncate to int64 only inside its range") {
  CHECK(truncate_to_int64(3.99) == 3);
  CHECK(truncate_to_int64(-3.99) == -3);
  CHECK(truncate_to_int64(-0x1p63) == INT64_MIN);
  CHECK(truncate_to_int64(0x1p63 - 1024) == INT64_MAX - 1023);
  CHECK_FALSE(truncate_to_int64(0x1p63));
  CHECK_FALSE(truncate_to_int64(4.2e22));
  CHECK_FALSE(truncate_to_int64(-1e300));
  CHECK_FALSE(truncate_to_int64(std::numeric_limits<double>::quiet_NaN()));
  CHECK_FALSE(truncate_to_int64(std::numeric_limits<double>::infinity()));
}

TEST_CASE("number: a sign and a magnitude make an int64 when they fit") {
  CHECK(signed_from_magnitude(false, 5) == 5);
  CHECK(signed_from_magnitude(true, 5) == -5);
  CHECK(signed_from_magnitude(false, 9223372036854775807ULL) == INT64_MAX);
  CHECK_FALSE(signed_from_magnitude(false, 9223372036854775808ULL));
  CHECK(signed_from_magnitude(true, 9223372036854775808ULL) == INT64_MIN);
  CHECK_FALSE(signed_from_magnitude(true, 9223372036854775809ULL));
  CHECK_FALSE(signed_from_magnitude(false, UINT64_MAX));
  CHECK(clamp_to_int(INT64_MAX) == INT32_MAX);
  CHECK(clamp_to_int(INT64_MIN) == INT32_MIN);
  CHECK(clamp_to_int(-12) == -12);
}
