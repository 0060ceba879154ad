// The curated release knowledge of schemas/ as typed rules: what an
// inventory must go through when it moves to a Kubespray release (group
// renames, file moves, hosts-file layout changes, variable renames,
// restructures and removals), which variables a running cluster cannot
// change (sticky), and which releases or combinations are known to break
// (advisories, with a Jinja condition on the inventory). Facts computable
// from Kubespray's trees are not here: they are in versions/.
//
// load_schemas() reads our folder then the operator's (--schemas), checks
// every file against schemas/schema.json (file:line:col errors) and a few
// rules JSON Schema cannot express, and answers "which rules apply to the
// hop A -> B". upgrade, preflight, plan and explain all go through this.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/value.h"
#include "sources/version.h"

namespace ksm {
class JsonSchema;  // core/json_schema.h
}  // namespace ksm

namespace ksm::schema {

// Common to every rule: the release it arrives with, why, and where it is said.
struct Rule {
  Version release;     // for sticky rules: unset (0.0.0)
  std::string reason;
  std::string source;
  Location where;      // the rule's position in its schema file
};

struct GroupRename : Rule {
  std::string from, to;
};

struct FileMove : Rule {
  std::string from;  // relative to the inventory folder
  std::string to;    // empty: dropped from the sample
  bool dir = false;
  std::string hint;
};

// A group Kubespray builds at run time (playbooks/boilerplate.yml) from
// the hosts of other groups: a hosts file needs no section for it.
struct RuntimeGroup {
  std::string group;
  std::vector<std::string> from;
};

struct LayoutChange : Rule {
  std::string id;
  std::string from_layout, to_layout;  // "builder-hosts-yaml" | "inventory-ini"
  std::string hosts_file;
  std::vector<std::string> details;
  // From this release on: groups built at run time, and groups the
  // playbooks no longer need declared when empty.
  std::vector<RuntimeGroup> runtime_groups;
  std::vector<std::string> optional_groups;
};

// What an inventory that still sets an old variable gets on the new release.
enum class Effect { Ignored, Error, Optional, Internal };
const char* effect_name(Effect e);  // "ignored", "error", "optional", "internal"

struct VariableRename : Rule {
  std::string from, to;
  Effect effect = Effect::Ignored;
};

// One removed variable (a batch in the file becomes one Removal per variable).
struct Removal : Rule {
  std::string variable;
  Effect effect = Effect::Ignored;
  std::string replacement;  // hint, may be empty
};

struct Mapping {
  std::string from, to, scope, when, value, note;  // see schemas/README.md
};

struct Restructure : Rule {
  std::string id;
  std::vector<std::string> from, to;
  std::vector<Mapping> mapping;
  // Paths in the new variables whose map keys (`a.b.{}`) or list entries
  // (`a.b[]`) Kubespray renders as Kubernetes object names (DNS-1123).
  std::vector<std::string> object_names;
  // When Kubespray renders those objects at all (Jinja; "" = always).
  std::string object_names_when;
};

// For releases before `before`, where the variable had no default, the
// effective value: a Jinja template ("{{ kube_network_node_prefix }}") or a literal.
struct Implicit {
  Version before;
  Value value;
  std::string reason, source;
};

struct Sticky : Rule {
  std::string variable;
  std::string when;  // Jinja expression; empty = always relevant
  std::vector<Implicit> implicit;

  // The implicit effective value at `tag`, when the variable has no default there.
  const Implicit* implicit_at(const Version& tag) const;
};

// "v2.24.2", "v2.23.*" or ">=v2.25.0".
struct ReleasePattern {
  enum class Kind { Exact, Minor, AtLeast };
  Kind kind = Kind::Exact;
  Version version;
  std::string text;
  static std::optional<ReleasePattern> parse(std::string_view s);
  bool matches(const Version& v) const;
};

enum class Severity { Error, Warning, Info };
const char* severity_name(Severity s);

struct Advisory : Rule {
  std::string id;
  std::vector<ReleasePattern> releases;
  bool crossing = false;  // scope: crossing (A < release <= B) instead of target
  bool avoid = false;     // plan should not stop at a matching tag
  std::string condition;  // Jinja expression over the inventory's effective variables
  Severity severity = Severity::Warning;
  std::string message;

  bool applies_to_hop(const Version& from, const Version& to) const;
  bool matches_tag(const Version& tag) const;
};

// How a variable that disappears from the defaults at some tag is classified.
struct Classification {
  enum class Kind { Renamed, Restructured, Removed };
  Kind kind;
  const VariableRename* rename = nullptr;
  const Restructure* restructure = nullptr;
  const Removal* removal = nullptr;
  const Rule& rule() const;
};
const char* classification_name(Classification::Kind k);

// Rules of a hop, each list in release order.
struct HopRules {
  std::vector<const GroupRename*> group_renames;
  std::vector<const FileMove*> file_moves;
  std::vector<const LayoutChange*> layout_changes;
  std::vector<const VariableRename*> variable_renames;
  std::vector<const Restructure*> restructures;
  std::vector<const Removal*> removals;
  std::vector<const Advisory*> advisories;
  bool empty() const;
};

class Schemas {
 public:
  std::vector<GroupRename> group_renames;
  std::vector<FileMove> file_moves;
  std::vector<LayoutChange> layout_changes;
  std::vector<VariableRename> variable_renames;
  std::vector<Restructure> restructures;
  std::vector<Removal> removals;
  std::vector<Sticky> sticky;
  std::vector<Advisory> advisories;
  std::map<std::string, std::string> summaries;  // release tag -> one line
  std::vector<std::string> files;                // loaded, in load order

  // Rules arriving with a release R, from < R <= to; advisories by their scope.
  HopRules for_hop(const Version& from, const Version& to) const;
  const Sticky* sticky_rule(std::string_view variable) const;
  bool is_sticky(std::string_view variable) const { return sticky_rule(variable) != nullptr; }
  // The latest rule about `variable` going away with a release <= `at`.
  std::optional<Classification> classify(std::string_view variable, const Version& at) const;
  // A rename whose old name is `variable`, arriving in (from, to].
  const VariableRename* rename_of(std::string_view variable, const Version& from,
                                  const Version& to) const;
  // Whether an advisory marked avoid matches `tag` (plan chooses another patch).
  std::vector<const Advisory*> avoided(const Version& tag) const;
  std::string summary(const Version& release) const;
  // The latest layout change with a release <= `tag` (nullptr: none yet).
  const LayoutChange* layout_at(const Version& tag) const;
};

// Loads every *.yml / *.yaml of `dirs` in order (ours first, then the
// operator's; the first folder's kubespray.yml is facts, not rules, and left
// to sources/knowledge.h), validating each against `schema_json` (schemas/schema.json).
// Files of the first folder must be named after their release. Later
// folders replace sticky rules (same variable) and advisories (same id).
// The first error (with file:line:col) stops loading.
Result<Schemas> load_schemas(const std::vector<std::filesystem::path>& dirs,
                             const std::filesystem::path& schema_json);
// schemas_dir() plus `extra_dirs`, validated with schemas_dir()/schema.json.
Result<Schemas> load_default_schemas(const std::vector<std::filesystem::path>& extra_dirs = {});

// One rule file's text as `path` (whose name check_schema_file's
// `require_name_match` compares with its release): appends its rules to
// `out` and its problems (file:line:col) to `errors`. load_schemas reads
// files through it; tests and the fuzz target call it directly.
void parse_schema_text(const std::string& text, const std::filesystem::path& path,
                       const JsonSchema& js, bool require_name_match, Schemas& out,
                       std::vector<Error>& errors);

// Every problem of one file (structure and rule checks), for `schemas --check`
// style reporting and tests. `require_name_match`: the file name must be
// "<release>.yml".
std::vector<Error> check_schema_file(const std::filesystem::path& file,
                                     const std::filesystem::path& schema_json,
                                     bool require_name_match);

}  // namespace ksm::schema
