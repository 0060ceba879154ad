// What changes between two tags' facts, as the pieces plan, explain,
// upgrade and the completeness test share: the effective default of a
// variable at a tag (versions/ facts, or a sticky rule's implicit value when
// the tag has no default), the default changes of sticky variables (what an
// upgrade pins), and the variables that vanish from every default.
#pragma once

#include "catalog/facts.h"
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.h"
#include "schema/schema.h"
#include "sources/version.h"

namespace ksm::schema {

// A variable's default at one tag.
struct DefaultView {
  bool present = false;   // a default exists (or an implicit one from schemas/)
  bool known = false;     // `value` is the effective value
  Value value;            // literal or evaluated value when known
  std::vector<std::string> depends;  // names a template default reads (unknown value)
  bool checksums = false; // a checksum table (compared by its keys)
  bool implicit = false;  // from a sticky rule's implicit value, not from Kubespray's defaults
  std::string file;       // where the default is defined ("" for implicit)
  int line = 0;
  std::string source;     // implicit: the rule's source
};

DefaultView default_at(const catalog::TagFacts& facts, std::string_view variable);
// default_at, falling back to `rule`'s implicit value for `tag` when the tag
// has no default; an implicit template is resolved against the tag's known
// defaults when it is a lone {{ name }}.
DefaultView effective_default(const catalog::TagFacts& facts, const Version& tag,
                              std::string_view variable, const Sticky* rule);

// Whether two defaults differ. nullopt when it cannot be told (both
// templates over the same names, values unknown).
std::optional<bool> defaults_differ(const DefaultView& a, const DefaultView& b);

// Text for a default: the value as Python prints it, "<template over a, b>"
// when unknown, "<unset>" when absent.
std::string default_text(const DefaultView& d);

struct StickyChange {
  const Sticky* rule = nullptr;
  DefaultView old_default, new_default;
  bool certain = true;   // false: a template on either side, the change cannot be told
  // The old effective value is known: an upgrade can pin it.
  bool pinnable() const { return old_default.known; }
};

// Sticky variables whose effective default differs (or may differ) between
// the two tags, in schemas/ order.
std::vector<StickyChange> sticky_changes(const Schemas& schemas,
                                         const catalog::TagFacts& from_facts, const Version& from,
                                         const catalog::TagFacts& to_facts, const Version& to);

// Variables with a default at `from` and none at `to`, sorted.
std::vector<std::string> vanished_defaults(const catalog::TagFacts& from_facts,
                                           const catalog::TagFacts& to_facts);

}  // namespace ksm::schema
