// Why this module exists: `upgrade` with a full Kubespray clone is two
// modules in a row, the upgrade (src/upgrade) and preflight of the
// inventory it produced (src/preflight). Composing them is not the CLI's
// business: this opens the clone once, loads the schemas once (with the
// operator's --schemas), runs preflight on the produced inventory straight
// from memory (the Workspace is a Source: no scratch folder), and returns
// one typed result that the CLI renders.
#pragma once

#include <functional>
#include <future>
#include <optional>
#include <string>

#include "core/error.h"
#include "core/value.h"
#include "report/report.h"
#include "upgrade/upgrade.h"

namespace ksm::pipeline {

struct UpgradeCheckOptions {
  upgrade::UpgradeOptions upgrade;  // its repo/schemas are set here
  bool preflight = true;            // --no-preflight turns it off
  bool preflight_stops = true;      // every stop before the last too (--no-stop-preflight)
  // Starts `ansible --version` (preflight::RunOptions::ansible_version);
  // called only when preflight may run: early, beside the upgrade, when
  // the clone holds the playbook at the target tag (a clone of roles and
  // samples never runs it: no Python process for nothing).
  std::function<std::shared_future<std::string>()> ansible_probe;
  // The tool's data folder (schemas/, versions/) as a Source: preflight's
  // release data. Required when preflight may run.
  const Source* data = nullptr;
};

struct UpgradeCheck {
  upgrade::UpgradeResult upgrade;
  // The produced inventory checked at the target tag; nullopt when there
  // was nothing to check against (offline, no clone, a clone without
  // playbooks) or preflight was turned off.
  std::optional<report::Report> preflight;
  // Why preflight was wanted and did not run (a load error of its own).
  std::optional<Error> preflight_error;

  // The worse of the upgrade's and preflight's exit statuses.
  int exit_status() const;
};

// Runs the upgrade, then preflight of its product when a full clone is at
// hand. `output` names the produced inventory in preflight's report.
Result<UpgradeCheck> upgrade_and_check(const UpgradeCheckOptions& opts);

// Names the produced inventory in the preflight report (the output folder,
// "(diff)", "(in place)"), once the caller has written it.
void set_output(UpgradeCheck& check, const std::string& output);

// The JSON document of `upgrade --format json`: the upgrade report with the
// preflight report under "preflight" (when it ran).
Value to_value(const UpgradeCheck& check);

}  // namespace ksm::pipeline
