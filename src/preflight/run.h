// Why this module exists: `preflight` is several steps (inventory, the
// vars module at --to and --from, extraction with templated includes
// followed, the live cluster's values, facts, evaluation, our own checks,
// the report); the CLI and `upgrade` (which checks the inventory it
// produced) need them the same way. One entry point: run().
#pragma once

#include <future>
#include <string>
#include <vector>

#include "core/error.h"
#include "inventory/loader.h"
#include "preflight/release_data.h"
#include "report/report.h"
#include "schema/schema.h"
#include "sources/knowledge.h"
#include "sources/source.h"

namespace ksm::preflight {

struct RunOptions {
  // Hosts files / folders, as Ansible's -i, each read through its Source (a
  // DirSource per -i path for the CLI, the produced Workspace for upgrade).
  std::vector<inventory::InventoryInput> inventory;
  const Source* to = nullptr;          // required: the target tag's tree
  std::string to_tag;
  const Source* from = nullptr;        // optional: what the cluster runs now
  std::string from_tag;
  std::string cluster_state;           // --cluster-state FILE ("" = none)
  std::string facts;                   // --facts DIR ("" = none)
  std::string playbook = kubespray().upgrade_playbook();
  const schema::Schemas* schemas = nullptr;  // implicit defaults and our own checks; may be null
  // Required: what the tool knows of the --to release beyond the clone
  // (load_release_data from the data folder's Source).
  const ReleaseData* release = nullptr;
  bool own_checks = true;              // checks.h beside Kubespray's assertions
  // `ansible --version` output ("" = not known), waited for only when the
  // assertions are evaluated: the CLI starts that subprocess (half a second
  // of Python start-up) before anything is loaded, and it runs meanwhile.
  // Not valid() = not known.
  std::shared_future<std::string> ansible_version;
  bool check_ansible = false;          // compare it with the --to tag's requirements.txt
  // The inventory the cluster was deployed with, for the --from side ("" =
  // `inventory`): upgrade checks its output against its input this way, so
  // that what the migration itself changed (etcd group order) is caught.
  std::vector<inventory::InventoryInput> from_inventory;
  bool include_passed = false;         // list passed and skipped assertions too
  bool keep_evaluation = false;        // fill RunResult::evaluation
};

struct RunResult {
  report::Report report;
  std::vector<Error> warnings;  // inventory warnings and the like
  // Counts of the evaluated assertions by outcome, for the agreement harness.
  size_t assertions = 0, failed = 0, passed = 0, skipped = 0, unknown = 0;
  // With keep_evaluation: {"assertions": <extraction, as --list-assertions
  // --format json>, "live": {NAME: {"value", "known", "provenance"}},
  // "outcomes": outcomes_value(...)}.
  Value evaluation = Value::undefined();
};

Result<RunResult> run(const RunOptions& o);

}  // namespace ksm::preflight
