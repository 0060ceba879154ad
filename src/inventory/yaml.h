// Ansible's yaml inventory plugin (ansible/plugins/inventory/yaml.py):
// top-level keys are groups (`all:` usually), each with optional `vars`,
// `children` (nested groups, recursively) and `hosts` (host patterns with
// their variables); null entries are fine, a host may appear in several
// groups, `!vault` scalars stay opaque. Keeps the position of every key.
#pragma once

#include <string>

#include "core/error.h"
#include "inventory/model.h"

namespace ksm::inventory {

// Parses `text` (the raw bytes of `path`) into `inv` and appends the file to
// inv.files. When the text is not a YAML inventory at all (a YAML syntax
// error, an empty document, a top level that is not a mapping), returns the
// error with *not_yaml set and `inv` untouched, so the caller can try INI as
// Ansible does.
Status parse_yaml_inventory(Inventory& inv, const std::string& path, std::string text,
                            bool* not_yaml = nullptr);

// The same reader over YAML::Load's node graph, which parse_yaml_inventory
// uses only for documents with aliases (see yaml.cc): for the tests that
// compare the two on the same text.
Status parse_yaml_inventory_node_graph(Inventory& inv, const std::string& path, std::string text,
                                       bool* not_yaml = nullptr);

// yaml11_scalar(s), answering without its regular expressions when `s`
// cannot be anything but a string (host names, IP addresses, paths: most of
// an inventory), which is what makes big hosts files fast to read.
Value plain_scalar(const std::string& s);

}  // namespace ksm::inventory
