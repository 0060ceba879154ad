// Jinja's built-in filters and Ansible's (ansible-core 2.14 and the
// ansible.utils ipaddr family, see ipaddr.cc), written after their Python
// sources so edge cases agree: `unique` is case-insensitive by default,
// `bool` maps None to None, `int` falls back to 0, `union` keeps order for
// lists, `combine` merges like Ansible's merge_hash. Filters whose result
// cannot be known here (random, hashes with salts, to_yaml's layout) give
// Unknown with a reason.
//
// One function per filter (or per family sharing its code: min/max, the set
// operations, ...); apply_filter looks the name up in two tables of them:
// the filters that see undefined and unknown inputs themselves, then, once
// unknowns are propagated and undefined inputs rejected, all the others.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include <cstring>
#include <unordered_set>

#include "core/json.h"
#include "core/number.h"
#include "core/yaml.h"
#include "jinja/internal.h"

namespace ksm::jinja {

std::string short_name(const std::string& name) {
  static const char* prefixes[] = {"ansible.builtin.", "ansible.utils.", "ansible.netcommon.",
                                   "community.general.", "ansible.legacy."};
  for (const char* p : prefixes) {
    size_t n = std::strlen(p);
    if (name.compare(0, n, p) == 0) return name.substr(n);
  }
  return name;
}

namespace {

// ---- Python json.dumps (strings: core/json.h with ensure_ascii) ----
std::string py_float_repr(double d) {
  return to_python_str(Value(d));
}

void json_dump(std::string& out, const Value& v, int indent, bool sort_keys, int depth,
               const std::string& item_sep, const std::string& key_sep, bool html) {
  const JsonQuote py{.ensure_ascii = true, .html = html};  // json.dumps' defaults, tojson's html
  auto nl = [&](int d) {
    if (indent < 0) return;
    out += '\n';
    out.append(static_cast<size_t>(indent * d), ' ');
  };
  switch (v.kind()) {
    case Kind::Null:
      out += "null";
      return;
    case Kind::Bool:
      out += v.as_bool() ? "true" : "false";
      return;
    case Kind::Int:
      out += std::to_string(v.as_int());
      return;
    case Kind::Float: {
      double d = v.as_float();
      if (std::isnan(d))
        out += "NaN";
      else if (std::isinf(d))
        out += d > 0 ? "Infinity" : "-Infinity";
      else
        out += py_float_repr(d);
      return;
    }
    case Kind::String:
      append_json_quoted(out, v.as_string(), py);
      return;
    case Kind::List: {
      const List& l = v.as_list();
      if (l.empty()) {
        out += "[]";
        return;
      }
      out += '[';
      for (size_t i = 0; i < l.size(); ++i) {
        if (i) out += item_sep;
        nl(depth + 1);
        json_dump(out, l[i], indent, sort_keys, depth + 1, item_sep, key_sep, html);
      }
      nl(depth);
      out += ']';
      return;
    }
    case Kind::Map: {
      const Map& m = v.as_map();
      if (m.empty()) {
        out += "{}";
        return;
      }
      std::vector<const Map::Entry*> es;
      for (const auto& e : m) es.push_back(&e);
      if (sort_keys) {
        if (m.has_typed_keys())  // Python compares the keys themselves
          abort_unknown("to_json with sort_keys of a dict with non-string keys");
        std::stable_sort(es.begin(), es.end(),
                         [](auto* a, auto* b) { return a->first < b->first; });
      }
      out += '{';
      for (size_t i = 0; i < es.size(); ++i) {
        if (i) out += item_sep;
        nl(depth + 1);
        // json.dumps writes a non-string key as JSON would write the value
        const Value* t = m.key_type(es[i]->first);
        if (t && t->is_bool())
          append_json_quoted(out, t->as_bool() ? "true" : "false", py);
        else if (t && t->is_null())
          append_json_quoted(out, "null", py);
        else
          append_json_quoted(out, es[i]->first, py);
        out += key_sep;
        json_dump(out, es[i]->second, indent, sort_keys, depth + 1, item_sep, key_sep, html);
      }
      nl(depth);
      out += '}';
      return;
    }
    case Kind::Undefined:
      undefined_abort("value");
    default:
      abort_unknown(opaque_reason(v));
  }
}

// ---- helpers ----
// Python iteration: list items, dict keys, string characters.
List iterate(const Value& v, const char* what) {
  if (v.is_list()) return v.as_list();
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
  if (v.is_undefined()) undefined_abort("value");
  abort_unknown(fmt::format("TypeError: '{}' object is not iterable ({})", py_type(v), what));
}

std::string lower_ascii(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
std::string upper_ascii(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}
bool has_non_ascii(const std::string& s) {
  for (unsigned char c : s)
    if (c >= 0x80) return true;
  return false;
}

// Jinja's ignore_case postprocess for sort/unique/min/max.
Value ignore_case(const Value& v) {
  if (v.is_string()) return Value(lower_ascii(v.as_string()));
  return v;
}

// Jinja's make_attrgetter: "a.b.0" walks getitem with integer parts.
Value get_attr_path(Evaluator& ev, const Value& item, const Value& attribute) {
  if (attribute.is_int()) {
    if (item.is_list()) {
      int64_t i = attribute.as_int();
      const List& l = item.as_list();
      if (i < 0) i += static_cast<int64_t>(l.size());
      if (i < 0 || i >= static_cast<int64_t>(l.size())) return Value::undefined();
      return l[i];
    }
    return Value::undefined();
  }
  if (!attribute.is_string()) abort_unknown("attribute must be a string");
  const std::string& path = attribute.as_string();
  Value cur = item;
  size_t pos = 0;
  while (true) {
    size_t dot = path.find('.', pos);
    std::string part = path.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
    if (cur.is_unknown()) return cur;
    auto idx = parse_py_int(part);
    bool digits = !part.empty() && std::all_of(part.begin(), part.end(), ::isdigit);
    if (digits && idx && cur.is_list()) {
      const List& l = cur.as_list();
      cur = *idx < static_cast<int64_t>(l.size()) ? l[*idx] : Value::undefined();
    } else if (cur.is_map()) {
      const Value* v = cur.as_map().find_key(Value(part));
      cur = v ? *v : Value::undefined();
    } else {
      cur = ev.attribute(cur, part);
    }
    if (dot == std::string::npos) break;
    pos = dot + 1;
  }
  return cur;
}

const Value* first_unknown_arg(const CallArgs& a) {
  for (const auto& v : a.pos)
    if (v.is_unknown()) return &v;
  for (const auto& [k, v] : a.kw)
    if (v.is_unknown()) return &v;
  return nullptr;
}

bool arg_bool(const CallArgs& a, size_t i, const char* kw, bool dflt) {
  const Value* v = a.get(i, kw);
  if (!v) return dflt;
  auto t = truthy(*v);
  if (!t) abort_unknown(opaque_reason(*v));
  return *t;
}

std::string arg_str(const CallArgs& a, size_t i, const char* kw, const std::string& dflt) {
  const Value* v = a.get(i, kw);
  if (!v) return dflt;
  return py_str(*v);
}

// Ansible's merge_hash (ansible.utils.vars).
Value merge_hash(const Value& x, const Value& y, bool recursive, const std::string& list_merge) {
  if (!x.is_map() || !y.is_map())
    abort_unknown(fmt::format(
        "AnsibleError: failed to combine variables, expected dicts but got a '{}' and a '{}'",
        py_type(x), py_type(y)));
  if (x.as_map().empty() || x == y) return y;
  Map out = x.as_map();
  if (!recursive && list_merge == "replace") {
    for (const auto& [k, v] : y.as_map()) {
      out.set(k, v);
      out.copy_key_type(y.as_map(), k);
    }
    return Value(std::move(out));
  }
  for (const auto& [k, yv] : y.as_map()) {
    Value* xv = out.find(k);
    if (!xv) {
      out.set(k, yv);
      out.copy_key_type(y.as_map(), k);
      continue;
    }
    if (xv->is_map() && yv.is_map()) {
      *xv = recursive ? merge_hash(*xv, yv, recursive, list_merge) : yv;
      continue;
    }
    if (xv->is_list() && yv.is_list()) {
      const List& a = xv->as_list();
      const List& b = yv.as_list();
      List r;
      if (list_merge == "replace")
        r = b;
      else if (list_merge == "keep")
        r = a;
      else if (list_merge == "append") {
        r = a;
        r.insert(r.end(), b.begin(), b.end());
      } else if (list_merge == "prepend") {
        r = b;
        r.insert(r.end(), a.begin(), a.end());
      } else if (list_merge == "append_rp") {
        for (const auto& z : a)
          if (std::find(b.begin(), b.end(), z) == b.end()) r.push_back(z);
        r.insert(r.end(), b.begin(), b.end());
      } else if (list_merge == "prepend_rp") {
        r = b;
        for (const auto& z : a)
          if (std::find(b.begin(), b.end(), z) == b.end()) r.push_back(z);
      } else {
        abort_unknown("AnsibleFilterError: combine: invalid list_merge '" + list_merge + "'");
      }
      *xv = Value(std::move(r));
      continue;
    }
    *xv = yv;
  }
  return Value(std::move(out));
}

List flatten(const List& l, std::optional<int64_t> levels, bool skip_nulls) {
  List ret;
  for (const auto& e : l) {
    if (skip_nulls &&
        (e.is_null() || (e.is_string() && (e.as_string() == "None" || e.as_string() == "null"))))
      continue;
    if (e.is_list()) {
      if (!levels) {
        List sub = flatten(e.as_list(), std::nullopt, skip_nulls);
        ret.insert(ret.end(), sub.begin(), sub.end());
      } else if (*levels >= 1) {
        List sub = flatten(e.as_list(), *levels - 1, skip_nulls);
        ret.insert(ret.end(), sub.begin(), sub.end());
      } else {
        ret.push_back(e);
      }
    } else {
      ret.push_back(e);
    }
  }
  return ret;
}

// A set of values with Python's equality: strings (equal only to strings)
// hashed, everything else compared one by one (1 == 1.0 == True). Keeps
// unique/union/intersect/difference linear over host lists of thousands.
class ValueSet {
 public:
  bool contains(const Value& v) const {
    if (v.is_string()) return strings_.count(v.as_string()) > 0;
    for (const auto& o : others_)
      if (o == v) return true;
    return false;
  }
  // False when an equal value is already in.
  bool insert(const Value& v) {
    if (v.is_string()) return strings_.insert(v.as_string()).second;
    if (contains(v)) return false;
    others_.push_back(v);
    return true;
  }
  size_t others() const { return others_.size(); }

 private:
  std::unordered_set<std::string> strings_;
  List others_;
};

// Jinja/Ansible unique: first occurrence wins, case-insensitive by default.
List unique_list(const List& l, bool case_sensitive, const Value* attribute, Evaluator& ev) {
  List out;
  ValueSet keys;
  for (const auto& x : l) {
    Value k = attribute ? get_attr_path(ev, x, *attribute) : x;
    if (!case_sensitive) k = ignore_case(k);
    ev.step(keys.others() / 16 + 1);
    if (keys.insert(k)) out.push_back(x);
  }
  return out;
}

const char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string b64encode(const std::string& in) {
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (static_cast<unsigned char>(in[i]) << 16) |
                 (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out += kB64[(n >> 18) & 63];
    out += kB64[(n >> 12) & 63];
    out += kB64[(n >> 6) & 63];
    out += kB64[n & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t n = static_cast<unsigned char>(in[i]) << 16;
    out += kB64[(n >> 18) & 63];
    out += kB64[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t n =
        (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += kB64[(n >> 18) & 63];
    out += kB64[(n >> 12) & 63];
    out += kB64[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

// Python's base64.b64decode (non-alphabet characters are discarded, padding required).
std::optional<std::string> b64decode(const std::string& in) {
  std::string clean;
  for (char c : in) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=') clean += c;
  }
  size_t eq = clean.find('=');
  std::string body = eq == std::string::npos ? clean : clean.substr(0, eq);
  if (body.size() % 4 == 1) return std::nullopt;
  if ((body.size() + (clean.size() - body.size())) % 4 != 0) return std::nullopt;
  std::string out;
  uint32_t buf = 0;
  int bits = 0;
  for (char c : body) {
    const char* p = std::strchr(kB64, c);
    if (!p) return std::nullopt;
    buf = (buf << 6) | static_cast<uint32_t>(p - kB64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buf >> bits) & 0xFF);
    }
  }
  return out;
}

bool valid_utf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (!n || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

std::string shlex_quote(const std::string& s) {
  if (s.empty()) return "''";
  bool safe = true;
  for (unsigned char c : s)
    if (!(std::isalnum(c) || std::strchr("@%+=:,./-_", c))) {
      safe = false;
      break;
    }
  if (safe) return s;
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\"'\"'";
    else
      out += c;
  }
  return out + "'";
}

std::string py_capitalize(const std::string& s) {
  if (s.empty()) return s;
  std::string r = lower_ascii(s);
  r[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(r[0])));
  return r;
}

std::string py_title(const std::string& s) {
  // Jinja do_title: capitalize words split on spaces, brackets, braces, hyphens
  std::string r;
  bool start = true;
  for (char c : s) {
    if (start && std::isalpha(static_cast<unsigned char>(c))) {
      r += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      start = false;
    } else {
      r += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (!std::isalnum(static_cast<unsigned char>(c)) && std::strchr(" \t\n\r-({[<", c))
        start = true;
      else if (std::isalpha(static_cast<unsigned char>(c)))
        start = false;
    }
  }
  return r;
}

// Python's `x in container` for the set filters (lists by equality).
// str.split(sep=None, maxsplit=-1), for the `split` filter.
Value str_split(Evaluator& ev, const std::string& s, const CallArgs& a) {
  const Value* sepv = a.get(0, "sep");
  const Value* mv = a.get(1, "maxsplit");
  int64_t maxsplit = mv && mv->is_int() ? mv->as_int() : -1;
  List r;
  if (!sepv || sepv->is_null()) {
    size_t i = 0;
    auto sp = [](char c) {
      return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    };
    while (i < s.size()) {
      while (i < s.size() && sp(s[i])) ++i;
      if (i >= s.size()) break;
      if (maxsplit >= 0 && static_cast<int64_t>(r.size()) == maxsplit) {
        size_t e = s.size();
        while (e > i && sp(s[e - 1])) --e;
        r.push_back(Value(s.substr(i, e - i)));
        break;
      }
      size_t j = i;
      while (j < s.size() && !sp(s[j])) ++j;
      r.push_back(Value(s.substr(i, j - i)));
      i = j;
    }
  } else {
    if (!sepv->is_string()) abort_unknown("TypeError: must be str or None");
    const std::string& sep = sepv->as_string();
    if (sep.empty()) abort_unknown("ValueError: empty separator");
    size_t pos = 0;
    while (!(maxsplit >= 0 && static_cast<int64_t>(r.size()) == maxsplit)) {
      size_t k = s.find(sep, pos);
      if (k == std::string::npos) break;
      r.push_back(Value(s.substr(pos, k - pos)));
      pos = k + sep.size();
      ev.step();
    }
    r.push_back(Value(s.substr(pos)));
  }
  return Value(std::move(r));
}

}  // namespace

std::string python_json_dumps(const Value& v, int indent, bool sort_keys, bool html) {
  std::string out;
  if (indent >= 0)
    json_dump(out, v, indent, sort_keys, 0, ",", ": ", html);
  else
    json_dump(out, v, -1, sort_keys, 0, ", ", ": ", html);
  return out;
}

namespace {

// One application of a filter, `in | name(args)`: each filter below reads it,
// writes its result to `out` and returns true (as apply_filter does for a
// filter it knows).
struct FilterCall {
  Evaluator& ev;
  const std::string& name;  // short_name(): without `ansible.builtin.` & co.
  const Value& in;
  const CallArgs& args;
  Value& out;

  // False, with `out` set to the Unknown, when v holds an unknown anywhere.
  bool concrete(const Value& v) const {
    if (const Value* u = find_unknown(v)) {
      out = Value::unknown(opaque_reason(*u));
      return false;
    }
    return true;
  }
};
using FilterFn = bool (*)(const FilterCall&);

// ---- filters that look at undefined/unknown inputs themselves ----
// default, d
bool filter_default(const FilterCall& call) {
  const Value* dv = call.args.get(0, "default_value");
  Value dflt = dv ? *dv : Value("");
  bool boolean = false;
  if (const Value* b = call.args.get(1, "boolean")) {
    auto t = truthy(*b);
    if (!t) {
      call.out = *b;
      return true;
    }
    boolean = *t;
  }
  if (call.in.is_undefined() || is_lenient_undefined(call.in)) {
    call.out = dflt;
    return true;
  }
  if (call.in.is_unknown()) {
    call.out = call.in;
    return true;
  }
  if (boolean) {
    auto t = truthy(call.in);
    if (!t) {
      call.out = Value::unknown(opaque_reason(call.in));
      return true;
    }
    call.out = *t ? call.in : dflt;
    return true;
  }
  call.out = call.in;
  return true;
}

bool filter_mandatory(const FilterCall& call) {
  if (call.in.is_undefined()) {
    const Value* msg = call.args.get(0, "msg");
    if (msg && msg->is_string()) abort_unknown("mandatory: " + msg->as_string());
    undefined_abort("mandatory value");
  }
  call.out = call.in;
  return true;
}

bool filter_type_debug(const FilterCall& call) {
  if (call.in.is_unknown()) {
    call.out = call.in;
    return true;
  }
  switch (call.in.kind()) {
    case Kind::Undefined:
      call.out = Value("AnsibleUndefined");
      return true;
    case Kind::Null:
      call.out = Value("NoneType");
      return true;
    case Kind::Bool:
      call.out = Value("bool");
      return true;
    case Kind::Int:
      call.out = Value("int");
      return true;
    case Kind::Float:
      call.out = Value("float");
      return true;
    default:
      call.out = Value::unknown(fmt::format(
          "type_debug of a {} depends on where it came from (e.g. str vs AnsibleUnicode)",
          py_type(call.in)));
      return true;
  }
}

// Filters whose result depends on the run (random, dates, files, vault, ...)
// or on a layout not modelled here (to_yaml): Unknown, but an undefined input
// is still an error (except for `random`).
bool filter_unknowable(const FilterCall& call) {
  if (call.in.is_undefined() && call.name != "random") undefined_abort("value");
  call.out = Value::unknown(fmt::format("filter '{}' is not evaluated here", call.name));
  return true;
}

// hash, checksum, md5, sha1 (even of an undefined input)
bool filter_not_evaluated_hash(const FilterCall& call) {
  call.out = Value::unknown(fmt::format("filter '{}' is not evaluated here", call.name));
  return true;
}

// ---- type conversion ----
bool filter_bool(const FilterCall& call) {
  if (call.in.is_null() || call.in.is_bool()) {
    call.out = call.in;
    return true;
  }
  if (call.in.is_string()) {
    std::string s = lower_ascii(call.in.as_string());
    call.out = Value(s == "yes" || s == "on" || s == "1" || s == "true");
    return true;
  }
  call.out = Value((call.in.is_int() || call.in.is_float()) && call.in.as_number() == 1);
  return true;
}

bool filter_int(const FilterCall& call) {
  int64_t dflt = 0;
  const Value* dv = call.args.get(0, "default");
  int base = 10;
  if (const Value* b = call.args.get(1, "base")) {
    if (!b->is_int()) abort_unknown("int: base must be an integer");
    base = static_cast<int>(b->as_int());
  }
  if (call.in.is_int()) {
    call.out = call.in;
    return true;
  }
  if (call.in.is_bool()) {
    call.out = Value(static_cast<int64_t>(call.in.as_bool()));
    return true;
  }
  if (call.in.is_float()) {
    double d = call.in.as_float();
    if (std::isnan(d) || std::isinf(d)) {
      call.out = dv ? *dv : Value(dflt);
      return true;
    }
    auto n = truncate_to_int64(d);
    if (!n)
      abort_unknown(
          "int: the value is past the 64-bit range (Python's big integers are not modelled)");
    call.out = Value(*n);
    return true;
  }
  if (call.in.is_string()) {
    if (auto n = parse_py_int(call.in.as_string(), base)) {
      call.out = Value(*n);
      return true;
    }
    if (auto f = parse_py_float(call.in.as_string()); f && std::isfinite(*f)) {
      auto n = truncate_to_int64(*f);
      if (!n)
        abort_unknown(
            "int: the value is past the 64-bit range (Python's big integers are not modelled)");
      call.out = Value(*n);
      return true;
    }
  }
  call.out = dv ? *dv : Value(dflt);
  return true;
}

bool filter_float(const FilterCall& call) {
  const Value* dv = call.args.get(0, "default");
  if (call.in.is_float()) {
    call.out = call.in;
    return true;
  }
  if (call.in.is_int() || call.in.is_bool()) {
    call.out = Value(call.in.is_bool() ? (call.in.as_bool() ? 1.0 : 0.0)
                                       : static_cast<double>(call.in.as_int()));
    return true;
  }
  if (call.in.is_string())
    if (auto f = parse_py_float(call.in.as_string())) {
      call.out = Value(*f);
      return true;
    }
  call.out = dv ? *dv : Value(0.0);
  return true;
}

bool filter_string(const FilterCall& call) {
  if (!call.concrete(call.in)) return true;
  call.out = Value(py_str(call.in));
  return true;
}

bool filter_list(const FilterCall& call) {
  if (!call.concrete(call.in) && !call.in.is_list()) return true;
  call.out = Value(iterate(call.in, "list"));
  return true;
}

// ---- strings ----
// lower, upper, capitalize, title
bool filter_case(const FilterCall& call) {
  if (!call.concrete(call.in)) return true;
  std::string s = py_str(call.in);
  if (has_non_ascii(s)) {
    call.out = Value::unknown("case conversion of non-ASCII text is not supported");
    return true;
  }
  call.out = Value(call.name == "lower"        ? lower_ascii(s)
                   : call.name == "upper"      ? upper_ascii(s)
                   : call.name == "capitalize" ? py_capitalize(s)
                                               : py_title(s));
  return true;
}

bool filter_trim(const FilterCall& call) {
  if (!call.concrete(call.in)) return true;
  std::string s = py_str(call.in);
  const Value* cv = call.args.get(0, "chars");
  auto strip_it = [&](char c) {
    if (cv && !cv->is_null()) return py_str(*cv).find(c) != std::string::npos;
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  };
  size_t b = 0, e = s.size();
  while (b < e && strip_it(s[b])) ++b;
  while (e > b && strip_it(s[e - 1])) --e;
  call.out = Value(s.substr(b, e - b));
  return true;
}

bool filter_replace(const FilterCall& call) {
  if (!call.concrete(call.in)) return true;
  std::string s = py_str(call.in);
  if (call.args.pos.size() < 2 && !call.args.get(1, "new"))
    abort_unknown("TypeError: replace() missing arguments");
  std::string from = py_str(*call.args.get(0, "old")), to = py_str(*call.args.get(1, "new"));
  const Value* cnt = call.args.get(2, "count");
  int64_t count = cnt && cnt->is_int() ? cnt->as_int() : -1;
  std::string r;
  size_t pos = 0;
  int64_t n = 0;
  if (from.empty()) {
    auto chars = utf8_chars(s);
    for (const auto& c : chars) {
      if (count < 0 || n < count) {
        r += to;
        ++n;
      }
      r += c;
    }
    if (count < 0 || n < count) r += to;
    call.out = Value(r);
    return true;
  }
  while (true) {
    size_t k = s.find(from, pos);
    if (k == std::string::npos || (count >= 0 && n >= count)) break;
    r.append(s, pos, k - pos);
    r += to;
    pos = k + from.size();
    ++n;
  }
  r.append(s, pos);
  call.out = Value(r);
  return true;
}

bool filter_split(const FilterCall& call) {
  if (!call.in.is_string())
    abort_unknown(fmt::format(
        "TypeError: descriptor 'split' for 'str' objects doesn't apply to a '{}' object",
        py_type(call.in)));
  call.out = str_split(call.ev, call.in.as_string(), call.args);
  return true;
}

bool filter_format(const FilterCall& call) {
  if (!call.concrete(call.in)) return true;
  std::string f = py_str(call.in);
  if (!call.args.kw.empty()) {
    Map m;
    for (const auto& [k, v] : call.args.kw) m.set(k, v);
    call.out = py_percent_format(f, Value(std::move(m)));
  } else {
    call.out = py_percent_format(f, Value(List(call.args.pos)));
  }
  return true;
}

bool filter_regex_replace(const FilterCall& call) {
  if (!call.concrete(call.in)) return true;
  std::string s = py_str(call.in);
  std::string pat = arg_str(call.args, 0, "pattern", "");
  std::string repl = arg_str(call.args, 1, "replacement", "");
  bool ic = arg_bool(call.args, 2, "ignorecase", false),
       ml = arg_bool(call.args, 3, "multiline", false);
  auto re = compile_regex(pat, ic, ml);
  call.out = Value(regex_sub(*re, s, repl));
  return true;
}

bool filter_regex_search(const FilterCall& call) {
  if (!call.concrete(call.in)) return true;
  std::string s = py_str(call.in);
  std::string pat = arg_str(call.args, 0, "regex", "");
  std::vector<std::string> groups;
  for (size_t i = 1; i < call.args.pos.size(); ++i) {
    std::string g = py_str(call.args.pos[i]);
    if (g.rfind("\\g<", 0) == 0 && g.back() == '>')
      groups.push_back(g.substr(3, g.size() - 4));
    else if (g.size() > 1 && g[0] == '\\' && std::isdigit(static_cast<unsigned char>(g[1])))
      groups.push_back(g.substr(1));
    else
      abort_unknown("AnsibleFilterError: Unknown argument");
  }
  bool ic = false, ml = false;
  for (const auto& [k, v] : call.args.kw) {
    if (k == "ignorecase") ic = truthy(v).value_or(false);
    if (k == "multiline") ml = truthy(v).value_or(false);
  }
  auto re = compile_regex(pat, ic, ml);
  ReMatch m = regex_exec(*re, s, ReMode::Search);
  if (!m.ok) {
    call.out = Value(nullptr);
    return true;
  }
  if (groups.empty()) {
    call.out = Value(*m.groups[0]);
    return true;
  }
  List l;
  for (const auto& g : groups) {
    int idx = -1;
    for (const auto& [n, i] : m.names)
      if (n == g) idx = i;
    if (idx < 0) {
      auto n = parse_py_int(g);
      if (!n || *n >= static_cast<int64_t>(m.groups.size()))
        abort_unknown("IndexError: no such group");
      idx = static_cast<int>(*n);
    }
    l.push_back(m.groups[idx] ? Value(*m.groups[idx]) : Value(nullptr));
  }
  call.out = Value(std::move(l));
  return true;
}

bool filter_regex_findall(const FilterCall& call) {
  if (!call.concrete(call.in)) return true;
  std::string s = py_str(call.in);
  std::string pat = arg_str(call.args, 0, "regex", "");
  bool ml = arg_bool(call.args, 1, "multiline", false),
       ic = arg_bool(call.args, 2, "ignorecase", false);
  auto re = compile_regex(pat, ic, ml);
  List l;
  for (const auto& m : regex_findall(*re, s)) {
    if (m.groups.size() == 1)
      l.push_back(Value(*m.groups[0]));
    else if (m.groups.size() == 2)
      l.push_back(Value(m.groups[1].value_or("")));
    else {
      List t;
      for (size_t g = 1; g < m.groups.size(); ++g) t.push_back(Value(m.groups[g].value_or("")));
      l.push_back(Value(std::move(t)));
    }
  }
  call.out = Value(std::move(l));
  return true;
}

bool filter_regex_escape(const FilterCall& call) {
  std::string s = py_str(call.in);
  std::string re_type = arg_str(call.args, 0, "re_type", "python");
  if (re_type != "python") {
    call.out = Value::unknown("regex_escape re_type " + re_type);
    return true;
  }
  std::string r;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
          static_cast<unsigned char>(c) >= 0x80))
      r += '\\';
    r += c;
  }
  call.out = Value(r);
  return true;
}

// basename, dirname
bool filter_basename_dirname(const FilterCall& call) {
  std::string p = py_str(call.in);
  size_t k = p.rfind('/');
  if (call.name == "basename") {
    call.out = Value(k == std::string::npos ? p : p.substr(k + 1));
    return true;
  }
  std::string head = k == std::string::npos ? "" : p.substr(0, k + 1);
  // os.path.dirname strips trailing slashes unless head is all slashes
  if (!head.empty() && head.find_first_not_of('/') != std::string::npos)
    while (!head.empty() && head.back() == '/') head.pop_back();
  call.out = Value(head);
  return true;
}

bool filter_splitext(const FilterCall& call) {
  std::string p = py_str(call.in);
  size_t slash = p.rfind('/');
  size_t dot = p.rfind('.');
  size_t base = slash == std::string::npos ? 0 : slash + 1;
  // leading dots of the basename don't start an extension
  size_t first_non_dot = p.find_first_not_of('.', base);
  if (dot == std::string::npos || dot < base || first_non_dot == std::string::npos ||
      dot < first_non_dot)
    call.out = Value(List{Value(p), Value("")});
  else
    call.out = Value(List{Value(p.substr(0, dot)), Value(p.substr(dot))});
  return true;
}

bool filter_path_join(const FilterCall& call) {
  List parts;
  if (call.in.is_string())
    parts.push_back(call.in);
  else if (call.in.is_list())
    parts = call.in.as_list();
  else
    abort_unknown("AnsibleFilterTypeError: |path_join expects string or sequence");
  std::string r;
  for (const auto& p : parts) {
    std::string s = py_str(p);
    if (!s.empty() && s[0] == '/')
      r = s;
    else if (r.empty() || r.back() == '/')
      r += s;
    else
      r += "/" + s;
  }
  call.out = Value(r);
  return true;
}

bool filter_quote(const FilterCall& call) {
  call.out = Value(shlex_quote(call.in.is_null() ? "" : py_str(call.in)));
  return true;
}

bool filter_b64encode(const FilterCall& call) {
  call.out = Value(b64encode(py_str(call.in)));
  return true;
}

bool filter_b64decode(const FilterCall& call) {
  auto d = b64decode(py_str(call.in));
  if (!d) abort_unknown("binascii.Error: Incorrect padding");
  if (!valid_utf8(*d)) {
    call.out = Value::unknown("b64decode: result is not UTF-8 text");
    return true;
  }
  call.out = Value(*d);
  return true;
}

bool filter_indent(const FilterCall& call) {
  std::string s = py_str(call.in);
  const Value* w = call.args.get(0, "width");
  int64_t width = !w ? 4 : w->is_int() ? w->as_int() : w->is_bool() ? w->as_bool() : 4;
  if (width > 0 && static_cast<uint64_t>(width) > limits().max_output)
    abort_unknown("evaluation limit (output size) exceeded");
  std::string pad = w && w->is_string()
                        ? w->as_string()
                        : std::string(width > 0 ? static_cast<size_t>(width) : 0, ' ');
  bool first = arg_bool(call.args, 1, "first", false),
       blank = arg_bool(call.args, 2, "blank", false);
  std::string r;
  std::vector<std::string> lines;
  size_t pos = 0;
  while (true) {
    size_t k = s.find('\n', pos);
    lines.push_back(s.substr(pos, k == std::string::npos ? std::string::npos : k - pos));
    if (k == std::string::npos) break;
    pos = k + 1;
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i) r += "\n";
    bool do_pad = (i == 0) ? first : (blank || !lines[i].empty());
    if (i == 0 && first && !blank && lines[i].empty()) do_pad = true;
    r += (do_pad ? pad : "") + lines[i];
  }
  call.out = Value(r);
  return true;
}

// center, truncate, wordcount, striptags, urlencode, escape, e, forceescape, filesizeformat,
// batch, slice
bool filter_not_supported(const FilterCall& call) {
  call.out = Value::unknown(fmt::format("filter '{}' is not supported", call.name));
  return true;
}

bool filter_safe(const FilterCall& call) {
  call.out = call.in;
  return true;
}

// ---- JSON / YAML ----
// to_json, to_nice_json, tojson
bool filter_to_json(const FilterCall& call) {
  if (!call.concrete(call.in)) return true;
  int indent = -1;
  bool sort = false;
  if (call.name == "to_nice_json") {
    indent = 4;
    sort = true;
  }
  if (call.name == "tojson") sort = true;
  if (const Value* i = call.args.get(call.name == "to_nice_json" ? 0 : 99, "indent");
      i && i->is_int())
    indent = static_cast<int>(i->as_int());
  if (const Value* s = call.args.get(call.name == "to_nice_json" ? 1 : 99, "sort_keys"))
    sort = truthy(*s).value_or(false);
  call.out = Value(python_json_dumps(call.in, indent, sort, call.name == "tojson"));
  return true;
}

bool filter_from_json(const FilterCall& call) {
  if (!call.in.is_string())
    abort_unknown(fmt::format("TypeError: the JSON object must be str, not {}", py_type(call.in)));
  auto r = parse_json(call.in.as_string());
  if (!r) abort_unknown("JSONDecodeError: " + r.error().message);
  call.out = *r;
  return true;
}

bool filter_from_yaml(const FilterCall& call) {
  if (!call.in.is_string()) {
    call.out = call.in;
    return true;
  }
  auto r = parse_yaml(call.in.as_string(), "<from_yaml>");
  if (!r) abort_unknown("YAML error: " + r.error().message);
  call.out = *r;
  return true;
}

// ---- sequences ----
// length, count
bool filter_length(const FilterCall& call) {
  if (call.in.is_string())
    call.out = Value(static_cast<int64_t>(utf8_len(call.in.as_string())));
  else if (call.in.is_list())
    call.out = Value(static_cast<int64_t>(call.in.as_list().size()));
  else if (call.in.is_map())
    call.out = Value(static_cast<int64_t>(call.in.as_map().size()));
  else
    abort_unknown(fmt::format("TypeError: object of type '{}' has no len()", py_type(call.in)));
  return true;
}

// first, last
bool filter_first_last(const FilterCall& call) {
  List l;
  if (call.in.is_list()) {
    if (call.in.as_list().empty()) {
      call.out = Value::undefined();
      return true;
    }
    call.out = call.name == "first" ? call.in.as_list().front() : call.in.as_list().back();
    return true;
  }
  if (call.name == "last" && call.in.is_map())
    abort_unknown("TypeError: 'dict' object is not reversible");
  l = iterate(call.in, call.name.c_str());
  if (l.empty()) {
    call.out = Value::undefined();
    return true;
  }
  call.out = call.name == "first" ? l.front() : l.back();
  return true;
}

bool filter_join(const FilterCall& call) {
  List l = iterate(call.in, "join");
  const Value* attr = call.args.get(1, "attribute");
  std::string sep = call.args.get(0, "d") ? py_str(*call.args.get(0, "d")) : "";
  std::string r;
  for (size_t i = 0; i < l.size(); ++i) {
    Value item = attr ? get_attr_path(call.ev, l[i], *attr) : l[i];
    if (item.is_unknown() || item.is_vault()) {
      call.out = Value::unknown(opaque_reason(item));
      return true;
    }
    if (const Value* u = find_unknown(item)) {
      call.out = Value::unknown(opaque_reason(*u));
      return true;
    }
    if (i) r += sep;
    r += py_str(item);
    if (r.size() > limits().max_output) abort_unknown("evaluation limit (output size) exceeded");
  }
  call.out = Value(r);
  return true;
}

bool filter_reverse(const FilterCall& call) {
  if (call.in.is_string()) {
    auto chars = utf8_chars(call.in.as_string());
    std::string r;
    for (auto it = chars.rbegin(); it != chars.rend(); ++it) r += *it;
    call.out = Value(r);
    return true;
  }
  List l = iterate(call.in, "reverse");
  std::reverse(l.begin(), l.end());
  call.out = Value(std::move(l));
  return true;
}

bool filter_unique(const FilterCall& call) {
  if (!call.concrete(call.in)) return true;
  bool cs = arg_bool(call.args, 0, "case_sensitive", false);
  const Value* attr = call.args.get(1, "attribute");
  call.out = Value(unique_list(iterate(call.in, "unique"), cs, attr, call.ev));
  return true;
}

// union, intersect, difference, symmetric_difference
bool filter_set_operation(const FilterCall& call) {
  const Value* bp = call.args.get(0, "b");
  if (!bp) abort_unknown(fmt::format("TypeError: {}() missing argument", call.name));
  const Value& b = *bp;
  if (!call.concrete(call.in) || !call.concrete(b)) return true;
  if (call.in.is_string() && b.is_string()) {
    call.out = Value::unknown(call.name + " of two strings gives a set (order not reproducible)");
    return true;
  }
  List x = iterate(call.in, call.name.c_str()), y = iterate(b, call.name.c_str());
  call.ev.step(x.size() + y.size() + 1);
  ValueSet in_y;
  for (const auto& e : y) in_y.insert(e);
  List r;
  if (call.name == "union") {
    List all = x;
    all.insert(all.end(), y.begin(), y.end());
    r = unique_list(all, true, nullptr, call.ev);
  } else if (call.name == "intersect") {
    for (const auto& e : x)
      if (in_y.contains(e)) r.push_back(e);
    r = unique_list(r, true, nullptr, call.ev);
  } else if (call.name == "difference") {
    for (const auto& e : x)
      if (!in_y.contains(e)) r.push_back(e);
    r = unique_list(r, true, nullptr, call.ev);
  } else {
    List all = x;
    all.insert(all.end(), y.begin(), y.end());
    ValueSet isect;
    for (const auto& e : x)
      if (in_y.contains(e)) isect.insert(e);
    for (const auto& e : unique_list(all, true, nullptr, call.ev))
      if (!isect.contains(e)) r.push_back(e);
  }
  call.out = Value(std::move(r));
  return true;
}

bool filter_flatten(const FilterCall& call) {
  if (!call.in.is_list()) abort_unknown("flatten expects a list");
  std::optional<int64_t> levels;
  if (const Value* lv = call.args.get(0, "levels"); lv && !lv->is_null()) {
    if (!lv->is_int()) abort_unknown("flatten: levels must be an int");
    levels = lv->as_int();
  }
  bool skip = arg_bool(call.args, 1, "skip_nulls", true);
  call.out = Value(flatten(call.in.as_list(), levels, skip));
  return true;
}

bool filter_sort(const FilterCall& call) {
  if (!call.concrete(call.in)) return true;
  bool rev = arg_bool(call.args, 0, "reverse", false),
       cs = arg_bool(call.args, 1, "case_sensitive", false);
  const Value* attr = call.args.get(2, "attribute");
  List l = iterate(call.in, "sort");
  std::vector<std::pair<Value, size_t>> keyed;
  for (size_t i = 0; i < l.size(); ++i) {
    Value k = attr ? get_attr_path(call.ev, l[i], *attr) : l[i];
    if (k.is_undefined()) undefined_abort("sort attribute");
    keyed.emplace_back(cs ? k : ignore_case(k), i);
  }
  call.ev.step(l.size() * 4);
  std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& p, const auto& q) {
    return rev ? py_less(q.first, p.first) : py_less(p.first, q.first);
  });
  List r;
  for (const auto& [k, i] : keyed) r.push_back(l[i]);
  call.out = Value(std::move(r));
  return true;
}

bool filter_dictsort(const FilterCall& call) {
  if (!call.in.is_map()) abort_unknown("dictsort expects a dict");
  if (!call.concrete(call.in)) return true;
  bool cs = arg_bool(call.args, 0, "case_sensitive", false);
  std::string by = arg_str(call.args, 1, "by", "key");
  bool rev = arg_bool(call.args, 2, "reverse", false);
  List items;
  for (const auto& [k, v] : call.in.as_map())
    items.push_back(Value(List{call.in.as_map().key_value(k), v}));
  std::stable_sort(items.begin(), items.end(), [&](const Value& p, const Value& q) {
    const Value& x = p.as_list()[by == "value" ? 1 : 0];
    const Value& y = q.as_list()[by == "value" ? 1 : 0];
    Value kx = cs ? x : ignore_case(x), ky = cs ? y : ignore_case(y);
    return rev ? py_less(ky, kx) : py_less(kx, ky);
  });
  call.out = Value(std::move(items));
  return true;
}

// min, max
bool filter_min_max(const FilterCall& call) {
  if (!call.concrete(call.in)) return true;
  bool cs = arg_bool(call.args, 0, "case_sensitive", false);
  const Value* attr = call.args.get(1, "attribute");
  List l = iterate(call.in, call.name.c_str());
  if (l.empty()) {
    call.out = Value::undefined();
    return true;
  }
  size_t best = 0;
  Value bk;
  for (size_t i = 0; i < l.size(); ++i) {
    Value k = attr ? get_attr_path(call.ev, l[i], *attr) : l[i];
    if (!cs) k = ignore_case(k);
    if (i == 0) {
      bk = k;
      continue;
    }
    bool better = call.name == "min" ? py_less(k, bk) : py_less(bk, k);
    if (better) {
      best = i;
      bk = k;
    }
  }
  call.out = l[best];
  return true;
}

bool filter_sum(const FilterCall& call) {
  if (!call.concrete(call.in)) return true;
  const Value* attr = call.args.get(0, "attribute");
  Value acc =
      call.args.get(1, "start") ? *call.args.get(1, "start") : Value(static_cast<int64_t>(0));
  for (const auto& e : iterate(call.in, "sum")) {
    Value v = attr ? get_attr_path(call.ev, e, *attr) : e;
    if (v.is_undefined()) undefined_abort("sum item");
    if ((acc.is_int() || acc.is_bool()) && (v.is_int() || v.is_bool())) {
      int64_t r;
      int64_t x = acc.is_bool() ? acc.as_bool() : acc.as_int();
      int64_t y = v.is_bool() ? v.as_bool() : v.as_int();
      if (__builtin_add_overflow(x, y, &r)) {
        call.out = Value::unknown("integer overflow");
        return true;
      }
      acc = Value(r);
    } else if ((acc.is_number() || acc.is_bool()) && (v.is_number() || v.is_bool())) {
      acc = Value((acc.is_bool() ? acc.as_bool() : acc.as_number()) +
                  (v.is_bool() ? v.as_bool() : v.as_number()));
    } else if (acc.is_list() && v.is_list()) {
      List l = acc.as_list();
      l.insert(l.end(), v.as_list().begin(), v.as_list().end());
      acc = Value(std::move(l));
    } else {
      abort_unknown(fmt::format("TypeError: unsupported operand type(s) for +: '{}' and '{}'",
                                py_type(acc), py_type(v)));
    }
  }
  call.out = acc;
  return true;
}

bool filter_abs(const FilterCall& call) {
  if (call.in.is_int() && call.in.as_int() == INT64_MIN)
    abort_unknown(
        "abs: the value is past the 64-bit range (Python's big integers are not modelled)");
  if (call.in.is_int())
    call.out = Value(call.in.as_int() < 0 ? -call.in.as_int() : call.in.as_int());
  else if (call.in.is_bool())
    call.out = Value(static_cast<int64_t>(call.in.as_bool()));
  else if (call.in.is_float())
    call.out = Value(std::fabs(call.in.as_float()));
  else
    abort_unknown(fmt::format("TypeError: bad operand type for abs(): '{}'", py_type(call.in)));
  return true;
}

bool filter_round(const FilterCall& call) {
  int64_t prec = 0;
  if (const Value* p = call.args.get(0, "precision")) prec = p->is_int() ? p->as_int() : 0;
  std::string method = arg_str(call.args, 1, "method", "common");
  if (!call.in.is_number() && !call.in.is_bool())
    abort_unknown(fmt::format("TypeError: type {} doesn't define __round__", py_type(call.in)));
  double v = call.in.is_bool() ? call.in.as_bool() : call.in.as_number();
  double m = std::pow(10.0, static_cast<double>(prec));
  if (method == "common") {
    if (call.in.is_int() || call.in.is_bool()) {
      if (prec >= 0) {
        call.out = call.in.is_bool() ? Value(static_cast<int64_t>(call.in.as_bool())) : call.in;
        return true;
      }
    }
    // Python round(): half to even on the decimal representation; close enough via nearbyint
    double r = std::nearbyint(v * m) / m;
    if (std::fabs(v * m - std::trunc(v * m)) != 0.5) r = std::round(v * m) / m;
    call.out = Value(r);
  } else if (method == "ceil") {
    call.out = Value(std::ceil(v * m) / m);
  } else if (method == "floor") {
    call.out = Value(std::floor(v * m) / m);
  } else {
    abort_unknown("FilterArgumentError: method must be common, ceil or floor");
  }
  return true;
}

// zip, zip_longest
bool filter_zip(const FilterCall& call) {
  std::vector<List> lists{iterate(call.in, "zip")};
  for (const auto& v : call.args.pos) lists.push_back(iterate(v, "zip"));
  size_t n = lists[0].size();
  for (const auto& l : lists)
    n = call.name == "zip" ? std::min(n, l.size()) : std::max(n, l.size());
  Value fill = call.args.get(99, "fillvalue") ? *call.args.get(99, "fillvalue") : Value(nullptr);
  List r;
  for (size_t i = 0; i < n; ++i) {
    List t;
    for (const auto& l : lists) t.push_back(i < l.size() ? l[i] : fill);
    r.push_back(Value(std::move(t)));
  }
  call.out = Value(std::move(r));
  return true;
}

bool filter_product(const FilterCall& call) {
  std::vector<List> lists{iterate(call.in, "product")};
  for (const auto& v : call.args.pos) lists.push_back(iterate(v, "product"));
  List r{Value(List{})};
  for (const auto& l : lists) {
    List next;
    for (const auto& prefix : r)
      for (const auto& e : l) {
        List t = prefix.as_list();
        t.push_back(e);
        next.push_back(Value(std::move(t)));
        call.ev.step();
      }
    r = std::move(next);
  }
  call.out = Value(std::move(r));
  return true;
}

bool filter_items(const FilterCall& call) {
  if (!call.in.is_map()) abort_unknown("items expects a mapping");
  List r;
  for (const auto& [k, v] : call.in.as_map())
    r.push_back(Value(List{call.in.as_map().key_value(k), v}));
  call.out = Value(std::move(r));
  return true;
}

bool filter_dict2items(const FilterCall& call) {
  if (!call.in.is_map())
    abort_unknown(
        fmt::format("AnsibleFilterTypeError: dict2items requires a dictionary, got {} instead.",
                    py_type(call.in)));
  std::string kn = arg_str(call.args, 0, "key_name", "key"),
              vn = arg_str(call.args, 1, "value_name", "value");
  List r;
  for (const auto& [k, v] : call.in.as_map()) {
    Map m;
    m.set(kn, call.in.as_map().key_value(k));
    m.set(vn, v);
    r.push_back(Value(std::move(m)));
  }
  call.out = Value(std::move(r));
  return true;
}

bool filter_items2dict(const FilterCall& call) {
  if (!call.in.is_list())
    abort_unknown(fmt::format("AnsibleFilterTypeError: items2dict requires a list, got {} instead.",
                              py_type(call.in)));
  std::string kn = arg_str(call.args, 0, "key_name", "key"),
              vn = arg_str(call.args, 1, "value_name", "value");
  Map m;
  for (const auto& e : call.in.as_list()) {
    if (e.is_unknown()) {
      call.out = e;
      return true;
    }
    if (!e.is_map())
      abort_unknown("AnsibleFilterTypeError: items2dict requires a list of dictionaries");
    const Value* k = e.as_map().find(kn);
    const Value* v = e.as_map().find(vn);
    if (!k || !v)
      abort_unknown(
          fmt::format("AnsibleFilterTypeError: items2dict requires each dictionary in the list to "
                      "contain the keys '{}' and '{}'",
                      kn, vn));
    if (k->is_unknown()) {
      call.out = *k;
      return true;
    }
    if (!k->is_string() && !k->is_int() && !k->is_bool() && !k->is_float() && !k->is_null())
      abort_unknown(fmt::format("TypeError: unhashable type: '{}'", py_type(*k)));
    m.set_typed(*k, *v);
  }
  call.out = Value(std::move(m));
  return true;
}

bool filter_combine(const FilterCall& call) {
  bool recursive = false;
  std::string list_merge = "replace";
  for (const auto& [k, v] : call.args.kw) {
    if (k == "recursive")
      recursive = truthy(v).value_or(false);
    else if (k == "list_merge")
      list_merge = py_str(v);
    else
      abort_unknown(
          "AnsibleFilterError: 'recursive' and 'list_merge' are the only valid keyword arguments");
  }
  List terms{call.in};
  terms.insert(terms.end(), call.args.pos.begin(), call.args.pos.end());
  List dicts = flatten(terms, 1, false);
  for (const auto& d : dicts) {
    if (d.is_undefined()) undefined_abort("combine argument");
    if (d.is_unknown()) {
      call.out = d;
      return true;
    }
  }
  if (dicts.empty()) {
    call.out = Value(Map{});
    return true;
  }
  if (dicts.size() == 1) {
    call.out = dicts[0];
    return true;
  }
  Value result = dicts.back();
  for (size_t i = dicts.size() - 1; i-- > 0;)
    result = merge_hash(dicts[i], result, recursive, list_merge);
  call.out = result;
  return true;
}

bool filter_ternary(const FilterCall& call) {
  if (call.args.pos.size() < 2) abort_unknown("TypeError: ternary() missing arguments");
  const Value* none_val = call.args.get(2, "none_val");
  if (call.in.is_null() && none_val && !none_val->is_null()) {
    call.out = *none_val;
    return true;
  }
  auto t = truthy(call.in);
  if (!t) {
    call.out = Value::unknown(opaque_reason(call.in));
    return true;
  }
  call.out = *t ? call.args.pos[0] : call.args.pos[1];
  return true;
}

bool filter_extract(const FilterCall& call) {
  const Value* container = call.args.get(0, "container");
  if (!container) abort_unknown("TypeError: extract() missing container");
  List keys{call.in};
  if (const Value* mk = call.args.get(1, "morekeys"); mk && !mk->is_null()) {
    if (mk->is_list())
      keys.insert(keys.end(), mk->as_list().begin(), mk->as_list().end());
    else
      keys.push_back(*mk);
  }
  Value cur = *container;
  for (const auto& k : keys) {
    if (cur.is_unknown()) break;
    if (cur.is_undefined()) break;
    if (cur.is_map() &&
        (k.is_string() || k.is_int() || k.is_float() || k.is_bool() || k.is_null())) {
      const Value* v = cur.as_map().find_key(k);
      cur = v ? *v : Value::undefined();
    } else if (cur.is_list() && k.is_int()) {
      int64_t i = k.as_int();
      const List& l = cur.as_list();
      if (i < 0) i += static_cast<int64_t>(l.size());
      cur = (i >= 0 && i < static_cast<int64_t>(l.size())) ? l[i] : Value::undefined();
    } else if (k.is_string()) {
      cur = call.ev.attribute(cur, k.as_string());
    } else {
      cur = Value::undefined();
    }
  }
  call.out = cur;
  return true;
}

// ---- higher-order: map / select / reject / selectattr / rejectattr ----
bool filter_map(const FilterCall& call) {
  List l = iterate(call.in, "map");
  List r;
  const Value* attr = nullptr;
  for (const auto& [k, v] : call.args.kw)
    if (k == "attribute") attr = &v;
  if (attr) {
    const Value* dflt = nullptr;
    for (const auto& [k, v] : call.args.kw)
      if (k == "default") dflt = &v;
    for (const auto& e : l) {
      Value v = get_attr_path(call.ev, e, *attr);
      if (v.is_undefined() && dflt) v = *dflt;
      r.push_back(v);
    }
    call.out = Value(std::move(r));
    return true;
  }
  if (call.args.pos.empty()) {
    call.out = Value(std::move(l));
    return true;
  }
  if (!call.args.pos[0].is_string()) abort_unknown("map: filter name must be a string");
  std::string f = call.args.pos[0].as_string();
  CallArgs rest;
  rest.pos.assign(call.args.pos.begin() + 1, call.args.pos.end());
  rest.kw = call.args.kw;
  for (const auto& e : l) r.push_back(call.ev.call_filter(f, e, rest));
  call.out = Value(std::move(r));
  return true;
}

// select, reject, selectattr, rejectattr
bool filter_select_reject(const FilterCall& call) {
  bool attr_mode = call.name == "selectattr" || call.name == "rejectattr";
  bool keep_if = call.name == "select" || call.name == "selectattr";
  List l = iterate(call.in, call.name.c_str());
  size_t off = 0;
  const Value* attr = nullptr;
  if (attr_mode) {
    if (call.args.pos.empty()) abort_unknown(call.name + ": missing attribute");
    attr = &call.args.pos[0];
    off = 1;
  }
  std::string test;
  if (call.args.pos.size() > off) {
    if (!call.args.pos[off].is_string()) abort_unknown(call.name + ": test name must be a string");
    test = call.args.pos[off].as_string();
  }
  CallArgs rest;
  if (call.args.pos.size() > off + 1)
    rest.pos.assign(call.args.pos.begin() + off + 1, call.args.pos.end());
  rest.kw = call.args.kw;
  List r;
  for (const auto& e : l) {
    Value subject = attr ? get_attr_path(call.ev, e, *attr) : e;
    bool t;
    if (test.empty()) {
      if (subject.is_undefined()) undefined_abort("selected value");
      auto tr = truthy(subject);
      if (!tr) {
        call.out = Value::unknown(opaque_reason(subject));
        return true;
      }
      t = *tr;
    } else {
      Value res = call.ev.call_test(test, subject, rest);
      if (res.is_unknown()) {
        call.out = res;
        return true;
      }
      auto tr = truthy(res);
      if (!tr) {
        call.out = Value::unknown(opaque_reason(res));
        return true;
      }
      t = *tr;
    }
    if (t == keep_if) r.push_back(e);
  }
  call.out = Value(std::move(r));
  return true;
}

// ---- math ----
// log, pow, root
bool filter_math(const FilterCall& call) {
  if (!call.in.is_number()) abort_unknown(call.name + ": a number is required");
  double x = call.in.as_number();
  if (call.name == "pow") {
    const Value* y = call.args.get(0, "y");
    if (!y || !y->is_number()) abort_unknown("pow: a number is required");
    call.out = Value(std::pow(x, y->as_number()));
  } else if (call.name == "log") {
    const Value* b = call.args.get(0, "base");
    if (x <= 0) abort_unknown("ValueError: math domain error");
    call.out = Value(b ? std::log(x) / std::log(b->as_number()) : std::log(x));
  } else {
    const Value* b = call.args.get(0, "base");
    double base = b ? b->as_number() : 2;
    call.out = Value(base == 2 ? std::sqrt(x) : std::pow(x, 1.0 / base));
  }
  return true;
}

// Filters that look at undefined and unknown inputs themselves, before
// apply_filter propagates them.
constexpr auto kRawFilters = std::to_array<Named<FilterFn>>({
    {"checksum", filter_not_evaluated_hash},
    {"comment", filter_unknowable},
    {"d", filter_default},
    {"default", filter_default},
    {"expanduser", filter_unknowable},
    {"fileglob", filter_unknowable},
    {"from_yaml_all", filter_unknowable},
    {"groupby", filter_unknowable},
    {"hash", filter_not_evaluated_hash},
    {"human_readable", filter_unknowable},
    {"human_to_bytes", filter_unknowable},
    {"json_query", filter_unknowable},
    {"mandatory", filter_mandatory},
    {"md5", filter_not_evaluated_hash},
    {"password_hash", filter_unknowable},
    {"pprint", filter_unknowable},
    {"random", filter_unknowable},
    {"realpath", filter_unknowable},
    {"sha1", filter_not_evaluated_hash},
    {"shuffle", filter_unknowable},
    {"strftime", filter_unknowable},
    {"subelements", filter_unknowable},
    {"to_datetime", filter_unknowable},
    {"to_nice_yaml", filter_unknowable},
    {"to_uuid", filter_unknowable},
    {"to_yaml", filter_unknowable},
    {"type_debug", filter_type_debug},
    {"unvault", filter_unknowable},
    {"urlize", filter_unknowable},
    {"urlsplit", filter_unknowable},
    {"vault", filter_unknowable},
    {"win_basename", filter_unknowable},
    {"win_dirname", filter_unknowable},
    {"win_splitdrive", filter_unknowable},
    {"wordwrap", filter_unknowable},
    {"xmlattr", filter_unknowable},
});
static_assert(sorted_by_name(kRawFilters));

// Every other filter (the ipaddr family aside, see ipaddr.cc).
constexpr auto kFilters = std::to_array<Named<FilterFn>>({
    {"abs", filter_abs},
    {"b64decode", filter_b64decode},
    {"b64encode", filter_b64encode},
    {"basename", filter_basename_dirname},
    {"batch", filter_not_supported},
    {"bool", filter_bool},
    {"capitalize", filter_case},
    {"center", filter_not_supported},
    {"combine", filter_combine},
    {"count", filter_length},
    {"dict2items", filter_dict2items},
    {"dictsort", filter_dictsort},
    {"difference", filter_set_operation},
    {"dirname", filter_basename_dirname},
    {"e", filter_not_supported},
    {"escape", filter_not_supported},
    {"extract", filter_extract},
    {"filesizeformat", filter_not_supported},
    {"first", filter_first_last},
    {"flatten", filter_flatten},
    {"float", filter_float},
    {"forceescape", filter_not_supported},
    {"format", filter_format},
    {"from_json", filter_from_json},
    {"from_yaml", filter_from_yaml},
    {"indent", filter_indent},
    {"int", filter_int},
    {"intersect", filter_set_operation},
    {"items", filter_items},
    {"items2dict", filter_items2dict},
    {"join", filter_join},
    {"last", filter_first_last},
    {"length", filter_length},
    {"list", filter_list},
    {"log", filter_math},
    {"lower", filter_case},
    {"map", filter_map},
    {"max", filter_min_max},
    {"min", filter_min_max},
    {"path_join", filter_path_join},
    {"pow", filter_math},
    {"product", filter_product},
    {"quote", filter_quote},
    {"regex_escape", filter_regex_escape},
    {"regex_findall", filter_regex_findall},
    {"regex_replace", filter_regex_replace},
    {"regex_search", filter_regex_search},
    {"reject", filter_select_reject},
    {"rejectattr", filter_select_reject},
    {"replace", filter_replace},
    {"reverse", filter_reverse},
    {"root", filter_math},
    {"round", filter_round},
    {"safe", filter_safe},
    {"select", filter_select_reject},
    {"selectattr", filter_select_reject},
    {"slice", filter_not_supported},
    {"sort", filter_sort},
    {"split", filter_split},
    {"splitext", filter_splitext},
    {"string", filter_string},
    {"striptags", filter_not_supported},
    {"sum", filter_sum},
    {"symmetric_difference", filter_set_operation},
    {"ternary", filter_ternary},
    {"title", filter_case},
    {"to_json", filter_to_json},
    {"to_nice_json", filter_to_json},
    {"tojson", filter_to_json},
    {"trim", filter_trim},
    {"truncate", filter_not_supported},
    {"union", filter_set_operation},
    {"unique", filter_unique},
    {"upper", filter_case},
    {"urlencode", filter_not_supported},
    {"wordcount", filter_not_supported},
    {"zip", filter_zip},
    {"zip_longest", filter_zip},
});
static_assert(sorted_by_name(kFilters));

}  // namespace

bool apply_filter(Evaluator& ev, const std::string& full, const Value& in, const CallArgs& a,
                  Value& out) {
  const std::string name = short_name(full);
  const FilterCall call{ev, name, in, a, out};

  // ---- filters that look at undefined/unknown inputs themselves ----
  if (FilterFn raw = find_named(kRawFilters, name)) return raw(call);

  // Jinja's lenient Undefined (inline if without else): str() is '', len() is 0
  if (is_lenient_undefined(in) && (name == "string" || name == "length" || name == "count")) {
    out = name == "string" ? Value("") : Value(static_cast<int64_t>(0));
    return true;
  }

  // ---- propagate unknowns, reject undefined ----
  if (in.is_unknown()) {
    out = in;
    return true;
  }
  if (const Value* u = first_unknown_arg(a)) {
    out = *u;
    return true;
  }
  if (in.is_vault()) {
    out = Value::unknown(opaque_reason(in));
    return true;
  }
  if (in.is_undefined()) undefined_abort("value");
  for (const auto& v : a.pos)
    if (v.is_undefined() && name != "map" && name != "select" && name != "reject")
      undefined_abort("filter argument");

  if (is_ip_filter(name)) {
    if (!call.concrete(in)) return true;
    return apply_ip_filter(name, in, a, out);
  }
  if (FilterFn filter = find_named(kFilters, name)) return filter(call);
  return false;
}

}  // namespace ksm::jinja
