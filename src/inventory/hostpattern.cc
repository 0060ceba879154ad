// parse_address + expand_hostname_range (ansible/parsing/utils/addresses.py,
// ansible/plugins/inventory/__init__.py), ported rule for rule.
#include "inventory/hostpattern.h"

#include <regex>

namespace ksm::inventory {

namespace {

const std::string kNumericRange = R"(\[(?:[0-9]+:[0-9]+)(?::[0-9]+)?\])";
const std::string kHexRange = R"(\[(?:[0-9a-fA-F]+:[0-9a-fA-F]+)(?::[0-9]+)?\])";
const std::string kAlnumRange = R"(\[(?:[a-zA-Z]:[a-zA-Z]|[0-9]+:[0-9]+)(?::[0-9]+)?\])";

// Python's label: (?:\w|R)(?:[\w_-]|R)*(?<![_-]) -- ECMAScript has no
// look-behind, so the last piece is spelled out.
std::string label() {
  const std::string r = kAlnumRange;
  return "(?:(?:[A-Za-z0-9]|" + r + ")|(?:\\w|" + r + ")(?:[\\w-]|" + r + ")*(?:[A-Za-z0-9]|" +
         r + "))";
}

const std::regex& re_bracketed() {
  static const std::regex re(R"(^\[(.+)\]:([0-9]+)$)");
  return re;
}
const std::regex& re_hostport() {
  static const std::regex re(R"(^((?:[^:\[\]]|\[[^\]]*\])*):([0-9]+)$)");
  return re;
}
const std::regex& re_ipv4() {
  static const std::regex re("^(?:(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|" + kNumericRange +
                             ")\\.){3}(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|" + kNumericRange +
                             ")$");
  return re;
}
const std::regex& re_ipv6() {
  static const std::regex re = [] {
    std::string c = "(?:[0-9a-fA-F]{1,4}|" + kHexRange + ")";
    auto rep = [&](const std::string& s, const char* n) { return "(?:" + s + "){" + n + "}"; };
    std::string alts[] = {
        rep(c + ":", "7") + c,
        rep(c + ":", "1,6") + ":",
        "(?:" + c + ":)" + rep(":" + c, "1,6"),
        rep(c + ":", "2") + rep(":" + c, "1,5"),
        rep(c + ":", "3") + rep(":" + c, "1,4"),
        rep(c + ":", "4") + rep(":" + c, "1,3"),
        rep(c + ":", "5") + rep(":" + c, "1,2"),
        rep(c + ":", "6") + "(?::" + c + ")",
        ":" + rep(":" + c, "1,6"),
        c + "?::",
        "(?:0:){6}" + rep(c + "\\.", "3") + c,
        "::(?:ffff:)?" + rep(c + "\\.", "3") + c,
        "(?:0:){5}ffff:" + rep(c + "\\.", "3") + c,
    };
    std::string all;
    for (const auto& a : alts) all += (all.empty() ? "" : "|") + a;
    return std::regex("^(?:" + all + ")$", std::regex::icase);
  }();
  return re;
}
const std::regex& re_hostname() {
  static const std::regex re("^" + label() + "(?:\\." + label() + ")*$");
  return re;
}

bool valid_host(const std::string& h) {
  // Only reached for patterns with a port; those are few.
  return std::regex_match(h, re_ipv4()) || std::regex_match(h, re_ipv6()) ||
         std::regex_match(h, re_hostname());
}

// Bounds for hostile patterns: a host name is at most 255 bytes in DNS, so a
// pattern four times that is no host. std::regex recurses per character, and
// under AddressSanitizer (clang, bigger frames) a 4,000-byte host:port already
// overflowed the 8 MiB stack; 1 KiB leaves room. Nested ranges multiply, so
// the total expansion is capped too.
constexpr size_t kMaxPatternBytes = 1024;
constexpr size_t kMaxExpandedHosts = kMaxInventoryHosts;

const std::string kLetters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

std::optional<long long> to_int(const std::string& s) {
  // Python int(): optional sign, digits, surrounding whitespace.
  size_t b = s.find_first_not_of(" \t");
  size_t e = s.find_last_not_of(" \t");
  if (b == std::string::npos) return std::nullopt;
  std::string t = s.substr(b, e - b + 1);
  size_t i = 0;
  bool neg = false;
  if (t[0] == '+' || t[0] == '-') {
    neg = t[0] == '-';
    i = 1;
  }
  if (i >= t.size()) return std::nullopt;
  long long v = 0;
  for (; i < t.size(); ++i) {
    if (t[i] == '_' && i + 1 < t.size() && t[i + 1] != '_' && i > (neg || t[0] == '+' ? 1u : 0u))
      continue;
    if (t[i] < '0' || t[i] > '9') return std::nullopt;
    v = v * 10 + (t[i] - '0');
    if (v > 100'000'000'000LL) return std::nullopt;
  }
  return neg ? -v : v;
}

Status expand(const std::string& line, std::vector<std::string>& out, int depth) {
  if (depth > 16) return Error("host pattern has too many ranges");
  size_t open = line.find('[');
  size_t close = line.find(']');
  // Python: line.replace('[', '|', 1).replace(']', '|', 1).split('|') must give 3 parts.
  std::string rep = line;
  rep[open] = '|';
  if (close != std::string::npos) rep[close] = '|';
  std::vector<std::string> parts;
  size_t s = 0;
  while (true) {
    size_t bar = rep.find('|', s);
    parts.push_back(rep.substr(s, bar == std::string::npos ? std::string::npos : bar - s));
    if (bar == std::string::npos) break;
    s = bar + 1;
  }
  if (parts.size() != 3) return Error("invalid host range in '" + line + "'");
  const std::string& head = parts[0];
  const std::string& nrange = parts[1];
  const std::string& tail = parts[2];
  std::vector<std::string> bounds;
  s = 0;
  while (true) {
    size_t c = nrange.find(':', s);
    bounds.push_back(nrange.substr(s, c == std::string::npos ? std::string::npos : c - s));
    if (c == std::string::npos) break;
    s = c + 1;
  }
  if (bounds.size() != 2 && bounds.size() != 3)
    return Error("host range must be begin:end or begin:end:step");
  std::string beg = bounds[0], end = bounds[1];
  std::string step_s = bounds.size() == 3 ? bounds[2] : "1";
  if (beg.empty()) beg = "0";
  if (end.empty()) return Error("host range must specify end value");
  size_t width = 0;
  if (beg[0] == '0' && beg.size() > 1) {
    width = beg.size();
    if (width != end.size())
      return Error("host range must specify equal-length begin and end formats");
  }
  auto fill = [&](std::string v) {
    if (v.size() < width) {
      // str.zfill keeps a sign in front
      bool sign = !v.empty() && (v[0] == '-' || v[0] == '+');
      v.insert(sign ? 1 : 0, width - v.size(), '0');
    }
    return v;
  };
  std::vector<std::string> seq;
  size_t ib = beg.size() == 1 ? kLetters.find(beg[0]) : std::string::npos;
  size_t ie = end.size() == 1 ? kLetters.find(end[0]) : std::string::npos;
  auto step = to_int(step_s);
  if (ib != std::string::npos && ie != std::string::npos) {
    if (ib > ie) return Error("host range must have begin <= end");
    if (!step || *step == 0) return Error("invalid step in host range '[" + nrange + "]'");
    if (*step < 0) {
      // Python slicing [ib:ie+1:-k] of a forward range is empty.
    } else {
      for (size_t i = ib; i <= ie; i += static_cast<size_t>(*step))
        seq.emplace_back(1, kLetters[i]);
    }
  } else {
    auto b = to_int(beg), e = to_int(end);
    if (!b || !e || !step || *step == 0)
      return Error("invalid host range '[" + nrange + "]' in '" + line + "'");
    if ((*e - *b) / *step > 1'000'000) return Error("host range '[" + nrange + "]' is too large");
    if (*step > 0)
      for (long long i = *b; i < *e + 1; i += *step) seq.push_back(std::to_string(i));
    else
      for (long long i = *b; i > *e + 1; i += *step) seq.push_back(std::to_string(i));
  }
  for (const auto& r : seq) {
    if (out.size() >= kMaxExpandedHosts)
      return Error("host pattern '" + line.substr(0, 80) + "' expands to more than " +
                   std::to_string(kMaxExpandedHosts) + " hosts");
    std::string name = head + (width ? fill(r) : r) + tail;
    if (name.find('[') != std::string::npos) {
      if (auto st = expand(name, out, depth + 1); !st) return st;
    } else {
      out.push_back(std::move(name));
    }
  }
  return {};
}

}  // namespace

Result<HostPattern> expand_host_pattern(std::string_view pattern_sv) {
  if (pattern_sv.size() > kMaxPatternBytes)
    return Error("host pattern of " + std::to_string(pattern_sv.size()) +
                 " bytes (a host name is at most 255)");
  std::string pattern(pattern_sv);
  HostPattern hp;
  // parse_address: split a port off where the rest is a valid host; else the
  // whole text is the pattern.
  if (pattern.find(':') != std::string::npos) {
    std::string address = pattern;
    std::optional<int> port;
    std::smatch m;
    if (std::regex_match(address, m, re_bracketed())) {
      std::string a = m[1];
      port = static_cast<int>(
          std::min<long long>(std::stoll(std::string(m[2]).substr(0, 12)), INT32_MAX));
      address = a;
    }
    if (std::regex_match(address, m, re_hostport())) {
      std::string a = m[1];
      port = static_cast<int>(
          std::min<long long>(std::stoll(std::string(m[2]).substr(0, 12)), INT32_MAX));
      address = a;
    }
    if (valid_host(address)) {
      pattern = address;
      hp.port = port;
    }
  }
  if (pattern.find('[') != std::string::npos) {
    if (auto st = expand(pattern, hp.hosts, 0); !st) return st.error();
  } else {
    hp.hosts.push_back(pattern);
  }
  return hp;
}

}  // namespace ksm::inventory
