// Why this module exists: some Kubespray assertions compare the inventory
// with the running cluster (calico's "Check if inventory match current
// cluster configuration" reads the live IPPool with calicoctl). Preflight
// runs before the playbook, so those values come from one of two places:
//
//   * a --cluster-state FILE the operator captured, in one of two shapes:
//       - variables, as the run would hold them:
//             calico_pool_conf:
//               spec: {blockSize: 24, cidr: 10.233.64.0/18, ipipMode: Always, vxlanMode: Never}
//       - Kubernetes/Calico objects: the output of
//             calicoctl get ippool -o yaml            (IPPoolList, projectcalico.org/v3)
//             kubectl get ippools.crd.projectcalico.org -o yaml   (List, crd.projectcalico.org/v1)
//         or any single object with `kind` and `metadata.name`, one or
//         several YAML documents (JSON works too: it is YAML);
//   * a prediction from what the --from tag deployed: the rules in
//     schemas/preflight/live_values.yml (see that file) template the object
//     with the --from tag's effective values (done by evaluate.cc, which
//     has the Jinja engine).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/value.h"

namespace ksm::preflight {

struct ClusterState {
  std::string file;
  Map variables;               // name -> value (the "variables" shape)
  std::vector<Value> objects;  // objects with kind + metadata.name (the "objects" shape)

  // The object of `kind` named `name`; nullptr when absent.
  const Value* object(const std::string& kind, const std::string& name) const;
  bool empty() const { return variables.empty() && objects.empty(); }
};

Result<ClusterState> parse_cluster_state(const std::string& text, const std::string& file);
Result<ClusterState> load_cluster_state(const std::filesystem::path& path);

// One rule of schemas/preflight/live_values.yml.
struct LiveValueRule {
  std::string name;
  std::string reads;
  std::string source;
  std::string when;                          // Jinja expression ("" = always)
  Value value;                               // object template
  std::string state_kind;                    // cluster_state.kind
  std::string state_name;                    // cluster_state.name (template)
  std::map<std::string, std::string> fields; // "spec.ipipMode" -> "calico_ipip_mode"
  std::string caveat;
  Location where;                            // the rule in its file
};

Result<std::vector<LiveValueRule>> parse_live_value_rules(const std::string& text,
                                                          const std::string& file);
// (schemas/preflight/live_values.yml is read by release_data.h.)

// "spec.ipipMode" of a map; nullptr when a step is missing.
const Value* value_at_path(const Value& v, const std::string& dotted);

}  // namespace ksm::preflight
