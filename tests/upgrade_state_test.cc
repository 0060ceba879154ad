// Tests of src/upgrade/state.
#include <doctest/doctest.h>

#include "upgrade/state.h"

using namespace ksm::upgrade;

TEST_CASE("state: round trip, absent, malformed") {
  State s{"v2.16.0", "2026-11-22", "0.1.0"};
  std::string text = render_state(s);
  auto back = parse_state(&text, "x");
  REQUIRE(back.ok());
  REQUIRE(back->has_value());
  CHECK((*back)->tag == "v2.16.0");
  CHECK((*back)->date == "2026-11-22");
  auto none = parse_state(nullptr, "x");
  REQUIRE(none.ok());
  CHECK(!none->has_value());
  std::string bad = "date: x\n";
  auto err = parse_state(&bad, ".kubespray-migrate.yml");
  REQUIRE(!err.ok());
  CHECK(err.error().str().find(".kubespray-migrate.yml:1:1") == 0);
}
