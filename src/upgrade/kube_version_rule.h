// Which Kubernetes version a hop installs. kubeadm upgrades a control plane
// one minor at a time and never downgrades, and a Kubespray tag installs
// only the versions it has checksums for; an inventory whose kube_version
// breaks either stops upgrade-cluster.yml. One written rule decides it at
// every hop, instead of a conflict marker or a review note:
//   - allowed: a version the tag installs, not below what the cluster runs,
//     at most one minor above it;
//   - the inventory's value (the operator's own, or the sample's new one
//     that the merge took for a line the operator never changed) is kept
//     when it is allowed;
//   - else the newest patch of the next minor the tag installs, else the
//     newest patch of the running minor;
//   - else the hop is blocked, and the reason says what to do first.
#pragma once

#include <string>
#include <vector>

namespace ksm::upgrade {

struct KubeVersionInput {
  std::string running;      // what the cluster runs: the value at the previous hop
  std::string candidate;    // what the inventory says now ("" when the tag's default applies)
  bool operators = false;   // the candidate is the operator's own value
  std::string tag;          // the hop's tag
  std::string tag_default;  // the tag's default kube_version
  std::vector<std::string> installable;  // the versions the tag installs
};

struct KubeVersionChoice {
  enum class Outcome {
    Keep,     // the inventory's value (or the tag's default) is allowed
    Replace,  // `version` replaces it
    Blocked,  // nothing the tag installs is allowed
  };
  Outcome outcome = Outcome::Keep;
  std::string version;  // the version the hop installs (Keep, Replace)
  std::string reason;   // the rule's verdict in words
};

KubeVersionChoice choose_kube_version(const KubeVersionInput& in);

}  // namespace ksm::upgrade
