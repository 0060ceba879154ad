// upgrade, then preflight of what it produced (see upgrade_check.h).
#include "pipeline/upgrade_check.h"

#include <algorithm>

#include "inventory/loader.h"
#include "preflight/release_data.h"
#include "preflight/run.h"

namespace ksm::pipeline {

namespace {

// preflight of the produced inventory at the tag reached, against what the
// cluster runs then: the input at the base tag after one hop, the
// inventory of the previous stop after several.
Result<std::optional<report::Report>> check_produced(const UpgradeCheckOptions& opts,
                                                     const GitRepo& repo,
                                                     const schema::Schemas& schemas,
                                                     const upgrade::UpgradeResult& r) {
  // The tag the produced inventory is for (a conflict may have stopped the run early).
  auto to = repo.at(r.to_tag);
  if (!to) return to.error();
  preflight::RunOptions ro;
  // A clone of roles and samples only (kubespray-data) has no playbook to check.
  if (!(*to)->exists(ro.playbook)) return std::optional<report::Report>();
  if (!opts.data) return Error("no data folder for preflight");
  auto release = preflight::load_release_data(*opts.data, r.to_tag);
  if (!release) return release.error();
  const std::string& from_tag = r.previous ? r.previous_tag : r.from_tag;
  auto from = repo.at(from_tag);
  inventory::DiskInputs deployed({opts.upgrade.inventory});
  ro.inventory = {{&r.workspace, r.hosts_file}};
  ro.to = to->get();
  ro.to_tag = r.to_tag;
  if (from) {
    ro.from = from->get();
    ro.from_tag = from_tag;
    ro.from_inventory = r.previous ? std::vector<inventory::InventoryInput>{{&*r.previous, r.previous_hosts_file}}
                                   : deployed.inputs();
  }
  ro.schemas = &schemas;
  ro.release = &*release;
  ro.ansible_version = opts.ansible_version;
  ro.check_ansible = true;
  auto pr = preflight::run(ro);
  if (!pr) return pr.error();
  return std::optional<report::Report>(std::move(pr->report));
}

}  // namespace

int UpgradeCheck::exit_status() const {
  int status = upgrade.report.exit_status();
  if (preflight) status = std::max(status, report::exit_status(*preflight));
  return status;
}

Result<UpgradeCheck> upgrade_and_check(const UpgradeCheckOptions& opts) {
  auto repo = upgrade::open_upgrade_clone(opts.upgrade);
  if (!repo) return repo.error();
  auto schemas = schema::load_default_schemas(opts.upgrade.schema_dirs);
  if (!schemas) return schemas.error();
  upgrade::UpgradeOptions uo = opts.upgrade;
  uo.repo = *repo ? &**repo : nullptr;
  uo.schemas = &*schemas;
  auto r = upgrade::run_upgrade(uo);
  if (!r) return r.error();
  UpgradeCheck check{std::move(*r), std::nullopt, std::nullopt};
  // An inventory with conflict markers is not one Ansible could read: the
  // operator resolves them first (the report says so).
  if (opts.preflight && *repo && check.upgrade.report.conflict_count() == 0) {
    auto pr = check_produced(opts, **repo, *schemas, check.upgrade);
    if (pr)
      check.preflight = std::move(*pr);
    else
      check.preflight_error = pr.error().context("preflight of the produced inventory");
  }
  return check;
}

void set_output(UpgradeCheck& check, const std::string& output) {
  check.upgrade.report.output = output;
  if (!check.preflight) return;
  // Operator files are named relative to the inventory already.
  if (check.preflight->target.is_map())
    check.preflight->target.map_mut().set("inventory", Value(output));
  check.preflight->inventory_root.clear();
}

Value to_value(const UpgradeCheck& check) {
  Value doc = upgrade::to_value(check.upgrade.report);
  if (check.preflight && doc.is_map())
    doc.map_mut().set("preflight", report::to_value(*check.preflight));
  doc.map_mut().set("exit_status", Value(static_cast<int64_t>(check.exit_status())));
  return doc;
}

}  // namespace ksm::pipeline
