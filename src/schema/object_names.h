// Kubernetes object names that Kubespray renders from the operator's keys
// (schemas/ `object_names` of a restructure: MetalLB pool names become
// IPAddressPool names at v2.22). The API server only accepts a DNS-1123
// subdomain (lowercase alphanumerics, '-' and '.', starting and ending
// with an alphanumeric, at most 253 characters): `lab_pool` is refused.
// This module checks names, maps invalid ones to valid ones (`_` -> `-`,
// lowercase; a collision gets `-2`, `-3`...), and finds and rewrites them
// in a value at a path such as `metallb_config.address_pools.{}` (map keys)
// or `metallb_config.layer2[]` (list entries).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/value.h"

namespace ksm::schema {

inline constexpr size_t kDns1123SubdomainMax = 253;

bool is_dns1123_subdomain(std::string_view name);
// The nearest valid name: lowercase, every other character outside
// [a-z0-9.-] becomes '-', non-alphanumerics trimmed at both ends,
// truncated to 253 characters; "name" when nothing is left.
std::string to_dns1123_subdomain(std::string_view name);

struct NameMapping {
  std::string from, to;
  bool disambiguated = false;  // `to` got a suffix: another name maps to the same
};

// One mapping per invalid name (in order of first appearance; duplicates
// once). Valid names keep theirs and are never taken by a mapped one.
std::vector<NameMapping> plan_object_names(const std::vector<std::string>& names);

// The names at `path` under `vars` (a map of variables): the keys of the map
// a path ending in `.{}` reaches, the string entries of the list a path
// ending in `[]` reaches; `.{}` inside a path walks every value of a map.
std::vector<std::string> names_at(const Map& vars, std::string_view path);
// Rewrites the names at `path` by `mappings` (map keys keep their position).
void rename_at(Map& vars, std::string_view path, const std::vector<NameMapping>& mappings);

}  // namespace ksm::schema
