// Version parsing and order (see version.h).
#include "sources/version.h"

#include <cctype>
#include <charconv>
#include <vector>

#include "core/text.h"

namespace ksm {

namespace {

bool parse_num(std::string_view s, int& out) {
  if (s.empty() || s.size() > 9) return false;
  if (s.size() > 1 && s[0] == '0') return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

std::strong_ordering compare_pre(std::string_view a, std::string_view b) {
  if (a == b) return std::strong_ordering::equal;
  if (a.empty()) return std::strong_ordering::greater;  // release > pre-release
  if (b.empty()) return std::strong_ordering::less;
  auto pa = split(a, '.'), pb = split(b, '.');
  for (size_t i = 0; i < pa.size() && i < pb.size(); ++i) {
    bool na = all_digits(pa[i]), nb = all_digits(pb[i]);
    if (na && nb) {
      if (pa[i].size() != pb[i].size()) return pa[i].size() <=> pb[i].size();
      if (auto c = pa[i].compare(pb[i]); c != 0) return c <=> 0;
    } else if (na != nb) {
      return na ? std::strong_ordering::less : std::strong_ordering::greater;
    } else if (auto c = pa[i].compare(pb[i]); c != 0) {
      return c <=> 0;
    }
  }
  return pa.size() <=> pb.size();
}

}  // namespace

std::optional<std::pair<int, int>> Version::parse_minor(std::string_view s) {
  size_t i = s.starts_with('v') ? 1 : 0;
  int major = 0, minor = 0;
  size_t dot = s.find('.', i);
  if (dot == std::string_view::npos || dot == i) return std::nullopt;
  for (size_t k = i; k < dot; ++k) {
    if (!std::isdigit(static_cast<unsigned char>(s[k])) || major > 1000) return std::nullopt;
    major = major * 10 + (s[k] - '0');
  }
  size_t k = dot + 1;
  if (k >= s.size() || !std::isdigit(static_cast<unsigned char>(s[k]))) return std::nullopt;
  for (; k < s.size() && std::isdigit(static_cast<unsigned char>(s[k])); ++k) {
    if (minor > 1000) return std::nullopt;
    minor = minor * 10 + (s[k] - '0');
  }
  return std::make_pair(major, minor);
}

std::optional<Version> Version::parse(std::string_view s) {
  if (!s.empty() && s[0] == 'v') s.remove_prefix(1);
  std::string_view pre;
  if (auto dash = s.find('-'); dash != std::string_view::npos) {
    pre = s.substr(dash + 1);
    s = s.substr(0, dash);
    if (pre.empty()) return std::nullopt;
    for (char c : pre)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-'))
        return std::nullopt;
  }
  auto parts = split(s, '.');
  if (parts.size() != 3) return std::nullopt;
  Version v;
  if (!parse_num(parts[0], v.major) || !parse_num(parts[1], v.minor) ||
      !parse_num(parts[2], v.patch))
    return std::nullopt;
  v.pre = std::string(pre);
  return v;
}

std::optional<Version> Version::parse_release(std::string_view s) {
  auto v = parse(s);
  if (!v || !v->is_release()) return std::nullopt;
  return v;
}

std::string Version::str(bool with_v) const {
  std::string s = (with_v ? "v" : "") + std::to_string(major) + "." + std::to_string(minor) + "." +
                  std::to_string(patch);
  if (!pre.empty()) s += "-" + pre;
  return s;
}

std::string Version::minor_str(bool with_v) const {
  return (with_v ? "v" : "") + std::to_string(major) + "." + std::to_string(minor);
}

std::strong_ordering operator<=>(const Version& a, const Version& b) {
  if (auto c = a.major <=> b.major; c != 0) return c;
  if (auto c = a.minor <=> b.minor; c != 0) return c;
  if (auto c = a.patch <=> b.patch; c != 0) return c;
  return compare_pre(a.pre, b.pre);
}

bool version_less(std::string_view a, std::string_view b) {
  auto va = Version::parse(a), vb = Version::parse(b);
  if (va && vb) {
    auto c = *va <=> *vb;
    if (c != 0) return c < 0;
    return a < b;  // "v1.2.3" vs "1.2.3": stable, deterministic
  }
  if (va != vb && (va || vb)) return va.has_value();
  return a < b;
}

std::string with_v_prefix(std::string_view s) {
  if (!s.empty() && s[0] != 'v' && Version::parse(s)) return "v" + std::string(s);
  return std::string(s);
}

std::string without_v_prefix(std::string_view s) {
  if (!s.empty() && s[0] == 'v' && Version::parse(s)) return std::string(s.substr(1));
  return std::string(s);
}

}  // namespace ksm
