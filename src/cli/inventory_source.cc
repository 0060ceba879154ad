// -i, else Ansible's defaults (see inventory_source.h).
#include "cli/inventory_source.h"

#include "inventory/loader.h"

namespace ksm::cli {

Result<std::vector<std::string>> inventory_sources(const std::vector<std::string>& given) {
  if (!given.empty()) return given;
  auto d = inventory::default_sources();
  if (!d) return d.error();
  return d->sources;
}

}  // namespace ksm::cli
