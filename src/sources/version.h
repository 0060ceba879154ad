// Release versions: Kubespray tags (v2.18.0) and Kubernetes versions
// (v1.22.5, written 1.32.5 from Kubespray v2.28). Parsing, version order
// (not date order: v2.24.2 was tagged after v2.25.0) and the minor/patch
// accessors the one-minor-at-a-time upgrade rule needs.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace ksm {

struct Version {
  int major = 0;
  int minor = 0;
  int patch = 0;
  std::string pre;  // "rc.1" in v1.23.0-rc.1; empty for a release

  // "vX.Y.Z" or "X.Y.Z", optionally "-pre". Nothing else (no "v2.18", no "release-2.18").
  static std::optional<Version> parse(std::string_view s);
  // Strict release form: "vX.Y.Z" or "X.Y.Z" with no pre-release suffix.
  static std::optional<Version> parse_release(std::string_view s);
  // Lenient: the (major, minor) a version string starts with, "v" optional
  // and whatever follows the minor ignored: "2.12", "2.12.5", "v1.25.6",
  // "1.25-rc.1" -> (1, 25). For pins and tables that name a minor only
  // (requirements.txt, versions/kubernetes-removed-apis.yaml).
  static std::optional<std::pair<int, int>> parse_minor(std::string_view s);

  // "v2.18.0" (with_v) or "2.18.0".
  std::string str(bool with_v = true) const;
  // "v2.18" — the minor series.
  std::string minor_str(bool with_v = true) const;
  bool same_minor(const Version& o) const { return major == o.major && minor == o.minor; }
  bool is_release() const { return pre.empty(); }

  // Version order; a pre-release sorts before its release (semver order of
  // dot-separated identifiers, numeric ones numerically).
  friend std::strong_ordering operator<=>(const Version& a, const Version& b);
  friend bool operator==(const Version& a, const Version& b) { return (a <=> b) == 0; }
};

// Version order of two strings that parse; strings that do not parse sort
// after those that do, by plain string order.
bool version_less(std::string_view a, std::string_view b);

// "1.32.5" -> "v1.32.5"; "v1.32.5" unchanged; anything else unchanged.
std::string with_v_prefix(std::string_view s);
// "v1.32.5" -> "1.32.5".
std::string without_v_prefix(std::string_view s);

}  // namespace ksm
