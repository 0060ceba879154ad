// The state file `upgrade` leaves in the inventory it produced
// (`.kubespray-migrate.yml`: tag, date, tool version), so the next run knows
// the base tag without guessing.
#pragma once

#include <optional>
#include <string>

#include "core/error.h"

namespace ksm::upgrade {

inline constexpr const char* kStateFile = ".kubespray-migrate.yml";

struct State {
  std::string tag;
  std::string date;          // YYYY-MM-DD of the run
  std::string tool_version;
};

// nullopt when `text` is absent; an Error when it is malformed.
Result<std::optional<State>> parse_state(const std::string* text, const std::string& filename);
std::string render_state(const State& s);

}  // namespace ksm::upgrade
