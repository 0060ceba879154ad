// parse_int64: whole numbers from text, no exceptions (core/number.h).
#include "core/number.h"

#include <doctest/doctest.h>

using ksm::parse_int64;

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
