// Names Kubespray's tasks set at run time (set_fact, register), read from a
// tree that has tasks (a full clone; the data repository has none).
//
// This exists so that a variable no layer defines but a task sets is
// reported as Unknown ("set at run time") instead of undefined: otherwise
// `main_ip | default('::')` would look known when the run sets main_ip.
#pragma once

#include <string>
#include <unordered_map>

#include <yaml-cpp/yaml.h>

#include "core/error.h"
#include "sources/source.h"

namespace ksm::vars {

// Every name set by a set_fact (or ansible.builtin.set_fact) or register in
// roles/**/tasks/** and playbooks/**, with the first place that sets it.
// Unreadable or malformed task files are skipped (they are Kubespray's, not
// the operator's); an empty map when the tree has no tasks.
// `parsed`, when given, receives each task file it parsed, by path: preflight
// walks the same files for assertions and parses each once.
std::unordered_map<std::string, Location> runtime_names(
    const Source& src, std::unordered_map<std::string, YAML::Node>* parsed = nullptr);

}  // namespace ksm::vars
