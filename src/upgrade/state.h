// The state file `upgrade` leaves in the inventory it produced
// (`.kubespray-migrate.yml`: tag, date, tool version), so the next run knows
// the base tag without guessing. When a hop's conflicts stopped the run, it
// also records that stop (the target the run was heading for, the hop that
// left the markers and where they are), which `upgrade --continue` reads.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace ksm::upgrade {

inline constexpr const char* kStateFile = ".kubespray-migrate.yml";

// One conflict marker a stopped hop left: the `<<<<<<<` line of a file
// (relative to the inventory) and what conflicts there ("resolvconf_mode: ...").
struct ConflictMark {
  std::string file;
  int line = 0;
  std::string what;
  bool operator==(const ConflictMark&) const = default;
};

// A run stopped by conflicts: heading for `target`, stopped after the hop
// `hop_from` -> `hop_to` (the state's tag), which left `conflicts`.
struct Stop {
  std::string target;
  std::string hop_from;
  std::string hop_to;
  std::vector<ConflictMark> conflicts;
  bool operator==(const Stop&) const = default;
  std::string hop() const { return hop_from + " -> " + hop_to; }  // "v2.17.1 -> v2.18.2"
};

struct State {
  std::string tag;
  std::string date;          // YYYY-MM-DD of the run
  std::string tool_version;
  std::optional<Stop> stopped;  // none: the run reached its target
};

// nullopt when `text` is absent; an Error when it is malformed. State
// files without `stopped` (older ones included) have no stop.
[[nodiscard]] Result<std::optional<State>> parse_state(const std::string* text,
                                                       const std::string& filename);
// Small, commented, stable text: it is written into the operator's inventory.
[[nodiscard]] std::string render_state(const State& s);

}  // namespace ksm::upgrade
