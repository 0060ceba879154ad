// libFuzzer target: the Jinja parser and evaluator (src/jinja). The first
// byte picks template, expression or Ansible's template_value; the rest is
// the text, evaluated against a few variables (templated ones included, one
// self-referencing pair). Must end in a Value (possibly Unknown) or a parse
// Error, within the step and size budget: never a crash or a hang.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/json.h"
#include "jinja/jinja.h"

namespace {

ksm::Map make_vars() {
  auto v = ksm::parse_json(R"({
    "n": 3, "f": 1.5, "s": "abc", "t": true, "none": null,
    "l": [1, 2, "x", [3]], "m": {"a": 1, "b": {"c": "d"}},
    "ip": "10.233.0.0/18", "ver": "v1.29.3",
    "tpl": "{{ n + 1 }}", "loop_a": "{{ loop_b }}", "loop_b": "{{ loop_a }}",
    "groups": {"all": ["node1", "node2"], "kube_control_plane": ["node1"]},
    "inventory_hostname": "node1"
  })");
  return v->as_map();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  ksm::jinja::Limits l;
  l.max_steps = 200'000;      // a fuzz input must finish in milliseconds
  l.max_output = 1u << 20;
  l.max_depth = 50;
  ksm::jinja::set_limits(l);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const ksm::Map vars = make_vars();
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  ksm::jinja::MapContext ctx(vars, nullptr, true);
  switch (data[0] % 3) {
    case 0: {
      auto t = ksm::jinja::parse_template(text, "fuzz.j2");
      if (!t) return 0;
      (void)ksm::jinja::free_names(*t);
      (void)ksm::jinja::render(*t, ctx);
      break;
    }
    case 1: {
      auto t = ksm::jinja::parse_expression(text, "fuzz");
      if (!t) return 0;
      (void)ksm::jinja::free_names(*t);
      ksm::Value v = ksm::jinja::render(*t, ctx);
      if (!v.is_undefined() && !v.is_unknown()) (void)ksm::to_json(v);
      break;
    }
    default:
      (void)ksm::jinja::template_value(ksm::Value(std::string(text)), ctx);
      (void)ksm::jinja::literal_eval(text);
  }
  return 0;
}
