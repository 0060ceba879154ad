// Jinja's built-in tests and Ansible's (ansible-core 2.14 core and
// mathstuff tests, ansible.utils ip tests via ipaddr.cc): `is defined`,
// `is version(...)`, `is match(...)`, ... Tests on Undefined follow Jinja
// (isinstance-style tests are false, value tests raise), tests on Unknown
// are Unknown.
//
// One function per test (or per family of aliases sharing its code);
// apply_test looks the name up in tables of them, in the order of those
// rules: defined/undefined, the isinstance-style tests, the value tests.
#include <cmath>

#include <fmt/format.h>

#include "jinja/internal.h"

namespace ksm::jinja {

bool apply_ip_test(const std::string& name, const Value& input, const CallArgs& args, Value& out);

namespace {

bool is_number(const Value& v) {
  return v.is_int() || v.is_float() || v.is_bool();
}

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

// One application of a test, `in is name(args)`: each test below reads it,
// writes its result to `out` and returns true.
struct TestCall {
  const std::string& name;  // short_name(): without `ansible.builtin.` & co.
  const Value& in;
  const CallArgs& args;
  Value& out;

  // The argument at position i or keyword kw, which the test requires.
  const Value& need(size_t i, const char* kw) const {
    const Value* v = args.get(i, kw);
    if (!v) abort_unknown(fmt::format("TypeError: test '{}' missing argument '{}'", name, kw));
    if (v->is_undefined()) undefined_abort(fmt::format("argument of test '{}'", name));
    return *v;
  }
};
using TestFn = bool (*)(const TestCall&);

// Python's comparison of the input with the argument `other`: op is eq, ne,
// lt, le, gt or ge.
bool compare(const TestCall& call, const char* op) {
  const Value& o = call.need(0, "other");
  if (const Value* u = find_unknown(call.in)) {
    call.out = Value::unknown(opaque_reason(*u));
    return true;
  }
  if (const Value* u = find_unknown(o)) {
    call.out = Value::unknown(opaque_reason(*u));
    return true;
  }
  std::string s = op;
  if (s == "eq")
    call.out = Value(call.in == o);
  else if (s == "ne")
    call.out = Value(!(call.in == o));
  else {
    bool ok = (is_number(call.in) && is_number(o)) || (call.in.is_string() && o.is_string()) ||
              (call.in.is_list() && o.is_list());
    if (!ok)
      abort_unknown(fmt::format("TypeError: '{}' not supported between instances of '{}' and '{}'",
                                s, py_type(call.in), py_type(o)));
    int c = py_cmp(call.in, o);
    call.out = Value(s == "lt" ? c < 0 : s == "le" ? c <= 0 : s == "gt" ? c > 0 : c >= 0);
  }
  return true;
}

// ---- tests that look at undefined themselves ----
// defined, undefined
bool test_defined(const TestCall& call) {
  if (is_lenient_undefined(call.in)) {
    call.out = Value(call.name == "undefined");
    return true;
  }
  if (call.in.is_unknown()) {
    call.out = call.in;
    return true;
  }
  call.out = Value(call.in.is_undefined() == (call.name == "undefined"));
  return true;
}

// ---- isinstance-style tests: false for an undefined input ----
bool test_none(const TestCall& call) {
  call.out = Value(call.in.is_null());
  return true;
}

bool test_string(const TestCall& call) {
  call.out = Value(call.in.is_string() || call.in.is_vault());
  return true;
}

bool test_number(const TestCall& call) {
  call.out = Value(is_number(call.in));
  return true;
}

bool test_integer(const TestCall& call) {
  call.out = Value(call.in.is_int());
  return true;
}

bool test_float(const TestCall& call) {
  call.out = Value(call.in.is_float());
  return true;
}

bool test_boolean(const TestCall& call) {
  call.out = Value(call.in.is_bool());
  return true;
}

bool test_mapping(const TestCall& call) {
  call.out = Value(call.in.is_map());
  return true;
}

bool test_true(const TestCall& call) {
  call.out = Value(call.in.is_bool() && call.in.as_bool());
  return true;
}

bool test_false(const TestCall& call) {
  call.out = Value(call.in.is_bool() && !call.in.as_bool());
  return true;
}

bool test_callable(const TestCall& call) {
  call.out = Value(false);
  return true;
}

// ---- value tests: an undefined input is an error ----
bool test_vault_encrypted(const TestCall& call) {
  call.out = Value(false);
  return true;
}

bool test_iterable(const TestCall& call) {
  call.out = Value(call.in.is_string() || call.in.is_list() || call.in.is_map());
  return true;
}

bool test_sequence(const TestCall& call) {
  call.out = Value(call.in.is_string() || call.in.is_list() || call.in.is_map());
  return true;
}

// eq, ==, equalto
bool test_eq(const TestCall& call) {
  return compare(call, "eq");
}

// ne, !=
bool test_ne(const TestCall& call) {
  return compare(call, "ne");
}

// lt, <, lessthan
bool test_lt(const TestCall& call) {
  return compare(call, "lt");
}

// le, <=
bool test_le(const TestCall& call) {
  return compare(call, "le");
}

// gt, >, greaterthan
bool test_gt(const TestCall& call) {
  return compare(call, "gt");
}

// ge, >=
bool test_ge(const TestCall& call) {
  return compare(call, "ge");
}

bool test_sameas(const TestCall& call) {
  const Value& o = call.need(0, "other");
  if ((call.in.is_null() || call.in.is_bool()) || (o.is_null() || o.is_bool())) {
    call.out = Value(call.in.kind() == o.kind() && call.in == o);
    return true;
  }
  call.out = Value::unknown("'sameas' (object identity) is not knowable here");
  return true;
}

bool test_divisibleby(const TestCall& call) {
  const Value& n = call.need(0, "num");
  if (!is_number(call.in) || !is_number(n))
    abort_unknown(fmt::format("TypeError: unsupported operand type(s) for %: '{}' and '{}'",
                              py_type(call.in), py_type(n)));
  if (call.in.is_int() && n.is_int()) {
    if (n.as_int() == 0) abort_unknown("ZeroDivisionError: integer division or modulo by zero");
    call.out = Value(call.in.as_int() % n.as_int() == 0);
  } else {
    double d = n.is_bool() ? n.as_bool() : n.as_number();
    if (d == 0) abort_unknown("ZeroDivisionError: float modulo");
    call.out =
        Value(std::fmod(call.in.is_bool() ? call.in.as_bool() : call.in.as_number(), d) == 0);
  }
  return true;
}

// odd, even
bool test_odd_even(const TestCall& call) {
  if (!call.in.is_int() && !call.in.is_bool())
    abort_unknown(fmt::format("TypeError: unsupported operand type(s) for %: '{}' and 'int'",
                              py_type(call.in)));
  int64_t v = call.in.is_bool() ? call.in.as_bool() : call.in.as_int();
  bool odd = ((v % 2) + 2) % 2 == 1;
  call.out = Value(call.name == "odd" ? odd : !odd);
  return true;
}

// lower, upper
bool test_lower_upper(const TestCall& call) {
  std::string s = py_str(call.in);
  bool cased = false, ok = true;
  for (unsigned char c : s) {
    if (std::isalpha(c)) cased = true;
    if (call.name == "lower" && std::isupper(c)) ok = false;
    if (call.name == "upper" && std::islower(c)) ok = false;
  }
  call.out = Value(ok && cased);
  return true;
}

bool test_in(const TestCall& call) {
  const Value& seq = call.need(0, "seq");
  if (seq.is_string()) {
    if (!call.in.is_string())
      abort_unknown(fmt::format("TypeError: 'in <string>' requires string as left operand, not {}",
                                py_type(call.in)));
    call.out = Value(seq.as_string().find(call.in.as_string()) != std::string::npos);
    return true;
  }
  if (seq.is_list()) {
    if (const Value* u = find_unknown(seq)) {
      call.out = Value::unknown(opaque_reason(*u));
      return true;
    }
    bool f = false;
    for (const auto& e : seq.as_list())
      if (e == call.in) {
        f = true;
        break;
      }
    call.out = Value(f);
    return true;
  }
  if (seq.is_map()) {
    if (call.in.is_list() || call.in.is_map())
      abort_unknown(fmt::format("TypeError: unhashable type: '{}'", py_type(call.in)));
    call.out = Value(seq.as_map().find_key(call.in) != nullptr);
    return true;
  }
  abort_unknown(fmt::format("TypeError: argument of type '{}' is not iterable", py_type(seq)));
}

bool test_contains(const TestCall& call) {
  const Value& v = call.need(0, "value");
  if (call.in.is_string()) {
    if (!v.is_string()) abort_unknown("TypeError: 'in <string>' requires string as left operand");
    call.out = Value(call.in.as_string().find(v.as_string()) != std::string::npos);
    return true;
  }
  if (call.in.is_list()) {
    if (const Value* u = find_unknown(call.in)) {
      call.out = Value::unknown(opaque_reason(*u));
      return true;
    }
    bool f = false;
    for (const auto& e : call.in.as_list())
      if (e == v) {
        f = true;
        break;
      }
    call.out = Value(f);
    return true;
  }
  if (call.in.is_map()) {
    if (v.is_list() || v.is_map())
      abort_unknown(fmt::format("TypeError: unhashable type: '{}'", py_type(v)));
    call.out = Value(call.in.as_map().find_key(v) != nullptr);
    return true;
  }
  abort_unknown(fmt::format("TypeError: argument of type '{}' is not iterable", py_type(call.in)));
}

// subset, issubset, superset, issuperset
bool test_subset_superset(const TestCall& call) {
  const Value& o = call.need(0, "b");
  if (const Value* u = find_unknown(call.in)) {
    call.out = Value::unknown(opaque_reason(*u));
    return true;
  }
  if (const Value* u = find_unknown(o)) {
    call.out = Value::unknown(opaque_reason(*u));
    return true;
  }
  auto items = [&](const Value& v) -> List {
    if (v.is_list()) {
      for (const auto& e : v.as_list())
        if (e.is_list() || e.is_map())
          abort_unknown(fmt::format("TypeError: unhashable type: '{}'", py_type(e)));
      return v.as_list();
    }
    if (v.is_map()) {
      List l;
      for (const auto& [k, e] : v.as_map()) l.push_back(v.as_map().key_value(k));
      return l;
    }
    if (v.is_string()) {
      List l;
      for (auto& c : utf8_chars(v.as_string())) l.push_back(Value(c));
      return l;
    }
    abort_unknown(fmt::format("TypeError: '{}' object is not iterable", py_type(v)));
  };
  List x = items(call.in), y = items(o);
  bool sub = call.name == "subset" || call.name == "issubset";
  const List& small = sub ? x : y;
  const List& big = sub ? y : x;
  bool ok = true;
  for (const auto& e : small) {
    bool f = false;
    for (const auto& g : big)
      if (g == e) {
        f = true;
        break;
      }
    if (!f) {
      ok = false;
      break;
    }
  }
  call.out = Value(ok);
  return true;
}

// any, all
bool test_any_all(const TestCall& call) {
  if (!call.in.is_list() && !call.in.is_map() && !call.in.is_string())
    abort_unknown(fmt::format("TypeError: '{}' object is not iterable", py_type(call.in)));
  List l;
  if (call.in.is_list())
    l = call.in.as_list();
  else if (call.in.is_map())
    for (const auto& [k, v] : call.in.as_map()) l.push_back(call.in.as_map().key_value(k));
  else
    for (auto& c : utf8_chars(call.in.as_string())) l.push_back(Value(c));
  bool want = call.name == "any";
  bool unknown = false;
  for (const auto& e : l) {
    auto t = truthy(e);
    if (!t) {
      unknown = true;
      continue;
    }
    if (*t == want) {
      call.out = Value(want);
      return true;
    }
  }
  call.out = unknown ? Value::unknown("any/all over unknown items") : Value(!want);
  return true;
}

// truthy, falsy
bool test_truthy_falsy(const TestCall& call) {
  bool conv = call.args.get(0, "convert_bool")
                  ? truthy(*call.args.get(0, "convert_bool")).value_or(false)
                  : false;
  if (const Value* u = find_unknown(call.in); u && !call.in.is_list() && !call.in.is_map()) {
    call.out = Value::unknown(opaque_reason(*u));
    return true;
  }
  bool t =
      conv && (call.in.is_string() || call.in.is_bool() || call.in.is_int() || call.in.is_float())
          ? ansible_boolean(call.in)
          : truthy(call.in).value_or(false);
  call.out = Value(call.name == "truthy" ? t : !t);
  return true;
}

// nan, isnan
bool test_nan(const TestCall& call) {
  if (!is_number(call.in)) abort_unknown("TypeError: must be real number");
  call.out = Value(call.in.is_float() && std::isnan(call.in.as_float()));
  return true;
}

// match, search, regex
bool test_regex(const TestCall& call) {
  if (const Value* u = find_unknown(call.in)) {
    call.out = Value::unknown(opaque_reason(*u));
    return true;
  }
  std::string s = py_str(call.in);
  const Value* p = call.args.get(0, "pattern");
  std::string pat = p ? py_str(*p) : "";
  auto flag = [&](size_t i, const char* kw) {
    const Value* v = call.args.get(i, kw);
    return v ? truthy(*v).value_or(false) : false;
  };
  bool ic = flag(1, "ignorecase"), ml = flag(2, "multiline");
  std::string mt = call.name == "match" ? "match" : "search";
  if (call.name == "regex") {
    if (const Value* t = call.args.get(3, "match_type")) mt = py_str(*t);
  }
  auto re = compile_regex(pat, ic, ml);
  ReMode mode = mt == "match" ? ReMode::Match : mt == "fullmatch" ? ReMode::Full : ReMode::Search;
  call.out = Value(regex_exec(*re, s, mode).ok);
  return true;
}

// version, version_compare
bool test_version(const TestCall& call) {
  const Value* ver = call.args.get(0, "version");
  if (!ver) abort_unknown("TypeError: version test missing the version to compare against");
  auto t_in = truthy(call.in);
  if (!t_in || !*t_in) abort_unknown("AnsibleFilterError: Input version value cannot be empty");
  auto t_v = truthy(*ver);
  if (!t_v || !*t_v)
    abort_unknown("AnsibleFilterError: Version parameter to compare against cannot be empty");
  std::string op = call.args.get(1, "operator") ? py_str(*call.args.get(1, "operator")) : "eq";
  const Value* strict = call.args.get(2, "strict");
  const Value* vt = call.args.get(3, "version_type");
  if (strict && !strict->is_null() && vt && !vt->is_null())
    abort_unknown("AnsibleFilterError: Cannot specify both 'strict' and 'version_type'");
  bool st = strict && truthy(*strict).value_or(false);
  std::string vtype = vt && !vt->is_null() ? py_str(*vt) : "";
  call.out = Value(version_compare(py_str(call.in), py_str(*ver), op, st, vtype));
  return true;
}

// failed, failure, succeeded, success, successful, changed, change, skipped, skip, unreachable,
// reachable, finished, started
bool test_task_result(const TestCall& call) {
  if (!call.in.is_map())
    abort_unknown(fmt::format("AnsibleFilterError: The '{}' test expects a dictionary", call.name));
  const Map& m = call.in.as_map();
  auto flag = [&](const char* k) -> std::optional<bool> {
    const Value* v = m.find(k);
    if (!v) return false;
    return truthy(*v);
  };
  std::optional<bool> r;
  if (call.name == "failed" || call.name == "failure")
    r = flag("failed");
  else if (call.name == "succeeded" || call.name == "success" || call.name == "successful") {
    r = flag("failed");
    if (r) r = !*r;
  } else if (call.name == "skipped" || call.name == "skip")
    r = flag("skipped");
  else if (call.name == "unreachable")
    r = flag("unreachable");
  else if (call.name == "reachable") {
    r = flag("unreachable");
    if (r) r = !*r;
  } else if (call.name == "changed" || call.name == "change")
    r = flag("changed");
  else {
    call.out = Value::unknown("async task state");
    return true;
  }
  call.out = r ? Value(*r) : Value::unknown("task result flag is unknown");
  return true;
}

// exists, file, directory, link, mount, abs, same_file, is_file, is_dir, is_link, resolvable
bool test_on_managed_host(const TestCall& call) {
  call.out = Value::unknown(fmt::format("test '{}' depends on the managed host", call.name));
  return true;
}

constexpr auto kRawTests = std::to_array<Named<TestFn>>({
    {"defined", test_defined},
    {"undefined", test_defined},
});
static_assert(sorted_by_name(kRawTests));

constexpr auto kTypeTests = std::to_array<Named<TestFn>>({
    {"boolean", test_boolean},
    {"callable", test_callable},
    {"false", test_false},
    {"float", test_float},
    {"integer", test_integer},
    {"mapping", test_mapping},
    {"none", test_none},
    {"number", test_number},
    {"string", test_string},
    {"true", test_true},
});
static_assert(sorted_by_name(kTypeTests));

// The ip tests are in ipaddr.cc (apply_ip_test).
constexpr auto kValueTests = std::to_array<Named<TestFn>>({
    {"!=", test_ne},
    {"<", test_lt},
    {"<=", test_le},
    {"==", test_eq},
    {">", test_gt},
    {">=", test_ge},
    {"abs", test_on_managed_host},
    {"all", test_any_all},
    {"any", test_any_all},
    {"change", test_task_result},
    {"changed", test_task_result},
    {"contains", test_contains},
    {"directory", test_on_managed_host},
    {"divisibleby", test_divisibleby},
    {"eq", test_eq},
    {"equalto", test_eq},
    {"even", test_odd_even},
    {"exists", test_on_managed_host},
    {"failed", test_task_result},
    {"failure", test_task_result},
    {"falsy", test_truthy_falsy},
    {"file", test_on_managed_host},
    {"finished", test_task_result},
    {"ge", test_ge},
    {"greaterthan", test_gt},
    {"gt", test_gt},
    {"in", test_in},
    {"is_dir", test_on_managed_host},
    {"is_file", test_on_managed_host},
    {"is_link", test_on_managed_host},
    {"isnan", test_nan},
    {"issubset", test_subset_superset},
    {"issuperset", test_subset_superset},
    {"iterable", test_iterable},
    {"le", test_le},
    {"lessthan", test_lt},
    {"link", test_on_managed_host},
    {"lower", test_lower_upper},
    {"lt", test_lt},
    {"match", test_regex},
    {"mount", test_on_managed_host},
    {"nan", test_nan},
    {"ne", test_ne},
    {"odd", test_odd_even},
    {"reachable", test_task_result},
    {"regex", test_regex},
    {"resolvable", test_on_managed_host},
    {"same_file", test_on_managed_host},
    {"sameas", test_sameas},
    {"search", test_regex},
    {"sequence", test_sequence},
    {"skip", test_task_result},
    {"skipped", test_task_result},
    {"started", test_task_result},
    {"subset", test_subset_superset},
    {"succeeded", test_task_result},
    {"success", test_task_result},
    {"successful", test_task_result},
    {"superset", test_subset_superset},
    {"truthy", test_truthy_falsy},
    {"unreachable", test_task_result},
    {"upper", test_lower_upper},
    {"vault_encrypted", test_vault_encrypted},
    {"version", test_version},
    {"version_compare", test_version},
});
static_assert(sorted_by_name(kValueTests));

}  // namespace

bool apply_test(Evaluator& ev, const std::string& full, const Value& in, const CallArgs& a,
                Value& out) {
  const std::string name = short_name(full);
  const TestCall call{name, in, a, out};
  // ---- tests that look at undefined themselves ----
  if (TestFn raw = find_named(kRawTests, name)) return raw(call);
  if (in.is_unknown()) {
    out = in;
    return true;
  }
  for (const auto& v : a.pos)
    if (v.is_unknown()) {
      out = v;
      return true;
    }
  for (const auto& [k, v] : a.kw)
    if (v.is_unknown()) {
      out = v;
      return true;
    }

  if (TestFn type_test = find_named(kTypeTests, name)) return type_test(call);

  if (in.is_undefined()) undefined_abort("tested value");
  if (in.is_vault()) {
    if (name == "vault_encrypted") {
      out = Value(true);
      return true;
    }
    out = Value::unknown(opaque_reason(in));
    return true;
  }
  if (TestFn test = find_named(kValueTests, name)) return test(call);
  if (apply_ip_test(name, in, a, out)) return true;
  (void)ev;
  return false;
}

}  // namespace ksm::jinja
