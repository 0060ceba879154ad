// Why this module exists: a team reviews an upgrade in a merge request, not
// on a terminal. `upgrade --format markdown` writes one document to paste
// there: the summary (counts, where the output is, the next command), then
// per hop what changed (kind, file:line, what, why, source), what was
// pinned and why, what to decide as a checklist (conflicts, blocking notes,
// notes to review), and the unified diff of every file the hop changed
// (Workspace::diff_since, the same diff as --diff); preflight's findings
// last when it ran.
#pragma once

#include <string>
#include <vector>

#include "report/report.h"
#include "report/summary_block.h"
#include "upgrade/report.h"
#include "upgrade/upgrade.h"

namespace ksm::upgrade {

// The unified diff of each hop, in the order of the report's hops. When
// the inventories of the stops before the last were not kept (--diff,
// --in-place), the diff of the whole run is the last hop's and
// `whole_run_in_last` says so.
struct HopDiffs {
  std::vector<std::string> per_hop;
  bool whole_run_in_last = false;
};
HopDiffs hop_diffs(const UpgradeResult& u);

struct ReviewDocument {
  const Report* report = nullptr;                 // required
  const HopDiffs* diffs = nullptr;                // none: no diff sections
  const report::SummaryBlock* summary = nullptr;  // none: no summary section
  const report::Report* preflight = nullptr;      // preflight of the produced inventory, if it ran
  std::string preflight_tag;                      // the tag it checked against
};

std::string render_markdown(const ReviewDocument& d);

// Text for a Markdown table cell or list item: the characters that would
// format (`\` `|` backtick `*` `[` `]`, `_` but inside a word, `<`) escaped, newlines
// made spaces.
std::string md_escape(const std::string& s);
// A code span holding `s` as is (fenced with more backticks than it holds;
// `|` escaped, as a table cell needs even there).
std::string md_code(const std::string& s);

}  // namespace ksm::upgrade
