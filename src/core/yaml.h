// YAML into Value, typed the way Ansible's loader (PyYAML SafeLoader, YAML
// 1.1 resolvers) types it: yes/no/on/off are booleans, 0755 is octal, 1e3 is
// a string (YAML 1.1 floats need a signed exponent), quoted scalars are
// strings, `!vault` scalars stay opaque, a duplicate key keeps the last
// value with a warning.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/error.h"
#include "core/value.h"
#include "core/yaml_tree.h"

namespace ksm {

// Types a plain (unquoted, untagged) YAML 1.1 scalar.
Value yaml11_scalar(const std::string& s);

struct YamlLoadOptions {
  size_t max_nodes = 5'000'000;  // bound on expanded nodes (alias bombs)
  size_t max_depth = 1000;
};

// Parses the first document of `text`; an empty document is null.
// Errors carry file:line:col. Warnings (duplicate keys) are appended.
Result<Value> parse_yaml(std::string_view text, const std::string& filename,
                         std::vector<Error>* warnings = nullptr, YamlLoadOptions opts = {});

// Converts an already-parsed node.
Result<Value> yaml_node_to_value(const YAML::Node& node, const std::string& filename,
                                 std::vector<Error>* warnings = nullptr, YamlLoadOptions opts = {});

// Converts a node of a YamlTree (load_yaml_tree), as yaml_node_to_value
// converts the same node of YAML::Load's graph.
Result<Value> yaml_tree_to_value(const YamlTree& tree, YamlTree::Id node,
                                 const std::string& filename,
                                 std::vector<Error>* warnings = nullptr, YamlLoadOptions opts = {});

// yaml-cpp's exception as an Error at its file:line:col: "invalid YAML: ..."
// (yaml-cpp's own words), or "YAML nested too deeply" for its recursion
// guard (which yaml-cpp reports as "bad file").
Error yaml_error(const YAML::Exception& e, const std::string& filename);

// Where a parsed node starts, as file:line:col (1-based); line and column 0
// when yaml-cpp has no mark for it (a node built in memory).
Location yaml_location(const YAML::Node& n, const std::string& file);

// Strips a UTF-8 byte order mark.
std::string_view strip_bom(std::string_view text);

}  // namespace ksm
