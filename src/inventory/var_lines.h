// Why this module exists: code scanning annotates the line a result is
// located at, and for a finding about a variable the operator's line is
// where it is set, or, when it is not set, where it would be: the copied
// sample keeps most variables as commented-out lines
// (`# calico_ipip_mode: Always`) in the file that groups them. SARIF of
// preflight and of upgrade locate findings with this.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"
#include "sources/source.h"

namespace ksm::inventory {

// The 1-based line of `text` that sets `name` (`name:` as YAML, `name=` as
// INI, at any indentation), or with `commented` the first line that has it
// commented out (`# name:`); 0 when there is none.
int variable_line(std::string_view text, std::string_view name, bool commented);

// The first YAML file under `dir` of `source` (sorted by path) with a line
// that sets `name` (or, with `commented`, has it commented out); the file
// is named as the source names it (root-relative). An empty Location when
// none does or `dir` does not exist.
Location find_variable_line(const Source& source, const std::string& dir, const std::string& name,
                            bool commented);

}  // namespace ksm::inventory
