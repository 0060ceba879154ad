// The binary: parses the command line (cli/app.h builds it) and runs one
// subcommand (see commands.h for the contract and exit statuses), or one of
// the internal commands the shell completion and the build call.
#include "cli/app.h"
#include "cli/output.h"
#include "sources/knowledge.h"

int main(int argc, char** argv) {
  // Kubespray's own facts (schemas/kubespray.yml): options and help texts
  // name them, so a broken data folder is reported before anything else.
  if (auto st = ksm::check_kubespray_knowledge(); !st) {
    ksm::cli::print_error(st.error());
    return ksm::kExitError;
  }
  ksm::cli::Action action;
  auto app = ksm::cli::make_app(action);
  if (auto rc = ksm::cli::run_internal_command(*app, argc, argv)) return *rc;
  try {
    app->parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app->exit(e);
    return rc == 0 ? ksm::kExitClean : ksm::kExitError;
  }
  if (!action) return ksm::kExitError;
  return action();
}
