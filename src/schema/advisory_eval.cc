// Whether an advisory holds for an inventory (see advisory_eval.h).
#include "schema/advisory_eval.h"

namespace ksm::schema {

AdvisoryVerdict evaluate_advisory(const Advisory& a, jinja::Context& ctx) {
  AdvisoryVerdict v;
  if (a.condition.empty()) return v;
  auto expr = jinja::parse_expression(a.condition, a.id);
  if (!expr) {
    v.applies = Applies::Unknown;
    v.why = "the condition does not parse: " + expr.error().message;
    return v;
  }
  v.names = jinja::free_names(*expr);
  Value r = jinja::render(*expr, ctx);
  if (r.is_bool()) {
    v.applies = r.as_bool() ? Applies::Yes : Applies::No;
    return v;
  }
  v.applies = Applies::Unknown;
  v.why = r.is_unknown() ? r.unknown_reason() : "the condition is not a boolean";
  return v;
}

}  // namespace ksm::schema
