// A Jinja2 engine with Ansible's filters and tests, evaluated three-valued.
//
// Kubespray's defaults are Jinja templates over other variables and its
// assertions are Jinja expressions; predicting them needs Ansible's exact
// semantics (ansible-core 2.14, jinja2_native off: trim_blocks on, None
// rendered as "", results that look like Python literals converted back).
// Anything this engine cannot know (lookups, facts, random, unsupported
// constructs) evaluates to Unknown with a reason instead of a guess, and
// unknown propagates through the evaluation (`false and U` is false,
// `true and U` is U).
//
// Undefined variables: `missing is defined` is false and
// `missing | default(1)` is 1, as in Jinja; where Ansible would raise an
// undefined-variable error (rendering `{{ missing }}`, arithmetic on it, a
// filter that needs its value, `if missing`), the result is
// Unknown("undefined variable 'missing'"): the task would fail, so its
// outcome is not a value. Errors Python would raise at run time (TypeError
// for `1 < 'a'`, division by zero) are Unknown too, with the reason.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/value.h"

namespace ksm::jinja {

// Names are looked up lazily through a Context (the vars module resolves
// defaults on demand). lookup returns Value::undefined() for an unknown name.
class Context {
 public:
  virtual ~Context() = default;
  virtual Value lookup(std::string_view name) = 0;
  // The variable's value before templating, for Ansible's shortcut that
  // returns a lone `{{ name }}` as is when the raw value is a bool, number
  // or None (so `{{ a }}` with a: "{{ port }}" renders the string "6443",
  // not the int). Contexts that template lazily should override it; the
  // default is lookup().
  virtual Value lookup_raw(std::string_view name) { return lookup(name); }
  // `name[key]` (or `name.key`) without building all of `name`, for a
  // variable far larger than the element read (hostvars[host] of a
  // 10,000-host inventory); nullopt: look `name` up whole.
  virtual std::optional<Value> lookup_member(std::string_view name, const Value& key) {
    (void)name;
    (void)key;
    return std::nullopt;
  }
};

// A Context over a Map, with an optional parent consulted for names the
// map lacks. With `template_values`, string values containing Jinja are
// templated on lookup as Ansible does (template_value; a value whose
// template hits an undefined variable becomes undefined, cycles become
// Unknown).
class MapContext : public Context {
 public:
  explicit MapContext(Map vars, Context* parent = nullptr, bool template_values = false);
  Value lookup(std::string_view name) override;
  Value lookup_raw(std::string_view name) override;
  Map& vars() { return vars_; }

 private:
  Map vars_;
  Context* parent_;
  bool template_values_;
  std::vector<std::string> active_;  // names being templated (cycle guard)
};

struct Node;
struct Body;

// A parsed template or expression; cheap to copy and reusable.
struct Template {
  std::shared_ptr<const Body> body;  // template statements (null for an expression)
  std::shared_ptr<const Node> expr;  // expression (null for a template)
  std::string name;
  std::string source;
  bool is_expression() const { return expr != nullptr; }
};

Result<Template> parse_template(std::string_view text, const std::string& name = "<template>");
Result<Template> parse_expression(std::string_view expr, const std::string& name = "<expr>");

// Templates -> string Value (or Unknown); expressions -> native Value (which
// may be Undefined, Unknown, or a container holding unknowns).
Value render(const Template& t, Context& ctx);

// Ansible's Templar.template() on a variable value (ansible-core 2.14,
// jinja2_native off): strings containing {{, {% or {# are rendered (with
// Ansible's backslash escaping inside {{ }} string literals, a lone
// `{{ name }}` of a bool/number/None returned as is), and a result that
// looks like a Python literal ("[...]", "{...}", "True", "False") is
// converted back to a native value the way Ansible does; lists and maps
// are templated recursively; non-strings pass through.
Value template_value(const Value& v, Context& ctx);

// True when Ansible would treat the string as a template ({{, {% or {#).
bool is_possibly_template(std::string_view s);

// Names a template/expression reads (free variables), for dependency
// tracking: names bound by set/for inside the template are excluded.
std::vector<std::string> free_names(const Template& t);

// True for the Unknown that stands for an undefined-variable error (its
// reason starts with "undefined variable"); a Context that templates
// values lazily can turn it back into Value::undefined() as Ansible does.
bool is_undefined_error(const Value& v);

// True when v or anything inside it is such an error. Ansible before 2.19
// templates a variable whole when a template reads it (AnsibleJ2Vars): one
// undefined deep inside a dict makes the whole variable undefined, even
// when the template reads only a key that renders fine
// (`downloads.kubeadm.version` with no checksum for the kubeadm version).
bool contains_undefined_error(const Value& v);

// An Unknown that may stand for an undefined value at run time: a dict or
// list subscripted with a key not known before the run
// (`kubeadm_checksums[image_arch][kubeadm_version]` without facts). Its
// reason starts with "may be undefined: ". Inside a variable templated
// whole, it leaves unknown whether the variable is defined at all.
Value maybe_undefined(const Value& unknown);
bool is_maybe_undefined(const Value& v);
// The first such Unknown inside v (v itself included), or null.
const Value* find_maybe_undefined(const Value& v);

// A variable whose template reads itself, directly or through others
// (a: "{{ b }}", b: "{{ a }}"). Ansible stops with "recursive loop detected
// in template string" wherever a task reads it; every evaluator here carries
// it as this Unknown ("recursive loop detected in template " + detail, e.g.
// "of 'a'" or ": a -> b -> a") so callers can tell it from a lookup or a
// fact, which are unknown only until run time.
Value recursive_loop_error(std::string_view detail);
bool is_recursive_loop(const Value& v);

// Python's truth of a value, as a Jinja condition (or an Ansible `when`)
// sees it; nullopt when it cannot be known (Unknown, Undefined, a vault
// value, which would have to be decrypted). A lenient Undefined (an inline
// `if` without `else`) is false.
std::optional<bool> truthy(const Value& v);

// Limits on one render (steps = evaluated nodes and loop iterations).
struct Limits {
  uint64_t max_steps = 1'000'000;  // for a render and the renders its lookups start
  size_t max_output = 16u << 20;
  int max_depth = 200;  // nesting of template_value through lookups
};
void set_limits(const Limits& l);  // process-wide; tests lower them

// Python's ast.literal_eval of `s` (with JSON's true/false/null accepted,
// as Ansible does); nullopt-like: returns Undefined when `s` is no literal.
Value literal_eval(std::string_view s);

}  // namespace ksm::jinja
