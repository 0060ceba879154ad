// Host patterns as Ansible's inventory plugins read them (INI host lines and
// YAML `hosts:` keys alike): an optional `:port` (only where the rest is a
// valid host name or address, as parse_address decides), and ranges
// `node[1:3]`, `node[01:10]`, `[a:c]`, with a step `[1:10:2]`, expanded left
// to right (expand_hostname_range).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace ksm::inventory {

struct HostPattern {
  std::vector<std::string> hosts;
  std::optional<int> port;
};

// Bound for hostile inventories: Kubernetes supports clusters of 5,000
// nodes; a pattern, or an inventory, of more than 100,000 hosts is a
// mistake or an attack (three ranges of 50 already make 125,000), and is
// refused before it takes gigabytes.
inline constexpr size_t kMaxInventoryHosts = 100'000;

// Errors (a malformed range) carry no location; callers add theirs.
Result<HostPattern> expand_host_pattern(std::string_view pattern);

}  // namespace ksm::inventory
