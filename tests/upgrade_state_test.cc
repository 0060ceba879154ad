// Tests of src/upgrade/state.
#include <doctest/doctest.h>

#include "upgrade/state.h"

using namespace ksm::upgrade;

TEST_CASE("state: round trip, absent, malformed") {
  State s{"v2.16.0", "2026-11-22", "0.1.0", std::nullopt};
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

TEST_CASE("state: a stop round-trips; an old state file has none; a bad stop is an error") {
  State s{"v2.18.2", "2026-12-06", "0.1.0", std::nullopt};
  s.stopped =
      Stop{"v2.31.0",
           "v2.17.1",
           "v2.18.2",
           {{"group_vars/k8s_cluster/k8s-cluster.yml", 12, "resolvconf_mode: \"both changed\""},
            {"ansible.cfg", 3, ""}}};
  std::string text = render_state(s);
  CHECK(text.find("hop: \"v2.17.1 -> v2.18.2\"") != std::string::npos);
  CHECK(text.find("# Resolve them, then: kubespray-migrate upgrade --continue") !=
        std::string::npos);
  auto back = parse_state(&text, "x");
  REQUIRE_MESSAGE(back.ok(), (back.ok() ? "" : back.error().str()));
  REQUIRE(back->has_value());
  CHECK((*back)->tag == "v2.18.2");
  REQUIRE((*back)->stopped.has_value());
  CHECK(*(*back)->stopped == *s.stopped);
  CHECK((*back)->stopped->hop() == "v2.17.1 -> v2.18.2");
  CHECK(render_state(**back) == text);  // stable

  // Without a stop: no `stopped` key at all, and none parsed.
  s.stopped.reset();
  std::string plain = render_state(s);
  CHECK(plain.find("stopped") == std::string::npos);
  auto p = parse_state(&plain, "x");
  REQUIRE(p.ok());
  CHECK(!(*p)->stopped.has_value());

  // A state file of an earlier version (unquoted, no stop) still reads.
  std::string old =
      "# Written by kubespray-migrate\nkubespray_tag: v2.16.0\ndate: \"2026-01-02\"\n";
  auto o = parse_state(&old, "x");
  REQUIRE(o.ok());
  CHECK((*o)->tag == "v2.16.0");
  CHECK(!(*o)->stopped.has_value());
  std::string null_stop = old + "stopped:\n";
  auto n = parse_state(&null_stop, "x");
  REQUIRE(n.ok());
  CHECK(!(*n)->stopped.has_value());

  for (std::string bad :
       {"stopped: {target: v2.31.0}\n", "stopped: {target: v2.31.0, hop: v2.17.1}\n",
        "stopped: {hop: v2.17.1 -> v2.18.2}\n",
        "stopped: {target: v2.31.0, hop: v2.17.1 -> v2.18.2, conflicts: [{line: 3}]}\n"}) {
    std::string t = old + bad;
    auto e = parse_state(&t, ".kubespray-migrate.yml");
    REQUIRE_FALSE(e.ok());
    CHECK_MESSAGE(e.error().str().find(".kubespray-migrate.yml:1:1: state file: 'stopped'") == 0,
                  e.error().str());
  }
}
