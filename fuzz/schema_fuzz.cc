// libFuzzer target: the schema loader (src/schema) on one arbitrary rule
// file: structure against schemas/schema.json, the rule checks, then the
// queries upgrade and plan make of the loaded rules (hop, classify, sticky,
// avoided tags) and the parse of every advisory condition. Errors carry
// file:line:col; never a crash or a hang.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/json_schema.h"
#include "core/paths.h"
#include "jinja/jinja.h"
#include "schema/schema.h"

namespace {

const ksm::JsonSchema& schema_of_schemas() {
  static const ksm::JsonSchema js = [] {
    auto r = ksm::JsonSchema::load(ksm::schemas_dir() / "schema.json");
    if (!r) std::abort();  // the fuzz build runs from the source tree
    return *r;
  }();
  return js;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ksm::schema;
  std::string text(reinterpret_cast<const char*>(data), size);
  const auto& js = schema_of_schemas();
  Schemas s;
  std::vector<ksm::Error> errors;
  parse_schema_text(text, "schemas/v2.25.0.yml", js, true, s, errors);
  for (const auto& e : errors) (void)e.str();
  if (!errors.empty()) return 0;
  auto from = ksm::Version::parse_release("v2.20.0"), to = ksm::Version::parse_release("v2.30.0");
  (void)s.for_hop(*from, *to);
  for (const auto& r : s.variable_renames) {
    (void)s.classify(r.from, *to);
    (void)s.rename_of(r.from, *from, *to);
  }
  for (const auto& r : s.removals) (void)s.classify(r.variable, *to);
  for (const auto& st : s.sticky) {
    (void)s.sticky_rule(st.variable);
    (void)st.implicit_at(*from);
    if (!st.when.empty()) (void)ksm::jinja::parse_expression(st.when);
  }
  for (const auto& a : s.advisories) {
    (void)s.avoided(*to);
    (void)a.applies_to_hop(*from, *to);
    if (!a.condition.empty()) (void)ksm::jinja::parse_expression(a.condition);
  }
  (void)s.summary(*to);
  return 0;
}
