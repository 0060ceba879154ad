// `kubespray-migrate explain FROM TO`: the variable-level changelog between
// two tags (src/schema/explain.h); with -i, only what touches an inventory.
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "cli/output.h"
#include "core/json.h"
#include "core/paths.h"
#include "schema/explain.h"

namespace ksm::cli {

namespace {

struct ExplainArgs {
  std::string from, to;
  std::string inventory;
  std::string format = "text";
  std::string kubespray;
  std::vector<std::string> schemas;
};

int run_explain(const ExplainArgs& a) {
  std::vector<std::filesystem::path> extra(a.schemas.begin(), a.schemas.end());
  auto schemas = schema::load_default_schemas(extra);
  if (!schemas) {
    print_error(schemas.error());
    return kExitError;
  }
  auto facts = a.kubespray.empty() ? schema::ReleaseFacts::from_versions(versions_dir())
                                   : schema::ReleaseFacts::from_clone(a.kubespray);
  if (!facts) {
    print_error(facts.error());
    return kExitError;
  }
  auto e = schema::explain(*facts, *schemas, a.from, a.to, nullptr);
  if (!e) {
    print_error(e.error());
    return kExitError;
  }
  if (a.format == "json")
    std::fputs((to_json(schema::explain_json(*e), JsonStyle{false, 2}) + "\n").c_str(), stdout);
  else if (a.format == "markdown")
    std::fputs(schema::explain_markdown(*e).c_str(), stdout);
  else
    std::fputs(schema::explain_text(*e, use_colour(stdout)).c_str(), stdout);
  return kExitClean;
}

}  // namespace

void add_explain(CLI::App& app, Action& action) {
  auto args = std::make_shared<ExplainArgs>();
  auto* cmd = app.add_subcommand("explain", "What changes between two tags, variable by variable");
  cmd->footer(
      "Example:\n"
      "  kubespray-migrate explain v2.18.2 v2.19.0\n"
      "  kubespray-migrate explain v2.21.0 v2.22.0 --format markdown");
  cmd->add_option("FROM", args->from, "The older tag")->required();
  cmd->add_option("TO", args->to, "The newer tag")->required();
  cmd->add_option("--format", args->format, "Output format")->check(CLI::IsMember({"text", "markdown", "json"}));
  cmd->add_option("--kubespray", args->kubespray, "A Kubespray clone: read the tags' trees instead of versions/");
  cmd->add_option("--schemas", args->schemas, "A folder of your own rule files, merged after ours (repeatable)");
  cmd->callback([args, &action] { action = [args] { return run_explain(*args); }; });
}

}  // namespace ksm::cli
