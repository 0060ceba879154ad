// The Kubernetes version at every stop of a plan, for one inventory, decided
// before anything is written. `upgrade` applies the one-minor rule
// (kube_version_rule.h) hop by hop and stops at a hop it blocks; `plan -i`
// runs the same rule over the whole path from the tags' facts alone, so the
// operator sees each stop's `-e kube_version=` in advance and, when the
// cluster's version is too old for the next tag to continue from, the extra
// stop that fixes it: stay on the previous tag and raise Kubernetes there,
// one minor at a time, first. Pure: facts in, path out (tests need no disk).
#pragma once

#include <string>
#include <vector>

#include "catalog/facts.h"
#include "core/error.h"
#include "schema/facts.h"
#include "schema/plan.h"
#include "upgrade/kube_version_rule.h"

namespace ksm::upgrade {

// What the rule needs of one tag (catalog::TagFacts has it).
struct TagKube {
  std::string tag;
  std::string tag_default;               // the tag's default kube_version
  std::vector<std::string> installable;  // the versions it installs
  std::string sample_value;              // kube_version its sample sets ("" commented or absent)
};

struct KubePathInput {
  TagKube start;                // the tag the inventory is at
  std::vector<TagKube> stops;   // the plan's stops, in order
  std::string inventory_value;  // the inventory's kube_version ("" when it leaves it to the tag)
  // The upgrade merges each new sample (it has a clone): an inventory that
  // keeps the sample's kube_version line gets each new sample's. Offline
  // (versions/ only) nothing merges the line, and the value is its own.
  bool merges_sample = true;
};

struct KubePathStop {
  std::string tag;
  std::string running;  // what the cluster runs when this stop starts
  KubeVersionChoice choice;
  // Before this stop: runs of upgrade-cluster.yml on the previous tag that
  // raise Kubernetes one minor each, in order (the proposed extra stops).
  std::vector<std::string> raise_first;
  std::string raise_reason;  // why they are needed (the rule's Blocked verdict)
};

struct KubePath {
  std::string start_version;        // what the cluster runs at the start
  std::vector<KubePathStop> stops;  // up to the first blocked one included
  bool blocked() const {
    return !stops.empty() && stops.back().choice.outcome == KubeVersionChoice::Outcome::Blocked;
  }
};

[[nodiscard]] KubePath kube_path(const KubePathInput& in);

// TagKube of a tag's facts.
[[nodiscard]] TagKube tag_kube(const catalog::TagFacts& facts);

// plan -i: fills each hop's stop_kube_version, stop_kube_reason,
// raise_first and kube_blocked from the inventory's kube_version.
[[nodiscard]] Status annotate_plan(schema::Plan& plan, schema::ReleaseFacts& facts,
                                   const std::string& inventory_value);

// plan -i: the inventory's base tag (`from` when given, else its state
// file, else inferred as upgrade infers it) and its kube_version ("" when
// it leaves it to the tag), with a note saying how the tag was found.
struct InventoryStart {
  std::string from;
  std::string kube_version;
  std::string note;
};
[[nodiscard]] Result<InventoryStart> inventory_start(const std::string& inventory,
                                                     const std::string& from,
                                                     schema::ReleaseFacts& facts);

}  // namespace ksm::upgrade
