// Every stop of a multi-stop upgrade on disk. Kubespray runs
// upgrade-cluster.yml at each intermediate tag with an inventory valid for
// that tag, so one final inventory is not enough: beside the output folder
// OUT, `OUT-stops/` holds one folder per stop (`01-v2.16.0/`, ...; the last
// is the same inventory as OUT), each with its own state file, and
// RUNBOOK.md with the commands of every stop (upgrade/runbook.h).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"
#include "upgrade/runbook.h"
#include "upgrade/upgrade.h"

namespace ksm::upgrade {

inline constexpr const char* kRunbookFile = "RUNBOOK.md";

// `OUT-stops` for the output folder OUT.
[[nodiscard]] std::filesystem::path stops_dir(const std::filesystem::path& output);
// "01-v2.16.0" for the first stop.
[[nodiscard]] std::string stop_folder(size_t index, const std::string& tag);

// Refuses a stops folder that exists and is not empty (checked before
// anything is written, as for the output folder).
[[nodiscard]] Status check_stops_dir(const std::filesystem::path& dir);

// Writes each stop's inventory (Workspace::write_to) and RUNBOOK.md in
// `dir`; returns the runbook's stops (for the JSON report).
[[nodiscard]] Result<std::vector<RunbookStop>> write_stops(const UpgradeResult& r,
                                                           const std::filesystem::path& dir);

}  // namespace ksm::upgrade
