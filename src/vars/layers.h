// Variable layers: every place a Kubespray variable can get its value from,
// in Ansible's precedence, each definition carrying where it was written.
//
// This module exists because an effective value is never just "the
// default": it is the highest of role defaults, the inventory's layers,
// facts and role vars, and an operator needs to see which one won and why.
//
// Precedence, lowest first (ansible-core 2.14 VariableManager.get_vars for a
// task of role R in a play whose roles are kubespray-defaults, R...):
//   0. implicit defaults the caller supplies (ResolverOptions), for
//      variables that have no default at this tag but that the playbooks
//      read with `| default(...)`
//   1. role defaults: roles/kubespray-defaults (every play imports it), then
//      the defaults of the roles in scope (see RoleScope)
//   2. inventory: hosts-file group vars (`all`, then the host's groups by
//      depth/priority/name), group_vars/all, group_vars/<group>, hosts-file
//      host vars, host_vars/<host>  (src/inventory/layers.h)
//   3. facts (only with --facts; otherwise `ansible_*` facts are Unknown)
//   4. role vars: roles/kubespray-defaults/vars/main, then vars/main of the
//      roles in scope; they beat the inventory, as in Ansible
//   5. magic variables (inventory_hostname, groups, hostvars...), which
//      nothing overrides
// OS-specific files (vars/ubuntu.yml...) are loaded only by include_vars
// with facts at run time: they are not layers; a name defined only there
// is Unknown.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "core/value.h"
#include "sources/kubespray_tree.h"

namespace ksm::vars {

enum class LayerKind {
  Implicit,           // the playbooks' `| default(...)` (curated, ResolverOptions)
  KubesprayDefaults,  // roles/kubespray-defaults/defaults
  RoleDefaults,       // another role's defaults
  Inventory,          // one inventory layer (see `layer` for which)
  Facts,              // the --facts cache
  KubesprayVars,      // roles/kubespray-defaults/vars/main
  RoleVars,           // another role's vars/main
  Magic,              // set by Ansible itself
};
const char* layer_kind_name(LayerKind k);  // "role defaults", "inventory", ...

// Where a value comes from.
struct Provenance {
  LayerKind kind = LayerKind::Magic;
  std::string layer;  // "role defaults (kubespray-defaults)", "group_vars (k8s_cluster)", ...
  std::string role;   // role layers: the role's name
  Location where;     // file:line of the key; empty for magic variables

  // "roles/kubespray-defaults/defaults/main/main.yml:615 [role defaults (kubespray-defaults)]"
  std::string str() const;
};

// One definition of a variable: its raw (untemplated) value and origin.
struct Definition {
  Value value;
  Provenance from;
};

// Which roles' defaults and vars are in scope (Ansible: the `roles:` of the
// play, in order; the task's own role last, so it wins).
//
// An empty list is the global view, as no single play sees it: for each
// name, kubespray-defaults' definition when it has one (every play imports
// it, so every role sees it unless the role overrides it); else the single
// role defining it (or several roles defining it with the same raw value);
// else an Unknown "ambiguous" value listing the candidates: pass a role
// scope to pick one. The same rule applies to defaults and to vars/main.
//
// A non-empty list behaves as a play with `roles: [kubespray-defaults,
// <list>...]`: the defaults and vars of those roles only, later roles
// winning. Role names are as in KubesprayTree ("network_plugin/calico").
using RoleScope = std::vector<std::string>;

// The role-level layers of one tag for one scope: for every name the
// definition that wins among role defaults, and among role vars/main.
class RoleLayers {
 public:
  // Errors when a scoped role does not exist at this tag.
  static Result<RoleLayers> build(const KubesprayTree& tree, const RoleScope& scope = {});

  const Definition* defaults(std::string_view name) const;
  const Definition* vars(std::string_view name) const;
  // Files that only include_vars reads (vars/ubuntu.yml...) defining `name`.
  const std::vector<std::string>* include_only(std::string_view name) const;

  // Every name with a role-level definition (defaults or vars), in tag
  // order (kubespray-defaults first, then roles by path, file order).
  const std::vector<std::string>& names() const { return names_; }
  // Names a role defines in its auto-loaded defaults and vars/main.
  static std::vector<std::string> role_names(const Role& role);

 private:
  std::unordered_map<std::string, Definition> defaults_, vars_;
  std::unordered_map<std::string, std::vector<std::string>> include_only_;
  std::vector<std::string> names_;
};

}  // namespace ksm::vars
