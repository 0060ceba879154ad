// Internals of the Jinja engine shared by the parser, the evaluator, the
// filters and the tests: the syntax tree, the evaluation-time error
// (thrown inside the engine only, caught in render()), and Python value
// helpers.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.h"
#include "jinja/jinja.h"

namespace ksm::jinja {

using NodeP = std::shared_ptr<Node>;

enum class NK {
  // expressions
  Literal, Name, List, Tuple, Dict, Getattr, Getitem, Slice, Call, Filter, Test,
  Neg, Pos, Not, And, Or, Binary, Compare, Concat, CondExpr,
  // statements
  Text, Output, If, For, Set, SetBlock,
};

struct Node {
  NK kind;
  int line = 0;
  std::string name;               // Name, Getattr attr, Filter/Test name, Binary op, Text
  Value lit;                      // Literal
  std::vector<NodeP> kids;        // operands / items / statement bodies
  std::vector<std::pair<std::string, NodeP>> kwargs;  // Call/Filter/Test keyword args
  std::vector<std::string> ops;   // Compare operators
  std::vector<std::string> targets;  // For / Set targets
  bool negated = false;           // Test: `is not`
  // statements
  std::vector<NodeP> conds;       // If: conditions; For: [iter, filter-cond?]
  std::vector<std::vector<NodeP>> bodies;  // If: branch bodies (+ else); For: body, else
  bool has_else = false;
  bool recursive = false;
  int depth = 1;                  // height of this expression tree (parser bound)
};

struct Body {
  std::vector<NodeP> stmts;
};

// Thrown inside the engine when evaluation cannot produce a value: the
// whole render becomes Unknown(reason).
struct EvalAbort {
  std::string reason;
  bool undefined = false;  // an undefined-variable error (Ansible's AnsibleUndefinedVariable)
};
[[noreturn]] inline void abort_unknown(std::string reason) { throw EvalAbort{std::move(reason)}; }

// ---- Python value helpers (pyvalue.cc) ----

// Deep search for an Unknown (or Vault: opaque) inside v; nullptr if none.
const Value* find_unknown(const Value& v);
// Reason to report for an opaque or unknown value.
std::string opaque_reason(const Value& v);
// Python type names for error messages: 'int', 'str', 'list', 'dict', 'NoneType'.
std::string py_type(const Value& v);
// The value of an inline `x if c` without `else` when c is false: Jinja's
// plain (lenient) Undefined, not Ansible's strict one. It prints as '',
// concatenates as '', has length 0, is false, is not `defined` and takes
// `default`; anything else it would do (attribute access, arithmetic,
// to_json...) is not modelled, so it is carried as an Unknown with a fixed
// reason: every place that does not know it keeps it unknown.
Value lenient_undefined();
bool is_lenient_undefined(const Value& v);
// Python ordering (<); throws EvalAbort on TypeError.
bool py_less(const Value& a, const Value& b);
// -1/0/1 ordering for sort (throws on TypeError)
int py_cmp(const Value& a, const Value& b);
// Python str() (no unknowns inside; caller checks).
std::string py_str(const Value& v);
// Python int()/float() of a string; nullopt if not parseable.
std::optional<int64_t> parse_py_int(std::string_view s, int base = 10);
std::optional<double> parse_py_float(std::string_view s);
// Python's "%" string formatting.
Value py_percent_format(const std::string& fmt, const Value& args);
// str.format
Value py_str_format(const std::string& fmt, const std::vector<Value>& args,
                    const std::vector<std::pair<std::string, Value>>& kwargs);
// UTF-8 code points (for len(), slicing, indexing of str).
std::vector<std::string> utf8_chars(const std::string& s);
size_t utf8_len(const std::string& s);

// ---- regular expressions with Python syntax (regex.cc, PCRE2) ----
struct PyRegex;
std::shared_ptr<PyRegex> compile_regex(const std::string& pattern, bool ignorecase = false,
                                       bool multiline = false);
// Match at start (re.match), anywhere (re.search), whole (fullmatch).
enum class ReMode { Match, Search, Full };
struct ReMatch {
  bool ok = false;
  std::vector<std::optional<std::string>> groups;  // 0 = whole match
  std::vector<std::pair<std::string, int>> names;  // named groups
};
ReMatch regex_exec(const PyRegex& re, const std::string& s, ReMode mode);
std::string regex_sub(const PyRegex& re, const std::string& s, const std::string& repl,
                      int count = 0);
std::vector<ReMatch> regex_findall(const PyRegex& re, const std::string& s);

// ---- versions (version.cc) ----
// Compare with Ansible's `version` test: LooseVersion (default) or
// StrictVersion (strict=True) or semver; returns nullopt for a bad operator
// (caller raises) and throws EvalAbort for an invalid strict version.
bool version_compare(const std::string& a, const std::string& b, const std::string& op,
                     bool strict, const std::string& version_type);

// ---- filters and tests (filters.cc, tests.cc, ipaddr.cc) ----
struct CallArgs {
  std::vector<Value> pos;
  std::vector<std::pair<std::string, Value>> kw;
  const Value* get(size_t i, std::string_view kwname) const;
};
class Evaluator;
// Returns false when the filter is unknown (not implemented).
bool apply_filter(Evaluator& ev, const std::string& name, const Value& input, const CallArgs& args,
                  Value& out);
bool apply_test(Evaluator& ev, const std::string& name, const Value& input, const CallArgs& args,
                Value& out);
// ipaddr family; returns false for a filter name it does not handle.
bool apply_ip_filter(const std::string& name, const Value& input, const CallArgs& args, Value& out);
bool is_ip_filter(const std::string& name);
// `ansible.builtin.x` / `ansible.utils.x` / `community.general.x` → x
std::string short_name(const std::string& name);

// The evaluator interface the filters need (calling tests/filters by name,
// counting steps, looking names up).
class Evaluator {
 public:
  virtual ~Evaluator() = default;
  virtual void step(uint64_t n = 1) = 0;
  virtual Value call_filter(const std::string& name, const Value& input, const CallArgs& args) = 0;
  virtual Value call_test(const std::string& name, const Value& input, const CallArgs& args) = 0;
  virtual Value attribute(const Value& obj, const std::string& attr) = 0;
};

// ---- tables of named functions (the dispatchers of filters, tests, str methods) ----
// An entry of a table sorted by name, looked up by binary search.
template <typename Fn>
struct Named {
  std::string_view name;
  Fn fn;
};
// True when the names strictly increase (sorted, no duplicates): each table
// static_asserts it.
template <typename Fn, size_t N>
constexpr bool sorted_by_name(const std::array<Named<Fn>, N>& table) {
  for (size_t i = 1; i < N; ++i)
    if (!(table[i - 1].name < table[i].name)) return false;
  return true;
}
// The function named `name` in the table, or nullptr.
template <typename Fn, size_t N>
constexpr Fn find_named(const std::array<Named<Fn>, N>& table, std::string_view name) {
  auto it = std::lower_bound(table.begin(), table.end(), name,
                             [](const Named<Fn>& e, std::string_view n) { return e.name < n; });
  return it != table.end() && it->name == name ? it->fn : nullptr;
}

// Raises the undefined-variable abort for an undefined input.
[[noreturn]] void undefined_abort(const std::string& what);

// Parser entry points (parser.cc).
Result<std::shared_ptr<Body>> parse_body(std::string_view text, const std::string& name);
Result<NodeP> parse_expr_only(std::string_view text, const std::string& name);

// Python's unicode-escape decoding of a string literal body (parser.cc).
std::string py_unescape(std::string_view body);
// Python's json.dumps (ensure_ascii; indent < 0: one line with ", "/": ").
std::string python_json_dumps(const Value& v, int indent, bool sort_keys, bool html = false);

// Ansible's _escape_backslashes: doubles backslashes in string literals
// inside {{ }} (only when the text has both '\\' and '{{').
std::string ansible_escape_backslashes(std::string_view text);

const Limits& limits();

}  // namespace ksm::jinja
