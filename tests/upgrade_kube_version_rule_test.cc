// Tests of src/upgrade/kube_version_rule: the one-minor rule on the
// Kubernetes versions of real tags (ranges as versions/ records them).
#include <doctest/doctest.h>

#include "upgrade/kube_version_rule.h"

using ksm::upgrade::choose_kube_version;
using ksm::upgrade::KubeVersionChoice;
using ksm::upgrade::KubeVersionInput;
using Outcome = KubeVersionChoice::Outcome;

namespace {

// Patches .0 .. .last of each minor from..to.
std::vector<std::string> range(int from_minor, int to_minor, int last_patch, bool v = true) {
  std::vector<std::string> out;
  for (int m = from_minor; m <= to_minor; ++m)
    for (int p = 0; p <= last_patch; ++p)
      out.push_back((v ? "v1." : "1.") + std::to_string(m) + "." + std::to_string(p));
  return out;
}

KubeVersionInput hop(std::string running, std::string candidate, bool operators, int lo, int hi) {
  KubeVersionInput in;
  in.running = std::move(running);
  in.candidate = std::move(candidate);
  in.operators = operators;
  in.tag = "v2.18.2";
  in.tag_default = "v1." + std::to_string(hi - 1) + ".8";
  in.installable = range(lo, hi, 9);
  return in;
}

}  // namespace

TEST_CASE("kube_version rule: the operator's version is kept when the tag installs it") {
  auto c = choose_kube_version(hop("v1.21.6", "v1.21.6", true, 20, 23));
  CHECK(c.outcome == Outcome::Keep);
  CHECK(c.version == "v1.21.6");
  CHECK(c.reason.find("your kube_version") != std::string::npos);
  // One minor above what runs is allowed.
  CHECK(choose_kube_version(hop("v1.21.6", "v1.22.3", true, 20, 23)).outcome == Outcome::Keep);
}

TEST_CASE(
    "kube_version rule: a version the tag cannot install moves to the newest patch of the next "
    "minor") {
  auto c = choose_kube_version(hop("v1.19.9", "v1.19.9", true, 20, 23));
  CHECK(c.outcome == Outcome::Replace);
  CHECK(c.version == "v1.20.9");
  CHECK(c.reason.find("cannot install v1.19.9") != std::string::npos);
}

TEST_CASE("kube_version rule: never two minors at once, never down") {
  // The sample's new default is two minors above what runs: the next minor instead.
  auto c = choose_kube_version(hop("v1.20.7", "v1.22.8", false, 20, 23));
  CHECK(c.outcome == Outcome::Replace);
  CHECK(c.version == "v1.21.9");
  CHECK(c.reason.find("more than one minor") != std::string::npos);
  // Below what runs: the newest of the next minor.
  auto d = choose_kube_version(hop("v1.21.6", "v1.20.1", true, 20, 23));
  CHECK(d.outcome == Outcome::Replace);
  CHECK(d.version == "v1.22.9");
  // The next minor is not installable but the running one is: stay on it.
  auto e = choose_kube_version(hop("v1.23.2", "v1.25.0", false, 20, 23));
  CHECK(e.outcome == Outcome::Replace);
  CHECK(e.version == "v1.23.9");
}

TEST_CASE("kube_version rule: the tag's default applies when the inventory does not set it") {
  auto c = choose_kube_version(hop("v1.21.6", "", false, 20, 23));
  CHECK(c.outcome == Outcome::Keep);
  CHECK(c.version == "v1.22.8");
  CHECK(c.reason.find("the tag's default") != std::string::npos);
}

TEST_CASE("kube_version rule: blocked when nothing the tag installs is at most one minor up") {
  auto c = choose_kube_version(hop("v1.19.9", "", false, 21, 24));
  CHECK(c.outcome == Outcome::Blocked);
  CHECK(c.version.empty());
  CHECK(c.reason.find("Upgrade Kubernetes to 1.20 on the previous tag first") != std::string::npos);
}

TEST_CASE("kube_version rule: versions written without the v (Kubespray v2.28+) compare the same") {
  KubeVersionInput in = hop("1.31.9", "1.31.9", true, 30, 32);
  in.installable = range(30, 32, 9, false);
  auto c = choose_kube_version(in);
  CHECK(c.outcome == Outcome::Keep);
  in.candidate = "1.29.4";
  auto d = choose_kube_version(in);
  CHECK(d.outcome == Outcome::Replace);
  CHECK(d.version == "v1.32.9");  // the caller writes it in the tag's spelling
}
