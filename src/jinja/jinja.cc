// The public face of the engine (jinja.h): parsing, rendering, Ansible's
// Templar.template() on variable values (ansible_eval_concat: one output
// node keeps string-type filter results as text, a result starting with
// '[' or '{' or equal to True/False goes through ast.literal_eval), free
// variables, and MapContext.
#include <algorithm>
#include <cmath>
#include <mutex>
#include <regex>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "jinja/internal.h"
#include "jinja/render.h"

namespace ksm::jinja {

// ---------------------------------------------------------------- parsing

Result<Template> parse_template(std::string_view text, const std::string& name) {
  auto body = parse_body(text, name);
  if (!body) return body.error();
  Template t;
  t.body = *body;
  t.name = name;
  t.source = std::string(text);
  return t;
}

Result<Template> parse_expression(std::string_view expr, const std::string& name) {
  auto node = parse_expr_only(expr, name);
  if (!node) return node.error();
  Template t;
  t.expr = *node;
  t.name = name;
  t.source = std::string(expr);
  return t;
}

Value render(const Template& t, Context& ctx) {
  if (t.expr) return eval_expression(*t.expr, ctx);
  if (!t.body) return Value::unknown("empty template");
  RenderResult r = render_body(*t.body, ctx);
  if (!r.ok) return Value::unknown(r.reason);
  return Value(std::move(r.text));
}

bool is_possibly_template(std::string_view s) {
  return s.find("{{") != std::string_view::npos || s.find("{%") != std::string_view::npos ||
         s.find("{#") != std::string_view::npos;
}

// ---------------------------------------------------------- literal_eval

namespace {

class LiteralParser {
 public:
  explicit LiteralParser(std::string_view s) : s_(s) {}

  // Returns Undefined on a syntax error, Unknown for literals we cannot hold.
  Value parse() {
    try {
      Value v = value();
      skip();
      if (i_ != s_.size()) return Value::undefined();
      return v;
    } catch (const Fail&) {
      return Value::undefined();
    }
  }

 private:
  struct Fail {};
  void skip() {
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || (c == '\n' && depth_ > 0)) {
        ++i_;
      } else if (c == '\\' && i_ + 1 < s_.size() && s_[i_ + 1] == '\n') {
        i_ += 2;
      } else if (c == '#') {
        while (i_ < s_.size() && s_[i_] != '\n') ++i_;
      } else if (c == '\n') {
        // a newline outside brackets ends the expression; only trailing
        // whitespace may follow
        size_t k = i_;
        while (k < s_.size() && std::isspace(static_cast<unsigned char>(s_[k]))) ++k;
        if (k == s_.size()) { i_ = k; return; }
        throw Fail{};
      } else {
        break;
      }
    }
  }
  bool eat(char c) {
    skip();
    if (i_ < s_.size() && s_[i_] == c) { ++i_; return true; }
    return false;
  }
  Value value() {
    skip();
    if (i_ >= s_.size()) throw Fail{};
    char c = s_[i_];
    if (c == '[' || c == '(') {
      char close = c == '[' ? ']' : ')';
      ++i_;
      ++depth_;
      List l;
      bool comma = false;
      while (!eat(close)) {
        if (!l.empty() && !comma) throw Fail{};
        l.push_back(value());
        comma = eat(',');
      }
      --depth_;
      if (c == '(' && l.size() == 1 && !comma) return l[0];  // parenthesised value
      return Value(std::move(l));
    }
    if (c == '{') {
      ++i_;
      ++depth_;
      Map m;
      bool comma = false, first = true, non_string_key = false;
      while (!eat('}')) {
        if (!first && !comma) throw Fail{};
        first = false;
        Value k = value();
        if (!eat(':')) throw Fail{};  // sets are not literals we hold
        Value v = value();
        if (k.is_string()) m.set(k.as_string(), std::move(v));
        else if (k.is_list() || k.is_map()) throw Fail{};  // unhashable: ValueError in Python
        else non_string_key = true;
        comma = eat(',');
      }
      --depth_;
      if (non_string_key) return Value::unknown("dict with non-string keys is not supported");
      return Value(std::move(m));
    }
    if (c == '-' || c == '+') {
      ++i_;
      Value v = value();
      if (v.is_int()) return c == '-' ? Value(-v.as_int()) : v;
      if (v.is_float()) return c == '-' ? Value(-v.as_float()) : v;
      throw Fail{};
    }
    if (c == '\'' || c == '"' || std::isalpha(static_cast<unsigned char>(c))) {
      // names or prefixed strings
      size_t k = i_;
      while (k < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[k])) || s_[k] == '_'))
        ++k;
      std::string word(s_.substr(i_, k - i_));
      if (k < s_.size() && (s_[k] == '\'' || s_[k] == '"')) {
        std::string lw;
        for (char ch : word) lw += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (lw.empty() || lw == "r" || lw == "u") {
          i_ = k;
          std::string str = string_lit(lw == "r");
          // adjacent literals concatenate
          while (true) {
            size_t save = i_;
            skip();
            if (i_ < s_.size() && (s_[i_] == '\'' || s_[i_] == '"')) {
              str += string_lit(false);
            } else if (i_ + 1 < s_.size() &&
                       (s_[i_] == 'r' || s_[i_] == 'R' || s_[i_] == 'u' || s_[i_] == 'U') &&
                       (s_[i_ + 1] == '\'' || s_[i_ + 1] == '"')) {
              bool raw = s_[i_] == 'r' || s_[i_] == 'R';
              ++i_;
              str += string_lit(raw);
            } else {
              i_ = save;
              break;
            }
          }
          return Value(std::move(str));
        }
        throw Fail{};  // bytes, f-strings
      }
      i_ = k;
      if (word == "True" || word == "true") return Value(true);
      if (word == "False" || word == "false") return Value(false);
      if (word == "None" || word == "null") return Value(nullptr);
      throw Fail{};
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') return number();
    throw Fail{};
  }
  std::string string_lit(bool raw) {
    char q = s_[i_];
    bool triple = s_.compare(i_, 3, std::string(3, q)) == 0;
    size_t start = i_ + (triple ? 3 : 1);
    size_t k = start;
    while (true) {
      if (k >= s_.size()) throw Fail{};
      if (s_[k] == '\\') { k += 2; continue; }
      if (!triple && s_[k] == '\n') throw Fail{};
      if (triple ? s_.compare(k, 3, std::string(3, q)) == 0 : s_[k] == q) break;
      ++k;
    }
    std::string body(s_.substr(start, k - start));
    i_ = k + (triple ? 3 : 1);
    return raw ? body : py_unescape(body);
  }
  Value number() {
    size_t k = i_;
    while (k < s_.size() &&
           (std::isalnum(static_cast<unsigned char>(s_[k])) || s_[k] == '_' || s_[k] == '.' ||
            ((s_[k] == '+' || s_[k] == '-') && k > i_ && (s_[k - 1] == 'e' || s_[k - 1] == 'E'))))
      ++k;
    std::string tok(s_.substr(i_, k - i_));
    i_ = k;
    if (tok.find_first_of("jJ") != std::string::npos) throw Fail{};  // complex
    bool is_hex = tok.size() > 1 && tok[0] == '0' && std::strchr("xXoObB", tok[1]);
    if (!is_hex && tok.find_first_of(".eE") != std::string::npos) {
      auto f = parse_py_float(tok);
      if (!f) throw Fail{};
      return Value(*f);
    }
    if (!is_hex && tok.size() > 1 && tok[0] == '0' &&
        tok.find_first_not_of("0_") != std::string::npos)
      throw Fail{};  // leading zeros are a syntax error in Python 3
    auto n = parse_py_int(tok, is_hex ? 0 : 10);
    if (!n) {
      bool digits = std::all_of(tok.begin(), tok.end(), [](char ch) {
        return std::isdigit(static_cast<unsigned char>(ch)) || ch == '_';
      });
      if (digits) return Value::unknown("integer beyond 64 bits");
      throw Fail{};
    }
    return Value(*n);
  }

  std::string_view s_;
  size_t i_ = 0;
  int depth_ = 0;
};

}  // namespace

Value literal_eval(std::string_view s) { return LiteralParser(s).parse(); }

// ------------------------------------------------------- template_value

namespace {

size_t count_trailing_newlines(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && s[s.size() - 1 - n] == '\n') ++n;
  return n;
}

struct Cache {
  std::mutex mu;
  std::unordered_map<std::string, std::shared_ptr<const Body>> bodies;
};
Cache& cache() {
  static Cache c;
  return c;
}

Result<std::shared_ptr<const Body>> parse_cached(const std::string& text) {
  Cache& c = cache();
  {
    std::lock_guard<std::mutex> lock(c.mu);
    auto it = c.bodies.find(text);
    if (it != c.bodies.end()) return it->second;
  }
  auto b = parse_body(text, "<template>");
  if (!b) return b.error();
  std::shared_ptr<const Body> body = *b;
  std::lock_guard<std::mutex> lock(c.mu);
  if (c.bodies.size() > 20000) c.bodies.clear();
  c.bodies.emplace(text, body);
  return body;
}

thread_local int g_depth = 0;

const std::regex& single_var_re() {
  static const std::regex re(R"(^\{\{\s*(\w*)\s*\}\}$)");
  return re;
}

Value template_string(const std::string& s, Context& ctx, bool* undefined_error) {
  if (!is_possibly_template(s)) return Value(s);
  std::smatch m;
  if (s.size() < 200 && std::regex_match(s, m, single_var_re())) {
    Value v = ctx.lookup_raw(m[1].str());
    if (v.is_bool() || v.is_int() || v.is_float() || v.is_null() || v.is_unknown()) return v;
  }
  std::string text = ansible_escape_backslashes(s);
  auto body = parse_cached(text);
  if (!body) return Value::unknown("template error: " + body.error().message);
  RenderResult r = render_body(**body, ctx);
  if (!r.ok) {
    if (undefined_error) *undefined_error = r.undefined;
    return Value::unknown(r.reason);
  }
  std::string out = std::move(r.text);
  // Ansible keeps a lone string-type filter result (to_json, string, ...) as text
  bool native_text = r.nodes == 1 && r.single_native_text;
  if (!native_text && (!out.empty() && (out[0] == '[' || out[0] == '{'))) {
    // a single {{ list/dict }}: the repr → literal_eval round trip is the value itself
    if (r.nodes == 1 && (r.single_value.is_list() || r.single_value.is_map()) &&
        (**body).stmts.size() == 1 && (**body).stmts[0]->kind == NK::Output) {
      // only when nothing in it would repr unlike a literal (non-finite floats)
      bool plain = true;
      std::function<void(const Value&)> scan = [&](const Value& v) {
        if (v.is_float() && !std::isfinite(v.as_float())) plain = false;
        if (v.is_list()) for (const auto& e : v.as_list()) scan(e);
        if (v.is_map()) for (const auto& [k, e] : v.as_map()) scan(e);
      };
      scan(r.single_value);
      if (plain) return r.single_value;
    }
    Value lit = literal_eval(out);
    if (!lit.is_undefined()) return lit;
  } else if (!native_text && (out == "True" || out == "False")) {
    return Value(out == "True");
  }
  size_t want = count_trailing_newlines(s);
  size_t have = count_trailing_newlines(out);
  if (want > have) out.append(want - have, '\n');
  return Value(std::move(out));
}

Value template_value_impl(const Value& v, Context& ctx, bool* undefined_error) {
  if (g_depth > limits().max_depth)
    return Value::unknown("evaluation limit (template nesting) exceeded");
  ++g_depth;
  struct Guard { ~Guard() { --g_depth; } } guard;
  if (v.is_string()) return template_string(v.as_string(), ctx, undefined_error);
  if (v.is_list()) {
    List out;
    out.reserve(v.as_list().size());
    for (const auto& e : v.as_list()) out.push_back(template_value_impl(e, ctx, undefined_error));
    return Value(std::move(out));
  }
  if (v.is_map()) {
    Map out;
    for (const auto& [k, e] : v.as_map()) {
      out.set(k, template_value_impl(e, ctx, undefined_error));
      out.copy_key_type(v.as_map(), k);
    }
    return Value(std::move(out));
  }
  return v;
}

}  // namespace

Value template_value(const Value& v, Context& ctx) { return template_value_impl(v, ctx, nullptr); }

bool is_undefined_error(const Value& v) {
  return v.is_unknown() && v.unknown_reason().rfind("undefined variable", 0) == 0;
}

namespace {
constexpr std::string_view kMaybeUndefined = "may be undefined: ";
}

Value maybe_undefined(const Value& unknown) {
  if (is_maybe_undefined(unknown)) return unknown;
  return Value::unknown(std::string(kMaybeUndefined) + unknown.unknown_reason());
}

bool is_maybe_undefined(const Value& v) {
  return v.is_unknown() && v.unknown_reason().starts_with(kMaybeUndefined);
}

const Value* find_maybe_undefined(const Value& v) {
  if (v.is_list()) {
    for (const auto& e : v.as_list())
      if (const Value* u = find_maybe_undefined(e)) return u;
    return nullptr;
  }
  if (v.is_map()) {
    for (const auto& [k, e] : v.as_map())
      if (const Value* u = find_maybe_undefined(e)) return u;
    return nullptr;
  }
  return is_maybe_undefined(v) ? &v : nullptr;
}

bool contains_undefined_error(const Value& v) {
  if (v.is_list()) {
    for (const auto& e : v.as_list())
      if (contains_undefined_error(e)) return true;
    return false;
  }
  if (v.is_map()) {
    for (const auto& [k, e] : v.as_map())
      if (contains_undefined_error(e)) return true;
    return false;
  }
  return is_undefined_error(v);
}

namespace {
constexpr std::string_view kRecursiveLoop = "recursive loop detected in template";
}

Value recursive_loop_error(std::string_view detail) {
  std::string reason(kRecursiveLoop);
  if (!detail.empty() && detail.front() != ':') reason += ' ';
  reason += detail;
  return Value::unknown(std::move(reason));
}

bool is_recursive_loop(const Value& v) {
  return v.is_unknown() && v.unknown_reason().starts_with(kRecursiveLoop);
}

// ------------------------------------------------------------ MapContext

MapContext::MapContext(Map vars, Context* parent, bool template_values)
    : vars_(std::move(vars)), parent_(parent), template_values_(template_values) {}

Value MapContext::lookup(std::string_view name) {
  const Value* v = vars_.find(name);
  if (!v) return parent_ ? parent_->lookup(name) : Value::undefined();
  if (!template_values_) return *v;
  std::string n(name);
  if (std::find(active_.begin(), active_.end(), n) != active_.end())
    return recursive_loop_error(fmt::format("of '{}'", n));
  active_.push_back(n);
  bool undef = false;
  Value r = template_value_impl(*v, *this, &undef);
  active_.pop_back();
  // Ansible (AnsibleJ2Vars): a variable whose template hits an undefined
  // variable is itself undefined, so `x is defined` is false.
  if (undef && r.is_unknown()) return Value::undefined();
  return r;
}

Value MapContext::lookup_raw(std::string_view name) {
  const Value* v = vars_.find(name);
  if (!v) return parent_ ? parent_->lookup_raw(name) : Value::undefined();
  return *v;
}

// ----------------------------------------------------------- free_names

namespace {

void collect(const Node& n, std::set<std::string>& bound, std::vector<std::string>& out,
             std::set<std::string>& seen) {
  auto add = [&](const std::string& name) {
    if (bound.count(name) || seen.count(name)) return;
    seen.insert(name);
    out.push_back(name);
  };
  auto walk = [&](const NodeP& k) {
    if (k) collect(*k, bound, out, seen);
  };
  switch (n.kind) {
    case NK::Name: add(n.name); return;
    case NK::Call:
      if (n.kids[0]->kind == NK::Name) {
        const std::string& f = n.kids[0]->name;
        bool global = f == "range" || f == "dict" || f == "lookup" || f == "query" || f == "q" ||
                      f == "now" || f == "undef" || f == "namespace";
        if (!global) add(f);
        for (size_t i = 1; i < n.kids.size(); ++i) walk(n.kids[i]);
      } else {
        for (const auto& k : n.kids) walk(k);
      }
      for (const auto& [k, v] : n.kwargs) walk(v);
      return;
    case NK::For: {
      walk(n.conds[0]);
      std::set<std::string> inner = bound;
      for (const auto& t : n.targets) inner.insert(t);
      inner.insert("loop");
      if (n.conds.size() > 1) collect(*n.conds[1], inner, out, seen);
      for (const auto& s : n.bodies[0]) collect(*s, inner, out, seen);
      if (n.has_else)
        for (const auto& s : n.bodies[1]) collect(*s, bound, out, seen);
      return;
    }
    case NK::Set:
      walk(n.kids[0]);
      for (const auto& t : n.targets) bound.insert(t);
      return;
    case NK::SetBlock:
      for (const auto& s : n.bodies[0]) collect(*s, bound, out, seen);
      for (const auto& f : n.conds)
        for (const auto& k : f->kids) walk(k);
      for (const auto& t : n.targets) bound.insert(t);
      return;
    case NK::If:
      for (const auto& c : n.conds) walk(c);
      for (const auto& b : n.bodies)
        for (const auto& s : b) collect(*s, bound, out, seen);
      return;
    default:
      for (const auto& k : n.kids) walk(k);
      for (const auto& [k, v] : n.kwargs) walk(v);
      for (const auto& c : n.conds) walk(c);
      return;
  }
}

}  // namespace

std::vector<std::string> free_names(const Template& t) {
  std::vector<std::string> out;
  std::set<std::string> bound, seen;
  if (t.expr) collect(*t.expr, bound, out, seen);
  if (t.body)
    for (const auto& s : t.body->stmts) collect(*s, bound, out, seen);
  return out;
}

}  // namespace ksm::jinja
