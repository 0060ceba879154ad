// libFuzzer target: the YAML loader (core/yaml) on arbitrary bytes must end
// in a Value or an Error, within bounds: never a crash or a hang; and
// parse_yaml (a YamlTree from the parser's events) must give exactly what
// YAML::Load's node graph gives through yaml_node_to_value.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/json.h"
#include "core/yaml.h"

#include <yaml-cpp/yaml.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<ksm::Error> warnings;
  ksm::YamlLoadOptions opts;
  opts.max_nodes = 100000;
  auto v = ksm::parse_yaml(text, "fuzz.yml", &warnings, opts);
  if (v.ok()) (void)ksm::to_json(*v);
  if (text.find('\0') != std::string_view::npos) return 0;  // refused before parsing
  std::vector<ksm::Error> graph_warnings;
  ksm::Result<ksm::Value> g = [&]() -> ksm::Result<ksm::Value> {
    try {
      return ksm::yaml_node_to_value(YAML::Load(std::string(ksm::strip_bom(text))), "fuzz.yml",
                                     &graph_warnings, opts);
    } catch (const YAML::Exception& e) {
      return ksm::yaml_error(e, "fuzz.yml");
    }
  }();
  bool same = v.ok() == g.ok() && warnings.size() == graph_warnings.size();
  if (same && v.ok())
    same =
        ksm::to_json(*v) == ksm::to_json(*g) && ksm::to_python_repr(*v) == ksm::to_python_repr(*g);
  if (same && !v.ok()) same = v.error().str() == g.error().str();
  for (size_t i = 0; same && i < warnings.size(); ++i)
    same = warnings[i].str() == graph_warnings[i].str();
  if (!same) __builtin_trap();
  return 0;
}
