// Ansible's `version` test: LooseVersion (the default), StrictVersion
// (strict=True) and semver, with Python's comparison errors (LooseVersion
// comparing a number with a letter raises TypeError in Python 3; that is an
// error for Ansible, so Unknown here).
#include <regex>

#include <fmt/format.h>

#include "core/number.h"
#include "jinja/internal.h"

namespace ksm::jinja {
namespace {

// distutils LooseVersion: split on (\d+ | [a-z]+ | \.), keep the other
// text between matches, drop empty parts and dots, numbers become ints.
List loose_parse(const std::string& v) {
  List out;
  std::string other;
  auto flush_other = [&]() {
    if (!other.empty()) out.push_back(Value(other));
    other.clear();
  };
  for (size_t i = 0; i < v.size();) {
    char c = v[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      flush_other();
      size_t j = i;
      while (j < v.size() && std::isdigit(static_cast<unsigned char>(v[j]))) ++j;
      auto n = parse_py_int(v.substr(i, j - i));
      if (n) out.push_back(Value(*n));
      else out.push_back(Value::unknown("version component past int64 (not compared)"));
      i = j;
    } else if (c >= 'a' && c <= 'z') {
      flush_other();
      size_t j = i;
      while (j < v.size() && v[j] >= 'a' && v[j] <= 'z') ++j;
      out.push_back(Value(v.substr(i, j - i)));
      i = j;
    } else if (c == '.') {
      flush_other();
      ++i;
    } else {
      other += c;
      ++i;
    }
  }
  flush_other();
  return out;
}

int loose_cmp(const std::string& a, const std::string& b) {
  List x = loose_parse(a), y = loose_parse(b);
  for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
    const Value& p = x[i];
    const Value& q = y[i];
    if (p.is_unknown() || q.is_unknown())
      abort_unknown("version component past int64 (not compared)");
    if (p == q) continue;
    if (p.kind() != q.kind())
      abort_unknown(
          fmt::format("Version comparison failed: '<' not supported between instances of '{}' and "
                      "'{}' ({} vs {})",
                      py_type(p), py_type(q), a, b));
    return py_cmp(p, q);
  }
  return x.size() < y.size() ? -1 : x.size() > y.size() ? 1 : 0;
}

struct Strict {
  int64_t v[3];
  bool pre;
  char pre_letter;
  int64_t pre_num;
};

// One numeric component; Python's int() has no limit, ours is int64.
int64_t version_number(const std::string& digits) {
  auto n = parse_int64(digits);
  if (!n) abort_unknown(fmt::format("version component '{}' past int64 (not compared)", digits));
  return *n;
}

Strict strict_parse(const std::string& s) {
  static const std::regex re(R"(^(\d+)\.(\d+)(\.(\d+))?([ab](\d+))?$)");
  std::smatch m;
  if (!std::regex_match(s, m, re))
    abort_unknown(fmt::format("Version comparison failed: invalid version number '{}'", s));
  Strict r{};
  r.v[0] = version_number(m[1]);
  r.v[1] = version_number(m[2]);
  r.v[2] = m[4].matched ? version_number(m[4]) : 0;
  r.pre = m[5].matched;
  if (r.pre) {
    r.pre_letter = m[5].str()[0];
    r.pre_num = version_number(m[6]);
  }
  return r;
}

int strict_cmp(const std::string& a, const std::string& b) {
  Strict x = strict_parse(a), y = strict_parse(b);
  for (int i = 0; i < 3; ++i)
    if (x.v[i] != y.v[i]) return x.v[i] < y.v[i] ? -1 : 1;
  if (!x.pre && !y.pre) return 0;
  if (x.pre && !y.pre) return -1;
  if (!x.pre && y.pre) return 1;
  if (x.pre_letter != y.pre_letter) return x.pre_letter < y.pre_letter ? -1 : 1;
  return x.pre_num < y.pre_num ? -1 : x.pre_num > y.pre_num ? 1 : 0;
}

// Semantic versioning 2.0.0 precedence (ansible.module_utils SemanticVersion).
int semver_cmp(const std::string& a, const std::string& b) {
  static const std::regex re(
      R"(^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$)");
  std::smatch x, y;
  if (!std::regex_match(a, x, re))
    abort_unknown(fmt::format("Version comparison failed: invalid semantic version '{}'", a));
  if (!std::regex_match(b, y, re))
    abort_unknown(fmt::format("Version comparison failed: invalid semantic version '{}'", b));
  for (int i = 1; i <= 3; ++i) {
    int64_t p = version_number(x[i]), q = version_number(y[i]);
    if (p != q) return p < q ? -1 : 1;
  }
  std::string pa = x[4], pb = y[4];
  if (pa.empty() && pb.empty()) return 0;
  if (pa.empty()) return 1;
  if (pb.empty()) return -1;
  auto split = [](const std::string& s) {
    std::vector<std::string> v;
    size_t pos = 0;
    while (true) {
      size_t k = s.find('.', pos);
      v.push_back(s.substr(pos, k == std::string::npos ? std::string::npos : k - pos));
      if (k == std::string::npos) break;
      pos = k + 1;
    }
    return v;
  };
  auto ia = split(pa), ib = split(pb);
  for (size_t i = 0; i < ia.size() && i < ib.size(); ++i) {
    bool na = std::all_of(ia[i].begin(), ia[i].end(), ::isdigit);
    bool nb = std::all_of(ib[i].begin(), ib[i].end(), ::isdigit);
    if (ia[i] == ib[i]) continue;
    if (na && nb) return version_number(ia[i]) < version_number(ib[i]) ? -1 : 1;
    if (na) return -1;
    if (nb) return 1;
    return ia[i] < ib[i] ? -1 : 1;
  }
  return ia.size() < ib.size() ? -1 : ia.size() > ib.size() ? 1 : 0;
}

}  // namespace

bool version_compare(const std::string& a, const std::string& b, const std::string& op_in,
                     bool strict, const std::string& version_type) {
  std::string op;
  if (op_in == "==" || op_in == "=" || op_in == "eq") op = "eq";
  else if (op_in == "<" || op_in == "lt") op = "lt";
  else if (op_in == "<=" || op_in == "le") op = "le";
  else if (op_in == ">" || op_in == "gt") op = "gt";
  else if (op_in == ">=" || op_in == "ge") op = "ge";
  else if (op_in == "!=" || op_in == "<>" || op_in == "ne") op = "ne";
  else abort_unknown(fmt::format("Invalid operator type ({})", op_in));
  int c;
  if (strict) c = strict_cmp(a, b);
  else if (version_type.empty() || version_type == "loose") c = loose_cmp(a, b);
  else if (version_type == "strict") c = strict_cmp(a, b);
  else if (version_type == "semver" || version_type == "semantic") c = semver_cmp(a, b);
  else if (version_type == "pep440") abort_unknown("unsupported: version_type='pep440'");
  else abort_unknown(fmt::format("Invalid version type ({})", version_type));
  if (op == "eq") return c == 0;
  if (op == "ne") return c != 0;
  if (op == "lt") return c < 0;
  if (op == "le") return c <= 0;
  if (op == "gt") return c > 0;
  return c >= 0;
}

}  // namespace ksm::jinja
