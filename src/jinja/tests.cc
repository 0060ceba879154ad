// Jinja's built-in tests and Ansible's (ansible-core 2.14 core and
// mathstuff tests, ansible.utils ip tests via ipaddr.cc): `is defined`,
// `is version(...)`, `is match(...)`, ... Tests on Undefined follow Jinja
// (isinstance-style tests are false, value tests raise), tests on Unknown
// are Unknown.
#include <cmath>

#include <fmt/format.h>

#include "jinja/internal.h"

namespace ksm::jinja {

bool apply_ip_test(const std::string& name, const Value& input, const CallArgs& args, Value& out);

namespace {

bool is_number(const Value& v) { return v.is_int() || v.is_float() || v.is_bool(); }

// Python's boolean(value, strict=False) from module_utils.parsing.convert_bool.
bool ansible_boolean(const Value& v) {
  if (v.is_bool()) return v.as_bool();
  std::string s;
  if (v.is_string()) {
    s = v.as_string();
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    size_t b = s.find_first_not_of(' '), e = s.find_last_not_of(' ');
    s = b == std::string::npos ? "" : s.substr(b, e - b + 1);
  } else if (v.is_int() || v.is_float()) {
    double d = v.as_number();
    if (d == 1) return true;
    return false;
  } else {
    return false;
  }
  return s == "y" || s == "yes" || s == "on" || s == "1" || s == "true" || s == "t";
}

}  // namespace

bool apply_test(Evaluator& ev, const std::string& full, const Value& in, const CallArgs& a, Value& out) {
  const std::string name = short_name(full);
  // ---- tests that look at undefined themselves ----
  if (name == "defined" || name == "undefined") {
    if (is_lenient_undefined(in)) { out = Value(name == "undefined"); return true; }
    if (in.is_unknown()) { out = in; return true; }
    out = Value(in.is_undefined() == (name == "undefined"));
    return true;
  }
  if (in.is_unknown()) { out = in; return true; }
  for (const auto& v : a.pos)
    if (v.is_unknown()) { out = v; return true; }
  for (const auto& [k, v] : a.kw)
    if (v.is_unknown()) { out = v; return true; }

  if (name == "none") { out = Value(in.is_null()); return true; }
  if (name == "string") { out = Value(in.is_string() || in.is_vault()); return true; }
  if (name == "number") { out = Value(is_number(in)); return true; }
  if (name == "integer") { out = Value(in.is_int()); return true; }
  if (name == "float") { out = Value(in.is_float()); return true; }
  if (name == "boolean") { out = Value(in.is_bool()); return true; }
  if (name == "mapping") { out = Value(in.is_map()); return true; }
  if (name == "true") { out = Value(in.is_bool() && in.as_bool()); return true; }
  if (name == "false") { out = Value(in.is_bool() && !in.as_bool()); return true; }
  if (name == "callable") { out = Value(false); return true; }

  if (in.is_undefined()) undefined_abort("tested value");
  if (in.is_vault()) {
    if (name == "vault_encrypted") { out = Value(true); return true; }
    out = Value::unknown(opaque_reason(in));
    return true;
  }
  if (name == "vault_encrypted") { out = Value(false); return true; }
  if (name == "iterable") { out = Value(in.is_string() || in.is_list() || in.is_map()); return true; }
  if (name == "sequence") { out = Value(in.is_string() || in.is_list() || in.is_map()); return true; }

  auto arg = [&](size_t i, const char* kw) -> const Value* { return a.get(i, kw); };
  auto need = [&](size_t i, const char* kw) -> const Value& {
    const Value* v = arg(i, kw);
    if (!v) abort_unknown(fmt::format("TypeError: test '{}' missing argument '{}'", name, kw));
    if (v->is_undefined()) undefined_abort(fmt::format("argument of test '{}'", name));
    return *v;
  };
  auto cmp = [&](const char* op) -> bool {
    const Value& o = need(0, "other");
    if (const Value* u = find_unknown(in)) { out = Value::unknown(opaque_reason(*u)); return true; }
    if (const Value* u = find_unknown(o)) { out = Value::unknown(opaque_reason(*u)); return true; }
    std::string s = op;
    if (s == "eq") out = Value(in == o);
    else if (s == "ne") out = Value(!(in == o));
    else {
      bool ok = (is_number(in) && is_number(o)) || (in.is_string() && o.is_string()) || (in.is_list() && o.is_list());
      if (!ok)
        abort_unknown(fmt::format("TypeError: '{}' not supported between instances of '{}' and '{}'",
                                  s, py_type(in), py_type(o)));
      int c = py_cmp(in, o);
      out = Value(s == "lt" ? c < 0 : s == "le" ? c <= 0 : s == "gt" ? c > 0 : c >= 0);
    }
    return true;
  };
  if (name == "eq" || name == "==" || name == "equalto") return cmp("eq");
  if (name == "ne" || name == "!=") return cmp("ne");
  if (name == "lt" || name == "<" || name == "lessthan") return cmp("lt");
  if (name == "le" || name == "<=") return cmp("le");
  if (name == "gt" || name == ">" || name == "greaterthan") return cmp("gt");
  if (name == "ge" || name == ">=") return cmp("ge");
  if (name == "sameas") {
    const Value& o = need(0, "other");
    if ((in.is_null() || in.is_bool()) || (o.is_null() || o.is_bool())) {
      out = Value(in.kind() == o.kind() && in == o);
      return true;
    }
    out = Value::unknown("'sameas' (object identity) is not knowable here");
    return true;
  }
  if (name == "divisibleby") {
    const Value& n = need(0, "num");
    if (!is_number(in) || !is_number(n))
      abort_unknown(fmt::format("TypeError: unsupported operand type(s) for %: '{}' and '{}'", py_type(in), py_type(n)));
    if (in.is_int() && n.is_int()) {
      if (n.as_int() == 0) abort_unknown("ZeroDivisionError: integer division or modulo by zero");
      out = Value(in.as_int() % n.as_int() == 0);
    } else {
      double d = n.is_bool() ? n.as_bool() : n.as_number();
      if (d == 0) abort_unknown("ZeroDivisionError: float modulo");
      out = Value(std::fmod(in.is_bool() ? in.as_bool() : in.as_number(), d) == 0);
    }
    return true;
  }
  if (name == "odd" || name == "even") {
    if (!in.is_int() && !in.is_bool())
      abort_unknown(fmt::format("TypeError: unsupported operand type(s) for %: '{}' and 'int'", py_type(in)));
    int64_t v = in.is_bool() ? in.as_bool() : in.as_int();
    bool odd = ((v % 2) + 2) % 2 == 1;
    out = Value(name == "odd" ? odd : !odd);
    return true;
  }
  if (name == "lower" || name == "upper") {
    std::string s = py_str(in);
    bool cased = false, ok = true;
    for (unsigned char c : s) {
      if (std::isalpha(c)) cased = true;
      if (name == "lower" && std::isupper(c)) ok = false;
      if (name == "upper" && std::islower(c)) ok = false;
    }
    out = Value(ok && cased);
    return true;
  }
  if (name == "in") {
    const Value& seq = need(0, "seq");
    if (seq.is_string()) {
      if (!in.is_string()) abort_unknown(fmt::format("TypeError: 'in <string>' requires string as left operand, not {}", py_type(in)));
      out = Value(seq.as_string().find(in.as_string()) != std::string::npos);
      return true;
    }
    if (seq.is_list()) {
      if (const Value* u = find_unknown(seq)) { out = Value::unknown(opaque_reason(*u)); return true; }
      bool f = false;
      for (const auto& e : seq.as_list()) if (e == in) { f = true; break; }
      out = Value(f);
      return true;
    }
    if (seq.is_map()) {
      if (in.is_list() || in.is_map()) abort_unknown(fmt::format("TypeError: unhashable type: '{}'", py_type(in)));
      out = Value(seq.as_map().find_key(in) != nullptr);
      return true;
    }
    abort_unknown(fmt::format("TypeError: argument of type '{}' is not iterable", py_type(seq)));
  }
  if (name == "contains") {
    const Value& v = need(0, "value");
    if (in.is_string()) {
      if (!v.is_string()) abort_unknown("TypeError: 'in <string>' requires string as left operand");
      out = Value(in.as_string().find(v.as_string()) != std::string::npos);
      return true;
    }
    if (in.is_list()) {
      if (const Value* u = find_unknown(in)) { out = Value::unknown(opaque_reason(*u)); return true; }
      bool f = false;
      for (const auto& e : in.as_list()) if (e == v) { f = true; break; }
      out = Value(f);
      return true;
    }
    if (in.is_map()) {
      if (v.is_list() || v.is_map()) abort_unknown(fmt::format("TypeError: unhashable type: '{}'", py_type(v)));
      out = Value(in.as_map().find_key(v) != nullptr);
      return true;
    }
    abort_unknown(fmt::format("TypeError: argument of type '{}' is not iterable", py_type(in)));
  }
  if (name == "subset" || name == "issubset" || name == "superset" || name == "issuperset") {
    const Value& o = need(0, "b");
    if (const Value* u = find_unknown(in)) { out = Value::unknown(opaque_reason(*u)); return true; }
    if (const Value* u = find_unknown(o)) { out = Value::unknown(opaque_reason(*u)); return true; }
    auto items = [&](const Value& v) -> List {
      if (v.is_list()) {
        for (const auto& e : v.as_list())
          if (e.is_list() || e.is_map()) abort_unknown(fmt::format("TypeError: unhashable type: '{}'", py_type(e)));
        return v.as_list();
      }
      if (v.is_map()) { List l; for (const auto& [k, e] : v.as_map()) l.push_back(v.as_map().key_value(k)); return l; }
      if (v.is_string()) { List l; for (auto& c : utf8_chars(v.as_string())) l.push_back(Value(c)); return l; }
      abort_unknown(fmt::format("TypeError: '{}' object is not iterable", py_type(v)));
    };
    List x = items(in), y = items(o);
    bool sub = name == "subset" || name == "issubset";
    const List& small = sub ? x : y;
    const List& big = sub ? y : x;
    bool ok = true;
    for (const auto& e : small) {
      bool f = false;
      for (const auto& g : big) if (g == e) { f = true; break; }
      if (!f) { ok = false; break; }
    }
    out = Value(ok);
    return true;
  }
  if (name == "any" || name == "all") {
    if (!in.is_list() && !in.is_map() && !in.is_string())
      abort_unknown(fmt::format("TypeError: '{}' object is not iterable", py_type(in)));
    List l;
    if (in.is_list()) l = in.as_list();
    else if (in.is_map()) for (const auto& [k, v] : in.as_map()) l.push_back(in.as_map().key_value(k));
    else for (auto& c : utf8_chars(in.as_string())) l.push_back(Value(c));
    bool want = name == "any";
    bool unknown = false;
    for (const auto& e : l) {
      auto t = truthy(e);
      if (!t) { unknown = true; continue; }
      if (*t == want) { out = Value(want); return true; }
    }
    out = unknown ? Value::unknown("any/all over unknown items") : Value(!want);
    return true;
  }
  if (name == "truthy" || name == "falsy") {
    bool conv = a.get(0, "convert_bool") ? truthy(*a.get(0, "convert_bool")).value_or(false) : false;
    if (const Value* u = find_unknown(in); u && !in.is_list() && !in.is_map()) { out = Value::unknown(opaque_reason(*u)); return true; }
    bool t = conv && (in.is_string() || in.is_bool() || in.is_int() || in.is_float()) ? ansible_boolean(in) : truthy(in).value_or(false);
    out = Value(name == "truthy" ? t : !t);
    return true;
  }
  if (name == "nan" || name == "isnan") {
    if (!is_number(in)) abort_unknown("TypeError: must be real number");
    out = Value(in.is_float() && std::isnan(in.as_float()));
    return true;
  }
  if (name == "match" || name == "search" || name == "regex") {
    if (const Value* u = find_unknown(in)) { out = Value::unknown(opaque_reason(*u)); return true; }
    std::string s = py_str(in);
    const Value* p = a.get(0, "pattern");
    std::string pat = p ? py_str(*p) : "";
    auto flag = [&](size_t i, const char* kw) {
      const Value* v = a.get(i, kw);
      return v ? truthy(*v).value_or(false) : false;
    };
    bool ic = flag(1, "ignorecase"), ml = flag(2, "multiline");
    std::string mt = name == "match" ? "match" : "search";
    if (name == "regex") {
      if (const Value* t = a.get(3, "match_type")) mt = py_str(*t);
    }
    auto re = compile_regex(pat, ic, ml);
    ReMode mode = mt == "match" ? ReMode::Match : mt == "fullmatch" ? ReMode::Full : ReMode::Search;
    out = Value(regex_exec(*re, s, mode).ok);
    return true;
  }
  if (name == "version" || name == "version_compare") {
    const Value* ver = a.get(0, "version");
    if (!ver) abort_unknown("TypeError: version test missing the version to compare against");
    auto t_in = truthy(in);
    if (!t_in || !*t_in) abort_unknown("AnsibleFilterError: Input version value cannot be empty");
    auto t_v = truthy(*ver);
    if (!t_v || !*t_v) abort_unknown("AnsibleFilterError: Version parameter to compare against cannot be empty");
    std::string op = a.get(1, "operator") ? py_str(*a.get(1, "operator")) : "eq";
    const Value* strict = a.get(2, "strict");
    const Value* vt = a.get(3, "version_type");
    if (strict && !strict->is_null() && vt && !vt->is_null())
      abort_unknown("AnsibleFilterError: Cannot specify both 'strict' and 'version_type'");
    bool st = strict && truthy(*strict).value_or(false);
    std::string vtype = vt && !vt->is_null() ? py_str(*vt) : "";
    out = Value(version_compare(py_str(in), py_str(*ver), op, st, vtype));
    return true;
  }
  if (name == "failed" || name == "failure" || name == "succeeded" || name == "success" ||
      name == "successful" || name == "changed" || name == "change" || name == "skipped" ||
      name == "skip" || name == "unreachable" || name == "reachable" || name == "finished" ||
      name == "started") {
    if (!in.is_map()) abort_unknown(fmt::format("AnsibleFilterError: The '{}' test expects a dictionary", name));
    const Map& m = in.as_map();
    auto flag = [&](const char* k) -> std::optional<bool> {
      const Value* v = m.find(k);
      if (!v) return false;
      return truthy(*v);
    };
    std::optional<bool> r;
    if (name == "failed" || name == "failure") r = flag("failed");
    else if (name == "succeeded" || name == "success" || name == "successful") { r = flag("failed"); if (r) r = !*r; }
    else if (name == "skipped" || name == "skip") r = flag("skipped");
    else if (name == "unreachable") r = flag("unreachable");
    else if (name == "reachable") { r = flag("unreachable"); if (r) r = !*r; }
    else if (name == "changed" || name == "change") r = flag("changed");
    else { out = Value::unknown("async task state"); return true; }
    out = r ? Value(*r) : Value::unknown("task result flag is unknown");
    return true;
  }
  if (name == "exists" || name == "file" || name == "directory" || name == "link" ||
      name == "mount" || name == "abs" || name == "same_file" || name == "is_file" ||
      name == "is_dir" || name == "is_link" || name == "resolvable") {
    out = Value::unknown(fmt::format("test '{}' depends on the managed host", name));
    return true;
  }
  if (apply_ip_test(name, in, a, out)) return true;
  (void)ev;
  return false;
}

}  // namespace ksm::jinja
