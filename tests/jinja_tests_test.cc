// Jinja/Ansible tests (`is ...`): type tests on undefined, comparisons,
// regex tests, set tests, truthy/falsy, task-result tests, and `version`
// with every operator, loose and strict.
#include <doctest/doctest.h>

#include "jinja_helpers.h"

using namespace ksm;
using namespace ksm::jinja;
using namespace ksm::jinja::test;

TEST_CASE("jinja tests: types") {
  CHECK(ev("'a' is string") == "true");
  CHECK(ev("1 is string") == "false");
  CHECK(ev("1 is number") == "true");
  CHECK(ev("true is number") == "true");  // bool is a Number in Python
  CHECK(ev("1 is integer") == "true");
  CHECK(ev("true is integer") == "false");
  CHECK(ev("1.5 is float") == "true");
  CHECK(ev("true is boolean") == "true");
  CHECK(ev("'true' is boolean") == "false");
  CHECK(ev("{} is mapping") == "true");
  CHECK(ev("[] is iterable") == "true");
  CHECK(ev("1 is iterable") == "false");
  CHECK(ev("'a' is sequence") == "true");
  CHECK(ev("none is none") == "true");
  CHECK(ev("missing is none") == "false");
  CHECK(ev("missing is string") == "false");
  CHECK(starts_with(ev("missing is odd"), "unknown: undefined variable"));
  CHECK(ev("true is true") == "true");
  CHECK(ev("1 is true") == "false");
  CHECK(ev("false is false") == "true");
}

TEST_CASE("jinja tests: comparisons and numbers") {
  CHECK(ev("3 is eq 3") == "true");
  CHECK(ev("3 is equalto 3") == "true");
  CHECK(ev("3 is ne 3") == "false");
  CHECK(ev("3 is gt 2") == "true");
  CHECK(ev("3 is greaterthan 2") == "true");
  CHECK(ev("3 is lt 2") == "false");
  CHECK(ev("3 is ge 3") == "true");
  CHECK(ev("3 is le 2") == "false");
  CHECK_FALSE(parse_expression("3 is ==(3)").ok());  // test names are names in Jinja
  CHECK(starts_with(ev("3 is lt 'a'"), "unknown: TypeError"));
  CHECK(ev("10 is divisibleby 5") == "true");
  CHECK(ev("7 is divisibleby(2)") == "false");
  CHECK(ev("3 is not divisibleby 2") == "true");
  CHECK(ev("7 is odd") == "true");
  CHECK(ev("-3 is odd") == "true");
  CHECK(ev("8 is even") == "true");
  CHECK(ev("1 is sameas 1") == "unknown: 'sameas' (object identity) is not knowable here");
  CHECK(ev("none is sameas none") == "true");
  CHECK(ev("true is sameas 1") == "false");
}

TEST_CASE("jinja tests: regex (Python re)") {
  CHECK(ev("'abc' is match('a')") == "true");
  CHECK(ev("'abc' is match('b')") == "false");
  CHECK(ev("'abc' is search('b')") == "true");
  CHECK(ev("'abc' is regex('^a.c$')") == "true");
  CHECK(ev("'abc' is regex('b', match_type='match')") == "false");
  CHECK(ev("'ABC' is match('a', ignorecase=true)") == "true");
  CHECK(ev("'a\\nb' is search('^b', multiline=true)") == "true");
  CHECK(ev("5 is match('5')") == "true");  // to_text first
  CHECK(ev("'node-1' is "
           "match('[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$')") ==
        "true");
  CHECK(ev("'Node_1' is match('[a-z0-9]([-a-z0-9]*[a-z0-9])?$')") == "false");
}

TEST_CASE("jinja tests: containers and truthiness") {
  CHECK(ev("[1, 2] is subset([1, 2, 3])") == "true");
  CHECK(ev("[1, 4] is subset([1, 2, 3])") == "false");
  CHECK(ev("[1, 2, 3] is superset([3])") == "true");
  CHECK(ev("[1, 2] is contains(2)") == "true");
  CHECK(ev("'abc' is contains('b')") == "true");
  CHECK(ev("2 is in([1, 2])") == "true");
  CHECK(ev("'a' is in('cat')") == "true");
  CHECK(ev("[1, 0] is any") == "true");
  CHECK(ev("[1, 0] is all") == "false");
  CHECK(ev("[] is all") == "true");
  CHECK(ev("'' is truthy") == "false");
  CHECK(ev("'false' is truthy") == "true");
  CHECK(ev("'false' is truthy(convert_bool=true)") == "false");
  CHECK(ev("'no' is falsy(convert_bool=true)") == "true");
  CHECK(ev("'abc' is lower") == "true");
  CHECK(ev("'ABC' is upper") == "true");
}

TEST_CASE("jinja tests: task results") {
  CHECK(ev("{'failed': true} is failed") == "true");
  CHECK(ev("{'failed': false} is succeeded") == "true");
  CHECK(ev("{'rc': 0} is success") == "true");
  CHECK(ev("{'changed': true} is changed") == "true");
  CHECK(ev("{} is skipped") == "false");
  CHECK(starts_with(ev("'x' is failed"), "unknown: AnsibleFilterError"));
  CHECK(starts_with(ev("'/etc' is exists"), "unknown: test 'exists' depends on the managed host"));
}

TEST_CASE("jinja tests: version, every operator (LooseVersion by default)") {
  const std::string v = R"({"kv": "v1.30.4"})";
  struct C { const char* op; const char* other; bool want; };
  const C cases[] = {
      {"<", "v1.31", true},     {"lt", "v1.31", true},     {"<", "v1.30.4", false},
      {"<=", "v1.30.4", true},  {"le", "v1.30.3", false},  {">", "v1.30", true},
      {"gt", "v1.30.4", false}, {">=", "v1.30.4", true},   {"ge", "v1.30.5", false},
      {"==", "v1.30.4", true},  {"=", "v1.30.4", true},    {"eq", "v1.30.04", true},
      {"!=", "v1.30.5", true},  {"<>", "v1.30.4", false},  {"ne", "v1.30.4", false},
  };
  for (const auto& c : cases) {
    std::string expr = std::string("kv is version('") + c.other + "', '" + c.op + "')";
    CHECK_MESSAGE(ev(expr, v) == (c.want ? "true" : "false"), expr);
  }
  CHECK(ev("kv is version('v1.29.0')", v) == "false");  // default operator is eq
  CHECK(ev("kv is version_compare('v1.30', '>=')", v) == "true");
  CHECK(ev("kv is not version('v1.20', '<')", v) == "true");
  CHECK(ev("'1.10' is version('1.9', '>')") == "true");  // numeric, not lexical
  CHECK(ev("'18.09.1' is version('18.09.1', '>=')") == "true");
  CHECK(ev("'4.19.0-25-amd64'.split('-')[0] is version('4.9.17', '>=')") == "true");
  // LooseVersion comparing a number with a letter raises TypeError in Python 3
  CHECK(starts_with(ev("'1.2a' is version('1.2.3', '<')"), "unknown: Version comparison failed"));
  CHECK(starts_with(ev("'v1.2' is version('1.2', '<')"), "unknown: Version comparison failed"));
  CHECK(starts_with(ev("kv is version('v1.0', 'foo')", v), "unknown: Invalid operator type"));
  CHECK(starts_with(ev("'' is version('1.0', '<')"),
                    "unknown: AnsibleFilterError: Input version value cannot be empty"));
}

TEST_CASE("jinja tests: version strict and semver") {
  CHECK(ev("'1.31.2' is version('1.31.2', '>=', strict=true)") == "true");
  CHECK(ev("'1.2a1' is version('1.2', '<', strict=true)") == "true");
  CHECK(ev("'1.2b1' is version('1.2a9', '>', strict=true)") == "true");
  CHECK(ev("'1.2' is version('1.2.0', '==', strict=true)") == "true");
  CHECK(starts_with(ev("'v1.2' is version('1.2', '<', strict=true)"),
                    "unknown: Version comparison failed: invalid"));
  CHECK(ev("'1.2.3' is version('1.2.3-rc1', '>', version_type='semver')") == "true");
  CHECK(ev("'1.2.3-alpha.1' is version('1.2.3-alpha.beta', '<', version_type='semver')") == "true");
  CHECK(ev("'1.2.3+build' is version('1.2.3', '==', version_type='semver')") == "true");
  CHECK(ev("'1.2' is version('1.10', '<', version_type='loose')") == "true");
  CHECK(starts_with(ev("'1.2' is version('1.3', '<', strict=true, version_type='loose')"),
                    "unknown: AnsibleFilterError"));
}
