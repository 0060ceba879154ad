// JSON in and out of Value. Output follows Python's json.dumps (what
// ansible-inventory prints): vault values become {"__ansible_vault": ...},
// keys optionally sorted.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"
#include "core/value.h"

namespace ksm {

struct JsonStyle {
  bool sort_keys = true;
  int indent = 4;  // 0 = compact on one line
};

std::string to_json(const Value& v, JsonStyle style = {});
std::string json_quote(std::string_view s);
Result<Value> parse_json(std::string_view text, const std::string& filename = "<json>");

}  // namespace ksm
