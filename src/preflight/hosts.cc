// Host pattern evaluation (see hosts.h), after ansible-core 2.14
// lib/ansible/inventory/manager.py: split_host_pattern, order_patterns,
// _evaluate_patterns, _match_one_pattern, _split_subscript.
#include "preflight/hosts.h"

#include <fnmatch.h>

#include <algorithm>
#include <regex>
#include <set>

#include "core/number.h"
#include "core/text.h"

namespace ksm::preflight {

namespace {

// "a:b,c" -> terms; ':' inside [..] (subscripts) does not split.
std::vector<std::string> split_terms(const std::string& pattern) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  for (char c : pattern) {
    if (c == '[') ++depth;
    if (c == ']' && depth > 0) --depth;
    if ((c == ':' || c == ',') && depth == 0) {
      if (!trim(cur).empty()) out.push_back(trim(cur));
      cur.clear();
      continue;
    }
    cur += c;
  }
  if (!trim(cur).empty()) out.push_back(trim(cur));
  return out;
}

struct Subscript {
  bool any = false;
  long start = 0;
  std::optional<long> end;  // inclusive; nullopt = single index
};

Result<std::pair<std::string, Subscript>> split_subscript(const std::string& term) {
  Subscript s;
  if (term.empty() || term.back() != ']' || term[0] == '~') return std::make_pair(term, s);
  auto open = term.rfind('[');
  if (open == std::string::npos) return std::make_pair(term, s);
  std::string inside = term.substr(open + 1, term.size() - open - 2);
  static const std::regex re(R"(^(-?\d*)(?::(-?\d*))?$)");
  std::smatch m;
  if (!std::regex_match(inside, m, re) || (m[1].str().empty() && !m[2].matched))
    return Error("invalid host pattern subscript '" + term + "'");
  auto start = m[1].str().empty() ? std::optional<int64_t>(0) : parse_int64(m[1].str());
  auto end =
      !m[2].matched || m[2].str().empty() ? std::optional<int64_t>(-1) : parse_int64(m[2].str());
  if (!start || !end) return Error("host pattern subscript out of range in '" + term + "'");
  s.any = true;
  s.start = *start;
  if (m[2].matched) s.end = *end;
  return std::make_pair(term.substr(0, open), s);
}

std::vector<std::string> apply_subscript(const std::vector<std::string>& hosts,
                                         const Subscript& s) {
  if (!s.any) return hosts;
  long n = static_cast<long>(hosts.size());
  auto norm = [n](long i) { return i < 0 ? n + i : i; };
  if (!s.end) {
    long i = norm(s.start);
    if (i < 0 || i >= n) return {};
    return {hosts[static_cast<size_t>(i)]};
  }
  long a = norm(s.start), b = *s.end == -1 ? n - 1 : norm(*s.end);
  std::vector<std::string> out;
  for (long i = std::max(0L, a); i <= b && i < n; ++i) out.push_back(hosts[static_cast<size_t>(i)]);
  return out;
}

// Hosts of one term without its prefix: a group, a host, a glob or ~regex.
std::vector<std::string> match_one(const std::string& name, const HostGroups& inv) {
  if (name == "all" || name == "*") return inv.hosts;
  if (auto g = inv.groups.find(name); g != inv.groups.end()) return g->second;
  if (std::find(inv.hosts.begin(), inv.hosts.end(), name) != inv.hosts.end()) return {name};
  std::vector<std::string> out;
  std::set<std::string> seen;
  auto add = [&](const std::string& h) {
    if (seen.insert(h).second) out.push_back(h);
  };
  bool is_regex = !name.empty() && name[0] == '~';
  bool is_glob = name.find_first_of("*?[") != std::string::npos;
  if (!is_regex && !is_glob) return out;
  std::regex re;
  if (is_regex) {
    try {
      re = std::regex(name.substr(1));
    } catch (const std::regex_error&) {
      return out;
    }
  }
  auto matches = [&](const std::string& s) {
    if (is_regex) return std::regex_search(s, re);
    return fnmatch(name.c_str(), s.c_str(), 0) == 0;
  };
  for (const auto& [g, hosts] : inv.groups)
    if (matches(g))
      for (const auto& h : hosts) add(h);
  for (const auto& h : inv.hosts)
    if (matches(h)) add(h);
  return out;
}

}  // namespace

Result<Selection> select_hosts(const std::string& pattern, const HostGroups& inv) {
  Selection sel;
  std::vector<std::string> terms = split_terms(pattern);
  // order_patterns: regular terms first, then &intersections, then !exclusions.
  std::vector<std::string> ordered;
  for (const auto& t : terms)
    if (t[0] != '!' && t[0] != '&') ordered.push_back(t);
  if (ordered.empty() && !terms.empty()) ordered.push_back("all");
  for (const auto& t : terms)
    if (t[0] == '&') ordered.push_back(t);
  for (const auto& t : terms)
    if (t[0] == '!') ordered.push_back(t);

  std::vector<std::string> hosts;
  for (const auto& t : ordered) {
    char prefix = (t[0] == '!' || t[0] == '&') ? t[0] : 0;
    std::string body = prefix ? t.substr(1) : t;
    auto split = split_subscript(body);
    if (!split) return split.error();
    std::vector<std::string> that = apply_subscript(match_one(split->first, inv), split->second);
    if (that.empty() && !inv.groups.count(split->first) && split->first != "all")
      sel.unmatched.push_back(t);
    if (prefix == '!') {
      std::set<std::string> drop(that.begin(), that.end());
      hosts.erase(std::remove_if(hosts.begin(), hosts.end(),
                                 [&](const std::string& h) { return drop.count(h) > 0; }),
                  hosts.end());
    } else if (prefix == '&') {
      std::set<std::string> keep(that.begin(), that.end());
      hosts.erase(std::remove_if(hosts.begin(), hosts.end(),
                                 [&](const std::string& h) { return keep.count(h) == 0; }),
                  hosts.end());
    } else {
      std::set<std::string> have(hosts.begin(), hosts.end());
      for (const auto& h : that)
        if (have.insert(h).second) hosts.push_back(h);
    }
  }
  sel.hosts = std::move(hosts);
  return sel;
}

}  // namespace ksm::preflight
