// -i, else Ansible's defaults (see inventory_source.h).
#include "cli/inventory_source.h"

#include "cli/output.h"
#include "inventory/loader.h"

namespace ksm::cli {

Result<std::vector<std::string>> inventory_sources(const std::vector<std::string>& given) {
  if (!given.empty()) return given;
  auto d = inventory::default_sources();
  if (!d) return d.error();
  return d->sources;
}

Result<inventory::Inventory> load_cli_inventory(const std::vector<std::string>& given) {
  auto sources = inventory_sources(given);
  if (!sources) return sources.error();
  auto inv = inventory::load_inventory(*sources);
  if (!inv) return inv.error();
  for (const auto& w : inv->warnings) print_warning(w);
  return inv;
}

}  // namespace ksm::cli
