// preflight from inputs to report (see run.h).
#include "preflight/run.h"

#include <filesystem>
#include <memory>
#include <optional>

#include <algorithm>

#include "core/fs.h"
#include "core/yaml.h"
#include "inventory/hosts_file.h"
#include "inventory/loader.h"
#include "inventory/var_lines.h"
#include "preflight/checks.h"
#include "preflight/evaluate.h"
#include "preflight/extract.h"
#include "preflight/tag_values.h"
#include "sources/knowledge.h"
#include "sources/kubespray_tree.h"
#include "vars/runtime.h"

namespace ksm::preflight {

namespace {

// `parsed` receives the task files read for the names set at run time.
Result<std::unique_ptr<ResolverValues>> values_at(
    const Source& src, const std::string& tag, const inventory::Inventory& inv,
    const std::unordered_map<std::string, Map>* facts, const schema::Schemas* schemas,
    std::unordered_map<std::string, YAML::Node>* parsed = nullptr) {
  auto tree = KubesprayTree::load(src);
  if (!tree) return tree.error().context("kubespray " + tag);
  vars::ResolverOptions ro;
  ro.runtime_names = vars::runtime_names(src, parsed);
  if (facts) ro.facts = *facts;
  if (auto v = Version::parse(tag); v && schemas)
    ro.implicit_defaults = implicit_defaults(*schemas, *v);
  return ResolverValues::create(tag, std::move(*tree), inv, std::move(ro));
}

// Operator file paths relative to the inventory folder (SARIF's INVENTORY base).
void relative_to_inventory(report::Report& rep) {
  if (rep.inventory_root.empty()) return;
  std::error_code ec;
  auto root = std::filesystem::weakly_canonical(rep.inventory_root, ec);
  if (ec) return;
  for (auto& f : rep.findings)
    for (auto& v : f.variables) {
      if (!v.operator_file || v.where.file.empty()) continue;
      auto p = std::filesystem::weakly_canonical(v.where.file, ec);
      if (ec) continue;
      auto rel = p.lexically_relative(root);
      if (!rel.empty() && *rel.begin() != "..") v.where.file = rel.string();
    }
}

// --facts DIR read both ways: as facts for preflight's own checks and as the
// fact cache the resolver templates with.
struct FactInputs {
  std::optional<Facts> facts;
  std::optional<std::unordered_map<std::string, Map>> cache;
};

Result<FactInputs> load_fact_inputs(const std::string& dir) {
  FactInputs out;
  if (dir.empty()) return out;
  auto f = load_facts(dir);
  if (!f) return f.error();
  out.facts = std::move(*f);
  auto c = vars::load_fact_cache(dir);
  if (!c) return c.error();
  out.cache = std::move(*c);
  return out;
}

void count_outcomes(RunResult& res, const std::vector<AssertionOutcome>& outcomes) {
  for (const auto& ao : outcomes) {
    ++res.assertions;
    switch (ao.status) {
      case report::Status::Fail:
        ++res.failed;
        break;
      case report::Status::Pass:
        ++res.passed;
        break;
      case report::Status::Skipped:
        ++res.skipped;
        break;
      case report::Status::Unknown:
        ++res.unknown;
        break;
    }
  }
}

// What --keep-evaluation writes: the assertions, the live values, the outcomes.
Value evaluation_value(const Extraction& x, const EvalInputs& in,
                       const std::vector<AssertionOutcome>& outcomes) {
  Map live;
  for (const auto& [name, lv] : live_values(x, in)) {
    bool known = !lv.value.is_unknown();
    live.set(name, Value(Map{{"value", known ? lv.value : Value()},
                             {"defined", Value(!lv.value.is_undefined())},
                             {"known", Value(known)},
                             {"provenance", Value(lv.provenance)}}));
  }
  return Value(Map{{"assertions", to_value(x)},
                   {"live", Value(std::move(live))},
                   {"outcomes", outcomes_value(outcomes)}});
}

// The --to tag's requirements.txt (its symlink's target read, see
// sources/kubespray_tree.h); "" when it cannot be read.
std::string requirements_of(const Source& to) {
  auto req = read_requirements(to);
  return req && *req ? **req : std::string();
}

// preflight's own checks, added to the report's findings, which are sorted again.
void add_own_checks(RunResult& res, const RunOptions& o, const std::string& ansible,
                    const inventory::Inventory& inv, ResolverValues& to, ResolverValues* from) {
  CheckInputs ci;
  ci.inventory = &inv;
  ci.schemas = o.schemas;
  if (auto v = Version::parse(o.to_tag)) ci.to = *v;
  if (o.from) ci.from = Version::parse(o.from_tag);
  ci.to_values = &to.resolver();
  ci.from_values = from ? &from->resolver() : nullptr;
  ci.to_facts = o.release->to_facts ? &*o.release->to_facts : nullptr;
  ci.removed_apis = o.release->removed_apis ? &*o.release->removed_apis : nullptr;
  ci.ansible_core = o.release->ansible_core ? &*o.release->ansible_core : nullptr;
  res.report.notes.insert(res.report.notes.end(), o.release->notes.begin(), o.release->notes.end());
  ci.check_ansible = o.check_ansible;
  ci.ansible_version = ansible;
  if (o.check_ansible) ci.requirements = requirements_of(*o.to);
  auto own = own_checks(ci);
  res.report.findings.insert(res.report.findings.end(), own.begin(), own.end());
  std::stable_sort(res.report.findings.begin(), res.report.findings.end(),
                   [](const report::Finding& a, const report::Finding& b) {
                     return report::status_rank(a.status) > report::status_rank(b.status);
                   });
}

// The inventory in the report's target, and the folder operator paths are relative to.
void set_inventory(report::Report& rep, const inventory::InventoryInput& first) {
  if (first.source) {
    std::string folder = first.source->is_dir(first.path) ? first.path : source_parent(first.path);
    rep.inventory_root = first.source->display_path(folder);
    rep.target.map_mut().set("inventory", Value(first.source->display_path(first.path)));
  } else {
    rep.target.map_mut().set("inventory", Value(first.path));
  }
}

// A finding that no variable set in the operator's files locates is shown
// where the copied sample has one of its variables commented out (where it
// would be set), else at the inventory's hosts file (SARIF's INVENTORY base, so that code
// scanning annotates the inventory, not Kubespray); the check stays a
// related location.
void anchor_in_inventory(report::Report& rep, const inventory::InventoryInput& first) {
  if (!first.source) return;
  const std::string folder =
      first.source->is_dir(first.path) ? first.path : source_parent(first.path);
  std::string hosts;
  if (first.source->is_dir(first.path)) {
    auto c = inventory::choose_hosts_file(*first.source, first.path);
    if (!c || c->path.empty() || c->path == first.path || first.source->is_dir(c->path)) return;
    hosts = c->path;
  } else {
    hosts = std::filesystem::path(first.path).filename().string();
  }
  if (hosts.empty()) return;
  const std::string group_vars = join_source_path(folder, "group_vars");
  for (auto& f : rep.findings) {
    if (f.status != report::Status::Fail && f.status != report::Status::Unknown) continue;
    bool located = std::any_of(
        f.variables.begin(), f.variables.end(),
        [](const report::Variable& v) { return v.operator_file && !v.where.file.empty(); });
    if (located || !f.where.file.empty()) continue;
    // Where the copied sample has the variable commented out, else the hosts file.
    for (size_t i = 0; i < f.variables.size() && f.where.file.empty(); ++i) {
      Location at =
          inventory::find_variable_line(*first.source, group_vars, f.variables[i].name, true);
      if (!at.file.empty() && !folder.empty()) at.file = at.file.substr(folder.size() + 1);
      f.where = at;
    }
    if (f.where.file.empty()) f.where = Location{hosts, 1, 0};
  }
}

}  // namespace

Result<RunResult> run(const RunOptions& o) {
  if (!o.to) return Error("preflight: no target tree");
  if (!o.release) return Error("preflight: no release data");
  if (o.inventory.empty()) return Error("preflight needs the inventory (-i PATH)");
  RunResult res;
  // Each tag reads the inventory with the groups its playbooks build first
  // (k8s_cluster from v2.27.0): group_vars/k8s_cluster applies through them.
  auto runtime_at = [](const std::string& tag) {
    auto v = Version::parse(tag);
    return v ? kubespray().runtime_groups(*v) : std::vector<RuntimeGroup>{};
  };
  auto same_groups = [](const std::vector<RuntimeGroup>& a, const std::vector<RuntimeGroup>& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
      return x.group == y.group && x.from == y.from;
    });
  };
  auto to_runtime = runtime_at(o.to_tag);
  auto inv = inventory::load_inventory(o.inventory, to_runtime);
  if (!inv) return inv.error();
  res.warnings = inv->warnings;

  auto facts = load_fact_inputs(o.facts);
  if (!facts) return facts.error();
  const auto* fc = facts->cache ? &*facts->cache : nullptr;
  // The target's tasks see Kubespray's definitions only: an implicit default
  // (a template's `| default('bird')` before the variable had one) leaves the
  // variable undefined for `is defined` and bare uses, as Ansible has it
  // (v2.16.0's "calico_network_backend is defined" skips). What `--from`
  // deployed, on the other hand, is what those templates rendered.
  // (the target's task files, parsed once for the names tasks set and the assertions)
  std::unordered_map<std::string, YAML::Node> to_tasks;
  auto to = values_at(*o.to, o.to_tag, *inv, fc, nullptr, &to_tasks);
  if (!to) return to.error();
  std::unique_ptr<ResolverValues> from;
  std::optional<inventory::Inventory> from_inv;
  if (o.from && !o.from_inventory.empty()) {
    auto fi = inventory::load_inventory(o.from_inventory, runtime_at(o.from_tag));
    if (!fi) return fi.error().context("the inventory at " + o.from_tag);
    from_inv = std::move(*fi);
  } else if (o.from && !same_groups(runtime_at(o.from_tag), to_runtime)) {
    // The same files, read as the older tag's playbooks read them.
    auto fi = inventory::load_inventory(o.inventory, runtime_at(o.from_tag));
    if (!fi) return fi.error();
    from_inv = std::move(*fi);
  }
  if (o.from) {
    auto fv = values_at(*o.from, o.from_tag, from_inv ? *from_inv : *inv, fc, o.schemas);
    if (!fv) return fv.error();
    from = std::move(*fv);
  }
  // Templated includes (network_plugin/{{ kube_network_plugin }}) are
  // followed with the inventory's values.
  ExtractOptions eo;
  eo.playbook = o.playbook;
  eo.resolve = resolver_for(**to);
  eo.parsed = &to_tasks;
  auto x = extract_assertions(*o.to, eo);
  if (!x) return x.error();

  std::optional<ClusterState> cs;
  if (!o.cluster_state.empty()) {
    auto c = load_cluster_state(o.cluster_state);
    if (!c) return c.error();
    cs = std::move(*c);
  }
  EvalInputs in;
  in.to = to->get();
  in.from = from.get();
  in.cluster_state = cs ? &*cs : nullptr;
  in.facts = facts->facts ? &*facts->facts : nullptr;
  in.live_rules = o.release->live_rules;
  // (`ansible --version` is still running: its answer is awaited when an
  // assertion first needs it)
  in.controller = ControllerValues({"ansible_version"}, [&o]() {
    Map m;
    const std::string ansible = o.ansible_version.valid() ? o.ansible_version.get() : std::string();
    if (Value av = ansible_version_value(ansible); !ansible.empty() && !av.is_undefined())
      m.set("ansible_version", av);
    return m;
  });
  auto outcomes = evaluate_assertions(*x, in);
  if (!outcomes) return outcomes.error();
  count_outcomes(res, *outcomes);
  EvalOptions eopts;
  eopts.include_passed = o.include_passed;
  res.report = build_report(*x, *outcomes, in, eopts);
  if (o.keep_evaluation) res.evaluation = evaluation_value(*x, in, *outcomes);
  const std::string ansible = o.ansible_version.valid() ? o.ansible_version.get() : std::string();
  if (o.own_checks) add_own_checks(res, o, ansible, *inv, **to, from.get());
  set_inventory(res.report, o.inventory.front());
  relative_to_inventory(res.report);
  anchor_in_inventory(res.report, o.inventory.front());
  return res;
}

}  // namespace ksm::preflight
