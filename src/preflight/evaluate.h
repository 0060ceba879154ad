// Why this module exists: an extracted assertion is only useful once it is
// decided for the operator's hosts. This evaluates each assertion of the
// target tag per host (once for run_once), the way Ansible would at that
// point of upgrade-cluster.yml: its inherited and own `when` conditions,
// then each `that` expression (for `fail`, the conditions are the check),
// with the Jinja engine's three-valued logic, so what cannot be known
// before the run (facts not given, values registered at run time) is
// Unknown with a reason, never a guess.
//
// Values come from three places:
//   * TagValues (implemented by the vars module): the effective variables
//     of each host at a tag, with provenance;
//   * values the run reads from the live cluster (calico's IPPool):
//     a --cluster-state file, else predicted from the --from tag's
//     TagValues by the rules of schemas/preflight/live_values.yml;
//   * gathered facts (--facts DIR), else facts are Unknown.
//
// The result is a report::Report: one finding per assertion that fails or
// cannot be decided (passed/skipped ones with `include_passed`).
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/value.h"
#include "preflight/cluster_state.h"
#include "preflight/extract.h"
#include "preflight/hosts.h"
#include "report/report.h"

namespace ksm::preflight {

// The effective variables of the inventory's hosts at one Kubespray tag.
// To be implemented by the vars module (role defaults + inventory layers).
class TagValues {
 public:
  virtual ~TagValues() = default;
  // "v2.19.0", for messages.
  virtual std::string tag() const = 0;
  // Hosts and groups, for play patterns and the magic variables
  // (groups, group_names, inventory_hostname).
  virtual const HostGroups& inventory() const = 0;
  // `name` on `host` as a task of `role` ("" = a playbook task) sees it:
  // the role's defaults/vars (and those Ansible exposes with it:
  // kubespray-defaults, dependencies), then the inventory's layers.
  // `value` may still be a Jinja template (evaluation templates it in the
  // task's context, as Ansible does lazily); Value::undefined() when nothing
  // sets it. `where`/`provenance`/`operator_file` say where it is set.
  virtual report::Variable lookup(const std::string& host, const std::string& role,
                                  const std::string& name) = 0;
  // Evaluation is done with `host` for now: memoized values of it may go
  // (a later lookup computes them again).
  virtual void release(const std::string& host) { (void)host; }
};

// Gathered facts per host: `ansible -m setup --tree DIR` output (one file
// per host, named after it, {"ansible_facts": {...}}), or files holding
// the facts map itself; `HOST.json` is accepted too.
struct Facts {
  std::map<std::string, Map> by_host;  // host -> ansible_* facts
};
Result<Facts> load_facts(const std::filesystem::path& dir);

// Values Ansible sets on the controller (ansible_version from `ansible
// --version`: ansible_version_value()), known now or computed on first use:
// the probe runs while the trees load, and evaluate_assertions evaluates
// last the hosts whose assertions read one, so that a slow probe finishes
// meanwhile.
class ControllerValues {
 public:
  ControllerValues() = default;
  explicit ControllerValues(Map known);
  // `later` computes the values of `names` (some may stay unset).
  ControllerValues(std::vector<std::string> names, std::function<Map()> later);

  bool may_hold(const std::string& name) const;
  bool ready() const { return !later_; }
  // The values (calls `later` the first time).
  const Map& get() const;

 private:
  std::vector<std::string> names_;
  mutable std::function<Map()> later_;
  mutable Map values_;
};

struct EvalInputs {
  TagValues* to = nullptr;                      // required: the target tag
  TagValues* from = nullptr;                    // optional: what the cluster runs now
  const ClusterState* cluster_state = nullptr;  // optional: beats the prediction from `from`
  const Facts* facts = nullptr;                 // optional
  std::vector<LiveValueRule> live_rules;        // ReleaseData::live_rules
  // Values Ansible sets on the controller, when known before the run.
  ControllerValues controller;
};

// The ansible_version magic variable ({"string", "full", "major", "minor",
// "revision"}) from the first line of `ansible --version` output
// ("ansible [core 2.14.18]", or "ansible 2.9.27" before ansible-core);
// Undefined when it does not parse.
Value ansible_version_value(const std::string& version_output);

struct EvalOptions {
  bool include_passed = false;  // also list passed and skipped assertions as findings
  size_t max_hosts_listed = 1000;
};

// One assertion's outcome on one host.
struct HostOutcome {
  std::string host;
  report::Status status = report::Status::Skipped;
  std::string reason;                 // why skipped/unknown; the failing expression for a fail
  std::vector<std::string> failed;    // `that` items (or conditions, for fail) that decided it
  bool ignored = false;               // ignore_errors holds: the run goes on
  const Reach* reach = nullptr;       // the reach that decided it
  Value item = Value::undefined();    // the loop item that decided it, if any
};

struct AssertionOutcome {
  const Assertion* assertion = nullptr;
  report::Status status = report::Status::Skipped;  // fail > unknown > pass > skipped
  std::vector<HostOutcome> hosts;                   // every host evaluated
};

// Decides every assertion of `x` (extracted from the --to tag). Errors only
// for broken inputs (a host pattern that does not parse).
Result<std::vector<AssertionOutcome>> evaluate_assertions(const Extraction& x,
                                                          const EvalInputs& in);

// The findings: one per failing / unknown assertion (and passed/skipped
// ones with include_passed), naming hosts, variables (value, provenance)
// and a fix.
report::Report build_report(const Extraction& x, const std::vector<AssertionOutcome>& outcomes,
                            const EvalInputs& in, const EvalOptions& opts = {});

// The values read from the live cluster as this evaluation simulates them
// (name -> value; Undefined when the object would not exist, Unknown with
// its reason when not known), with their provenance: for a harness that
// gives Ansible the same registered values, and for display.
struct LiveValueShown {
  Value value;
  std::string provenance;
};
std::map<std::string, LiveValueShown> live_values(const Extraction& x, const EvalInputs& in);

// Every assertion's outcome, JSON-ready: [{"id", "status", "reason",
// "hosts": {HOST: {"status", "reason", "ignored"}}}], in extraction order.
Value outcomes_value(const std::vector<AssertionOutcome>& outcomes);

// A resolver for templated include targets (ExtractOptions::resolve): the
// target rendered with the values of the first host the reach runs on, when
// it renders to a string; so a calico inventory follows
// `network_plugin/{{ kube_network_plugin }}`.
TemplateResolver resolver_for(TagValues& values);

}  // namespace ksm::preflight
