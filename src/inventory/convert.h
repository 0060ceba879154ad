// Hosts-file conversion between INI and YAML, for operators moving from the
// builder's hosts.yaml to the hand-written inventory.ini of v2.27+ (or back).
// Works from the model, so what Ansible would read is what is converted:
// host order, group order, host and group variables, and the comments
// attached to host and group lines. The INI side follows the v2.27 sample
// layout: no [all] block (host variables on the host's first group line).
// What Kubespray builds at run time depends on the tag the inventory is for
// (LeftToKubespray, from schemas/ layout_changes): from v2.27 no k8s_cluster
// section where it only repeats what Kubespray builds from
// kube_control_plane, kube_node and calico_rr, and no empty calico_rr;
// before v2.27 (or for an unknown tag) both are kept, since the playbooks
// and group_vars/k8s_cluster/ need the group. What is left out is
// reported, never dropped silently.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "inventory/model.h"

namespace ksm::inventory {

enum class ConvertTo { Ini, Yaml };

struct Conversion {
  std::string text;                 // the new hosts file
  std::vector<std::string> omitted; // what was left out, and why (one line each)
};

// What the hosts file may leave to Kubespray at the tag it is for. Empty:
// nothing (every group written).
struct LeftToKubespray {
  std::string tag;  // the tag it is for, for messages ("" unknown)
  struct RuntimeGroup {
    std::string group;
    std::vector<std::string> from;  // built at run time from these groups' hosts
  };
  std::vector<RuntimeGroup> runtime_groups;
  std::vector<std::string> optional_groups;  // need not be declared when empty
};

// Converts the inventory's single hosts file. Errors: several hosts files,
// a value INI cannot hold (a vault value, a key with '=' or spaces).
Result<Conversion> convert_hosts_file(const Inventory& inv, ConvertTo to,
                                      const LeftToKubespray& left);

// Python's repr() of a value, as literal_eval reads it back (INI values).
std::string python_repr(const Value& v);
// A YAML 1.1 rendering of a value that Ansible's loader types back to the
// same value (flow style for collections, !vault kept).
std::string yaml_value(const Value& v);

}  // namespace ksm::inventory
