// Entry points of the evaluator used by jinja.cc (render, template_value).
#pragma once

#include <string>

#include "jinja/internal.h"

namespace ksm::jinja {

struct RenderResult {
  bool ok = false;
  std::string text;           // concatenated output
  size_t nodes = 0;           // output pieces yielded (Ansible's concat looks at 1 vs many)
  Value single_value;         // value of the last {{ }} (meaningful when nodes == 1)
  bool single_native_text = false;  // last {{ }} ended in a string-type filter (to_json...)
  std::string reason;         // when !ok
  bool undefined = false;     // when !ok: an undefined-variable error
};

RenderResult render_body(const Body& body, Context& ctx);
Value eval_expression(const Node& expr, Context& ctx, bool* undefined_error = nullptr);

}  // namespace ksm::jinja
