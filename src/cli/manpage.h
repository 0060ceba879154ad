// Man pages written from the CLI::App at build time (`kubespray-migrate
// __man DIR`), so that they say what `--help` says and cannot drift from
// it: kubespray-migrate(1) with the list of commands, and one page per
// subcommand, kubespray-migrate-upgrade(1)..., each with its description,
// synopsis, options (description, value type, choices, default, required,
// exclusions), the footer's sections (EXAMPLES, ENVIRONMENT) and SEE ALSO.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/error.h"

namespace ksm::cli {

struct ManPage {
  std::string name;  // "kubespray-migrate-upgrade" (file name: name + ".1")
  std::string roff;
};

// The page of `cmd` (the root app, or one of its subcommands).
ManPage man_page(const CLI::App& root, const CLI::App& cmd, const std::string& version);
// The root's page and one per visible subcommand.
std::vector<ManPage> man_pages(const CLI::App& root, const std::string& version);
// Writes every page as DIR/NAME.1 (creating DIR). ksm::Status spelled out:
// cmd_status.cc has a Status of its own in this namespace (unity builds).
ksm::Status write_man_pages(const CLI::App& root, const std::string& version,
                            const std::filesystem::path& dir);

// Text as roff: backslashes, dashes, quotes escaped; a line that would
// start with a control character ('.', '\'') protected.
std::string roff_escape(const std::string& text);

}  // namespace ksm::cli
