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
  std::set<std::string> open_ended;  // advisory ids (>=vX) shown here for this hop and every later one
  std::vector<std::string> notes;
};

struct Plan {
  std::string from, to;
  std::string from_kube_version;
  std::string origin;  // versions/ or the clone
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
