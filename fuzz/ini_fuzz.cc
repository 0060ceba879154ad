// libFuzzer target: the INI inventory parser (inventory/ini) on arbitrary
// bytes, then the model's reconcile and the `--list` document: an Inventory
// or an Error with file:line, within bounds; never a crash or a hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/json.h"
#include "expansion_guard.h"
#include "inventory/ini.h"
#include "inventory/model.h"
#include "inventory/render.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  if (ksm::fuzz::estimated_hosts(text) > 5000)
    return 0;  // bounded by the parser (expansion_guard.h)
  ksm::inventory::Inventory inv;
  if (auto st = ksm::inventory::parse_ini(inv, "fuzz.ini", std::move(text)); !st) return 0;
  inv.reconcile();
  (void)ksm::to_json(ksm::inventory::list_document(inv));
  return 0;
}
