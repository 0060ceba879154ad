// Per-host variables in Ansible's precedence (VariableManager.get_vars with
// the default VARIABLE_PRECEDENCE), lowest first:
//   1. hosts-file vars of `all`
//   2. hosts-file vars of the host's other groups, by (depth, priority, name)
//   3. group_vars/all files (per source folder, files in sorted order)
//   4. group_vars/<group> files (per source folder, groups in the order of 2)
//   5. hosts-file vars of the host
//   6. host_vars/<host> files
// Each layer carries provenance (file:line per variable) so the vars module
// can put role defaults under it and explain every value.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "inventory/model.h"

namespace ksm::inventory {

enum class LayerKind { HostsFileGroup, GroupVarsFile, HostsFileHost, HostVarsFile };
const char* layer_kind_name(LayerKind k);

struct VarLayer {
  LayerKind kind;
  std::string entity;  // group or host name
  std::string file;    // the vars file (GroupVarsFile/HostVarsFile); empty for hosts-file layers
  Map vars;
  std::unordered_map<std::string, Location> where;  // variable -> file:line:col
};

// The host's groups in the order their variables apply (`all` excluded):
// Ansible's sort_groups, by (depth, priority, name).
std::vector<size_t> sorted_host_groups(const Inventory& inv, size_t host);

// Which layers host_layers gives: every one, only the group-level ones
// (the same for every host with the same sorted_host_groups), or only the
// host's own (HostsFileHost, HostVarsFile).
enum class LayerScope { All, Groups, Host };

// The layers for one host, lowest precedence first. Empty layers are left out.
std::vector<VarLayer> host_layers(const Inventory& inv, size_t host,
                                  LayerScope scope = LayerScope::All);

// The merged variables (each layer replacing whole top-level keys, as
// Ansible's default hash_behaviour=replace does); with `where`, also the
// provenance of each winning value.
Map host_vars(const Inventory& inv, size_t host,
              std::unordered_map<std::string, Location>* where = nullptr);

// A group's own variables as `ansible-inventory --graph --vars` shows them:
// hosts-file vars, then its group_vars files, plus ansible_group_priority
// when it is not 1.
Map group_vars(const Inventory& inv, size_t group);

}  // namespace ksm::inventory
