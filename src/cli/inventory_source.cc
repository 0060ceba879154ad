// -i, else Ansible's defaults (see inventory_source.h).
#include "cli/inventory_source.h"

#include <cstdio>
#include <filesystem>
#include "cli/output.h"

#include "inventory/hosts_file.h"
#include "inventory/loader.h"
#include "sources/knowledge.h"
#include "sources/source.h"
#include "sources/version.h"

namespace ksm::cli {

Result<std::vector<std::string>> inventory_sources(const std::vector<std::string>& given) {
  if (!given.empty()) return given;
  auto d = inventory::default_sources();
  if (!d) return d.error();
  return d->sources;
}

Result<std::vector<std::string>> operator_hosts_files(const std::vector<std::string>& given) {
  auto sources = inventory_sources(given);
  if (!sources) return sources.error();
  std::vector<std::string> out;
  for (const auto& s : *sources) {
    std::error_code ec;
    if (!std::filesystem::is_directory(s, ec)) {
      out.push_back(s);
      continue;
    }
    DirSource folder(s);
    auto choice = inventory::choose_hosts_file(folder);
    if (!choice) return choice.error();
    std::fprintf(stderr, "kubespray-migrate: %s: %s\n", s.c_str(), choice->why.c_str());
    out.push_back(folder.display_path(choice->path));
  }
  return out;
}

Result<inventory::Inventory> load_cli_inventory(const std::vector<std::string>& given,
                                                const std::string& playbook_tag) {
  auto sources = inventory_sources(given);
  if (!sources) return sources.error();
  std::vector<RuntimeGroup> runtime;
  if (auto tag = Version::parse(playbook_tag)) runtime = kubespray().runtime_groups(*tag);
  auto inv = inventory::load_inventory(*sources, runtime);
  if (!inv) return inv.error();
  for (const auto& w : inv->warnings) print_warning(w);
  return inv;
}

}  // namespace ksm::cli
