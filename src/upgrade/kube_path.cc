// The Kubernetes version at every stop of a plan (see kube_path.h).
#include "upgrade/kube_path.h"

#include <fmt/format.h>

#include <optional>

#include "catalog/facts.h"
#include "inventory/layers.h"
#include "jinja/jinja.h"
#include "sources/knowledge.h"
#include "sources/version.h"
#include "upgrade/base_tag.h"
#include "upgrade/state.h"
#include "upgrade/upgrade.h"
#include "upgrade/ws_inventory.h"

namespace ksm::upgrade {

namespace {

using Outcome = KubeVersionChoice::Outcome;

bool same_version(const std::string& a, const std::string& b) {
  return !a.empty() && !b.empty() && without_v_prefix(a) == without_v_prefix(b);
}

// The newest patch of the minor kubeadm can reach from `running` (one above:
// schemas/kubespray.yml upgrade_steps) that `installable` holds.
std::optional<std::string> next_minor(const std::vector<std::string>& installable,
                                      const std::string& running) {
  auto r = Version::parse(running);
  if (!r) return std::nullopt;
  std::optional<Version> best;
  for (const auto& s : installable) {
    auto v = Version::parse_release(s);
    if (!v || v->major != r->major || v->minor != r->minor + kubespray().kubernetes_minor_step())
      continue;
    if (!best || *best < *v) best = v;
  }
  if (!best) return std::nullopt;
  return best->str();
}

// The rule at `t` for a cluster running `running`, with the inventory's
// value as the hop will see it: the sample's new line while the inventory
// follows the sample, else the inventory's own.
KubeVersionChoice decide(const TagKube& t, const std::string& running, bool follows_sample,
                         const std::string& current) {
  KubeVersionInput k;
  k.running = running;
  k.tag = t.tag;
  k.tag_default = t.tag_default;
  k.installable = t.installable;
  k.candidate = follows_sample ? t.sample_value : current;
  k.operators = !follows_sample;
  return choose_kube_version(k);
}

}  // namespace

KubePath kube_path(const KubePathInput& in) {
  KubePath out;
  std::string running =
      Version::parse(in.inventory_value) ? in.inventory_value : in.start.tag_default;
  out.start_version = running;
  // An inventory that leaves kube_version to the tag, or keeps the sample's
  // line unchanged where the upgrade merges samples, gets each new sample's.
  bool follows_sample =
      in.inventory_value.empty() ||
      (in.merges_sample && same_version(in.inventory_value, in.start.sample_value));
  std::string current = in.inventory_value;
  const TagKube* prev = &in.start;
  for (const auto& t : in.stops) {
    KubePathStop st;
    st.tag = t.tag;
    KubeVersionChoice choice = decide(t, running, follows_sample, current);
    // Too old for this tag: raise Kubernetes on the previous tag first, one
    // minor per run, while that tag installs the next minor.
    for (int guard = 0; choice.outcome == Outcome::Blocked && guard < 8; ++guard) {
      auto raised = next_minor(prev->installable, running);
      if (!raised) break;
      if (st.raise_first.empty()) st.raise_reason = choice.reason;
      st.raise_first.push_back(*raised);
      running = *raised;
      choice = decide(t, running, follows_sample, current);
    }
    st.running = running;
    st.choice = choice;
    out.stops.push_back(st);
    if (choice.outcome == Outcome::Blocked) break;
    running = choice.version;
    if (choice.outcome == Outcome::Replace) {
      // The hop writes the chosen version into the inventory.
      follows_sample = in.merges_sample && same_version(choice.version, t.sample_value);
      current = choice.version;
    } else if (follows_sample) {
      current = t.sample_value;
    }
    prev = &t;
  }
  return out;
}

TagKube tag_kube(const catalog::TagFacts& f) {
  TagKube t{f.tag(), f.kube_version(), f.kube_versions(), ""};
  if (const Value* s = f.sample_variable("kube_version")) {
    const Value* commented = s->get("commented");
    const Value* v = s->get("value");
    if (commented && commented->is_bool() && !commented->as_bool() && v && v->is_string())
      t.sample_value = v->as_string();
  }
  return t;
}

Status annotate_plan(schema::Plan& plan, schema::ReleaseFacts& facts,
                     const std::string& inventory_value) {
  KubePathInput in;
  auto start = facts.facts(plan.from);
  if (!start) return start.error();
  in.start = tag_kube(**start);
  for (const auto& h : plan.hops) {
    auto f = facts.facts(h.to);
    if (!f) return f.error();
    in.stops.push_back(tag_kube(**f));
  }
  in.inventory_value = inventory_value;
  in.merges_sample = facts.is_clone();
  if (!in.merges_sample && same_version(inventory_value, in.start.sample_value))
    plan.inventory_note +=
        std::string(plan.inventory_note.empty() ? "" : "; ") +
        "its kube_version is the sample's line: without a clone upgrade keeps it as "
        "yours, with --kubespray the merge takes each new sample's (plan -i ... "
        "--kubespray shows that path)";
  KubePath path = kube_path(in);
  plan.inventory_kube_version = path.start_version;
  for (size_t i = 0; i < path.stops.size() && i < plan.hops.size(); ++i) {
    const KubePathStop& st = path.stops[i];
    schema::PlanHop& h = plan.hops[i];
    h.stop_kube_version = st.choice.version;
    h.stop_kube_reason = st.choice.reason;
    h.raise_first = st.raise_first;
    h.raise_reason = st.raise_reason;
    h.kube_blocked = st.choice.outcome == Outcome::Blocked;
  }
  return {};
}

Result<InventoryStart> inventory_start(const std::string& inventory, const std::string& from,
                                       schema::ReleaseFacts& facts) {
  auto where = locate_inventory(inventory);
  if (!where) return where.error();
  auto ws = Workspace::load(where->folder);
  if (!ws) return ws.error();
  InventoryStart out;
  auto tag = Version::parse(from);
  auto inv = load_workspace_inventory(
      *ws, where->hosts_file, tag ? kubespray().runtime_groups(*tag) : std::vector<RuntimeGroup>{});
  if (!inv) return inv.error();
  if (!(*inv)->hosts().empty()) {
    Map vars = inventory::host_vars(**inv, 0);
    const Value* kv = vars.find("kube_version");
    if (kv && kv->is_string() && !jinja::is_possibly_template(kv->as_string()))
      out.kube_version = kv->as_string();
  }
  out.from = from;
  if (!from.empty()) return out;
  auto bt = base_tag(*ws, where->hosts_file, where->folder, facts);
  if (!bt) return bt.error();
  out.from = bt->tag;
  out.note = base_tag_note(*bt);
  return out;
}

}  // namespace ksm::upgrade
