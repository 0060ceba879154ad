// The variable-level changelog between any two tags: variables renamed,
// restructured or removed (classified by schemas/), added, defaults changed
// (effective values where versions/ knows them; sticky ones flagged with
// what an upgrade pins), sample lines changed, groups and files moved, the
// hosts-file layout, and the advisories of the releases crossed. With an
// inventory, only what touches it: the old variables it sets, the sticky
// defaults it relies on that change (the pins), its groups, files and
// layout.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/value.h"
#include "schema/facts.h"
#include "schema/advisory_eval.h"
#include "schema/schema.h"

namespace ksm::schema {

// What explain needs from an operator's inventory (filled by the CLI from
// src/inventory).
struct InventoryFacts {
  std::string path;                             // as given with -i
  std::map<std::string, Location> variables;    // every name it sets, with one place it is set
  std::set<std::string> groups;
  std::set<std::string> files;                  // relative to the inventory folder, '/'-separated
  std::string hosts_layout;                     // "builder-hosts-yaml" | "inventory-ini" | ""
  // Whether an advisory holds for the inventory at the target tag
  // (upgrade/advisory_judge.h); unset: every advisory is listed.
  std::function<Applies(const Advisory&)> advisory_applies;
};

struct Change {
  std::string kind;      // renamed restructured removed added default_changed sample_changed
                         // group_renamed file_moved layout_changed sample_file_added
                         // sample_file_removed advisory
  std::string variable;  // empty when not about a variable
  std::string file;
  // Before and after: the release's old and new default (or name); null when none.
  Value old_value = Value();
  Value new_value = Value();
  bool sticky = false;
  std::string note;
  std::string source;
  std::string severity = {};  // an advisory's ("warning", "error"...); "" for the others
};

struct Explanation {
  std::string from, to;
  std::string origin;
  std::string inventory;  // -i path, empty for the full changelog
  std::vector<Change> changes;
  size_t count(std::string_view kind) const;
};

Result<Explanation> explain(ReleaseFacts& facts, const Schemas& schemas, std::string_view from,
                            std::string_view to, const InventoryFacts* inventory = nullptr);

std::string explain_text(const Explanation& e, bool colour);
std::string explain_markdown(const Explanation& e);
// {"from","to","changes":[{"kind","variable","file","old","new","sticky","note","source"}]}
Value explain_json(const Explanation& e);

}  // namespace ksm::schema
