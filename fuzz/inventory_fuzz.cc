// libFuzzer target: a whole inventory from one hosts text, the way
// load_hosts_file picks the plugin for a file without extension (YAML
// inventory plugin, falling back to INI), then reconcile, `--list`, the
// per-host documents and the conversion to the other format.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/json.h"
#include "expansion_guard.h"
#include "inventory/convert.h"
#include "inventory/ini.h"
#include "inventory/model.h"
#include "inventory/render.h"
#include "inventory/yaml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ksm::inventory;
  std::string text(reinterpret_cast<const char*>(data), size);
  if (ksm::fuzz::estimated_hosts(text) > 5000)
    return 0;                                          // bounded by the parser (expansion_guard.h)
  if (text.find('\0') != std::string::npos) return 0;  // refused before parsing (loader.cc)
  Inventory inv;
  bool not_yaml = false;
  ksm::Status st = parse_yaml_inventory(inv, "hosts", text, &not_yaml);
  bool yaml = st.ok();
  if (!st && not_yaml) st = parse_ini(inv, "hosts", std::move(text));
  if (!st) return 0;
  inv.reconcile();
  (void)ksm::to_json(list_document(inv));
  for (size_t h = 0; h < inv.hosts().size() && h < 50; ++h)
    (void)ksm::to_json(host_document(inv, h));
  LeftToKubespray left{"v2.27.0",
                       {{"k8s_cluster", {"kube_control_plane", "kube_node", "calico_rr"}}},
                       {"calico_rr"}};
  (void)convert_hosts_file(inv, yaml ? ConvertTo::Ini : ConvertTo::Yaml, left);
  return 0;
}
