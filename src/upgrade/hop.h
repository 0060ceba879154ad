// One hop of `upgrade` (tag A -> the next tag B on the plan), applied to the
// workspace in this order, each step recorded in the hop's report:
//   1. group renames in the hosts file and the group_vars named after them;
//   2. file and folder moves of schemas/;
//   3. the three-way merge of every file that comes from the sample
//      (base = sample at A, ours = the operator's file, theirs = sample at B),
//      new sample files added; the operator's own files carried untouched;
//   4. variable renames in every vars file; restructures; removals reported;
//   5. pins: every sticky variable whose effective value at B would differ
//      from its value at A is written explicitly with the old value;
//   6. kube_version, advisories, and the invariant check: every variable the
//      operator set keeps its effective value unless the report says why.
#pragma once

#include <string>

#include "core/error.h"
#include "schema/schema.h"
#include "upgrade/release.h"
#include "upgrade/report.h"
#include "upgrade/workspace.h"

namespace ksm::upgrade {

struct HopInput {
  const Release& from;
  const Release& to;
  const schema::Schemas& schemas;
};

// `hosts_file` is the hosts file's path relative to the workspace root; it
// is updated when the hop renames or converts it.
Result<Hop> run_hop(Workspace& ws, std::string& hosts_file, const HopInput& in);

}  // namespace ksm::upgrade
