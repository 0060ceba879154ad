// `kubespray-migrate convert`: turns a hosts file into the other format
// (builder hosts.yaml -> v2.27 inventory.ini, or back), keeping hosts,
// groups, variables and the comments on host and group lines, and saying on
// stderr what it leaves out. Which groups the INI may leave to Kubespray
// depends on the tag the inventory is for (--tag, else the state file
// `upgrade` left beside the hosts file; unknown: every group is kept).
// Writes atomically; never overwrites its input without --force.
#include <cstdio>
#include <filesystem>

#include "cli/commands.h"
#include "cli/inventory_source.h"
#include "cli/output.h"
#include "core/fs.h"
#include "inventory/convert.h"
#include "inventory/loader.h"
#include "sources/version.h"
#include "upgrade/hosts_format.h"
#include "upgrade/state.h"

namespace ksm::cli {

namespace {

void note(const std::string& text) {
  std::fprintf(stderr, "kubespray-migrate: %s %s\n", paint(stderr, "1;36", "note:").c_str(),
               text.c_str());
}

// The tag the hosts file is for: --tag, else the state file beside it ("" unknown).
Result<std::string> convert_tag(const std::string& given, const inventory::Inventory& inv) {
  if (!given.empty()) {
    if (!Version::parse_release(given))
      return Error("--tag: '" + given + "' is not a release tag (vX.Y.Z)");
    return given;
  }
  std::filesystem::path dir = std::filesystem::path(inv.files[0].path).parent_path();
  std::filesystem::path state =
      (dir.empty() ? std::filesystem::path(".") : dir) / upgrade::kStateFile;
  std::error_code ec;
  if (!std::filesystem::exists(state, ec)) return std::string();
  auto text = read_file(state);
  if (!text) return text.error();
  auto st = upgrade::parse_state(&*text, state.string());
  if (!st) return st.error();
  if (!*st) return std::string();
  note("the inventory is for " + (*st)->tag + " (" + state.string() + ")");
  return (*st)->tag;
}

// What the INI may leave to Kubespray at `tag`, with a note when it leaves nothing.
Result<inventory::LeftToKubespray> layout_for(const std::string& tag) {
  if (tag.empty()) {
    note("the Kubespray tag this inventory is for is unknown (no --tag, no " +
         std::string(upgrade::kStateFile) +
         "): every group is kept, k8s_cluster included; give --tag to write that tag's layout");
    return inventory::LeftToKubespray{};
  }
  auto schemas = schema::load_default_schemas();
  if (!schemas) return schemas.error();
  auto left = upgrade::left_to_kubespray(*schemas, tag);
  if (left.runtime_groups.empty())
    note("Kubespray " + tag +
         " builds no group at run time: every group is kept, k8s_cluster included");
  return left;
}

}  // namespace

void add_convert(CLI::App& app, Action& action) {
  struct Opts {
    std::vector<std::string> sources;
    std::string to;
    std::string output;
    std::string tag;
    bool force = false;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand(
      "convert",
      "Convert a hosts file between INI and YAML (same hosts, groups and variables).\n"
      "Examples:\n"
      "  kubespray-migrate convert -i inventory/mycluster/hosts.yaml --to ini -o "
      "inventory/mycluster/inventory.ini\n"
      "  kubespray-migrate convert -i inventory/mycluster/hosts.yaml --to ini --tag v2.19.1\n"
      "  kubespray-migrate convert -i inventory/mycluster/inventory.ini --to yaml");
  cmd->add_option(
      "-i,--inventory", o->sources,
      "the hosts file (default: ANSIBLE_INVENTORY, else the `inventory` of ansible.cfg)");
  cmd->add_option("--to", o->to, "ini (the v2.27+ sample layout) or yaml")
      ->required()
      ->check(CLI::IsMember({"ini", "yaml"}));
  cmd->add_option(
      "--tag,--for", o->tag,
      "the Kubespray tag the inventory is for (default: its .kubespray-migrate.yml; unknown: every "
      "group is kept); from v2.27.0 k8s_cluster is left to Kubespray");
  cmd->add_option("-o,--output", o->output, "write here (atomically) instead of stdout");
  cmd->add_flag("--force", o->force, "allow -o to overwrite the input file");
  cmd->callback([o, &action] {
    action = [o]() -> int {
      auto inv = load_cli_inventory(o->sources);
      if (!inv) {
        print_error(inv.error());
        return kExitError;
      }
      inventory::LeftToKubespray left;
      if (o->to == "ini" && !inv->files.empty()) {
        auto tag = convert_tag(o->tag, *inv);
        auto l = tag ? layout_for(*tag) : Result<inventory::LeftToKubespray>(tag.error());
        if (!l) {
          print_error(l.error());
          return kExitError;
        }
        left = std::move(*l);
      }
      auto conv = inventory::convert_hosts_file(
          *inv, o->to == "ini" ? inventory::ConvertTo::Ini : inventory::ConvertTo::Yaml, left);
      if (!conv) {
        print_error(conv.error());
        return kExitError;
      }
      for (const auto& n : conv->omitted) note(n);
      if (o->output.empty()) {
        std::fwrite(conv->text.data(), 1, conv->text.size(), stdout);
        return std::fflush(stdout) == 0 ? kExitClean : kExitError;
      }
      std::error_code ec;
      if (!o->force && std::filesystem::exists(o->output, ec) &&
          std::filesystem::equivalent(o->output, inv->files[0].path, ec)) {
        print_error(
            Error("refusing to overwrite the input file (use --force)", Location{o->output, 0, 0}));
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
