// Tests of src/schema/plan: one tag per minor (latest patch by version,
// avoiding known-bad patches), Kubernetes versions per hop from versions/,
// major changes from schemas/, unknown tags as errors.
#include <doctest/doctest.h>

#include "core/paths.h"
#include "schema/plan.h"

using namespace ksm;
using namespace ksm::schema;

namespace {

struct Fixture {
  ReleaseFacts facts;
  Schemas schemas;
};

Fixture* fixture() {
  static std::unique_ptr<Fixture> f = [] {
    auto facts = ReleaseFacts::from_versions(versions_dir());
    auto schemas = load_default_schemas();
    if (!facts || !schemas) return std::unique_ptr<Fixture>();
    return std::make_unique<Fixture>(Fixture{std::move(*facts), std::move(*schemas)});
  }();
  return f.get();
}

#define REQUIRE_VERSIONS()                                                    \
  Fixture* fx = fixture();                                                    \
  if (!fx) {                                                                  \
    MESSAGE("skipped: versions/ or schemas/ could not be loaded");            \
    return;                                                                   \
  }

bool has_change(const PlanHop& h, const std::string& kind, const std::string& needle) {
  for (const auto& c : h.changes)
    if (c.kind == kind && c.text.find(needle) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("plan: v2.15.1 -> v2.27.0 goes through one tag per minor") {
  REQUIRE_VERSIONS();
  auto p = make_plan(fx->facts, fx->schemas, "v2.15.1", "v2.27.0");
  REQUIRE_MESSAGE(p, (p ? "" : p.error().str()));
  std::vector<std::string> stops;
  for (const auto& h : p->hops) stops.push_back(h.to);
  CHECK(stops == std::vector<std::string>{"v2.16.0", "v2.17.1", "v2.18.2", "v2.19.1", "v2.20.0",
                                          "v2.21.0", "v2.22.2", "v2.23.3", "v2.24.3", "v2.25.1",
                                          "v2.26.1", "v2.27.0"});
  // each hop starts where the previous one ended, one minor up
  std::string prev = "v2.15.1";
  for (const auto& h : p->hops) {
    CHECK(h.from == prev);
    auto a = Version::parse_release(h.from), b = Version::parse_release(h.to);
    CHECK(b->minor == a->minor + 1);
    CHECK(!h.kube_version.empty());
    prev = h.to;
  }
  CHECK(p->from_kube_version == "v1.19.9");
  CHECK(p->hops[0].kube_version == "v1.20.7");
  CHECK(p->hops.back().kube_version == "v1.31.4");
  // major changes per hop, from schemas/ and the sticky defaults in versions/
  CHECK(has_change(p->hops[0], "group_renamed", "kube-master -> kube_control_plane"));
  CHECK(has_change(p->hops[0], "file_moved", "group_vars/k8s-cluster/ -> group_vars/k8s_cluster/"));
  CHECK(has_change(p->hops[2], "sticky_default_changed",
                   "container_manager: 'docker' -> 'containerd'"));
  CHECK(has_change(p->hops[3], "sticky_default_changed",
                   "calico_network_backend: 'bird' -> 'vxlan'"));
  CHECK(has_change(p->hops[3], "sticky_default_changed", "calico_vxlan_mode: 'Never' -> 'Always'"));
  CHECK(has_change(p->hops[4], "sticky_default_changed", "calico_pool_blocksize: 24 -> 26"));
  CHECK(has_change(p->hops[6], "restructured", "metallb-config"));
  CHECK(has_change(p->hops[11], "layout_changed", "builder-hosts-yaml -> inventory-ini"));
  // v2.26.1 was tagged after v2.27.0: the hop says so
  REQUIRE(!p->hops[11].notes.empty());
  CHECK(p->hops[11].notes[0].find("tagged after v2.27.0") != std::string::npos);
  // advisories of the seed show up on their hops
  bool vip = false;
  for (const auto* a : p->hops[11].advisories) vip = vip || a->id == "v2.27.0-vip-kubelet-conf";
  CHECK(vip);
}

TEST_CASE("plan: the latest patch by version, not a known-bad one") {
  REQUIRE_VERSIONS();
  // v2.24.2 is marked avoid (calico ipset); v2.24.3 is the latest patch anyway
  auto stops = plan_stops(fx->facts, fx->schemas, "v2.23.3", "v2.25.0");
  REQUIRE(stops);
  CHECK(*stops == std::vector<std::string>{"v2.24.3", "v2.25.0"});
  // same minor: straight to the target
  stops = plan_stops(fx->facts, fx->schemas, "v2.24.0", "v2.24.2");
  REQUIRE(stops);
  CHECK(*stops == std::vector<std::string>{"v2.24.2"});
  // a target that is a .0 after a newer patch of the previous minor
  stops = plan_stops(fx->facts, fx->schemas, "v2.21.0", "v2.23.0");
  REQUIRE(stops);
  CHECK(*stops == std::vector<std::string>{"v2.22.2", "v2.23.0"});
}

TEST_CASE("plan: unknown tags and wrong order are errors") {
  REQUIRE_VERSIONS();
  auto p = make_plan(fx->facts, fx->schemas, "v2.15.1", "v2.99.0");
  REQUIRE(!p);
  CHECK(p.error().message.find("unknown tag 'v2.99.0'") != std::string::npos);
  p = make_plan(fx->facts, fx->schemas, "v2.16.5", "v2.18.0");
  REQUIRE(!p);
  CHECK(p.error().message.find("the v2.16 tags are: v2.16.0") != std::string::npos);
  p = make_plan(fx->facts, fx->schemas, "v2.20.0", "v2.18.0");
  REQUIRE(!p);
  CHECK(p.error().message.find("not after") != std::string::npos);
}

TEST_CASE("plan: JSON has one object per hop") {
  REQUIRE_VERSIONS();
  auto p = make_plan(fx->facts, fx->schemas, "v2.18.2", "v2.20.0");
  REQUIRE(p);
  Value j = plan_json(*p);
  REQUIRE(j.get("hops"));
  CHECK(j.get("hops")->as_list().size() == 2);
  const Value& h = j.get("hops")->as_list()[0];
  CHECK(*h.get("to") == Value("v2.19.1"));
  CHECK(*h.get("kube_version") == Value("v1.23.7"));
  CHECK(!h.get("changes")->as_list().empty());
  std::string text = plan_text(*p, false);
  CHECK(text.find("1. v2.18.2 -> v2.19.1  Kubernetes v1.23.7") != std::string::npos);
}
