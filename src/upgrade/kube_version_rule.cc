// The kube_version rule of one hop (see kube_version_rule.h).
#include "upgrade/kube_version_rule.h"

#include <fmt/format.h>

#include <optional>

#include "sources/knowledge.h"
#include "sources/version.h"

namespace ksm::upgrade {

namespace {

using Outcome = KubeVersionChoice::Outcome;

// The newest release of major.minor among `versions`.
std::optional<Version> newest_of_minor(const std::vector<std::string>& versions, int major,
                                       int minor) {
  std::optional<Version> best;
  for (const auto& s : versions) {
    auto v = Version::parse_release(s);
    if (!v || v->major != major || v->minor != minor) continue;
    if (!best || *best < *v) best = v;
  }
  return best;
}

std::string range_of(const std::vector<std::string>& versions) {
  std::optional<Version> lo, hi;
  for (const auto& s : versions) {
    auto v = Version::parse_release(s);
    if (!v) continue;
    if (!lo || *v < *lo) lo = v;
    if (!hi || *hi < *v) hi = v;
  }
  if (!lo) return "no version";
  return lo->str() + " to " + hi->str();
}

bool installable(const KubeVersionInput& in, const Version& v) {
  for (const auto& s : in.installable) {
    auto w = Version::parse(s);
    if (w && *w == v) return true;
  }
  return false;
}

// Why `v` is not allowed; "" when it is.
std::string refusal(const KubeVersionInput& in, const Version& v, const Version& running) {
  if (!installable(in, v))
    return fmt::format("{} cannot install {} (it installs {})", in.tag, v.str(),
                       range_of(in.installable));
  if (v < running)
    return fmt::format("{} is below the {} the cluster runs (kubeadm does not downgrade)", v.str(),
                       running.str());
  if (v.major != running.major || v.minor > running.minor + kubespray().kubernetes_minor_step())
    return fmt::format(
        "{} is more than one minor above the {} the cluster runs (kubeadm upgrades one minor at a "
        "time)",
        v.str(), running.str());
  return "";
}

}  // namespace

KubeVersionChoice choose_kube_version(const KubeVersionInput& in) {
  std::string wanted = in.candidate.empty() ? in.tag_default : in.candidate;
  const char* whose = in.operators           ? "your kube_version"
                      : in.candidate.empty() ? "the tag's default"
                                             : "the sample's kube_version";
  auto running = Version::parse(in.running);
  auto v = Version::parse(wanted);
  if (!running) {
    // Nothing to compare with (a template, or no value): the tag's own check decides.
    if (v && installable(in, *v))
      return {Outcome::Keep, v->str(), fmt::format("{} installs {}", in.tag, v->str())};
    return {Outcome::Keep, wanted,
            fmt::format("the running version is not known ({}): check kube_version by hand",
                        in.running)};
  }
  std::string why_not =
      v ? refusal(in, *v, *running) : fmt::format("'{}' is not a version", wanted);
  if (why_not.empty())
    return {Outcome::Keep, v->str(),
            fmt::format("{} installs {}, {} ({} the running {})", in.tag, v->str(), whose,
                        v->same_minor(*running) ? "the same minor as" : "one minor above",
                        running->str())};
  const int step = kubespray().kubernetes_minor_step();
  for (int minor = running->minor + step; minor >= running->minor; --minor) {
    auto pick = newest_of_minor(in.installable, running->major, minor);
    if (!pick || *pick < *running) continue;
    return {Outcome::Replace, pick->str(),
            fmt::format("{} is not allowed: {}; {} is the newest {} that {} installs", wanted,
                        why_not, pick->str(), pick->minor_str(), in.tag)};
  }
  return {
      Outcome::Blocked, "",
      fmt::format(
          "{} installs {}, and the cluster runs {}: no version it installs is at most one minor "
          "above it. Upgrade Kubernetes to {}.{} on the previous tag first (-e kube_version=...)",
          in.tag, range_of(in.installable), running->str(), running->major, running->minor + step)};
}

}  // namespace ksm::upgrade
