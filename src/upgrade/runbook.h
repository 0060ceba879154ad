// The runbook of a multi-stop upgrade. Kubespray cannot jump: the operator
// runs upgrade-cluster.yml at every stop of the plan, each time from that
// tag's checkout, with that tag's Ansible and an inventory valid for it, and
// with Kubernetes one minor above what the cluster runs (seed 004 does this
// by hand at every stop). `upgrade` writes an inventory per stop; this
// module turns the stops into the exact commands, in order, for RUNBOOK.md
// and for the JSON report's "runbook" array. It reads nothing from disk and
// names no path of the machine it ran on: commands use $KUBESPRAY (the
// operator's clone) and $STOPS (the folder holding RUNBOOK.md), or with
// upgrade --commit the branches it made ($INVENTORY_REPO when the inventory
// is in a repository of its own).
#pragma once

#include <string>
#include <vector>

#include "core/value.h"
#include "upgrade/upgrade.h"

namespace ksm::upgrade {

struct RunbookManifest {
  std::string path;  // relative to the runbook's folder
  std::string why;
};

// What the runbook says about one stop (built by runbook_stops, or by hand in tests).
struct RunbookStop {
  std::string from, tag;
  std::string inventory;     // the hosts file, relative to the runbook's folder
  std::string kube_version;  // "" when the hop is blocked (or conflicted)
  std::string ansible;       // the Ansible line of requirements.txt, else why there is none
  std::vector<RunbookManifest> manifests;  // to apply before the playbook
  std::vector<std::string> review;         // review notes of the hop that hold for the inventory
  std::vector<std::string> blocking;       // blocking notes of the hop
  size_t conflicts = 0;                    // conflict markers the hop left
  std::vector<std::string> preflight;      // preflight's failing findings at this stop
  // upgrade --commit: the branch holding this stop's inventory ("" = a
  // folder beside RUNBOOK.md), and whether that branch is in the Kubespray
  // clone on top of the stop's tag (paths then start at $KUBESPRAY, else at
  // $INVENTORY_REPO, the operator's repository).
  std::string branch;
  bool branch_in_kubespray = false;
};

// One step of a stop: what it is for, and the shell commands (none for a
// step to read). Kinds: preflight, review, blocking, conflicts, checkout,
// checkout-inventory (upgrade --commit, the inventory in its own repository), venv,
// etcd-before, manifest, playbook, check-nodes, check-etcd.
struct RunbookStep {
  std::string kind;
  std::string text;
  std::vector<std::string> commands;
};

[[nodiscard]] std::vector<RunbookStep> runbook_steps(const RunbookStop& stop);

// RUNBOOK.md: the variables to set, then one section per stop.
[[nodiscard]] std::string render_runbook(const std::vector<RunbookStop>& stops);
// The "runbook" array of the JSON report: one object per stop with its steps.
[[nodiscard]] Value runbook_value(const std::vector<RunbookStop>& stops);

// The stops of an upgrade result, stop i's inventory in `folders[i]`
// (relative to the runbook's folder). The manifests of a stop are its hop's
// `write` changes: in the stop's folder when the workspace holds them, else
// beside it (`<folder>.manifests/`).
[[nodiscard]] std::vector<RunbookStop> runbook_stops(const UpgradeResult& r,
                                                     const std::vector<std::string>& folders);

}  // namespace ksm::upgrade
