// Ansible's Templar.template() on variable values (template_value): which
// results become native values (lists, dicts, booleans) and which stay
// strings, backslash escaping in {{ }}, trailing newlines; literal_eval,
// MapContext with a parent, and free_names.
#include <doctest/doctest.h>

#include "jinja_helpers.h"

using namespace ksm;
using namespace ksm::jinja;
using namespace ksm::jinja::test;

TEST_CASE("jinja template_value: what comes back native") {
  const std::string v =
      R"({"port": 6443, "modes": ["Node", "RBAC"], "n": null, "t": "{{ port }}"})";
  CHECK(tv("plain text", v) == "\"plain text\"");
  CHECK(tv("{{ 1 + 1 }}", v) == "\"2\"");        // numbers stay strings (jinja2_native off)
  CHECK(tv("{{ port }}", v) == "6443");          // ... except a lone {{ var }} holding one
  CHECK(tv("{{ port + 1 }}", v) == "\"6444\"");
  CHECK(tv("{{ n }}", v) == "null");
  CHECK(tv("{{ none }}", v) == "\"\"");
  CHECK(tv("{{ [1, 'a'] }}", v) == "[1, \"a\"]");
  CHECK(tv("{{ {'a': none} }}", v) == "{\"a\": null}");
  CHECK(tv("{{ modes }}", v) == "[\"Node\", \"RBAC\"]");
  CHECK(tv("{{ modes + ['x'] }}", v) == "[\"Node\", \"RBAC\", \"x\"]");
  CHECK(tv("{{ 1 == 1 }}", v) == "true");
  CHECK(tv("{{ 'True' }}", v) == "true");
  CHECK(tv("{{ '1.5' }}", v) == "\"1.5\"");
  CHECK(tv("{{ 'yes' }}", v) == "\"yes\"");
  CHECK(tv(" {{ [1] }}", v) == "\" [1]\"");      // must start with [ or {
  CHECK(tv("{{ [1] }} ", v) == "[1]");
  CHECK(tv("[{{ port }}, 1]", v) == "[6443, 1]");
  CHECK(tv("{{ t }}", v) == "\"6443\"");
  // string-type filters keep a lone result as text
  CHECK(tv("{{ modes | to_json }}", v) == "\"[\\\"Node\\\", \\\"RBAC\\\"]\"");
  CHECK(tv("{{ [1, 2] | to_json }}", v) == "\"[1, 2]\"");
  CHECK(tv("{{ modes | string }}", v) == "\"['Node', 'RBAC']\"");
  CHECK(tv("x{{ modes | to_json }}", v) == "\"x[\\\"Node\\\", \\\"RBAC\\\"]\"");
  CHECK(tv("{{ [1] | to_json }}{{ '' }}", v) == "[1]");
  CHECK(tv("{% if true %}{{ modes }}{% endif %}", v) == "[\"Node\", \"RBAC\"]");
  CHECK(tv("{{ \"[1, 'a', true]\" }}", v) == "[1, \"a\", true]");
  CHECK(tv("{{ '[1, 2' }}", v) == "\"[1, 2\"");  // not a literal: stays text
}

TEST_CASE("jinja template_value: containers, trailing newlines, escaping") {
  MapContext ctx(vars_from_json(R"({"a": "x"})"), nullptr, true);
  Value in(List{Value("{{ a }}"), Value(Map{{"k", Value("{{ a }}-y")}}), Value(int64_t(3))});
  CHECK(show(template_value(in, ctx)) == "[\"x\", {\"k\": \"x-y\"}, 3]");
  CHECK(tv("{{ 'a' }}\n\n") == "\"a\\n\\n\"");
  CHECK(tv("{% if true %}a{% endif %}\n") == "\"a\\n\"");
  // inside {{ }} string literals backslashes are literal (Ansible doubles them)
  CHECK(tv("{{ 'a.b' | regex_replace('\\.', '-') }}") == "\"a-b\"");
  CHECK(tv("{{ 'a\\nb' }}") == "\"a\\\\nb\"");
  // ... but not inside {% %}
  CHECK(tv("{% set x = 'a\\tb' %}{{ x }}") == "\"a\\tb\"");
  CHECK(starts_with(tv("{{ missing }}"), "unknown: undefined variable 'missing'"));
  CHECK(starts_with(tv("{{ x + }}"), "unknown: template error"));
  CHECK(is_undefined_error(template_value(Value("{{ missing }}"), ctx)));
  CHECK_FALSE(is_undefined_error(template_value(Value("{{ lookup('env', 'X') }}"), ctx)));
}

TEST_CASE("jinja literal_eval (Python ast.literal_eval with JSON names)") {
  CHECK(show(literal_eval("[1, 'a', None, True, 2.5]")) == "[1, \"a\", null, true, 2.5]");
  CHECK(show(literal_eval("{'a': [1, (2, 3)]}")) == "{\"a\": [1, [2, 3]]}");
  CHECK(show(literal_eval("[true, false, null]")) == "[true, false, null]");
  CHECK(show(literal_eval("['it\\'s', \"x\\ty\"]")) == "[\"it's\", \"x\\ty\"]");
  CHECK(show(literal_eval("[-1, +2, 0x10, 1_000]")) == "[-1, 2, 16, 1000]");
  CHECK(show(literal_eval("[1] # comment")) == "[1]");
  CHECK(show(literal_eval("[1,\n 2]")) == "[1, 2]");
  CHECK(literal_eval("[1, 2").is_undefined());
  CHECK(literal_eval("[a]").is_undefined());
  CHECK(literal_eval("{1, 2}").is_undefined());
  CHECK(literal_eval("[01]").is_undefined());
  CHECK(literal_eval("[1]\n[2]").is_undefined());
  CHECK(literal_eval("{1: 'a'}").is_unknown());  // valid, but not a dict we can hold
}

TEST_CASE("jinja MapContext: parent chain and raw values") {
  MapContext parent(vars_from_json(R"({"a": 1, "b": "{{ a }}"})"));
  MapContext child(vars_from_json(R"({"a": 2})"), &parent);
  CHECK(show(child.lookup("a")) == "2");
  CHECK(show(child.lookup("b")) == "\"{{ a }}\"");  // parent does not template
  CHECK(child.lookup("zzz").is_undefined());
  MapContext templating(vars_from_json(R"({"a": 1, "b": "{{ a }}"})"), nullptr, true);
  CHECK(show(templating.lookup("b")) == "1");
}

TEST_CASE("jinja free_names: the variables a template reads") {
  auto names = [](const std::string& text, bool expr) {
    auto t = expr ? parse_expression(text) : parse_template(text);
    REQUIRE(t.ok());
    std::string out;
    for (const auto& n : free_names(*t)) out += n + " ";
    return out;
  };
  CHECK(names("a + b.c | default(d)", true) == "a b d ");
  CHECK(names("{% for h in groups['etcd'] %}{{ h }}{{ loop.index }}{{ x }}{% endfor %}", false) ==
        "groups x ");
  CHECK(names("{% set y = z %}{{ y }}", false) == "z ");
  CHECK(names("lookup('env', 'X') ~ range(3) | string ~ e", true) == "e ");
  CHECK(names("kube_version is version(kube_min, '>=')", true) == "kube_version kube_min ");
}
