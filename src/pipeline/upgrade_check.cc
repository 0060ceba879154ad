// upgrade, then preflight of what it produced (see upgrade_check.h).
#include "pipeline/upgrade_check.h"

#include <algorithm>

#include "inventory/loader.h"
#include "preflight/release_data.h"
#include "preflight/run.h"

namespace ksm::pipeline {

namespace {

// `ansible --version`, started once, when first wanted.
class AnsibleProbe {
 public:
  explicit AnsibleProbe(const std::function<std::shared_future<std::string>()>& start)
      : start_(start) {}
  std::shared_future<std::string> get() {
    if (!version_.valid() && start_) version_ = start_();
    return version_;
  }

 private:
  const std::function<std::shared_future<std::string>()>& start_;
  std::shared_future<std::string> version_;
};

// Whether preflight can run at `tag`: the clone holds the playbook there
// (an unknown or empty tag: maybe).
bool has_playbook(const GitRepo& repo, const std::string& tag) {
  if (tag.empty()) return true;
  auto at = repo.at(tag);
  return !at || (*at)->exists(preflight::RunOptions{}.playbook);
}

// preflight of the produced inventory at the tag reached, against what the
// cluster runs then: the input at the base tag after one hop, the
// inventory of the previous stop after several.
Result<std::optional<report::Report>> check_produced(const UpgradeCheckOptions& opts,
                                                     const GitRepo& repo,
                                                     const schema::Schemas& schemas,
                                                     const upgrade::UpgradeResult& r,
                                                     AnsibleProbe& ansible) {
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
    ro.from_inventory =
        r.previous ? std::vector<inventory::InventoryInput>{{&*r.previous, r.previous_hosts_file}}
                   : deployed.inputs();
  }
  ro.schemas = &schemas;
  ro.release = &*release;
  ro.ansible_version = ansible.get();
  ro.check_ansible = true;
  auto pr = preflight::run(ro);
  if (!pr) return pr.error();
  return std::optional<report::Report>(std::move(pr->report));
}

// One line per failing finding, blocking first: what heads a stop's
// section of the runbook (findings about the controller's own Ansible
// left out).
std::vector<std::string> failing(const report::Report& r) {
  std::vector<std::string> blocking, warnings;
  for (const auto& f : r.findings) {
    if (f.status != report::Status::Fail) continue;
    // The runbook installs each tag's own Ansible in a fresh virtualenv:
    // what the controller's Ansible would fail is not that stop's.
    bool controller = f.id == "ksm/ansible-version";
    for (const auto& v : f.variables) controller = controller || v.name == "ansible_version";
    if (controller) continue;
    std::string where =
        f.source.file.empty()
            ? ""
            : " (" + f.source.str() + (f.source_label.empty() ? "" : ", " + f.source_label) + ")";
    if (f.severity == report::Severity::Error) blocking.push_back("blocking: " + f.title + where);
    else if (f.severity == report::Severity::Warning)
      warnings.push_back("warning: " + f.title + where);
  }
  blocking.insert(blocking.end(), warnings.begin(), warnings.end());
  return blocking;
}

// preflight of every stop before the last (the last is check_produced's),
// each against its own tag and the stop before it, as upgrade-cluster.yml
// will run there. The controller's Ansible is not checked: the runbook
// installs each tag's own in a fresh virtualenv.
Status check_stops(const UpgradeCheckOptions& opts, const GitRepo& repo,
                   const schema::Schemas& schemas, upgrade::UpgradeResult& r) {
  if (r.stops.size() < 2) return {};
  inventory::DiskInputs deployed({opts.upgrade.inventory});
  for (size_t i = 0; i + 1 < r.stops.size(); ++i) {
    auto& stop = r.stops[i];
    if (!stop.workspace) continue;
    auto to = repo.at(stop.tag);
    if (!to) return to.error();
    preflight::RunOptions ro;
    if (!(*to)->exists(ro.playbook)) return {};
    auto release = preflight::load_release_data(*opts.data, stop.tag);
    if (!release) return release.error();
    auto from = repo.at(stop.from);
    ro.inventory = {{&*stop.workspace, stop.hosts_file}};
    ro.to = to->get();
    ro.to_tag = stop.tag;
    if (from) {
      ro.from = from->get();
      ro.from_tag = stop.from;
      ro.from_inventory = i == 0 ? deployed.inputs()
                                 : std::vector<inventory::InventoryInput>{
                                       {&*r.stops[i - 1].workspace, r.stops[i - 1].hosts_file}};
    }
    ro.schemas = &schemas;
    ro.release = &*release;
    ro.check_ansible = false;
    auto pr = preflight::run(ro);
    if (!pr) return pr.error().context("preflight of the stop " + stop.tag);
    stop.preflight = failing(pr->report);
  }
  return {};
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
  AnsibleProbe ansible(opts.ansible_probe);
  // Beside the upgrade, as preflight will want it.
  if (opts.preflight && *repo && has_playbook(**repo, opts.upgrade.to)) ansible.get();
  auto r = upgrade::run_upgrade(uo);
  if (!r) return r.error();
  UpgradeCheck check{std::move(*r), std::nullopt, std::nullopt};
  // An inventory with conflict markers is not one Ansible could read: the
  // operator resolves them first (the report says so).
  if (opts.preflight && *repo && check.upgrade.report.conflict_count() == 0) {
    auto pr = check_produced(opts, **repo, *schemas, check.upgrade, ansible);
    if (pr)
      check.preflight = std::move(*pr);
    else
      check.preflight_error = pr.error().context("preflight of the produced inventory");
    if (check.preflight && !check.upgrade.stops.empty())
      check.upgrade.stops.back().preflight = failing(*check.preflight);
    if (opts.preflight_stops && opts.data && !check.preflight_error) {
      if (auto s = check_stops(opts, **repo, *schemas, check.upgrade); !s)
        check.preflight_error = s.error();
    }
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
