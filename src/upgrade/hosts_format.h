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
#include "upgrade/effective.h"
#include "upgrade/release.h"
#include "upgrade/report.h"
#include "upgrade/workspace.h"

namespace ksm::upgrade {

enum class HostsFormat { Keep, Ini, Yaml };

// Parses "keep", "ini" or "yaml".
Result<HostsFormat> parse_hosts_format(const std::string& s);

// Converts `hosts_file` (relative to the workspace root, updated to the new
// name) when its format differs from `to`; changes and notes go to `hop`.
// `target` is the release the inventory is now for (its sample names the new
// hosts file).
Status convert_hosts(Workspace& ws, std::string& hosts_file, HostsFormat to, const Release& target, Hop& hop);

}  // namespace ksm::upgrade
