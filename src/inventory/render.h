// What `ansible-inventory` prints: --list (groups with hosts and children,
// `_meta.hostvars`), --host NAME (one host's variables) and --graph [GROUP]
// (with --vars), built from the model with cli/inventory.py's rules
// (empty groups left out of --list, `all` lists no hosts, internal
// variables removed).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/value.h"
#include "inventory/model.h"

namespace ksm::inventory {

// The --list document (print with to_json: sorted keys, indent 4).
Value list_document(const Inventory& inv);
// The --list output: to_json(list_document(inv)), byte for byte, written
// without building the document (the fast path of `inventory --list`).
std::string list_json(const Inventory& inv);
// The same, handed to `sink` in pieces of about a megabyte as it is
// written: at 10,000 hosts the output is some 50 MB that need not be held.
void write_list_json(const Inventory& inv, const std::function<void(std::string_view)>& sink);
// The --host document: the host's merged variables.
Value host_document(const Inventory& inv, size_t host);
// The --graph text (no trailing newline), from `group`.
std::string graph(const Inventory& inv, size_t group, bool show_vars);

}  // namespace ksm::inventory
