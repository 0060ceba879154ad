// The upgrade path between two tags, one minor at a time (Kubespray and
// kubeadm underneath cannot skip a minor): the latest patch of every minor
// in between (by version, not by date — v2.24.3 was tagged after v2.25.0 —
// and not a patch an advisory marks `avoid` when another exists), then the
// target. For each hop: the Kubernetes version the target installs by
// default (versions/), one line per major change (schemas/ rules arriving
// in the hop, sticky defaults that change), and the advisories that apply.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/value.h"
#include "schema/facts.h"
#include "schema/schema.h"

namespace ksm::schema {

struct PlanChange {
  std::string kind;  // group_renamed, file_moved, file_dropped, layout_changed, restructured,
                     // renamed, removed, sticky_default_changed
  std::string text;
  std::string source;
};

struct PlanHop {
  std::string from, to;
  std::string date;          // target tag date
  std::string kube_version;  // default Kubernetes version of the target
  std::vector<std::string> summaries;  // schemas/ summaries of the releases crossed
  std::vector<PlanChange> changes;
  std::vector<const Advisory*> advisories;
  std::set<std::string>
      open_ended;  // advisory ids (>=vX) shown here for this hop and every later one
  std::vector<std::string> notes;
  // With an inventory (plan -i, upgrade/kube_path.h): the Kubernetes version
  // this stop installs for it and the rule's reason; the extra runs on
  // `from` that raise Kubernetes first, one minor each (empty when none is
  // needed); blocked when even those cannot make the hop possible.
  std::string stop_kube_version;
  std::string stop_kube_reason;
  std::vector<std::string> raise_first;
  std::string raise_reason;
  bool kube_blocked = false;
};

struct Plan {
  std::string from, to;
  std::string from_kube_version;
  std::string origin;  // versions/ or the clone
  // plan -i: the inventory, the kube_version the cluster runs by it, and
  // how the base tag was found ("" without -i).
  std::string inventory;
  std::string inventory_kube_version;
  std::string inventory_note;
  std::vector<PlanHop> hops;
};

// Errors: unknown tag (with the known tags of that minor), --to not after --from.
Result<Plan> make_plan(ReleaseFacts& facts, const Schemas& schemas, std::string_view from,
                       std::string_view to);

// The stops only (exposed for tests): tags after `from` up to `to`.
Result<std::vector<std::string>> plan_stops(const ReleaseFacts& facts, const Schemas& schemas,
                                            std::string_view from, std::string_view to);

std::string plan_text(const Plan& p, bool colour);
Value plan_json(const Plan& p);

}  // namespace ksm::schema
