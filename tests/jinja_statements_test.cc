// Template statements: if/elif/else, for with loop.* and else, set and
// block set, raw, comments, whitespace control and Ansible's trim_blocks.
#include <doctest/doctest.h>

#include "jinja_helpers.h"

using namespace ksm;
using namespace ksm::jinja;
using namespace ksm::jinja::test;

TEST_CASE("jinja statements: if / elif / else") {
  const std::string t = "{% if x == 1 %}one{% elif x == 2 %}two{% else %}many{% endif %}";
  CHECK(render_text(t, R"({"x": 1})") == "one");
  CHECK(render_text(t, R"({"x": 2})") == "two");
  CHECK(render_text(t, R"({"x": 3})") == "many");
  CHECK(render_text("{% if x is defined %}d{% endif %}") == "");
  CHECK(render_text("{% if [] %}a{% elif {} %}b{% else %}c{% endif %}") == "c");
}

TEST_CASE("jinja statements: for and loop.*") {
  const std::string vars = R"({"hosts": ["a", "b", "c"], "d": {"x": 1, "y": 2}})";
  CHECK(render_text("{% for h in hosts %}{{ loop.index }}{{ h }}{% endfor %}", vars) == "1a2b3c");
  CHECK(render_text("{% for h in hosts %}{{ loop.index0 }}{% endfor %}", vars) == "012");
  CHECK(render_text("{% for h in hosts %}{{ loop.revindex }}{% endfor %}", vars) == "321");
  CHECK(render_text("{% for h in hosts %}{{ loop.revindex0 }}{% endfor %}", vars) == "210");
  CHECK(render_text("{% for h in hosts %}{{ loop.first }}{% endfor %}", vars) == "TrueFalseFalse");
  CHECK(render_text("{% for h in hosts %}{{ loop.last }}{% endfor %}", vars) == "FalseFalseTrue");
  CHECK(render_text("{% for h in hosts %}{{ loop.length }}{% endfor %}", vars) == "333");
  CHECK(render_text("{% for h in hosts %}{{ h }}{% if not loop.last %},{% endif %}{% endfor %}",
                    vars) == "a,b,c");
  CHECK(render_text("{% for h in hosts %}{{ loop.previtem | default('-') }}{% endfor %}", vars) ==
        "-ab");
  CHECK(render_text("{% for h in [] %}x{% else %}empty{% endfor %}") == "empty");
  CHECK(render_text("{% for k in d %}{{ k }}{% endfor %}", vars) == "xy");
  CHECK(render_text("{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}", vars) == "x=1;y=2;");
  CHECK(render_text("{% for c in 'ab' %}[{{ c }}]{% endfor %}") == "[a][b]");
  // a loop filter runs before loop.* is computed
  CHECK(
      render_text(
          "{% for x in range(6) if x is even %}{{ loop.index }}/{{ loop.length }} {% endfor %}") ==
      "1/3 2/3 3/3 ");
  // nested loops keep their own loop variable
  CHECK(render_text("{% for a in [1, 2] %}{% for b in [1, 2] %}{{ loop.index }}{% endfor %}{{ "
                    "loop.index }}|{% endfor %}") == "121|122|");
  // Kubespray's etcd_member_name: position of the host in the etcd group
  CHECK(
      render_text("{% for h in hosts %}{% if h == me %}etcd{{ loop.index }}{% endif %}{% endfor %}",
                  R"({"hosts": ["a", "b", "c"], "me": "b"})") == "etcd2");
  CHECK(starts_with(render_text("{% for x in 5 %}{% endfor %}"), "unknown: TypeError"));
}

TEST_CASE("jinja statements: set and block set, with Jinja scoping") {
  CHECK(render_text("{% set n = 3 %}{{ n * 2 }}") == "6");
  CHECK(render_text("{% set a, b = [1, 2] %}{{ b }}{{ a }}") == "21");
  CHECK(render_text("{% set s %}x{{ 1 + 1 }}y{% endset %}[{{ s }}]") == "[x2y]");
  CHECK(render_text("{% set s | upper %}abc{% endset %}{{ s }}") == "ABC");
  // a set inside a loop does not leak out of it (Jinja scoping)
  CHECK(render_text("{% set c = 0 %}{% for i in [1, 2] %}{% set c = c + i %}{% endfor %}{{ c }}") ==
        "0");
  // ... but a set inside if does
  CHECK(render_text("{% if true %}{% set c = 5 %}{% endif %}{{ c }}") == "5");
  CHECK(
      render_text("{% set l = [] %}{% for h in ['a'] %}{% set l = l + [h] %}{{ l }}{% endfor %}") ==
      "['a']");
}

TEST_CASE("jinja statements: raw and comments") {
  CHECK(render_text("{% raw %}{{ x }}{% endraw %}") == "{{ x }}");
  CHECK(render_text("a{# note #}b") == "ab");
  CHECK(render_text("a{# multi\nline #}b") == "ab");
}

TEST_CASE("jinja statements: whitespace control and trim_blocks") {
  // Ansible's environment sets trim_blocks: the newline after a block tag goes
  CHECK(render_text("{% if true %}\nyes\n{% endif %}\nend") == "yes\nend");
  CHECK(render_text("{# c #}\nx") == "x");
  // but not after {{ }}
  CHECK(render_text("{{ 1 }}\n{{ 2 }}") == "1\n2");
  CHECK(render_text("a  {%- if true %} b {% endif -%}  c") == "a b c");
  CHECK(render_text("x\n  {{- 1 -}}  \ny") == "x1y");
  CHECK(render_text("{%+ if true +%}\nkeep{% endif %}") == "\nkeep");
  // lstrip_blocks is off: indentation before a block tag stays
  CHECK(render_text("  {% if true %}x{% endif %}") == "  x");
  // one trailing newline of the template is dropped (keep_trailing_newline off)
  CHECK(render_text("x\n") == "x");
  CHECK(render_text("x\n\n") == "x\n");
}

TEST_CASE("jinja statements: rendering values like Python's str()") {
  CHECK(render_text("{{ none }}") == "");  // Ansible's finalize turns None into ''
  CHECK(render_text("{{ [1, 'a', none] }}") == "[1, 'a', None]");
  CHECK(render_text("{{ {'a': true} }}") == "{'a': True}");
  CHECK(render_text("{{ 1.0 }}") == "1.0");
  CHECK(render_text("{{ \"it's\" }}") == "it's");
  CHECK(render_text("{{ [\"it's\"] }}") == "[\"it's\"]");
}

TEST_CASE("jinja statements: syntax errors") {
  CHECK_FALSE(parse_template("{% if x %}no end").ok());
  CHECK_FALSE(parse_template("{{ 1 + }}").ok());
  CHECK_FALSE(parse_template("{% for x %}{% endfor %}").ok());
  CHECK_FALSE(parse_template("{{ 'unterminated }}").ok());
  CHECK_FALSE(parse_template("{% bogus %}").ok());
  CHECK_FALSE(parse_expression("1 +").ok());
  CHECK_FALSE(parse_expression("a b").ok());
  auto e = parse_template("line1\n{{ x + }}", "roles/x/defaults/main.yml");
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().where.file == "roles/x/defaults/main.yml");
  CHECK(e.error().where.line == 2);
}
