// Why this module exists: some of what goes wrong in an upgrade is no
// Kubespray assertion at all: a variable the target no longer reads (it is
// silently ignored), a group_vars folder for a group that does not exist
// (the `k8s-cluster/` folder after v2.16: its values silently dropped), a
// kube_version the target cannot install or that skips a Kubernetes minor,
// a release advisory whose condition the inventory meets; and those of the
// hop itself (hop_checks.h: etcd member names, removed Kubernetes APIs, the
// Ansible version). These checks sit
// beside Kubespray's assertions in the same report. All release knowledge
// comes from data: schemas/ (renames, removals, advisories, group renames)
// and versions/ (installable Kubernetes versions).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "catalog/facts.h"
#include "core/value.h"
#include "inventory/model.h"
#include "preflight/release_data.h"
#include "report/report.h"
#include "schema/schema.h"
#include "sources/version.h"
#include "vars/resolver.h"

namespace ksm::preflight {

struct CheckInputs {
  const inventory::Inventory* inventory = nullptr;  // required
  const schema::Schemas* schemas = nullptr;         // null: schema checks are skipped
  Version to;                                       // the target tag
  std::optional<Version> from;                      // the tag the cluster runs
  vars::Resolver* to_values = nullptr;              // required
  vars::Resolver* from_values = nullptr;            // optional
  // versions/<to>.json (installable kube_versions); null when absent.
  const catalog::TagFacts* to_facts = nullptr;
  // versions/kubernetes-removed-apis.yaml and versions/ansible-core.yaml;
  // null when absent (those checks are then skipped).
  const RemovedApis* removed_apis = nullptr;
  const AnsibleCoreTable* ansible_core = nullptr;
  // The controller check (hop_checks.h ansible_version): only when asked.
  bool check_ansible = false;
  std::optional<std::string> requirements;  // requirements.txt of the --to tag
  std::string ansible_version;              // `ansible --version` output ("" = none on PATH)
};

// Finding ids start with "ksm/" (Kubespray's own are "preflight/FILE:LINE").
std::vector<report::Finding> own_checks(const CheckInputs& in);

}  // namespace ksm::preflight
