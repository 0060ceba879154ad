// Why this module exists: some failures belong to the hop itself, not to
// the inventory or to a Kubespray assertion: an etcd member whose name
// changes between the two tags (etcd refuses it; the member must be removed
// and added again), Kubernetes API versions that stop being served in a
// minor the hop crosses (workloads, Helm releases and CRDs written in them
// break after the upgrade), and an Ansible on PATH that is not the one the
// target tag pins (seed 004 hit both a too-new and a too-old Ansible).
// The knowledge is data: versions/kubernetes-removed-apis.yaml and
// versions/ansible-core.yaml (curated), requirements.txt of the tag.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/value.h"
#include "preflight/release_data.h"
#include "report/report.h"
#include "sources/version.h"
#include "vars/resolver.h"

namespace ksm::preflight {

// ksm/etcd-member-name/<host>: every host of the etcd group whose effective
// etcd_member_name at `from` (with the inventory the cluster was deployed
// with) differs from the one at `to`. Blocking.
std::vector<report::Finding> etcd_member_names(vars::Resolver& to, vars::Resolver& from,
                                               const Version& to_tag, const Version& from_tag);

// ksm/removed-apis/<minor>: one warning per Kubernetes minor in
// (from kube_version, to kube_version] with removals in `table`
// (versions/kubernetes-removed-apis.yaml).
std::vector<report::Finding> removed_apis(const vars::Resolved& from_kube_version,
                                          const vars::Resolved& to_kube_version,
                                          const RemovedApis& table);

// The ansible-core minor ("2.16") a requirements.txt pins: `ansible-core==`
// wins; `ansible==X` maps through `core_table` (versions/ansible-core.yaml);
// before 3.0 the `ansible` package is core itself. nullopt when it pins
// neither.
std::optional<std::string> pinned_core(const std::string& requirements,
                                       const AnsibleCoreTable& core_table,
                                       std::string* pin_line = nullptr);

// ksm/ansible-version: the ansible-core on PATH (`ansible --version` output,
// "" = none found) against the one the target pins. Older: blocking; newer:
// warning; none on PATH or no pin: unknown.
std::vector<report::Finding> ansible_version(const std::string& version_output,
                                             const std::optional<std::string>& requirements,
                                             const AnsibleCoreTable& core_table,
                                             const Version& to_tag);

}  // namespace ksm::preflight
