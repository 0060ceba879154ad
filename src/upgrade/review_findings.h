// Why this module exists: `upgrade --format sarif|junit` renders through
// the one SARIF and one JUnit writer of src/report, made for preflight's
// findings. This turns the upgrade report (every change, pin, conflict and
// note, hop by hop) and the preflight of its product into that findings
// model, each located in the upgraded inventory's file and line, relative
// to the output folder: where the variable is set there, else where the
// report names, else the hosts file. A code-scanning run on the merge
// request of the new inventory annotates those lines.
#pragma once

#include <string>

#include "report/report.h"
#include "upgrade/report.h"
#include "upgrade/workspace.h"

namespace ksm::upgrade {

struct ReviewFindingsOptions {
  // Info notes ("the hosts file is hosts.yaml") as findings too: JUnit's
  // testcases yes, SARIF's annotations no.
  bool info_notes = true;
  // The folder the upgraded inventory is in (SARIF's INVENTORY base).
  std::string inventory_root;
};

// One finding per change (severity info), conflict (error), note (info,
// warning to review, error when blocking) and preflight finding (as it is),
// grouped by hop ("v2.18.2 -> v2.19.1"; preflight's in the last hop, the
// inventory it checked). `out` is the upgraded inventory, `hosts_file` its
// hosts file (relative), the place of what nothing else locates.
report::Report review_findings(const Report& r, const Workspace& out, const std::string& hosts_file,
                               const report::Report* preflight,
                               const ReviewFindingsOptions& o = {});

// Where `variable` (or, empty, line `line` of `file`) is in `out`: the
// line that sets it in `file`, else in any file; `file` at `line` clamped
// to its length; the first file of a folder; else the hosts file, line 1.
Location locate_in(const Workspace& out, const std::string& hosts_file, const std::string& file,
                   int line, const std::string& variable);

}  // namespace ksm::upgrade
