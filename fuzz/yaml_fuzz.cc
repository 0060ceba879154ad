// libFuzzer target: the YAML loader (core/yaml) on arbitrary bytes must end
// in a Value or an Error, within bounds: never a crash or a hang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/json.h"
#include "core/yaml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<ksm::Error> warnings;
  ksm::YamlLoadOptions opts;
  opts.max_nodes = 100000;
  auto v = ksm::parse_yaml(text, "fuzz.yml", &warnings, opts);
  if (v.ok()) (void)ksm::to_json(*v);
  return 0;
}
