// Why this module exists: preflight (and later upgrade and explain) produce
// findings about an operator's inventory; operators read them on a terminal,
// CI reads them as JSON, code-scanning UIs as SARIF, test dashboards as JUnit.
// One generic findings model, rendered four ways, and one rule for the exit
// status, so every command reports the same way.
//
// Nothing here knows about Kubespray or about any one command.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "core/value.h"

namespace ksm::report {

// How much a finding matters when its status is Fail.
enum class Severity {
  Error,    // blocking: the run would stop (exit 3)
  Warning,  // would not stop the run, but changes or risks something (exit 2)
  Info,     // for the record
};
// What a check concluded.
enum class Status {
  Fail,     // the check fails
  Pass,     // the check holds
  Unknown,  // cannot be decided from what we have (reason in `details`)
  Skipped,  // does not apply (its conditions are false)
};
const char* severity_name(Severity s);  // "error" / "warning" / "info"
const char* status_name(Status s);      // "fail" / "pass" / "unknown" / "skipped"
// How much a status weighs when findings are ordered: fail 3 > unknown 2 > pass 1 > skipped 0.
int status_rank(Status s);

// A variable a finding depends on: its effective value and where it comes from.
struct Variable {
  std::string name;
  Value value = Value::undefined();  // undefined: not set anywhere
  std::string provenance;            // "group_vars/all/all.yml", "role default of calico", ...
  Location where;                    // where it is set (file:line), if anywhere
  bool operator_file = false;        // `where` is in the operator's inventory
  std::string host;                  // "" = the same on every host named by the finding
};

struct Finding {
  std::string id;     // stable rule id ("preflight/<file>:<line>")
  std::string title;  // short: the check's name
  std::string group;  // for grouping (a role, a category); "" = none
  Severity severity = Severity::Error;
  Status status = Status::Fail;
  Location source;                   // where the check is written (Kubespray file:line)
  std::string source_label;          // what `source` is in ("kubespray v2.19.0")
  std::string message;               // what is wrong, one or two sentences
  std::string fix;                   // what to do about it ("" = no advice)
  std::vector<std::string> details;  // the failing expression, a reason for unknown, ...
  std::vector<std::string> hosts;    // hosts it concerns (empty = not host-specific)
  std::vector<Variable> variables;
  // Where in the operator's inventory the finding is shown when no variable
  // it names is set there (SARIF's INVENTORY base): where the setting goes,
  // or the hosts file. Empty: shown at the check itself.
  Location where;
};

struct Summary {
  size_t total = 0;
  size_t blocking = 0;  // Error + Fail
  size_t warnings = 0;  // Warning + Fail
  size_t info = 0;      // Info + Fail
  size_t passed = 0;
  size_t unknown = 0;
  size_t skipped = 0;
};

struct Report {
  std::string command;          // "preflight"
  Value target = Value::map();  // what was checked: {"inventory":…, "from":…, "to":…}
  std::vector<Finding> findings;
  std::vector<std::string> notes;  // about the run itself (parts not analysed, ...)
  std::string inventory_root;      // folder operator files are relative to (SARIF INVENTORY)
  std::string source_root;         // what check sources are relative to (SARIF KUBESPRAY)
};

Summary summarize(const Report& r);
// kExitClean, kExitWarnings (warnings only) or kExitBlocking (blocking
// failures); kExitError is the caller's.
int exit_status(const Report& r);

enum class Format { Text, Json, Sarif, Junit };
Result<Format> parse_format(const std::string& name);  // "text", "json", "sarif", "junit"

struct TextOptions {
  bool colour = false;       // ANSI colours (the caller decides: terminal, NO_COLOR)
  bool show_passed = false;  // list passed and skipped checks too
  bool verbose = false;      // a "source: " detail in full, not its short form (source_text.h)
};

std::string render_text(const Report& r, const TextOptions& o = {});
// {"target": …, "findings": […], "summary": {…}} (plus "command", "notes").
Value to_value(const Report& r);
std::string render_json(const Report& r);
// SARIF 2.1.0: one rule per finding id, results for fail and unknown
// findings, located where the operator sets the variables involved
// (uriBaseId INVENTORY), else at the finding's `where` in the inventory,
// else at the check itself (uriBaseId KUBESPRAY).
std::string render_sarif(const Report& r);
struct JunitOptions {
  // A failed warning is a <failure> (preflight); false: only errors are
  // (upgrade, where a note to review is not a failure).
  bool warnings_fail = true;
  // Test suites in the order their groups first appear (upgrade: hop by
  // hop), not sorted by name.
  bool groups_in_order = false;
};
// JUnit XML: one testcase per finding (fail -> <failure>, unknown and
// skipped -> <skipped>), one testsuite per group.
std::string render_junit(const Report& r, const JunitOptions& o = {});
std::string render(const Report& r, Format f, const TextOptions& o = {});

}  // namespace ksm::report
