// The subcommands. Each add_* registers one CLI11 subcommand; when the
// operator picks it, its callback stores the action to run in `action`,
// which returns the process exit status:
// one of core/exit_status.h's (clean, error, warnings only, blocking findings).
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

#include "core/exit_status.h"

namespace ksm::cli {

using Action = std::function<int()>;

void add_preflight(CLI::App& app, Action& action);
void add_catalog(CLI::App& app, Action& action);
void add_plan(CLI::App& app, Action& action);
void add_explain(CLI::App& app, Action& action);
void add_inventory(CLI::App& app, Action& action);
void add_upgrade(CLI::App& app, Action& action);
void add_convert(CLI::App& app, Action& action);
void add_eval(CLI::App& app, Action& action);  // cmd_eval.cc
void add_vars(CLI::App& app, Action& action);  // cmd_vars.cc
void add_status(CLI::App& app, Action& action);  // cmd_status.cc


}  // namespace ksm::cli
