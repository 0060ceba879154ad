// Tests of src/inventory/literal: Python's literal_eval as the INI plugin
// applies it (expected values checked against python3's ast.literal_eval).
#include <doctest/doctest.h>

#include "core/json.h"
#include "inventory/literal.h"

using namespace ksm;
using ksm::inventory::ini_value;
using ksm::inventory::python_literal;

TEST_CASE("literal: numbers in Python's spellings") {
  CHECK(ini_value("42") == Value(42));
  CHECK(ini_value("42").is_int());
  CHECK(ini_value("-7").as_int() == -7);
  CHECK(ini_value("+ 7").as_int() == 7);
  CHECK(ini_value("0x10").as_int() == 16);
  CHECK(ini_value("0o17").as_int() == 15);
  CHECK(ini_value("0b101").as_int() == 5);
  CHECK(ini_value("1_000_000").as_int() == 1000000);
  CHECK(ini_value("00").as_int() == 0);
  CHECK(ini_value("1.5").as_float() == 1.5);
  CHECK(ini_value("1e3").is_float());
  CHECK(ini_value("1e3").as_float() == 1000.0);
  CHECK(ini_value(".5").as_float() == 0.5);
  CHECK(ini_value("5.").as_float() == 5.0);
  CHECK(ini_value("01.5").as_float() == 1.5);
}

TEST_CASE("literal: what Python rejects stays the raw string") {
  for (const char* s : {"0755", "01", "1.2.3", "10.0.0.1", "v1.29.5", "yes", "true", "none", "1_",
                        "1__0", "0x", "1abc", "--1", "-True", "1+2", "a b", "", "[1, 2",
                        "f'x'", "'unterminated", "1 2", "x=1"}) {
    CAPTURE(s);
    CHECK(!python_literal(s).has_value());
    CHECK(ini_value(s) == Value(std::string(s)));
  }
  // Python literals with no JSON form (ansible-inventory could not print them)
  CHECK(ini_value("1j") == Value("1j"));
  CHECK(ini_value("{1, 2}") == Value("{1, 2}"));
  // beyond int64: kept as text rather than silently wrapped
  CHECK(ini_value("99999999999999999999") == Value("99999999999999999999"));
}

TEST_CASE("literal: constants, strings and escapes") {
  CHECK(ini_value("True") == Value(true));
  CHECK(ini_value("True").is_bool());
  CHECK(ini_value("False").is_bool());
  CHECK(ini_value("None").is_null());
  CHECK(ini_value("'x'") == Value("x"));
  CHECK(ini_value("\"a b\"") == Value("a b"));
  CHECK(ini_value("'a' \"b\"") == Value("ab"));
  CHECK(ini_value("'tab\\there'") == Value("tab\there"));
  CHECK(ini_value("r'raw\\n'") == Value("raw\\n"));
  CHECK(ini_value("'\\x41\\101\\u00e9'") == Value("AA\xc3\xa9"));
  CHECK(ini_value("'unknown \\q escape'") == Value("unknown \\q escape"));
  CHECK(ini_value("b'bytes'") == Value("bytes"));
  CHECK(ini_value("'''triple'''") == Value("triple"));
  CHECK(!python_literal("b'x' 'y'").has_value());  // bytes + str
}

TEST_CASE("literal: comments and surrounding space") {
  CHECK(ini_value("True # a comment") == Value(true));
  CHECK(ini_value("  12  ") == Value(12));
  CHECK(ini_value("'quoted # not a comment'") == Value("quoted # not a comment"));
  CHECK(ini_value("bare # comment") == Value("bare # comment"));  // not a literal: all of it
}

TEST_CASE("literal: containers") {
  CHECK(to_json(ini_value("[1, 2.5, 'three', None, True]"), {true, 0}) ==
        "[1,2.5,\"three\",null,true]");
  CHECK(to_json(ini_value("(1, 2)"), {true, 0}) == "[1,2]");
  CHECK(to_json(ini_value("(1,)"), {true, 0}) == "[1]");
  CHECK(ini_value("(1)") == Value(1));
  CHECK(to_json(ini_value("()"), {true, 0}) == "[]");
  CHECK(to_json(ini_value("{'a': 1, 'b': [True, None],}"), {true, 0}) ==
        "{\"a\":1,\"b\":[true,null]}");
  // keys as json.dumps writes them
  CHECK(to_json(ini_value("{1: 'x', None: 2, True: 3}"), {true, 0}) ==
        "{\"1\":\"x\",\"null\":2,\"true\":3}");
  CHECK(to_json(ini_value("{}"), {true, 0}) == "{}");
  CHECK(to_json(ini_value("[[1, [2]], {'k': (3,)}]"), {true, 0}) == "[[1,[2]],{\"k\":[3]}]");
  CHECK(!python_literal("[x]").has_value());
  CHECK(!python_literal("{[1]: 2}").has_value());
}

TEST_CASE("literal: deep nesting is refused, not a crash") {
  std::string deep(5000, '[');
  CHECK(!python_literal(deep).has_value());
}
