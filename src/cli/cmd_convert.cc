// `kubespray-migrate convert`: turns a hosts file into the other format
// (builder hosts.yaml -> v2.27 inventory.ini, or back), keeping hosts,
// groups, variables and the comments on host and group lines, and saying on
// stderr what it leaves out. Writes atomically; never overwrites its input
// without --force.
#include <cstdio>
#include <filesystem>

#include "cli/commands.h"
#include "cli/inventory_source.h"
#include "cli/output.h"
#include "core/fs.h"
#include "inventory/convert.h"
#include "inventory/loader.h"

namespace ksm::cli {

void add_convert(CLI::App& app, Action& action) {
  struct Opts {
    std::vector<std::string> sources;
    std::string to;
    std::string output;
    bool force = false;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand(
      "convert",
      "Convert a hosts file between INI and YAML (same hosts, groups and variables).\n"
      "Examples:\n"
      "  kubespray-migrate convert -i inventory/mycluster/hosts.yaml --to ini -o inventory/mycluster/inventory.ini\n"
      "  kubespray-migrate convert -i inventory/mycluster/inventory.ini --to yaml");
  cmd->add_option("-i,--inventory", o->sources,
                  "the hosts file (default: ANSIBLE_INVENTORY, else the `inventory` of ansible.cfg)");
  cmd->add_option("--to", o->to, "ini (the v2.27+ sample layout) or yaml")
      ->required()
      ->check(CLI::IsMember({"ini", "yaml"}));
  cmd->add_option("-o,--output", o->output, "write here (atomically) instead of stdout");
  cmd->add_flag("--force", o->force, "allow -o to overwrite the input file");
  cmd->callback([o, &action] {
    action = [o]() -> int {
      auto inv = load_cli_inventory(o->sources);
      if (!inv) {
        print_error(inv.error());
        return kExitError;
      }
      auto conv = inventory::convert_hosts_file(
          *inv, o->to == "ini" ? inventory::ConvertTo::Ini : inventory::ConvertTo::Yaml);
      if (!conv) {
        print_error(conv.error());
        return kExitError;
      }
      for (const auto& note : conv->omitted)
        std::fprintf(stderr, "kubespray-migrate: %s %s\n", paint(stderr, "1;36", "note:").c_str(),
                     note.c_str());
      if (o->output.empty()) {
        std::fwrite(conv->text.data(), 1, conv->text.size(), stdout);
        return std::fflush(stdout) == 0 ? kExitClean : kExitError;
      }
      std::error_code ec;
      if (!o->force && std::filesystem::exists(o->output, ec) &&
          std::filesystem::equivalent(o->output, inv->files[0].path, ec)) {
        print_error(Error("refusing to overwrite the input file (use --force)", Location{o->output, 0, 0}));
        return kExitError;
      }
      if (auto st = write_file_atomic(o->output, conv->text); !st) {
        print_error(st.error());
        return kExitError;
      }
      return kExitClean;
    };
  });
}

}  // namespace ksm::cli
