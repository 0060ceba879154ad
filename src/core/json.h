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

// How a string is escaped beyond what JSON requires.
struct JsonQuote {
  bool ensure_ascii = false;  // non-ASCII as \uXXXX, pairs above U+FFFF (Python's json.dumps)
  bool html = false;          // <, >, & and ' as \u00XX too (Jinja's tojson)
};

std::string to_json(const Value& v, JsonStyle style = {});
// `s` as a JSON string, quotes included: the one escaping of the tool (our
// JSON output, and Python's json.dumps for the Jinja filters).
std::string json_quote(std::string_view s, JsonQuote q = {});
void append_json_quoted(std::string& out, std::string_view s, JsonQuote q = {});
Result<Value> parse_json(std::string_view text, const std::string& filename = "<json>");

}  // namespace ksm
