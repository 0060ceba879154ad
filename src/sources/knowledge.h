// Why this module exists: what the tool knows of Kubespray itself (the
// control-plane group and the defaults role over the tags, the sample
// folder, the hosts-file names, the upgrade playbook, requirements.txt, the
// checksum tables, which group's order names the etcd members, the groups
// the playbooks build at run time, how far one upgrade run may move) is data:
// schemas/kubespray.yml, each fact with its tag range and a public source, validated against
// schemas/kubespray.schema.json. This module reads it once into typed
// accessors. It sits in sources/, the lowest module that knows Version, so
// that every module above (inventory, vars, catalog, preflight, upgrade,
// cli) can reach it; tests build one in memory with parse().
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "sources/version.h"

namespace ksm {

class JsonSchema;  // core/json_schema.h

// The tags a fact holds for: [since, before); an absent bound is open.
struct TagRange {
  std::optional<Version> since;
  std::optional<Version> before;
  std::string source;

  bool holds_at(const Version& tag) const;
};

// A name Kubespray used over a range of tags.
struct NameOverTags {
  std::string name;
  TagRange tags;
};

// A group the playbooks build before any role runs (group_by over every
// host): the hosts of the `from` groups join `group`, so that its
// group_vars apply to them although no hosts file declares it (k8s_cluster
// from v2.27.0; the legacy hyphenated names from v2.16.0).
struct RuntimeGroup {
  std::string group;
  std::vector<std::string> from;
  TagRange tags;
};

class KubesprayKnowledge {
 public:
  // `file` is the name errors cite (file:line:col).
  static Result<KubesprayKnowledge> parse(std::string_view text, const std::string& file,
                                          const JsonSchema& schema);
  // kubespray.yml of `dir`, checked against dir/kubespray.schema.json; errors
  // cite the file as `display_dir`/kubespray.yml.
  static Result<KubesprayKnowledge> load(const std::filesystem::path& dir,
                                         const std::filesystem::path& display_dir);

  // The control-plane group at `tag` (kube-master before v2.16.0).
  const std::string& control_plane_group(const Version& tag) const;
  // Every name it has had, the current first: without a tag, the first
  // non-empty one an inventory defines holds the control plane.
  const std::vector<std::string>& control_plane_groups() const { return cp_names_; }
  const std::vector<NameOverTags>& control_plane_history() const { return cp_; }

  // The role every play imports first (kubespray_defaults from v2.28.0).
  const std::string& defaults_role(const Version& tag) const;
  // Whether a role is that role under any of its names.
  bool is_defaults_role(std::string_view role) const;
  const std::vector<std::string>& defaults_roles() const { return role_names_; }
  const std::vector<NameOverTags>& defaults_role_history() const { return roles_; }

  // "inventory/sample", relative to the tree's root.
  const std::string& sample_inventory() const { return sample_; }
  // Conventional hosts-file names, the preferred first.
  const std::vector<std::string>& hosts_files() const { return hosts_files_; }
  bool is_hosts_file_name(std::string_view name) const;
  // "upgrade-cluster.yml", relative to the tree's root.
  const std::string& upgrade_playbook() const { return playbook_; }
  // "requirements.txt", and the tags where it is a symlink to a versioned
  // file (a copy that flattens it holds only the target's name).
  const std::string& requirements_file() const { return requirements_; }
  const TagRange& requirements_symlink() const { return requirements_symlink_; }
  // The digest maps whose keys are the Kubernetes versions a tag installs.
  const std::vector<std::string>& checksum_tables() const { return checksum_tables_; }
  // etcd_member_name defaults to etcd<N>, N the host's position in group etcd.
  const std::string& etcd_member_variable() const { return etcd_variable_; }
  const std::string& etcd_member_group() const { return etcd_group_; }
  // The groups a playbook run of `tag` builds, in the order it builds them.
  std::vector<RuntimeGroup> runtime_groups(const Version& tag) const;
  const std::vector<RuntimeGroup>& runtime_group_history() const { return runtime_; }
  // How many Kubernetes minors one run may move (kubeadm: one).
  int kubernetes_minor_step() const { return kubernetes_step_; }

 private:
  std::vector<NameOverTags> cp_, roles_;
  std::vector<std::string> cp_names_, role_names_, hosts_files_, checksum_tables_;
  std::string sample_, playbook_, requirements_, etcd_variable_, etcd_group_;
  TagRange requirements_symlink_;
  std::vector<RuntimeGroup> runtime_;
  int kubernetes_step_ = 1;
};

// The data folder's (schemas/kubespray.yml), loaded on first use. The tool
// cannot run without it: main() calls check_kubespray_knowledge() first and
// prints its error; a later failure (a test or bench binary with a broken
// data folder) prints the same file:line:col error on stderr and exits 1.
const KubesprayKnowledge& kubespray();
Status check_kubespray_knowledge();

}  // namespace ksm
