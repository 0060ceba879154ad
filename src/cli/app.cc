// The command line as one CLI::App (see app.h).
#include "cli/app.h"

#include <cstdio>

#include "cli/complete.h"
#include "cli/manpage.h"
#include "cli/output.h"
#include "core/paths.h"
#include "schema/facts.h"

namespace ksm::cli {

std::string version_text() {
  std::string out = std::string("kubespray-migrate ") + KSM_VERSION;
  auto facts = schema::ReleaseFacts::from_versions(versions_dir());
  if (facts && !facts->tags().empty())
    return out + " (Kubespray data up to " + facts->tags().back().name + ")";
  return out + " (no Kubespray data in " + versions_dir().string() + ")";
}

bool reads_kubespray_dir(const CLI::App& cmd) {
  const CLI::Option* k = cmd.get_option_no_throw("--kubespray");
  return k && k->get_description().find("KUBESPRAY_DIR") != std::string::npos;
}

std::string environment_footer(const CLI::App& root, const CLI::App* cmd) {
  std::string out = "Environment:\n";
  if (cmd && reads_kubespray_dir(*cmd)) {
    out += "  KUBESPRAY_DIR  the Kubespray clone to read when --kubespray is not given\n";
  } else if (!cmd) {
    std::string which;
    for (const CLI::App* sub : root.get_subcommands([](const CLI::App*) { return true; }))
      if (reads_kubespray_dir(*sub)) which += (which.empty() ? "" : ", ") + sub->get_name();
    out += "  KUBESPRAY_DIR  the Kubespray clone to read when --kubespray is not given\n"
           "                 (" + which + ")\n";
  }
  out +=
      "  KSM_DATA_DIR   the folder of the tool's own data (schemas/, versions/); default:\n"
      "                 ../share/kubespray-migrate from the binary's folder\n"
      "                 (/usr/share/kubespray-migrate for /usr/bin/kubespray-migrate)\n"
      "  NO_COLOR       set and not empty: no colours, even on a terminal";
  return out;
}

std::unique_ptr<CLI::App> make_app(Action& action) {
  auto app = std::make_unique<CLI::App>(
      "kubespray-migrate: carry a Kubespray inventory from one release tag to the next,\n"
      "explain what changes, and list the assertions that would fail before they do.",
      "kubespray-migrate");
  app->set_version_flag("--version", version_text);
  app->require_subcommand(1);
  app->fallthrough(false);

  add_preflight(*app, action);
  add_catalog(*app, action);
  add_plan(*app, action);
  add_explain(*app, action);
  add_inventory(*app, action);
  add_upgrade(*app, action);
  add_convert(*app, action);
  add_eval(*app, action);
  add_vars(*app, action);
  add_status(*app, action);

  // -v on every command that prints a report: the detail a report keeps short.
  for (const char* name : {"upgrade", "preflight", "plan", "explain", "status"})
    app->get_subcommand(name)->add_flag("-v,--verbose", verbose_flag(),
                                        "Every source in full (all its references and their "
                                        "explanations), not only its first reference "
                                        "and one public one");
  app->footer(environment_footer(*app, nullptr));
  for (CLI::App* sub : app->get_subcommands([](CLI::App*) { return true; })) {
    std::string f = sub->get_footer();
    sub->footer((f.empty() ? "" : f + "\n\n") + environment_footer(*app, sub));
  }
  return app;
}

std::optional<int> run_internal_command(const CLI::App& app, int argc, char** argv) {
  if (argc < 2) return std::nullopt;
  const std::string cmd = argv[1];
  if (cmd == "__complete") {
    std::vector<std::string> words(argv + 2, argv + argc);
    std::fputs(completion_text(complete(app, words)).c_str(), stdout);
    return kExitClean;
  }
  if (cmd == "__man") {
    if (argc != 3) {
      print_error(Error("usage: kubespray-migrate __man DIR"));
      return kExitError;
    }
    if (auto st = write_man_pages(app, KSM_VERSION, argv[2]); !st) {
      print_error(st.error());
      return kExitError;
    }
    return kExitClean;
  }
  return std::nullopt;
}

}  // namespace ksm::cli
