// `upgrade --hosts-format ini|yaml|keep`: the hosts file converted after the
// last hop (seed 004 moved from the builder's hosts.yaml to a hand-written
// inventory.ini at v2.27), with what Ansible sees kept identical: every
// group's members, and the order of the etcd group, whose position names the
// etcd members (etcd_member_name defaults to etcd<N> by position). A host
// whose position in etcd would change gets its old member name pinned in
// host_vars; what the conversion leaves out is reported.
#pragma once

#include <string>

#include "core/error.h"
#include "inventory/convert.h"
#include "schema/schema.h"
#include "upgrade/effective.h"
#include "upgrade/release.h"
#include "upgrade/report.h"
#include "upgrade/workspace.h"

namespace ksm::upgrade {

enum class HostsFormat { Keep, Ini, Yaml };

// Parses "keep", "ini" or "yaml".
Result<HostsFormat> parse_hosts_format(const std::string& s);

// What a hosts file for `tag` may leave to Kubespray: the runtime and
// optional groups of the latest schemas/ layout change at or before it
// (k8s_cluster and calico_rr from v2.27.0); nothing before, or for a tag
// that is not a release.
inventory::LeftToKubespray left_to_kubespray(const schema::Schemas& schemas,
                                             const std::string& tag);

// Converts `hosts_file` (relative to the workspace root, updated to the new
// name) when its format differs from `to`; changes and notes go to `hop`.
// `target` is the release the inventory is now for (its sample names the new
// hosts file; schemas say which groups Kubespray builds at run time there).
Status convert_hosts(Workspace& ws, std::string& hosts_file, HostsFormat to, const Release& target,
                     const schema::Schemas& schemas, Hop& hop);

}  // namespace ksm::upgrade
