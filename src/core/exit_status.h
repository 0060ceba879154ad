// The process exit statuses of kubespray-migrate, one list for the CLI and
// for the reports that decide them (report::exit_status, upgrade's Report).
#pragma once

namespace ksm {

enum ExitStatus : int {
  kExitClean = 0,     // nothing to report, or only information
  kExitError = 1,     // the command could not run (bad arguments, unreadable input)
  kExitWarnings = 2,  // warnings, nothing blocking
  kExitBlocking = 3,  // a blocking finding, conflict or note
};

}  // namespace ksm
