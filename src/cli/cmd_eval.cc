// `kubespray-migrate eval`: evaluates one Jinja expression (or template)
// with our engine, the way Kubespray's playbooks would see it, so an
// operator can check what a default or an assertion comes to with their
// variables — and so tests can compare the engine with Ansible itself.
#include <cstdio>

#include "cli/commands.h"
#include "cli/output.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/yaml.h"
#include "jinja/internal.h"
#include "jinja/jinja.h"

namespace ksm::cli {
namespace {

struct EvalOptions {
  std::string expr;
  std::string vars_file;
  bool template_mode = false;
  bool value_mode = false;
};

int print_unknown(const std::string& reason) {
  std::printf("unknown: %s\n", reason.c_str());
  return kExitWarnings;
}

int run_eval(const EvalOptions& o) {
  Map vars;
  if (!o.vars_file.empty()) {
    auto text = read_file(o.vars_file);
    if (!text) {
      print_error(text.error());
      return kExitError;
    }
    bool is_json = o.vars_file.size() > 5 && o.vars_file.substr(o.vars_file.size() - 5) == ".json";
    auto v = is_json ? parse_json(*text, o.vars_file) : parse_yaml(*text, o.vars_file);
    if (!v) {
      print_error(v.error());
      return kExitError;
    }
    if (!v->is_map() && !v->is_null()) {
      print_error(Error("variables file must hold a mapping", Location{o.vars_file}));
      return kExitError;
    }
    if (v->is_map()) vars = v->as_map();
  }
  // Variables are templated lazily on lookup, as Ansible does.
  jinja::MapContext ctx(std::move(vars), nullptr, /*template_values=*/true);

  Value result;
  if (o.value_mode) {
    result = jinja::template_value(Value(o.expr), ctx);
  } else if (o.template_mode) {
    auto t = jinja::parse_template(o.expr, "<template>");
    if (!t) {
      print_error(t.error());
      return kExitError;
    }
    result = jinja::render(*t, ctx);
    if (result.is_string()) {
      std::fputs(result.as_string().c_str(), stdout);
      std::fputs("\n", stdout);
      return kExitClean;
    }
  } else {
    auto t = jinja::parse_expression(o.expr, "<expr>");
    if (!t) {
      print_error(t.error());
      return kExitError;
    }
    result = jinja::render(*t, ctx);
  }
  if (result.is_undefined()) return print_unknown("undefined value (Ansible would fail on it)");
  if (const Value* u = jinja::find_unknown(result)) return print_unknown(jinja::opaque_reason(*u));
  std::printf("%s\n", jinja::python_json_dumps(result, -1, false).c_str());
  return kExitClean;
}

}  // namespace

void add_eval(CLI::App& app, Action& action) {
  auto opts = std::make_shared<EvalOptions>();
  CLI::App* cmd = app.add_subcommand(
      "eval",
      "Evaluate a Jinja expression as Ansible would and print the value as JSON.\n"
      "Prints `unknown: <reason>` (exit 2) when the value cannot be known here\n"
      "(lookups, facts, undefined variables), exit 1 on a syntax error.\n"
      "Example: kubespray-migrate eval \"kube_version is version('v1.30.0', '>=')\" --vars "
      "vars.yml");
  cmd->add_option("expr", opts->expr, "expression (or template with --template/--value)")
      ->required();
  cmd->add_option("--vars", opts->vars_file, "variables file (.json, or YAML)")
      ->check(CLI::ExistingFile);
  cmd->add_flag("--template", opts->template_mode, "EXPR is a template; print the rendered text");
  cmd->add_flag("--value", opts->value_mode,
                "EXPR is a variable value: template it as Ansible does (literal results become "
                "lists/dicts/bools) and print JSON");
  cmd->callback([opts, &action]() { action = [opts]() { return run_eval(*opts); }; });
}

}  // namespace ksm::cli
