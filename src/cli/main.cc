// The kubespray-migrate binary: parses the command line and runs one
// subcommand (see commands.h for the contract and exit statuses).
#include <cstdio>

#include "cli/commands.h"
#include "cli/output.h"
#include "sources/knowledge.h"

int main(int argc, char** argv) {
  CLI::App app{
      "kubespray-migrate: carry a Kubespray inventory from one release tag to the next,\n"
      "explain what changes, and list the assertions that would fail before they do."};
  app.set_version_flag("--version", std::string(KSM_VERSION));
  app.require_subcommand(1);
  app.fallthrough(false);

  // Kubespray's own facts (schemas/kubespray.yml): options and help texts
  // name them, so a broken data folder is reported before anything else.
  if (auto st = ksm::check_kubespray_knowledge(); !st) {
    ksm::cli::print_error(st.error());
    return ksm::kExitError;
  }

  ksm::cli::Action action;
  ksm::cli::add_preflight(app, action);
  ksm::cli::add_catalog(app, action);
  ksm::cli::add_plan(app, action);
  ksm::cli::add_explain(app, action);
  ksm::cli::add_inventory(app, action);
  ksm::cli::add_upgrade(app, action);
  ksm::cli::add_convert(app, action);
  ksm::cli::add_eval(app, action);
  ksm::cli::add_vars(app, action);
  ksm::cli::add_status(app, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? ksm::kExitClean : ksm::kExitError;
  }
  if (!action) return ksm::kExitError;
  return action();
}
