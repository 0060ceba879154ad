// The hosts file an operator passes to -i (see hosts_file.h).
#include "inventory/hosts_file.h"

#include <algorithm>

#include "core/text.h"
#include "inventory/loader.h"
#include "sources/knowledge.h"

namespace ksm::inventory {

namespace {

// The conventional names (inventory.ini, hosts.yaml, ...), the preferred first.
const std::vector<std::string>& conventional() { return kubespray().hosts_files(); }

bool hosts_like(const std::string& name) {
  if (name.empty() || name[0] == '.') return false;
  if (kubespray().is_hosts_file_name(name)) return true;
  return name.ends_with(".ini") || name.ends_with(".yaml") || name.ends_with(".yml");
}

// The number of hosts a file defines; nullopt when it is no inventory.
std::optional<size_t> hosts_in(const Source& source, const std::string& path, HostsFileMemo* memo) {
  Inventory inv;
  if (!load_hosts_file(inv, source, path, memo)) return std::nullopt;
  inv.reconcile();
  return inv.hosts().size();
}

// Hosts files one level down (`hosts/10-control-plane.yml`, ...), outside
// group_vars/, host_vars/ and hidden folders: the layout of an operator who
// splits hosts by role and passes the whole folder to -i.
std::vector<std::string> hosts_in_subfolders(const Source& source, const std::string& dir,
                                             HostsFileMemo* memo) {
  std::vector<std::string> out;
  auto dirs = source.list_dirs(dir);
  if (!dirs) return out;
  for (const auto& d : *dirs) {
    std::string name = dir.empty() ? d : d.substr(dir.size() + 1);
    if (name.empty() || name[0] == '.' || name == "group_vars" || name == "host_vars") continue;
    auto files = source.list(d, false);
    if (!files) continue;
    for (const auto& f : *files) {
      std::string base = f.substr(f.rfind('/') + 1);
      if (!hosts_like(base)) continue;
      auto count = hosts_in(source, f, memo);
      if (count && *count > 0) out.push_back(f);
    }
  }
  return out;
}

// A name's place among the conventional names (their count when it has none).
size_t rank(const std::string& name) {
  auto it = std::find(conventional().begin(), conventional().end(), name);
  return static_cast<size_t>(it - conventional().begin());
}

}  // namespace

Result<std::vector<std::string>> hosts_like_files(const Source& source, const std::string& dir) {
  auto files = source.list(dir, false);
  if (!files) return files.error();
  std::vector<std::string> names;
  for (const auto& f : *files) {
    std::string name = dir.empty() ? f : f.substr(dir.size() + 1);
    if (hosts_like(name)) names.push_back(name);
  }
  // The conventional names first, in their order; then the others, sorted.
  std::stable_sort(names.begin(), names.end(),
                   [&](const std::string& a, const std::string& b) { return rank(a) < rank(b); });
  return names;
}

Result<HostsFileChoice> choose_hosts_file(const Source& source, const std::string& dir,
                                          HostsFileMemo* memo) {
  auto names = hosts_like_files(source, dir);
  if (!names) return names.error();
  HostsFileChoice c;
  std::vector<std::string> with_hosts, without_hosts;
  for (const auto& n : *names) {
    auto count = hosts_in(source, join_source_path(dir, n), memo);
    if (!count) {
      // A YAML file of another kind (variables, manifests) is no candidate
      // unless it has a conventional name.
      if (rank(n) < conventional().size()) c.candidates.push_back(n);
      continue;
    }
    c.candidates.push_back(n);
    (*count > 0 ? with_hosts : without_hosts).push_back(n);
  }
  if (c.candidates.empty()) {
    auto below = hosts_in_subfolders(source, dir, memo);
    if (!below.empty()) {
      c.path = dir;
      c.why = "no hosts file at the top of the folder; hosts are defined in " + join(below, ", ") +
              ": the folder is read as Ansible reads it (ansible-playbook -i " +
              (dir.empty() ? std::string("<this folder>") : source.display_path(dir)) + ")";
      return c;
    }
    return Error("no hosts file in the inventory folder (inventory.ini, hosts.yaml, ...)",
                 Location{source.display_path(dir)});
  }
  if (!with_hosts.empty()) {
    c.path = with_hosts.front();
    c.several_with_hosts = with_hosts.size() > 1;
    if (c.several_with_hosts)
      c.why = "several files define hosts (" + join(with_hosts, ", ") + "): using " + c.path +
              "; name the one you pass to ansible-playbook with -i";
    else if (c.candidates.size() == 1)
      c.why = "the hosts file is " + c.path;
    else if (without_hosts.empty())
      c.why = "the hosts file is " + c.path +
              ", the only one that defines hosts (the others are "
              "not inventories)";
    else
      c.why = "the hosts file is " + c.path + ", the only one that defines hosts (" +
              join(without_hosts, ", ") +
              (without_hosts.size() == 1 ? " defines none)" : " define none)");
  } else {
    c.path = c.candidates.front();
    c.why = "no file defines hosts (a template inventory): using " + c.path;
  }
  return c;
}

}  // namespace ksm::inventory
