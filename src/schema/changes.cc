// Default comparisons between tags (see changes.h).
#include "schema/changes.h"

#include <algorithm>
#include <regex>

#include "schema/facts.h"

namespace ksm::schema {

DefaultView default_at(const catalog::TagFacts& facts, std::string_view variable) {
  DefaultView d;
  const Value* def = facts.default_entry(variable);
  if (!def || !def->is_map()) return d;
  d.present = true;
  if (const Value* f = def->get("file"); f && f->is_string()) d.file = f->as_string();
  if (const Value* l = def->get("line"); l && l->is_int()) d.line = static_cast<int>(l->as_int());
  if (const Value* c = def->get("checksums")) {
    d.checksums = true;
    d.known = true;
    d.value = *c;
    return d;
  }
  const Value* known = def->get("known");
  const Value* value = def->get("value");
  if (value && !(known && known->is_bool() && !known->as_bool())) {
    d.known = true;
    d.value = *value;
  }
  if (const Value* deps = def->get("depends"); deps && deps->is_list())
    for (const auto& n : deps->as_list())
      if (n.is_string()) d.depends.push_back(n.as_string());
  return d;
}

DefaultView effective_default(const catalog::TagFacts& facts, const Version& tag,
                              std::string_view variable, const Sticky* rule) {
  DefaultView d = default_at(facts, variable);
  if (d.present || !rule) return d;
  const Implicit* im = rule->implicit_at(tag);
  if (!im) return d;
  d.present = true;
  d.implicit = true;
  d.source = im->source;
  if (im->value.is_string()) {
    static const std::regex lone(R"(^\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$)");
    std::smatch m;
    const std::string& text = im->value.as_string();
    if (std::regex_match(text, m, lone)) {
      DefaultView ref = default_at(facts, m[1].str());
      d.depends = {m[1].str()};
      if (ref.known) {
        d.known = true;
        d.value = ref.value;
      }
      return d;
    }
    if (text.find("{{") != std::string::npos || text.find("{%") != std::string::npos) return d;
  }
  d.known = true;
  d.value = im->value;
  return d;
}

std::optional<bool> defaults_differ(const DefaultView& a, const DefaultView& b) {
  if (a.present != b.present) return true;
  if (!a.present) return false;
  if (a.known && b.known) return !(a.value == b.value) || a.value.kind() != b.value.kind();
  if (a.known != b.known) return std::nullopt;
  // both unknown templates: same names read -> cannot tell; different -> changed
  if (a.depends == b.depends) return std::nullopt;
  return std::nullopt;
}

std::string default_text(const DefaultView& d) {
  if (!d.present) return "<unset>";
  if (d.known) {
    if (d.checksums) return "<checksum table>";
    return to_python_repr(d.value);
  }
  std::string deps;
  const size_t keep = 3;
  for (size_t i = 0; i < d.depends.size() && i < keep; ++i)
    deps += (deps.empty() ? "" : ", ") + d.depends[i];
  if (d.depends.size() > keep)
    deps += ", ... (" + std::to_string(d.depends.size() - keep) + " more)";
  return deps.empty() ? "<template>" : "<template over " + deps + ">";
}

std::vector<StickyChange> sticky_changes(const Schemas& schemas,
                                         const catalog::TagFacts& from_facts, const Version& from,
                                         const catalog::TagFacts& to_facts, const Version& to) {
  std::vector<StickyChange> out;
  for (const auto& rule : schemas.sticky) {
    StickyChange c;
    c.rule = &rule;
    c.old_default = effective_default(from_facts, from, rule.variable, &rule);
    c.new_default = effective_default(to_facts, to, rule.variable, &rule);
    if (!c.old_default.present) continue;  // introduced: nothing to keep
    auto differ = defaults_differ(c.old_default, c.new_default);
    if (differ && !*differ) continue;
    if (!differ) {
      // a template on one side: report only when the visible parts differ
      if (!c.old_default.known && !c.new_default.known &&
          c.old_default.depends == c.new_default.depends)
        continue;
      c.certain = false;
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<std::string> vanished_defaults(const catalog::TagFacts& from_facts,
                                           const catalog::TagFacts& to_facts) {
  std::vector<std::string> out;
  for (auto& name : from_facts.default_names())
    if (!to_facts.has_default(name)) out.push_back(std::move(name));
  return out;
}

}  // namespace ksm::schema
