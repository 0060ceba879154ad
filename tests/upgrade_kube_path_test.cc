// Tests of src/upgrade/kube_path: the Kubernetes version of every stop of a
// plan for one inventory (plan -i), in memory, with the ranges versions/
// records for v2.15.1 .. v2.18.2, and the extra stop proposed when the
// cluster's version is too old for the next tag.
#include <doctest/doctest.h>

#include "schema/plan.h"
#include "upgrade/kube_path.h"

using namespace ksm::upgrade;
using Outcome = KubeVersionChoice::Outcome;

namespace {

std::vector<std::string> minors(int from_minor, int to_minor, int last_patch) {
  std::vector<std::string> out;
  for (int m = from_minor; m <= to_minor; ++m)
    for (int p = 0; p <= last_patch; ++p)
      out.push_back("v1." + std::to_string(m) + "." + std::to_string(p));
  return out;
}

// v2.15.1 .. v2.18.2 as versions/ has them (defaults, sample lines, ranges; patches simplified).
TagKube v2_15_1() {
  return {"v2.15.1", "v1.19.9", minors(18, 20, 9), "v1.19.9"};
}
TagKube v2_16_0() {
  return {"v2.16.0", "v1.20.7", minors(19, 21, 11), "v1.20.7"};
}
TagKube v2_17_1() {
  return {"v2.17.1", "v1.21.6", minors(19, 22, 11), "v1.21.6"};
}
TagKube v2_18_2() {
  return {"v2.18.2", "v1.22.8", minors(20, 23, 8), "v1.22.8"};
}

}  // namespace

TEST_CASE(
    "kube_path: an inventory that keeps the sample's kube_version follows each tag's, one minor a "
    "stop") {
  KubePath p = kube_path({v2_15_1(), {v2_16_0(), v2_17_1(), v2_18_2()}, "v1.19.9"});
  REQUIRE(p.stops.size() == 3);
  CHECK(p.start_version == "v1.19.9");
  CHECK(p.stops[0].choice.version == "v1.20.7");
  CHECK(p.stops[1].choice.version == "v1.21.6");
  CHECK(p.stops[2].choice.version == "v1.22.8");
  CHECK(p.stops[2].running == "v1.21.6");
  for (const auto& s : p.stops) CHECK(s.raise_first.empty());
  CHECK_FALSE(p.blocked());
}

TEST_CASE(
    "kube_path: offline (no sample merged) the sample's line is the inventory's own and is kept") {
  KubePathInput in{v2_15_1(), {v2_16_0(), v2_17_1(), v2_18_2()}, "v1.19.9", false};
  KubePath p = kube_path(in);
  REQUIRE(p.stops.size() == 3);
  CHECK(p.stops[0].choice.version == "v1.19.9");
  CHECK(p.stops[1].choice.version == "v1.19.9");
  CHECK(p.stops[2].choice.version == "v1.20.8");
}

TEST_CASE(
    "kube_path: the operator's own version is kept while allowed, then the next minor's newest") {
  // v1.19.3 is the operator's (the sample says v1.19.9): v2.16.0 installs it.
  KubePath p = kube_path({v2_15_1(), {v2_16_0(), v2_17_1(), v2_18_2()}, "v1.19.3"});
  REQUIRE(p.stops.size() == 3);
  CHECK(p.stops[0].choice.outcome == Outcome::Keep);
  CHECK(p.stops[0].choice.version == "v1.19.3");
  // v2.17.1 installs it too: still kept (not below, not above).
  CHECK(p.stops[1].choice.version == "v1.19.3");
  // v2.18.2 starts at 1.20: the newest 1.20 patch it installs.
  CHECK(p.stops[2].choice.outcome == Outcome::Replace);
  CHECK(p.stops[2].choice.version == "v1.20.8");
}

TEST_CASE(
    "kube_path: no kube_version in the inventory means the tag's default, checked the same way") {
  KubePath p = kube_path({v2_15_1(), {v2_16_0()}, ""});
  REQUIRE(p.stops.size() == 1);
  CHECK(p.start_version == "v1.19.9");
  CHECK(p.stops[0].choice.version == "v1.20.7");
}

TEST_CASE(
    "kube_path: too old for the next tag: an extra stop on the previous tag raises Kubernetes "
    "first") {
  // The cluster still runs v1.18.5 at v2.15.1; a tag that installs 1.20..1.23 cannot continue
  // from 1.18.
  TagKube far = v2_18_2();
  KubePath p = kube_path({v2_15_1(), {far}, "v1.18.5"});
  REQUIRE(p.stops.size() == 1);
  const KubePathStop& s = p.stops[0];
  REQUIRE(s.raise_first.size() == 1);
  CHECK(s.raise_first[0] == "v1.19.9");  // the newest 1.19 that v2.15.1 installs
  CHECK(s.raise_reason.find("Upgrade Kubernetes to 1.19") != std::string::npos);
  CHECK(s.running == "v1.19.9");
  CHECK(s.choice.outcome == Outcome::Replace);
  CHECK(s.choice.version == "v1.20.8");
  CHECK_FALSE(p.blocked());
}

TEST_CASE(
    "kube_path: blocked when the previous tag cannot raise Kubernetes far enough; the path stops "
    "there") {
  TagKube old{"v2.15.1", "v1.18.9", minors(17, 18, 9), ""};
  TagKube next{"v2.16.0", "v1.21.7", minors(21, 21, 7), ""};
  KubePath p = kube_path({old, {next, v2_17_1()}, "v1.17.2"});
  REQUIRE(p.stops.size() == 1);
  CHECK(p.blocked());
  CHECK(p.stops[0].raise_first == std::vector<std::string>{"v1.18.9"});
  CHECK(p.stops[0].choice.reason.find("v2.16.0 installs") != std::string::npos);
}

TEST_CASE(
    "kube_path: a plan annotated for an inventory renders each stop's kube_version and the extra "
    "stop") {
  ksm::schema::Plan plan;
  plan.from = "v2.15.1";
  plan.to = "v2.16.0";
  plan.from_kube_version = "v1.19.9";
  plan.origin = "test";
  plan.inventory = "mycluster";
  plan.inventory_kube_version = "v1.18.5";
  ksm::schema::PlanHop h;
  h.from = "v2.15.1";
  h.to = "v2.16.0";
  h.kube_version = "v1.20.7";
  h.stop_kube_version = "v1.20.7";
  h.stop_kube_reason = "v2.16.0 installs v1.20.7";
  h.raise_first = {"v1.19.9"};
  h.raise_reason = "too old";
  plan.hops.push_back(h);
  std::string text = ksm::schema::plan_text(plan, false);
  CHECK(text.find("inventory: mycluster (the cluster runs Kubernetes v1.18.5)") !=
        std::string::npos);
  CHECK(text.find("! extra stop needed") != std::string::npos);
  CHECK(text.find("extra stop: stay on v2.15.1 and run upgrade-cluster.yml -e kube_version=v1.19.9 "
                  "first") != std::string::npos);
  CHECK(text.find("your inventory: -e kube_version=v1.20.7") != std::string::npos);
  ksm::Value json = ksm::schema::plan_json(plan);
  const ksm::Value* hops = json.get("hops");
  REQUIRE(hops);
  REQUIRE(hops->is_list());
  CHECK(hops->as_list()[0].get("stop_kube_version")->as_string() == "v1.20.7");
  CHECK(json.get("inventory_kube_version")->as_string() == "v1.18.5");
}
