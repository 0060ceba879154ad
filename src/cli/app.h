// The whole command line as one CLI::App, built without running anything:
// main() parses it, and the man pages (cli/manpage.h) and shell completion
// (cli/complete.h) walk the same definitions, so that what they say cannot
// drift from `--help`.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "cli/commands.h"

namespace ksm::cli {

// Every subcommand, the --version flag and the ENVIRONMENT footer (on the
// root and on every subcommand). The callbacks store the chosen command in
// `action`, which must outlive the app.
std::unique_ptr<CLI::App> make_app(Action& action);

// "kubespray-migrate 0.1.0 (Kubespray data up to v2.31.0)": the tool's
// version and the newest tag of versions/ in the data folder it reads.
std::string version_text();

// Whether `cmd` reads KUBESPRAY_DIR when --kubespray is not given: its own
// --kubespray option says so (plan and explain read versions/ instead).
bool reads_kubespray_dir(const CLI::App& cmd);

// The ENVIRONMENT footer of `cmd` (a subcommand of `root`, or the root
// itself when null): KUBESPRAY_DIR only where the command's own --kubespray
// option says it reads it (the root's lists those commands).
std::string environment_footer(const CLI::App& root, const CLI::App* cmd);

// The commands no operator types, run before parsing: `__complete WORDS...`
// (the shell scripts' candidates, cli/complete.h) and `__man DIR` (the man
// pages, written at build time). nullopt when argv names neither.
std::optional<int> run_internal_command(const CLI::App& app, int argc, char** argv);

}  // namespace ksm::cli
