// The evaluator: walks the syntax tree with Jinja/Python semantics over
// ksm::Value, three-valued (Unknown flows through values; an Unknown that
// decides output or control flow makes the whole render Unknown), bounded
// in steps and output size.
// The methods of str (`s.split(',')`) are a table of functions,
// kStrMethods, that Eval::method looks up.
#include <cmath>
#include <unordered_map>

#include <fmt/format.h>

#include "core/json.h"
#include "jinja/internal.h"
#include "jinja/render.h"

namespace ksm::jinja {

namespace {
Limits g_limits;
}
void set_limits(const Limits& l) {
  g_limits = l;
}
const Limits& limits() {
  return g_limits;
}

void undefined_abort(const std::string& what) {
  std::string w = what;
  if (w.empty() || w[0] != '\'') w = "'" + w + "'";
  throw EvalAbort{"undefined variable " + w, true};
}

namespace {

// Names Ansible always provides at run time; absent from the Context they
// are unknown (not undefined).
bool is_magic_name(std::string_view n) {
  static const char* names[] = {"hostvars",
                                "groups",
                                "group_names",
                                "inventory_hostname",
                                "inventory_hostname_short",
                                "play_hosts",
                                "ansible_play_hosts",
                                "ansible_play_batch",
                                "ansible_play_hosts_all",
                                "playbook_dir",
                                "inventory_dir",
                                "inventory_file",
                                "role_path",
                                "role_name",
                                "omit",
                                "ansible_check_mode",
                                "ansible_version",
                                "ansible_facts",
                                "environment",
                                "ansible_parent_role_names",
                                "ansible_run_tags",
                                "ansible_skip_tags",
                                "ansible_limit",
                                "ansible_loop_var"};
  for (const char* m : names)
    if (n == m) return true;
  return false;
}

const char* kGlobalFunctions[] = {"range", "dict",      "lookup", "query",  "q",     "now",
                                  "undef", "namespace", "lipsum", "cycler", "joiner"};
bool is_global_function(std::string_view n) {
  for (const char* g : kGlobalFunctions)
    if (n == g) return true;
  return false;
}

bool is_string_type_filter(const std::string& name) {
  std::string s = short_name(name);
  return s == "string" || s == "to_json" || s == "to_nice_json" || s == "to_yaml" ||
         s == "to_nice_yaml" || s == "ppretty" || s == "json";
}

std::string describe_plain(const Node& n) {
  switch (n.kind) {
    case NK::Name:
      return n.name;
    case NK::Getattr:
      return describe_plain(*n.kids[0]) + "." + n.name;
    case NK::Getitem:
      if (n.kids[1]->kind == NK::Literal)
        return describe_plain(*n.kids[0]) + "[" + to_python_repr(n.kids[1]->lit) + "]";
      return describe_plain(*n.kids[0]) + "[...]";
    case NK::Filter:
      return describe_plain(*n.kids[0]) + " | " + n.name;
    case NK::Call:
      return describe_plain(*n.kids[0]) + "(...)";
    default:
      return "expression";
  }
}
std::string describe_node(const Node& n) {
  return "'" + describe_plain(n) + "'";
}

struct Frame {
  std::vector<std::pair<std::string, Value>> vars;
  Value* find(std::string_view n) {
    for (auto it = vars.rbegin(); it != vars.rend(); ++it)
      if (it->first == n) return &it->second;
    return nullptr;
  }
  void set(const std::string& n, Value v) {
    if (Value* p = find(n))
      *p = std::move(v);
    else
      vars.emplace_back(n, std::move(v));
  }
};

Value slice_value(const Value& obj, const Value& a, const Value& b, const Value& c) {
  auto get = [](const Value& v, const char* what) -> std::optional<int64_t> {
    if (v.is_null() || v.is_undefined()) return std::nullopt;
    if (v.is_int()) return v.as_int();
    if (v.is_bool()) return v.as_bool() ? 1 : 0;
    abort_unknown(fmt::format("TypeError: slice {} must be an integer or None", what));
  };
  auto start = get(a, "start"), stop = get(b, "stop"), stepv = get(c, "step");
  int64_t step = stepv.value_or(1);
  if (step == 0) abort_unknown("ValueError: slice step cannot be zero");
  auto do_slice = [&](int64_t len, auto emit) {
    int64_t lo, hi;
    auto norm = [&](std::optional<int64_t> x, int64_t dflt, bool is_start) -> int64_t {
      if (!x) return dflt;
      int64_t v = *x;
      if (v < 0) v += len;
      if (step > 0) return std::clamp<int64_t>(v, 0, len);
      (void)is_start;
      return std::clamp<int64_t>(v, -1, len - 1);
    };
    if (step > 0) {
      lo = norm(start, 0, true);
      hi = norm(stop, len, false);
      for (int64_t i = lo; i < hi; i += step) emit(i);
    } else {
      lo = norm(start, len - 1, true);
      hi = norm(stop, -1, false);
      for (int64_t i = lo; i > hi; i += step) emit(i);
    }
  };
  if (obj.is_list()) {
    const List& l = obj.as_list();
    List out;
    do_slice(static_cast<int64_t>(l.size()), [&](int64_t i) { out.push_back(l[i]); });
    return Value(std::move(out));
  }
  if (obj.is_string()) {
    const std::string& s = obj.as_string();
    bool ascii = true;
    for (unsigned char ch : s)
      if (ch >= 0x80) {
        ascii = false;
        break;
      }
    std::string out;
    if (ascii) {
      do_slice(static_cast<int64_t>(s.size()), [&](int64_t i) { out += s[i]; });
    } else {
      auto chars = utf8_chars(s);
      do_slice(static_cast<int64_t>(chars.size()), [&](int64_t i) { out += chars[i]; });
    }
    return Value(out);
  }
  if (obj.is_undefined()) undefined_abort("sliced value");
  if (const Value* u = find_unknown(obj)) return *u;
  abort_unknown(fmt::format("TypeError: '{}' object is not subscriptable", py_type(obj)));
}

bool is_dict_method(std::string_view n) {
  static const char* m[] = {"keys", "values",     "items", "get",     "copy",    "update",
                            "pop",  "setdefault", "clear", "popitem", "fromkeys"};
  for (const char* x : m)
    if (n == x) return true;
  return false;
}

Value unknown_of(const Value& v) {
  if (v.is_unknown()) return v;
  if (const Value* u = find_unknown(v)) return Value::unknown(opaque_reason(*u));
  return Value::unknown("unknown");
}

// ---- methods of str: `s.name(args)` ----
bool is_py_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// One call of a str method, `s.name(args)`; each method below returns its value.
struct StrCall {
  Evaluator& ev;
  const std::string& s;
  const std::string& name;
  const CallArgs& args;

  // The positional argument i, or null.
  const Value* arg(size_t i) const { return i < args.pos.size() ? &args.pos[i] : nullptr; }
  // An optional int argument (None: the default).
  int64_t opt_int(size_t i, const char* kw, int64_t dflt) const {
    const Value* v = args.get(i, kw);
    if (!v || v->is_null()) return dflt;
    if (!v->is_int()) abort_unknown("TypeError: integer argument expected");
    return v->as_int();
  }
  // The positional str argument i, which the method requires.
  std::string need_str(size_t i) const {
    const Value* v = arg(i);
    if (!v) abort_unknown(fmt::format("TypeError: {}() missing argument", name));
    if (v->is_undefined()) undefined_abort(name + "() argument");
    if (!v->is_string())
      abort_unknown(fmt::format("TypeError: {}() argument must be str, not {}", name, py_type(*v)));
    return v->as_string();
  }
};
using StrMethodFn = Value (*)(const StrCall&);

// str.split() without a separator: the runs of non-whitespace, at most
// maxsplit splits (the rest, right-stripped, is the last part).
std::vector<std::string> split_whitespace(const std::string& s, int64_t maxsplit) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_py_space(s[i])) ++i;
    if (i >= s.size()) break;
    if (maxsplit >= 0 && static_cast<int64_t>(parts.size()) == maxsplit) {
      size_t e = s.size();
      while (e > i && is_py_space(s[e - 1])) --e;
      parts.push_back(s.substr(i, e - i));
      break;
    }
    size_t j = i;
    while (j < s.size() && !is_py_space(s[j])) ++j;
    parts.push_back(s.substr(i, j - i));
    i = j;
  }
  return parts;
}

// str.rsplit() without a separator: as split_whitespace, splitting from the right.
std::vector<std::string> rsplit_whitespace(const std::string& s, int64_t maxsplit) {
  std::vector<std::string> parts;
  int64_t i = static_cast<int64_t>(s.size()) - 1;
  while (i >= 0) {
    while (i >= 0 && is_py_space(s[i])) --i;
    if (i < 0) break;
    if (maxsplit >= 0 && static_cast<int64_t>(parts.size()) == maxsplit) {
      size_t b = 0;
      while (b < static_cast<size_t>(i) && is_py_space(s[b])) ++b;
      parts.push_back(s.substr(b, i - b + 1));
      break;
    }
    int64_t j = i;
    while (j >= 0 && !is_py_space(s[j])) --j;
    parts.push_back(s.substr(j + 1, i - j));
    i = j;
  }
  std::reverse(parts.begin(), parts.end());
  return parts;
}

// str.split(sep, maxsplit) with a non-empty separator.
std::vector<std::string> split_sep(Evaluator& ev, const std::string& s, const std::string& sep,
                                   int64_t maxsplit) {
  std::vector<std::string> parts;
  size_t pos = 0;
  while (true) {
    if (maxsplit >= 0 && static_cast<int64_t>(parts.size()) == maxsplit) break;
    size_t k = s.find(sep, pos);
    if (k == std::string::npos) break;
    parts.push_back(s.substr(pos, k - pos));
    pos = k + sep.size();
    ev.step();
  }
  parts.push_back(s.substr(pos));
  return parts;
}

// str.rsplit(sep, maxsplit) with a non-empty separator.
std::vector<std::string> rsplit_sep(Evaluator& ev, const std::string& s, const std::string& sep,
                                    int64_t maxsplit) {
  size_t end = s.size();
  std::vector<std::string> rev;
  while (true) {
    if (maxsplit >= 0 && static_cast<int64_t>(rev.size()) == maxsplit) break;
    if (end < sep.size()) break;
    size_t k = s.rfind(sep, end - sep.size());
    if (k == std::string::npos) break;
    rev.push_back(s.substr(k + sep.size(), end - k - sep.size()));
    end = k;
    ev.step();
  }
  rev.push_back(s.substr(0, end));
  return std::vector<std::string>(rev.rbegin(), rev.rend());
}

// split, rsplit
Value str_split_rsplit(const StrCall& call) {
  const std::string& s = call.s;
  const Value* sepv = call.args.get(0, "sep");
  int64_t maxsplit = call.opt_int(1, "maxsplit", -1);
  List out;
  if (!sepv || sepv->is_null()) {
    std::vector<std::string> parts =
        call.name == "split" ? split_whitespace(s, maxsplit) : rsplit_whitespace(s, maxsplit);
    for (auto& p : parts) out.push_back(Value(p));
    return Value(std::move(out));
  }
  if (sepv->is_undefined()) undefined_abort("split() separator");
  if (!sepv->is_string()) abort_unknown("TypeError: must be str or None");
  const std::string& sep = sepv->as_string();
  if (sep.empty()) abort_unknown("ValueError: empty separator");
  std::vector<std::string> parts = call.name == "split" ? split_sep(call.ev, s, sep, maxsplit)
                                                        : rsplit_sep(call.ev, s, sep, maxsplit);
  for (auto& p : parts) out.push_back(Value(p));
  return Value(std::move(out));
}

// startswith, endswith
Value str_startswith_endswith(const StrCall& call) {
  const std::string& s = call.s;
  const Value* p = call.arg(0);
  if (!p) abort_unknown("TypeError: missing argument");
  std::vector<std::string> cands;
  if (p->is_string())
    cands.push_back(p->as_string());
  else if (p->is_list()) {
    for (const auto& e : p->as_list()) {
      if (!e.is_string()) abort_unknown("TypeError: tuple for startswith must only contain str");
      cands.push_back(e.as_string());
    }
  } else if (p->is_undefined()) {
    undefined_abort(call.name + "() argument");
  } else {
    abort_unknown(fmt::format("TypeError: {} first arg must be str or a tuple of str, not {}",
                              call.name, py_type(*p)));
  }
  for (const auto& c : cands) {
    if (call.name == "startswith"
            ? s.rfind(c, 0) == 0
            : (s.size() >= c.size() && s.compare(s.size() - c.size(), c.size(), c) == 0))
      return Value(true);
  }
  return Value(false);
}

Value str_replace(const StrCall& call) {
  const std::string& s = call.s;
  std::string from = call.need_str(0), to = call.need_str(1);
  int64_t count = call.opt_int(2, "count", -1);
  std::string out;
  if (from.empty()) {
    // Python inserts `to` between every character
    auto chars = utf8_chars(s);
    int64_t n = 0;
    for (const auto& c : chars) {
      if (count < 0 || n < count) {
        out += to;
        ++n;
      }
      out += c;
    }
    if (count < 0 || n < count) out += to;
    return Value(out);
  }
  size_t pos = 0;
  int64_t n = 0;
  while (true) {
    size_t k = s.find(from, pos);
    if (k == std::string::npos || (count >= 0 && n >= count)) break;
    out.append(s, pos, k - pos);
    out += to;
    pos = k + from.size();
    ++n;
    call.ev.step();
  }
  out.append(s, pos);
  return Value(out);
}

// lower, upper
Value str_lower_upper(const StrCall& call) {
  const std::string& s = call.s;
  std::string out = s;
  for (auto& c : out)
    c = static_cast<char>(call.name == "lower" ? std::tolower(static_cast<unsigned char>(c))
                                               : std::toupper(static_cast<unsigned char>(c)));
  return Value(out);
}

// strip, lstrip, rstrip
Value str_strip(const StrCall& call) {
  const std::string& s = call.s;
  const Value* cv = call.arg(0);
  std::string chars;
  bool ws = !cv || cv->is_null();
  if (!ws) chars = call.need_str(0);
  auto strip_it = [&](char c) { return ws ? is_py_space(c) : chars.find(c) != std::string::npos; };
  size_t a = 0, b = s.size();
  if (call.name != "rstrip")
    while (a < b && strip_it(s[a])) ++a;
  if (call.name != "lstrip")
    while (b > a && strip_it(s[b - 1])) --b;
  return Value(s.substr(a, b - a));
}

Value str_format(const StrCall& call) {
  const std::string& s = call.s;
  for (const auto& [k, v] : call.args.kw)
    if (find_unknown(v)) return unknown_of(v);
  return py_str_format(s, call.args.pos, call.args.kw);
}

Value str_join(const StrCall& call) {
  const std::string& s = call.s;
  const Value* it = call.arg(0);
  if (!it) abort_unknown("TypeError: join() takes exactly one argument");
  if (it->is_undefined()) undefined_abort("join() argument");
  if (const Value* u = find_unknown(*it)) return Value::unknown(opaque_reason(*u));
  std::vector<std::string> items;
  if (it->is_list()) {
    for (const auto& e : it->as_list()) {
      if (!e.is_string())
        abort_unknown(
            fmt::format("TypeError: sequence item: expected str instance, {} found", py_type(e)));
      items.push_back(e.as_string());
    }
  } else if (it->is_map()) {
    for (const auto& [k, v] : it->as_map()) {
      if (it->as_map().key_type(k))
        abort_unknown("TypeError: sequence item: expected str instance, " +
                      py_type(*it->as_map().key_type(k)) + " found");
      items.push_back(k);
    }
  } else if (it->is_string()) {
    items = utf8_chars(it->as_string());
  } else {
    abort_unknown("TypeError: can only join an iterable");
  }
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? s : "") + items[i];
  return Value(out);
}

// find, rfind, index, rindex, count
Value str_find_index_count(const StrCall& call) {
  const std::string& s = call.s;
  std::string sub = call.need_str(0);
  if (call.name == "count") {
    if (sub.empty()) return Value(static_cast<int64_t>(utf8_len(s) + 1));
    int64_t c = 0;
    for (size_t k = s.find(sub); k != std::string::npos; k = s.find(sub, k + sub.size())) ++c;
    return Value(c);
  }
  size_t k = (call.name[0] == 'r') ? s.rfind(sub) : s.find(sub);
  if (k == std::string::npos) {
    if (call.name == "index" || call.name == "rindex")
      abort_unknown("ValueError: substring not found");
    return Value(static_cast<int64_t>(-1));
  }
  return Value(static_cast<int64_t>(utf8_len(s.substr(0, k))));
}

Value str_removeprefix(const StrCall& call) {
  const std::string& s = call.s;
  std::string p = call.need_str(0);
  return Value(s.rfind(p, 0) == 0 ? s.substr(p.size()) : s);
}

Value str_removesuffix(const StrCall& call) {
  const std::string& s = call.s;
  std::string p = call.need_str(0);
  if (!p.empty() && s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0)
    return Value(s.substr(0, s.size() - p.size()));
  return Value(s);
}

Value str_splitlines(const StrCall& call) {
  const std::string& s = call.s;
  List out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = i;
    while (j < s.size() && s[j] != '\n' && s[j] != '\r') ++j;
    out.push_back(Value(s.substr(i, j - i)));
    if (j < s.size() && s[j] == '\r' && j + 1 < s.size() && s[j + 1] == '\n') ++j;
    i = j + 1;
  }
  return Value(std::move(out));
}

// isdigit, isnumeric, isdecimal, isalpha, isalnum, isspace, islower, isupper
Value str_is_class(const StrCall& call) {
  const std::string& s = call.s;
  if (s.empty()) return Value(false);
  bool cased = false;
  for (unsigned char c : s) {
    bool ok = call.name == "isalpha"   ? std::isalpha(c)
              : call.name == "isalnum" ? std::isalnum(c)
              : call.name == "isspace" ? is_py_space(c)
              : call.name == "islower" ? !std::isupper(c)
              : call.name == "isupper" ? !std::islower(c)
                                       : std::isdigit(c);
    if (c >= 0x80) return Value::unknown("non-ASCII str." + call.name + "()");
    if (std::isalpha(c)) cased = true;
    if (!ok) return Value(false);
  }
  if ((call.name == "islower" || call.name == "isupper") && !cased) return Value(false);
  return Value(true);
}

// title, capitalize: as the filters
Value str_title_capitalize(const StrCall& call) {
  CallArgs fargs;
  fargs.pos = call.args.pos;
  fargs.kw = call.args.kw;
  return call.ev.call_filter(call.name, Value(call.s), fargs);
}

Value str_zfill(const StrCall& call) {
  const std::string& s = call.s;
  int64_t w = call.opt_int(0, "width", 0);
  std::string body = s;
  std::string sign;
  if (!body.empty() && (body[0] == '-' || body[0] == '+')) {
    sign = body.substr(0, 1);
    body = body.substr(1);
  }
  int64_t len = static_cast<int64_t>(utf8_len(s));
  if (len >= w) return Value(s);
  if (static_cast<uint64_t>(w - len) > limits().max_output)
    throw EvalAbort{"evaluation limit (size) exceeded", false};
  return Value(sign + std::string(w - len, '0') + body);
}

constexpr auto kStrMethods = std::to_array<Named<StrMethodFn>>({
    {"capitalize", str_title_capitalize},
    {"count", str_find_index_count},
    {"endswith", str_startswith_endswith},
    {"find", str_find_index_count},
    {"format", str_format},
    {"index", str_find_index_count},
    {"isalnum", str_is_class},
    {"isalpha", str_is_class},
    {"isdecimal", str_is_class},
    {"isdigit", str_is_class},
    {"islower", str_is_class},
    {"isnumeric", str_is_class},
    {"isspace", str_is_class},
    {"isupper", str_is_class},
    {"join", str_join},
    {"lower", str_lower_upper},
    {"lstrip", str_strip},
    {"removeprefix", str_removeprefix},
    {"removesuffix", str_removesuffix},
    {"replace", str_replace},
    {"rfind", str_find_index_count},
    {"rindex", str_find_index_count},
    {"rsplit", str_split_rsplit},
    {"rstrip", str_strip},
    {"split", str_split_rsplit},
    {"splitlines", str_splitlines},
    {"startswith", str_startswith_endswith},
    {"strip", str_strip},
    {"title", str_title_capitalize},
    {"upper", str_lower_upper},
    {"zfill", str_zfill},
});
static_assert(sorted_by_name(kStrMethods));

Value string_method(Evaluator& ev, const std::string& s, const std::string& name,
                    const CallArgs& args) {
  if (StrMethodFn method = find_named(kStrMethods, name)) return method(StrCall{ev, s, name, args});
  abort_unknown(fmt::format(
      "AttributeError: 'str' object has no attribute '{}' (or it is not supported)", name));
}

// One step budget for a render and every render it starts through lookups
// (a variable whose template loops over another such variable would
// otherwise multiply the budgets): the outermost Eval of the thread resets it.
thread_local uint64_t g_steps = 0;
thread_local int g_evals = 0;

class Eval : public Evaluator {
 public:
  Eval(Context& ctx) : ctx_(ctx) {
    if (g_evals++ == 0) g_steps = 0;
    frames_.emplace_back();
  }
  ~Eval() override { --g_evals; }
  Eval(const Eval&) = delete;
  Eval& operator=(const Eval&) = delete;

  void step(uint64_t n = 1) override {
    g_steps += n;
    if (g_steps > limits().max_steps) throw EvalAbort{"evaluation limit (steps) exceeded", false};
  }

  // ---- names ----
  Value lookup(const std::string& name) {
    for (auto it = frames_.rbegin(); it != frames_.rend(); ++it)
      if (Value* v = it->find(name)) return *v;
    Value v = ctx_.lookup(name);
    if (!v.is_undefined()) return v;
    if (is_magic_name(name))
      return Value::unknown(fmt::format("magic variable '{}' is not known here", name));
    if (name.rfind("ansible_", 0) == 0)
      return Value::unknown(
          fmt::format("'{}' is a fact or connection variable only known at run time", name));
    return v;
  }
  // base[key] for a plain variable the context can give one element of.
  std::optional<Value> member(const Node& base, const Value& key) {
    if (base.kind != NK::Name) return std::nullopt;
    for (auto it = frames_.rbegin(); it != frames_.rend(); ++it)
      if (it->find(base.name)) return std::nullopt;
    return ctx_.lookup_member(base.name, key);
  }
  bool is_bound(const std::string& name) {
    for (auto it = frames_.rbegin(); it != frames_.rend(); ++it)
      if (it->find(name)) return true;
    return !ctx_.lookup(name).is_undefined();
  }

  // ---- expressions ----
  Value eval(const Node& n) {
    step();
    switch (n.kind) {
      case NK::Literal:
        return n.lit;
      case NK::Name: {
        Value v = lookup(n.name);
        if (v.is_undefined() && is_global_function(n.name))
          return Value::unknown(fmt::format("function '{}' used as a value", n.name));
        return v;
      }
      case NK::List:
      case NK::Tuple: {
        List l;
        l.reserve(n.kids.size());
        for (const auto& k : n.kids) l.push_back(eval(*k));
        return Value(std::move(l));
      }
      case NK::Dict:
        return eval_dict(n);
      case NK::Getattr: {
        if (auto m = member(*n.kids[0], Value(n.name))) return *m;
        return attribute(eval(*n.kids[0]), n.name);
      }
      case NK::Getitem: {
        if (n.kids[0]->kind == NK::Name) {
          Value key = eval(*n.kids[1]);
          if (auto m = member(*n.kids[0], key)) return *m;
          return item(eval(*n.kids[0]), key);
        }
        return item(eval(*n.kids[0]), eval(*n.kids[1]));
      }
      case NK::Slice: {
        Value obj = eval(*n.kids[0]);
        Value a = n.kids[1] ? eval(*n.kids[1]) : Value();
        Value b = n.kids[2] ? eval(*n.kids[2]) : Value();
        Value c = n.kids[3] ? eval(*n.kids[3]) : Value();
        for (const Value* x : {&obj, &a, &b, &c})
          if (x->is_unknown()) return *x;
        return slice_value(obj, a, b, c);
      }
      case NK::Call:
        return call(n);
      case NK::Filter: {
        Value input = eval(*n.kids[0]);
        CallArgs args = eval_args(n);
        return call_filter_node(n, input, args);
      }
      case NK::Test: {
        Value input = eval(*n.kids[0]);
        CallArgs args = eval_args(n);
        Value r = call_test(n.name, input, args);
        if (n.negated && r.is_bool()) return Value(!r.as_bool());
        return r;
      }
      case NK::Neg:
      case NK::Pos:
        return eval_unary(n);
      case NK::Not: {
        Value why;
        auto t = cond(*n.kids[0], &why);
        if (!t) return why;
        return Value(!*t);
      }
      case NK::And:
        return eval_and(n);
      case NK::Or:
        return eval_or(n);
      case NK::Binary:
        return binary(n.name, eval(*n.kids[0]), eval(*n.kids[1]), n);
      case NK::Concat:
        return eval_concat(n);
      case NK::Compare:
        return compare(n);
      case NK::CondExpr: {
        Value why;
        auto t = cond(*n.kids[1], &why);
        if (!t) return why;
        if (*t) return eval(*n.kids[0]);
        if (!n.kids[2]) return lenient_undefined();
        return eval(*n.kids[2]);
      }
      default:
        abort_unknown("internal: statement evaluated as expression");
    }
  }

  // {k: v, ...}: keys must be hashable.
  Value eval_dict(const Node& n) {
    Map m;
    for (size_t i = 0; i + 1 < n.kids.size(); i += 2) {
      Value k = eval(*n.kids[i]);
      Value v = eval(*n.kids[i + 1]);
      if (k.is_unknown()) return k;
      if (k.is_undefined()) undefined_abort(describe_node(*n.kids[i]));
      if (!k.is_string() && !k.is_int() && !k.is_bool() && !k.is_float() && !k.is_null())
        abort_unknown(fmt::format("TypeError: unhashable type: '{}'", py_type(k)));
      m.set_typed(k, std::move(v));
    }
    return Value(std::move(m));
  }

  // -x, +x
  Value eval_unary(const Node& n) {
    Value v = eval(*n.kids[0]);
    if (v.is_unknown()) return v;
    if (v.is_undefined()) undefined_abort(describe_node(*n.kids[0]));
    if (v.is_int()) {
      if (n.kind == NK::Pos) return v;
      if (v.as_int() == INT64_MIN)
        abort_unknown("integer past the 64-bit range (Python's big integers are not modelled)");
      return Value(-v.as_int());
    }
    if (v.is_bool())
      return Value(static_cast<int64_t>(n.kind == NK::Neg ? -v.as_bool() : v.as_bool()));
    if (v.is_float()) return n.kind == NK::Neg ? Value(-v.as_float()) : v;
    if (v.is_vault()) return Value::unknown(opaque_reason(v));
    abort_unknown(fmt::format("TypeError: bad operand type for unary {}: '{}'",
                              n.kind == NK::Neg ? "-" : "+", py_type(v)));
  }

  // a and b
  Value eval_and(const Node& n) {
    Value a = eval(*n.kids[0]);
    auto t = truth(a, *n.kids[0]);
    if (t && !*t) return a;
    Value b = eval(*n.kids[1]);
    if (!t) {
      // unknown and b: false if b is known false, else unknown
      auto tb = truth_soft(b);
      if (tb && !*tb) return b;
      return unknown_of(a);
    }
    return b;
  }

  // a or b
  Value eval_or(const Node& n) {
    Value a = eval(*n.kids[0]);
    auto t = truth(a, *n.kids[0]);
    if (t && *t) return a;
    Value b = eval(*n.kids[1]);
    if (!t) {
      auto tb = truth_soft(b);
      if (tb && *tb) return unknown_of(a);  // value would be a or b: which one is unknown
      return unknown_of(a);
    }
    return b;
  }

  // a ~ b: str() of both, a lenient Undefined as ''
  Value eval_concat(const Node& n) {
    Value a = eval(*n.kids[0]);
    Value b = eval(*n.kids[1]);
    if (a.is_undefined()) undefined_abort(describe_node(*n.kids[0]));
    if (b.is_undefined()) undefined_abort(describe_node(*n.kids[1]));
    if (is_lenient_undefined(a)) a = Value("");  // str(Undefined()) == ''
    if (is_lenient_undefined(b)) b = Value("");
    if (const Value* u = find_unknown(a)) return Value::unknown(opaque_reason(*u));
    if (const Value* u = find_unknown(b)) return Value::unknown(opaque_reason(*u));
    return Value(py_str(finalize_str(a)) + py_str(finalize_str(b)));
  }

  static Value finalize_str(const Value& v) { return v; }

  // Truthiness; Undefined aborts (Ansible's StrictUndefined), unknown → nullopt.
  std::optional<bool> truth(const Value& v, const Node& from) {
    if (v.is_undefined()) undefined_abort(describe_node(from));
    return truthy(v);
  }
  // Truth of a condition, three-valued (Kleene): `U and false` is false,
  // `U or true` is true, whatever U turns out to be. When the left side is
  // unknown, an error on the right side (which Python might never have
  // evaluated) makes the result unknown rather than an error.
  std::optional<bool> cond(const Node& n, Value* why) {
    if (n.kind == NK::And || n.kind == NK::Or) {
      bool is_and = n.kind == NK::And;
      auto l = cond(*n.kids[0], why);
      if (l && *l != is_and) return l;  // false and ... / true or ...
      Value why_r;
      std::optional<bool> r;
      if (l) {
        r = cond(*n.kids[1], &why_r);
      } else {
        try {
          r = cond(*n.kids[1], &why_r);
        } catch (const EvalAbort&) {
          return std::nullopt;
        }
      }
      if (r && *r != is_and) return r;
      if (l && r) return r;
      if (l) *why = why_r;
      return std::nullopt;
    }
    if (n.kind == NK::Not) {
      auto t = cond(*n.kids[0], why);
      if (!t) return t;
      return !*t;
    }
    Value v = eval(n);
    auto t = truth(v, n);
    if (!t) *why = unknown_of(v);
    return t;
  }

  static std::optional<bool> truth_soft(const Value& v) {
    if (v.is_undefined()) return std::nullopt;
    return truthy(v);
  }

  CallArgs eval_args(const Node& n) {
    CallArgs a;
    size_t first = (n.kind == NK::Filter || n.kind == NK::Test || n.kind == NK::Call) ? 1 : 0;
    for (size_t i = first; i < n.kids.size(); ++i) a.pos.push_back(eval(*n.kids[i]));
    for (const auto& [k, v] : n.kwargs) a.kw.emplace_back(k, eval(*v));
    return a;
  }

  Value attribute(const Value& obj, const std::string& attr) override {
    switch (obj.kind()) {
      case Kind::Undefined:
        return obj;  // AnsibleUndefined.__getattr__ returns itself
      case Kind::Unknown:
        return obj;
      case Kind::Vault:
        return Value::unknown(opaque_reason(obj));
      case Kind::Map: {
        if (is_dict_method(attr))
          return Value::unknown(fmt::format("bound method dict.{} used as a value", attr));
        if (const Value* v = obj.as_map().find(attr); v && !obj.as_map().key_type(attr)) return *v;
        return Value::undefined();
      }
      default:
        return Value::undefined();
    }
  }

  Value item(const Value& obj, const Value& key) {
    if (obj.is_unknown()) return obj;
    // A key not known yet may be missing: the item may be undefined.
    if (key.is_unknown()) return obj.is_map() || obj.is_list() ? maybe_undefined(key) : key;
    if (obj.is_vault()) return Value::unknown(opaque_reason(obj));
    if (obj.is_undefined()) return obj;
    if (key.is_undefined()) undefined_abort("subscript");
    if (obj.is_map()) {
      if (key.is_list() || key.is_map())
        abort_unknown(fmt::format("TypeError: unhashable type: '{}'", py_type(key)));
      if (const Value* v = obj.as_map().find_key(key)) return *v;
      return Value::undefined();
    }
    if (obj.is_list()) {
      if (key.is_int() || key.is_bool()) {
        int64_t i = key.is_bool() ? key.as_bool() : key.as_int();
        int64_t len = static_cast<int64_t>(obj.as_list().size());
        if (i < 0) i += len;
        if (i < 0 || i >= len) return Value::undefined();
        return obj.as_list()[i];
      }
      return Value::undefined();
    }
    if (obj.is_string()) {
      if (key.is_int()) {
        auto chars = utf8_chars(obj.as_string());
        int64_t i = key.as_int();
        int64_t len = static_cast<int64_t>(chars.size());
        if (i < 0) i += len;
        if (i < 0 || i >= len) return Value::undefined();
        return Value(chars[i]);
      }
      return Value::undefined();
    }
    return Value::undefined();
  }

  // seq * times for a str or list seq, within the output limit.
  Value repeat(const Value& seq, int64_t times) {
    int64_t k = std::max<int64_t>(0, times);
    size_t unit = seq.is_string() ? seq.as_string().size() : seq.as_list().size();
    if (unit == 0) k = 0;  // '' * 10**12 is '' at once, not a trillion appends
    if (k > 0 && unit > limits().max_output / static_cast<size_t>(k))
      throw EvalAbort{"evaluation limit (size) exceeded", false};
    step(unit * k);
    if (seq.is_string()) {
      std::string s;
      for (int64_t i = 0; i < k; ++i) s += seq.as_string();
      return Value(s);
    }
    List l;
    for (int64_t i = 0; i < k; ++i) l.insert(l.end(), seq.as_list().begin(), seq.as_list().end());
    return Value(std::move(l));
  }

  Value binary(const std::string& op, const Value& a, const Value& b, const Node& n) {
    if (a.is_undefined()) undefined_abort(describe_node(*n.kids[0]));
    if (b.is_undefined()) undefined_abort(describe_node(*n.kids[1]));
    if (a.is_unknown() || a.is_vault()) return unknown_of(a);
    if (b.is_unknown() || b.is_vault()) return unknown_of(b);
    auto isnum = [](const Value& v) { return v.is_int() || v.is_float() || v.is_bool(); };
    auto ival = [](const Value& v) -> int64_t { return v.is_bool() ? v.as_bool() : v.as_int(); };
    auto dval = [](const Value& v) -> double { return v.is_bool() ? v.as_bool() : v.as_number(); };
    bool both_int = (a.is_int() || a.is_bool()) && (b.is_int() || b.is_bool());
    auto type_error = [&]() -> Value {
      abort_unknown(fmt::format("TypeError: unsupported operand type(s) for {}: '{}' and '{}'", op,
                                py_type(a), py_type(b)));
    };
    if (op == "+") {
      if (both_int) {
        int64_t r;
        if (__builtin_add_overflow(ival(a), ival(b), &r)) return Value::unknown("integer overflow");
        return Value(r);
      }
      if (isnum(a) && isnum(b)) return Value(dval(a) + dval(b));
      if (a.is_string() && b.is_string()) return Value(a.as_string() + b.as_string());
      if (a.is_list() && b.is_list()) {
        List l = a.as_list();
        l.insert(l.end(), b.as_list().begin(), b.as_list().end());
        step(l.size());
        return Value(std::move(l));
      }
      if (a.is_string() || b.is_string())
        abort_unknown(fmt::format("TypeError: can only concatenate {} (not \"{}\") to {}",
                                  py_type(a), py_type(b), py_type(a)));
      return type_error();
    }
    if (op == "-") {
      if (both_int) {
        int64_t r;
        if (__builtin_sub_overflow(ival(a), ival(b), &r)) return Value::unknown("integer overflow");
        return Value(r);
      }
      if (isnum(a) && isnum(b)) return Value(dval(a) - dval(b));
      return type_error();
    }
    if (op == "*") {
      if (both_int) {
        int64_t r;
        if (__builtin_mul_overflow(ival(a), ival(b), &r)) return Value::unknown("integer overflow");
        return Value(r);
      }
      if (isnum(a) && isnum(b)) return Value(dval(a) * dval(b));
      const Value* seq = a.is_string() || a.is_list()   ? &a
                         : b.is_string() || b.is_list() ? &b
                                                        : nullptr;
      const Value* cnt = seq == &a ? &b : &a;
      if (seq && (cnt->is_int() || cnt->is_bool())) return repeat(*seq, ival(*cnt));
      if (seq)
        abort_unknown(fmt::format("TypeError: can't multiply sequence by non-int of type '{}'",
                                  py_type(*cnt)));
      return type_error();
    }
    if (op == "/") {
      if (!(isnum(a) && isnum(b))) return type_error();
      if (dval(b) == 0) abort_unknown("ZeroDivisionError: division by zero");
      return Value(dval(a) / dval(b));
    }
    if (op == "//") {
      if (!(isnum(a) && isnum(b))) return type_error();
      if (dval(b) == 0) abort_unknown("ZeroDivisionError: integer division or modulo by zero");
      if (both_int) {
        int64_t x = ival(a), y = ival(b);
        if (x == INT64_MIN && y == -1)
          abort_unknown("integer past the 64-bit range (Python's big integers are not modelled)");
        int64_t q = x / y;
        if ((x % y != 0) && ((x < 0) != (y < 0))) --q;
        return Value(q);
      }
      return Value(std::floor(dval(a) / dval(b)));
    }
    if (op == "%") {
      if (a.is_string()) return py_percent_format(a.as_string(), b);
      if (!(isnum(a) && isnum(b))) return type_error();
      if (dval(b) == 0) abort_unknown("ZeroDivisionError: integer division or modulo by zero");
      if (both_int) {
        int64_t x = ival(a), y = ival(b);
        if (y == -1) return Value(static_cast<int64_t>(0));  // INT64_MIN % -1 overflows in C++
        int64_t r = x % y;
        if (r != 0 && ((r < 0) != (y < 0))) r += y;
        return Value(r);
      }
      double x = dval(a), y = dval(b);
      double r = std::fmod(x, y);
      if (r != 0 && ((r < 0) != (y < 0))) r += y;
      return Value(r);
    }
    if (op == "**") {
      if (!(isnum(a) && isnum(b))) return type_error();
      if (both_int && ival(b) >= 0) {
        int64_t base = ival(a), e = ival(b), r = 1;
        for (int64_t i = 0; i < e; ++i) {
          if (__builtin_mul_overflow(r, base, &r)) return Value::unknown("integer overflow");
          if (i > 64 && (base == 0 || base == 1 || base == -1)) break;
        }
        if ((base == -1) && e > 64) r = (e % 2) ? -1 : 1;
        return Value(r);
      }
      return Value(std::pow(dval(a), dval(b)));
    }
    abort_unknown("unsupported operator " + op);
  }

  // Python `a in b`; returns Unknown when it depends on an unknown.
  Value contains(const Value& needle, const Value& hay) {
    if (hay.is_undefined()) undefined_abort("right operand of 'in'");
    if (needle.is_undefined()) undefined_abort("left operand of 'in'");
    if (hay.is_unknown() || hay.is_vault()) return unknown_of(hay);
    if (needle.is_unknown()) return needle;
    if (hay.is_string()) {
      if (!needle.is_string()) {
        if (needle.is_vault()) return unknown_of(needle);
        abort_unknown(fmt::format(
            "TypeError: 'in <string>' requires string as left operand, not {}", py_type(needle)));
      }
      return Value(hay.as_string().find(needle.as_string()) != std::string::npos);
    }
    if (hay.is_list()) {
      step(hay.as_list().size());
      if (const Value* u = find_unknown(needle)) return Value::unknown(opaque_reason(*u));
      const Value* unk = nullptr;
      for (const auto& e : hay.as_list()) {
        if (const Value* u = find_unknown(e)) {
          if (!unk) unk = u;
          continue;
        }
        if (e == needle) return Value(true);
      }
      if (unk) return Value::unknown(opaque_reason(*unk));
      return Value(false);
    }
    if (hay.is_map()) {
      if (needle.is_list() || needle.is_map())
        abort_unknown(fmt::format("TypeError: unhashable type: '{}'", py_type(needle)));
      return Value(hay.as_map().find_key(needle) != nullptr);
    }
    abort_unknown(fmt::format("TypeError: argument of type '{}' is not iterable", py_type(hay)));
  }

  Value compare_one(const std::string& op, const Value& a, const Value& b) {
    if (op == "in") return contains(a, b);
    if (op == "notin") {
      Value r = contains(a, b);
      return r.is_bool() ? Value(!r.as_bool()) : r;
    }
    if (op == "==" || op == "!=") {
      // StrictUndefined raises on ==
      if (a.is_undefined() || b.is_undefined()) undefined_abort("operand of " + op);
      if (const Value* u = find_unknown(a)) return Value::unknown(opaque_reason(*u));
      if (const Value* u = find_unknown(b)) return Value::unknown(opaque_reason(*u));
      bool eq = a == b;
      return Value(op == "==" ? eq : !eq);
    }
    if (a.is_undefined() || b.is_undefined()) undefined_abort("operand of " + op);
    if (const Value* u = find_unknown(a)) return Value::unknown(opaque_reason(*u));
    if (const Value* u = find_unknown(b)) return Value::unknown(opaque_reason(*u));
    if (!((a.is_int() || a.is_float() || a.is_bool()) &&
          (b.is_int() || b.is_float() || b.is_bool())) &&
        !(a.is_string() && b.is_string()) && !(a.is_list() && b.is_list()))
      abort_unknown(fmt::format("TypeError: '{}' not supported between instances of '{}' and '{}'",
                                op, py_type(a), py_type(b)));
    int c = py_cmp(a, b);
    if (op == "<") return Value(c < 0);
    if (op == "<=") return Value(c <= 0);
    if (op == ">") return Value(c > 0);
    return Value(c >= 0);
  }

  Value compare(const Node& n) {
    Value left = eval(*n.kids[0]);
    Value result(true);
    std::optional<Value> unknown;
    for (size_t i = 0; i < n.ops.size(); ++i) {
      Value right = eval(*n.kids[i + 1]);
      Value r = compare_one(n.ops[i], left, right);
      if (r.is_unknown()) {
        if (!unknown) unknown = r;
      } else if (!r.as_bool()) {
        return Value(false);
      }
      left = right;
    }
    if (unknown) return *unknown;
    return result;
  }

  // ---- calls ----
  Value call(const Node& n) {
    const Node& callee = *n.kids[0];
    if (callee.kind == NK::Getattr) {
      Value obj = eval(*callee.kids[0]);
      CallArgs args = eval_args(n);
      return method(obj, callee.name, args, callee);
    }
    if (callee.kind == NK::Name) {
      CallArgs args = eval_args(n);
      Value fn = lookup(callee.name);
      if (!fn.is_undefined()) {
        if (fn.is_unknown()) return fn;
        abort_unknown(fmt::format("TypeError: '{}' object is not callable", py_type(fn)));
      }
      return global_call(callee.name, args);
    }
    Value fn = eval(callee);
    if (fn.is_unknown()) return fn;
    if (fn.is_undefined()) undefined_abort(describe_node(callee));
    abort_unknown(fmt::format("TypeError: '{}' object is not callable", py_type(fn)));
  }

  Value global_call(const std::string& name, const CallArgs& args) {
    for (const auto& v : args.pos)
      if (v.is_unknown()) return v;
    if (name == "range") {
      std::vector<int64_t> p;
      for (const auto& v : args.pos) {
        if (v.is_undefined()) undefined_abort("range argument");
        if (!v.is_int() && !v.is_bool())
          abort_unknown(fmt::format("TypeError: '{}' object cannot be interpreted as an integer",
                                    py_type(v)));
        p.push_back(v.is_bool() ? v.as_bool() : v.as_int());
      }
      int64_t start = 0, stop = 0, st = 1;
      if (p.size() == 1)
        stop = p[0];
      else if (p.size() == 2) {
        start = p[0];
        stop = p[1];
      } else if (p.size() == 3) {
        start = p[0];
        stop = p[1];
        st = p[2];
      } else
        abort_unknown("TypeError: range expected 1 to 3 arguments");
      if (st == 0) abort_unknown("ValueError: range() arg 3 must not be zero");
      List l;
      for (int64_t i = start; st > 0 ? i < stop : i > stop;) {
        step();
        l.push_back(Value(i));
        if (__builtin_add_overflow(i, st, &i)) break;  // past int64 is past stop
      }
      return Value(std::move(l));
    }
    if (name == "dict") {
      Map m;
      if (!args.pos.empty()) {
        const Value& src = args.pos[0];
        if (src.is_map())
          m = src.as_map();
        else if (src.is_list()) {
          for (const auto& pair : src.as_list()) {
            if (!pair.is_list() || pair.as_list().size() != 2)
              return Value::unknown("dict() of items that are not pairs is not supported");
            const Value& k = pair.as_list()[0];
            if (!k.is_string() && !k.is_int() && !k.is_bool() && !k.is_float() && !k.is_null())
              return Value::unknown("dict() of pairs with a key of type " + py_type(k) +
                                    " is not supported");
            m.set_typed(k, pair.as_list()[1]);
          }
        } else {
          abort_unknown(fmt::format("TypeError: '{}' object is not iterable", py_type(src)));
        }
      }
      for (const auto& [k, v] : args.kw) m.set(k, v);
      return Value(std::move(m));
    }
    if (name == "lookup" || name == "query" || name == "q") {
      std::string plugin =
          !args.pos.empty() && args.pos[0].is_string() ? args.pos[0].as_string() : "?";
      if (plugin == "vars" || plugin == "ansible.builtin.vars") {
        List out;
        for (size_t i = 1; i < args.pos.size(); ++i) {
          const Value& term = args.pos[i];
          if (!term.is_string()) abort_unknown("lookup('vars'): invalid term");
          Value v = lookup(term.as_string());
          if (v.is_undefined()) {
            if (const Value* d = args.get(99, "default"))
              v = *d;
            else
              undefined_abort("'" + term.as_string() + "' (lookup vars)");
          }
          out.push_back(v);
        }
        if (name == "lookup" && out.size() == 1) return out[0];
        if (name == "lookup") {
          // lookup joins with "," unless wantlist
          std::string s;
          for (size_t i = 0; i < out.size(); ++i) s += (i ? "," : "") + py_str(out[i]);
          return Value(s);
        }
        return Value(std::move(out));
      }
      return Value::unknown(fmt::format("{}('{}') is only known at run time", name, plugin));
    }
    if (name == "now") return Value::unknown("now() is only known at run time");
    if (name == "undef") return Value::undefined();
    return Value::unknown(fmt::format("unsupported function '{}'", name));
  }

  Value method(const Value& obj, const std::string& name, const CallArgs& args,
               const Node& callee) {
    if (obj.is_unknown()) return obj;
    if (obj.is_vault()) return unknown_of(obj);
    if (obj.is_undefined()) undefined_abort(describe_node(callee));
    for (const auto& v : args.pos)
      if (v.is_unknown()) return v;
    auto arg = [&](size_t i) -> const Value* {
      return i < args.pos.size() ? &args.pos[i] : nullptr;
    };
    if (obj.is_map()) {
      const Map& m = obj.as_map();
      if (name == "keys") {
        List l;
        for (const auto& [k, v] : m) l.push_back(m.key_value(k));
        return Value(std::move(l));
      }
      if (name == "values") {
        List l;
        for (const auto& [k, v] : m) l.push_back(v);
        return Value(std::move(l));
      }
      if (name == "items") {
        List l;
        for (const auto& [k, v] : m) l.push_back(Value(List{m.key_value(k), v}));
        return Value(std::move(l));
      }
      if (name == "get") {
        const Value* k = arg(0);
        if (!k) abort_unknown("TypeError: get expected at least 1 argument");
        if (k->is_undefined()) undefined_abort("get() key");
        if (k->is_list() || k->is_map())
          abort_unknown(fmt::format("TypeError: unhashable type: '{}'", py_type(*k)));
        if (const Value* v = m.find_key(*k)) return *v;
        if (const Value* d = arg(1)) return *d;
        return Value(nullptr);
      }
      if (name == "copy") return obj;
      if (is_dict_method(name))
        return Value::unknown(fmt::format("mutating method dict.{}() is not supported", name));
      if (const Value* v = m.find(name)) {
        if (v->is_unknown()) return *v;
        abort_unknown(fmt::format("TypeError: '{}' object is not callable", py_type(*v)));
      }
      undefined_abort(describe_node(callee));
    }
    if (obj.is_string()) return string_method(*this, obj.as_string(), name, args);
    if (obj.is_list()) {
      const List& l = obj.as_list();
      if (name == "index" || name == "count") {
        const Value* x = arg(0);
        if (!x) abort_unknown("TypeError: missing argument");
        int64_t c = 0;
        for (size_t i = 0; i < l.size(); ++i) {
          if (find_unknown(l[i])) return Value::unknown(opaque_reason(*find_unknown(l[i])));
          if (l[i] == *x) {
            if (name == "index") return Value(static_cast<int64_t>(i));
            ++c;
          }
        }
        if (name == "index") abort_unknown("ValueError: value is not in list");
        return Value(c);
      }
      if (name == "copy") return obj;
      if (name == "append" || name == "extend" || name == "insert" || name == "pop" ||
          name == "remove" || name == "sort" || name == "reverse" || name == "clear")
        return Value::unknown(fmt::format("mutating method list.{}() is not supported", name));
    }
    if (obj.is_int() || obj.is_float() || obj.is_bool()) {
      if (name == "is_integer" && obj.is_float())
        return Value(std::floor(obj.as_float()) == obj.as_float());
    }
    abort_unknown(
        fmt::format("AttributeError: '{}' object has no attribute '{}'", py_type(obj), name));
  }

  Value call_filter_node(const Node& n, const Value& input, const CallArgs& args) {
    try {
      return call_filter(n.name, input, args);
    } catch (EvalAbort& a) {
      if (a.undefined && a.reason == "undefined variable 'value'")
        a.reason = "undefined variable " + describe_node(*n.kids[0]);
      throw;
    }
  }

  Value call_filter(const std::string& name, const Value& input, const CallArgs& args) override {
    step();
    Value out;
    if (!apply_filter(*this, name, input, args, out))
      return Value::unknown(fmt::format("unsupported filter '{}'", name));
    return out;
  }
  Value call_test(const std::string& name, const Value& input, const CallArgs& args) override {
    step();
    Value out;
    if (!apply_test(*this, name, input, args, out))
      return Value::unknown(fmt::format("unsupported test '{}'", name));
    return out;
  }

  // ---- statements ----
  void emit(const std::string& s) {
    out_ += s;
    ++nodes_;
    if (out_.size() > limits().max_output)
      throw EvalAbort{"evaluation limit (output size) exceeded", false};
  }

  void exec(const std::vector<NodeP>& stmts) {
    for (const auto& sp : stmts) exec_one(*sp);
  }

  void exec_one(const Node& n) {
    step();
    switch (n.kind) {
      case NK::Text:
        emit(n.name);
        return;
      case NK::Output: {
        Value v = eval(*n.kids[0]);
        if (v.is_undefined()) undefined_abort(describe_node(*n.kids[0]));
        if (is_lenient_undefined(v)) v = Value("");  // prints as ''
        if (v.is_null()) {
          emit("");
        } else {
          if (const Value* u = find_unknown(v)) abort_unknown(opaque_reason(*u));
          check_no_undefined(v, *n.kids[0]);
          emit(to_python_str(v));
        }
        last_value_ = v;
        last_native_text_ = n.kids[0]->kind == NK::Filter && is_string_type_filter(n.kids[0]->name);
        return;
      }
      case NK::If: {
        for (size_t i = 0; i < n.conds.size(); ++i) {
          Value why;
          auto t = cond(*n.conds[i], &why);
          if (!t) abort_unknown("condition is unknown: " + opaque_reason(why));
          if (*t) {
            exec(n.bodies[i]);
            return;
          }
        }
        if (n.has_else) exec(n.bodies.back());
        return;
      }
      case NK::For:
        return exec_for(n);
      case NK::Set: {
        Value v = eval(*n.kids[0]);
        assign(n.targets, v);
        return;
      }
      case NK::SetBlock: {
        std::string saved = std::move(out_);
        size_t saved_nodes = nodes_;
        out_.clear();
        exec(n.bodies[0]);
        Value v(out_);
        out_ = std::move(saved);
        nodes_ = saved_nodes;
        for (const auto& f : n.conds) {
          CallArgs a = eval_args(*f);
          // filter node built without the input kid: all kids are args
          a.pos.clear();
          for (const auto& k : f->kids) a.pos.push_back(eval(*k));
          v = call_filter(f->name, v, a);
        }
        assign(n.targets, v);
        return;
      }
      default:
        abort_unknown("internal: expression executed as statement");
    }
  }

  void check_no_undefined(const Value& v, const Node& from) {
    if (v.is_undefined()) undefined_abort(describe_node(from));
    if (v.is_list())
      for (const auto& e : v.as_list()) check_no_undefined(e, from);
    if (v.is_map())
      for (const auto& [k, e] : v.as_map()) check_no_undefined(e, from);
  }

  void assign(const std::vector<std::string>& targets, const Value& v) {
    if (targets.size() == 1) {
      frames_.back().set(targets[0], v);
      return;
    }
    if (v.is_unknown()) {
      for (const auto& t : targets) frames_.back().set(t, v);
      return;
    }
    if (v.is_undefined()) undefined_abort("unpacked value");
    List items;
    if (v.is_list())
      items = v.as_list();
    else if (v.is_string())
      for (auto& c : utf8_chars(v.as_string())) items.push_back(Value(c));
    else if (v.is_map())
      for (const auto& [k, e] : v.as_map()) items.push_back(v.as_map().key_value(k));
    else
      abort_unknown(fmt::format("TypeError: cannot unpack non-iterable {} object", py_type(v)));
    if (items.size() != targets.size())
      abort_unknown(fmt::format("ValueError: expected {} values to unpack, got {}", targets.size(),
                                items.size()));
    for (size_t i = 0; i < targets.size(); ++i) frames_.back().set(targets[i], items[i]);
  }

  void exec_for(const Node& n) {
    Value it = eval(*n.conds[0]);
    if (it.is_undefined()) undefined_abort(describe_node(*n.conds[0]));
    if (it.is_unknown() || it.is_vault())
      abort_unknown("loop over unknown: " + opaque_reason(unknown_of(it)));
    List items;
    if (it.is_list())
      items = it.as_list();
    else if (it.is_map())
      for (const auto& [k, v] : it.as_map()) items.push_back(it.as_map().key_value(k));
    else if (it.is_string())
      for (auto& c : utf8_chars(it.as_string())) items.push_back(Value(c));
    else
      abort_unknown(fmt::format("TypeError: '{}' object is not iterable", py_type(it)));
    if (n.recursive) abort_unknown("unsupported: recursive for loop");
    // filter first (Jinja: loop.length counts filtered items)
    if (n.conds.size() > 1) {
      List kept;
      for (const auto& item : items) {
        frames_.emplace_back();
        assign(n.targets, item);
        Value why;
        auto t = cond(*n.conds[1], &why);
        frames_.pop_back();
        if (!t) abort_unknown("loop filter is unknown: " + opaque_reason(why));
        if (*t) kept.push_back(item);
      }
      items = std::move(kept);
    }
    if (items.empty()) {
      if (n.has_else) exec(n.bodies[1]);
      return;
    }
    int64_t len = static_cast<int64_t>(items.size());
    for (int64_t i = 0; i < len; ++i) {
      step();
      frames_.emplace_back();
      Map loop;
      loop.set("index", Value(i + 1));
      loop.set("index0", Value(i));
      loop.set("revindex", Value(len - i));
      loop.set("revindex0", Value(len - i - 1));
      loop.set("first", Value(i == 0));
      loop.set("last", Value(i == len - 1));
      loop.set("length", Value(len));
      loop.set("depth", Value(static_cast<int64_t>(1)));
      loop.set("depth0", Value(static_cast<int64_t>(0)));
      loop.set("previtem", i > 0 ? items[i - 1] : Value::undefined());
      loop.set("nextitem", i + 1 < len ? items[i + 1] : Value::undefined());
      frames_.back().set("loop", Value(std::move(loop)));
      assign(n.targets, items[i]);
      exec(n.bodies[0]);
      frames_.pop_back();
    }
  }

  Context& ctx_;
  std::vector<Frame> frames_;
  std::string out_;
  size_t nodes_ = 0;
  Value last_value_;
  bool last_native_text_ = false;
};
}  // namespace

RenderResult render_body(const Body& body, Context& ctx) {
  RenderResult r;
  Eval ev(ctx);
  try {
    ev.exec(body.stmts);
    r.text = std::move(ev.out_);
    r.nodes = ev.nodes_;
    r.single_value = ev.last_value_;
    r.single_native_text = ev.last_native_text_;
    r.ok = true;
  } catch (const EvalAbort& a) {
    r.ok = false;
    r.reason = a.reason;
    r.undefined = a.undefined;
  }
  return r;
}

Value eval_expression(const Node& expr, Context& ctx, bool* undefined_error) {
  Eval ev(ctx);
  try {
    return ev.eval(expr);
  } catch (const EvalAbort& a) {
    if (undefined_error) *undefined_error = a.undefined;
    return Value::unknown(a.reason);
  }
}

const Value* CallArgs::get(size_t i, std::string_view kwname) const {
  if (i < pos.size()) return &pos[i];
  for (const auto& [k, v] : kw)
    if (k == kwname) return &v;
  return nullptr;
}

}  // namespace ksm::jinja
