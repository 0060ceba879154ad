// `upgrade`: the operator's inventory carried to a target tag, one minor at
// a time along the plan (schema::plan_stops), each hop applied by run_hop,
// every change explained in the report. Nothing is written here: the
// caller picks one of the Workspace outputs.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "schema/facts.h"
#include "schema/schema.h"
#include "sources/source.h"
#include "upgrade/hop.h"
#include "upgrade/hosts_format.h"
#include "upgrade/report.h"
#include "upgrade/state.h"
#include "upgrade/workspace.h"

namespace ksm::upgrade {

struct UpgradeOptions {
  std::string inventory;                  // -i: a hosts file or the inventory folder
  std::optional<std::string> kubespray;   // --kubespray (else $KUBESPRAY_DIR / cwd / offline)
  std::string from;                       // --from ("" = state file, else inferred)
  std::string to;                         // --to ("" with resume: the recorded target)
  // --continue: go on with a run that conflicts stopped. The state file must
  // record the stop; the base tag is the tag it reached (never --from), the
  // target the one it was heading for unless `to` says otherwise.
  bool resume = false;
  bool offline = false;                   // never look for a clone
  std::vector<std::filesystem::path> schema_dirs;  // --schemas
  HostsFormat hosts_format = HostsFormat::Keep;  // --hosts-format: converted after the last hop
  // Progress lines ("hop 2/5: v2.16.0 -> v2.17.1"), e.g. to stderr on a terminal.
  std::function<void(const std::string&)> progress;
  // Already opened by the caller (pipeline/upgrade_check.h opens them once
  // for upgrade and preflight); when null, run_upgrade opens the clone
  // (unless offline) and loads schemas/ plus schema_dirs itself.
  const GitRepo* repo = nullptr;
  const schema::Schemas* schemas = nullptr;
  // Keep the inventory of every intermediate stop (UpgradeResult::stops),
  // for an output that writes each one; off for --in-place and --diff.
  bool keep_stops = false;
};

// One stop of the run: the inventory valid for `tag` (renames, restructures
// and pins up to that tag and no further) and what the runbook needs of it.
struct StopRecord {
  std::string from;          // the tag before this stop
  std::string tag;           // the stop's tag
  std::string hosts_file;    // relative to the workspace root
  std::string kube_version;  // the one the stop installs ("" when the hop is blocked or conflicted)
  std::string ansible;       // the tag's requirements.txt Ansible line, else why none
  // Its inventory, with its own state file; nullopt for the last stop
  // reached, which is UpgradeResult::workspace.
  std::optional<Workspace> workspace;
  // What preflight of this stop's inventory against its tag finds failing
  // (blocking first), one line each; filled by pipeline::upgrade_and_check
  // when a full clone is given, empty otherwise.
  std::vector<std::string> preflight;
};

struct UpgradeResult {
  Workspace workspace;         // the produced inventory
  std::string hosts_file;      // relative to the workspace root
  Report report;
  std::string from_tag;        // the base tag used
  std::string to_tag;          // the tag reached: --to, or the hop whose conflicts stopped the run
  std::string target_tag;  // the tag the run heads for: --to, or the recorded target (--continue)
  // Over several hops, the inventory at the stop before the last hop run
  // (tag `previous_tag`, hosts file `previous_hosts_file`): what the
  // cluster runs when upgrade-cluster.yml runs for `to_tag`, and so what
  // preflight of the result compares with. Empty after a single hop (the
  // input is that stop).
  std::optional<Workspace> previous;
  std::string previous_tag;
  std::string previous_hosts_file;
  // Every stop reached, in order (hop i ends at stops[i]); the
  // intermediate ones carry their workspace only with keep_stops.
  std::vector<StopRecord> stops;
};

// -i split into the inventory folder and its hosts file (relative). Given
// a folder, the hosts file is the one the operator passes to
// ansible-playbook (inventory/hosts_file.h), and `why` says which and why.
struct InventoryLocation {
  std::filesystem::path folder;
  std::string hosts_file;
  std::string why;         // "" when -i named the file
  bool ambiguous = false;  // several files define hosts
};
Result<InventoryLocation> locate_inventory(const std::string& path);

// Infers the tag an inventory was written for from versions/ facts: the
// closest sample (files present, values of the sample's set lines), with
// kube_version as a strong hint. Returns the tag and a confidence note.
struct Inference {
  std::string tag;
  std::string why;
  double confidence = 0;  // 0..1
};
[[nodiscard]] Result<Inference> infer_tag(const Workspace& ws, const std::string& hosts_file,
                                          schema::ReleaseFacts& rf);

Result<UpgradeResult> run_upgrade(const UpgradeOptions& opts);

// Every `<<<<<<<` line left in the workspace, as file and 1-based line.
[[nodiscard]] std::vector<ConflictMark> conflict_markers(const Workspace& ws);

// The clone an upgrade reads: --kubespray, else $KUBESPRAY_DIR or the
// current directory when it is a clone; nullopt when offline or none is
// found without being asked for. An Error when the one asked for is not.
Result<std::optional<GitRepo>> open_upgrade_clone(const UpgradeOptions& opts);

}  // namespace ksm::upgrade
