// libFuzzer target: the JSON reader (fact caches, from_json) and a round
// trip through the writer.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto v = ksm::parse_json(text, "fuzz.json");
  if (v.ok()) {
    auto again = ksm::parse_json(ksm::to_json(*v), "again.json");
    if (!again.ok()) __builtin_trap();  // our own output must read back
  }
  return 0;
}
