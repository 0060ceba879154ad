// Python's ast.literal_eval, as Ansible's INI inventory plugin applies it to
// every value (host line `k=v` and `[group:vars]` lines alike): ints in any
// base with underscores, floats, True/False/None, quoted strings (with
// prefixes, escapes and adjacent concatenation), lists, tuples, dicts and
// sets, Python comments. Anything literal_eval rejects stays the raw string,
// exactly as the plugin does.
#pragma once

#include <optional>
#include <string_view>

#include "core/value.h"

namespace ksm::inventory {

// The literal's value, or nullopt where Python raises ValueError/SyntaxError
// (and where the value has no JSON form: complex numbers, ints beyond 64 bits).
std::optional<Value> python_literal(std::string_view text);

// What the INI plugin stores for a raw value: the literal, else the text.
Value ini_value(std::string_view text);

}  // namespace ksm::inventory
