// Shared helpers for the jinja_*_test.cc files: evaluate an expression or
// a variable value against variables given as JSON, and show results as
// Python-style JSON so expectations read like Ansible output.
#pragma once

#include <doctest/doctest.h>

#include <string>

#include "core/json.h"
#include "jinja/internal.h"
#include "jinja/jinja.h"

namespace ksm::jinja::test {

inline Map vars_from_json(const std::string& json) {
  if (json.empty()) return Map{};
  auto v = parse_json(json);
  REQUIRE_MESSAGE(v.ok(), json);
  REQUIRE(v->is_map());
  return v->as_map();
}

// Evaluates an expression; variables are templated on lookup as Ansible does.
inline Value eval(const std::string& expr, const std::string& vars_json = "") {
  auto t = parse_expression(expr);
  REQUIRE_MESSAGE(t.ok(), expr << ": " << (t.ok() ? "" : t.error().str()));
  MapContext ctx(vars_from_json(vars_json), nullptr, true);
  return render(*t, ctx);
}

// Python json.dumps of a known value; "unknown: <reason>" / "undefined" otherwise.
inline std::string show(const Value& v) {
  if (v.is_undefined()) return "undefined";
  if (v.is_unknown()) return "unknown: " + v.unknown_reason();
  if (const Value* u = find_unknown(v)) return "unknown: " + opaque_reason(*u);
  return python_json_dumps(v, -1, false);
}

inline std::string ev(const std::string& expr, const std::string& vars_json = "") {
  return show(eval(expr, vars_json));
}

// Renders a template (plain Jinja rendering, no Ansible conversion).
inline std::string render_text(const std::string& tmpl, const std::string& vars_json = "") {
  auto t = parse_template(tmpl);
  REQUIRE_MESSAGE(t.ok(), tmpl << ": " << (t.ok() ? "" : t.error().str()));
  MapContext ctx(vars_from_json(vars_json), nullptr, true);
  Value v = render(*t, ctx);
  if (v.is_string()) return v.as_string();
  return show(v);
}

// Ansible's templating of a variable value (template_value), shown as JSON.
inline std::string tv(const std::string& text, const std::string& vars_json = "") {
  MapContext ctx(vars_from_json(vars_json), nullptr, true);
  return show(template_value(Value(text), ctx));
}

inline bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

}  // namespace ksm::jinja::test
