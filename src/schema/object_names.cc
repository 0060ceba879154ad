// DNS-1123 object names (see object_names.h).
#include "schema/object_names.h"

#include <set>

namespace ksm::schema {

namespace {

bool lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// `a.b.{}` -> a, b, {} ; `a.b[]` -> a, b, [] ; `a.{}.c[]` -> a, {}, c, [].
std::vector<std::string> tokens(std::string_view path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= path.size()) {
    size_t dot = path.find('.', i);
    std::string_view part =
        path.substr(i, dot == std::string_view::npos ? std::string_view::npos : dot - i);
    bool list = part.ends_with("[]");
    if (list) part.remove_suffix(2);
    if (!part.empty()) out.emplace_back(part);
    if (list) out.emplace_back("[]");
    if (dot == std::string_view::npos) break;
    i = dot + 1;
  }
  return out;
}

void collect(const Value& v, const std::vector<std::string>& t, size_t i,
             std::vector<std::string>& out) {
  if (i >= t.size()) return;
  bool last = i + 1 == t.size();
  if (t[i] == "{}") {
    if (!v.is_map()) return;
    for (const auto& [k, x] : v.as_map()) {
      if (last)
        out.push_back(k);
      else
        collect(x, t, i + 1, out);
    }
  } else if (t[i] == "[]") {
    if (!v.is_list()) return;
    for (const auto& x : v.as_list()) {
      if (!last)
        collect(x, t, i + 1, out);
      else if (x.is_string())
        out.push_back(x.as_string());
    }
  } else if (const Value* n = v.get(t[i])) {
    collect(*n, t, i + 1, out);
  }
}

const std::string* mapped(const std::string& name, const std::vector<NameMapping>& m) {
  for (const auto& e : m)
    if (e.from == name) return &e.to;
  return nullptr;
}

void rename(Value& v, const std::vector<std::string>& t, size_t i,
            const std::vector<NameMapping>& m) {
  if (i >= t.size()) return;
  bool last = i + 1 == t.size();
  if (t[i] == "{}") {
    if (!v.is_map()) return;
    if (!last) {
      for (auto& [k, x] : v.map_mut()) rename(x, t, i + 1, m);
      return;
    }
    Map renamed;
    for (const auto& [k, x] : v.as_map()) {
      const std::string* to = mapped(k, m);
      renamed.set(to ? *to : k, x);
    }
    v = Value(std::move(renamed));
  } else if (t[i] == "[]") {
    if (!v.is_list()) return;
    for (auto& x : v.list_mut()) {
      if (!last)
        rename(x, t, i + 1, m);
      else if (const std::string* to = x.is_string() ? mapped(x.as_string(), m) : nullptr)
        x = Value(*to);
    }
  } else if (v.is_map()) {
    if (Value* n = v.map_mut().find(t[i])) rename(*n, t, i + 1, m);
  }
}

}  // namespace

// Each dot-separated label: alphanumerics and '-', starting and ending with an alphanumeric.
bool is_dns1123_subdomain(std::string_view name) {
  if (name.empty() || name.size() > kDns1123SubdomainMax) return false;
  size_t b = 0;
  while (b <= name.size()) {
    size_t e = name.find('.', b);
    std::string_view label =
        name.substr(b, e == std::string_view::npos ? std::string_view::npos : e - b);
    if (label.empty() || !lower_alnum(label.front()) || !lower_alnum(label.back())) return false;
    for (char c : label)
      if (!lower_alnum(c) && c != '-') return false;
    if (e == std::string_view::npos) break;
    b = e + 1;
  }
  return true;
}

std::string to_dns1123_subdomain(std::string_view name) {
  std::string out, label;
  auto flush = [&] {
    size_t b = 0;
    while (b < label.size() && !lower_alnum(label[b])) ++b;
    size_t e = label.size();
    while (e > b && !lower_alnum(label[e - 1])) --e;
    if (e > b) out += (out.empty() ? "" : ".") + label.substr(b, e - b);
    label.clear();
  };
  for (char c : name) {
    if (c == '.') {
      flush();
      continue;
    }
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    label += lower_alnum(c) ? c : '-';
  }
  flush();
  if (out.size() > kDns1123SubdomainMax) out.resize(kDns1123SubdomainMax);
  while (!out.empty() && !lower_alnum(out.back())) out.pop_back();
  return out.empty() ? "name" : out;
}

std::vector<NameMapping> plan_object_names(const std::vector<std::string>& names) {
  std::set<std::string> taken;
  for (const auto& n : names)
    if (is_dns1123_subdomain(n)) taken.insert(n);
  std::vector<NameMapping> out;
  std::set<std::string> seen;
  for (const auto& n : names) {
    if (is_dns1123_subdomain(n) || !seen.insert(n).second) continue;
    std::string base = to_dns1123_subdomain(n);
    std::string to = base;
    for (int k = 2; taken.count(to); ++k) {
      std::string suffix = "-" + std::to_string(k);
      std::string head = base.substr(0, kDns1123SubdomainMax - suffix.size());
      while (!head.empty() && !lower_alnum(head.back())) head.pop_back();
      to = head + suffix;
    }
    taken.insert(to);
    out.push_back({n, to, to != base});
  }
  return out;
}

std::vector<std::string> names_at(const Map& vars, std::string_view path) {
  std::vector<std::string> out;
  collect(Value(vars), tokens(path), 0, out);
  return out;
}

void rename_at(Map& vars, std::string_view path, const std::vector<NameMapping>& mappings) {
  if (mappings.empty()) return;
  Value root(vars);
  rename(root, tokens(path), 0, mappings);
  vars = root.as_map();
}

}  // namespace ksm::schema
