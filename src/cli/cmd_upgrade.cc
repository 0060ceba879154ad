// `kubespray-migrate upgrade`: the operator's inventory for a target tag,
// merged, renamed, restructured, pinned and explained (src/upgrade).
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/output.h"
#include "upgrade/upgrade.h"

namespace ksm::cli {

namespace {

struct UpgradeArgs {
  std::string inventory;
  std::string kubespray;
  std::string from, to;
  std::string output;
  bool in_place = false, diff = false, offline = false, bump = false;
  std::string format = "text";
  std::string backup_suffix = ".orig";
  std::string hosts_format = "keep";
  std::vector<std::string> schemas;
};

int run(const UpgradeArgs& a) {
  upgrade::UpgradeOptions o;
  o.inventory = a.inventory;
  if (!a.kubespray.empty()) o.kubespray = a.kubespray;
  o.from = a.from;
  o.to = a.to;
  o.offline = a.offline;
  for (const auto& s : a.schemas) o.schema_dirs.emplace_back(s);
  o.hop.bump_kube_version = a.bump;
  auto hf = upgrade::parse_hosts_format(a.hosts_format);
  if (!hf) {
    print_error(hf.error());
    return kExitError;
  }
  o.hosts_format = *hf;
  if (::isatty(STDERR_FILENO)) o.progress = [](const std::string& s) { std::fprintf(stderr, "%s\n", s.c_str()); };
  auto r = upgrade::run_upgrade(o);
  if (!r) {
    print_error(r.error());
    return kExitError;
  }
  upgrade::Report& report = r->report;
  if (a.diff) {
    report.output = "(diff)";
    std::fputs(r->workspace.diff().c_str(), stdout);
  } else if (a.in_place) {
    report.output = "(in place, backups *" + a.backup_suffix + ")";
    if (auto s = r->workspace.write_in_place(a.backup_suffix); !s) {
      print_error(s.error());
      return kExitError;
    }
  } else {
    std::filesystem::path out = a.output;
    if (out.empty()) {
      auto root = r->workspace.root().lexically_normal();
      if (root.filename().empty()) root = root.parent_path();
      if (root == ".") root = std::filesystem::current_path();
      out = root.parent_path() / (root.filename().string() + "-" + a.to);
    }
    if (auto s = r->workspace.write_to(out); !s) {
      print_error(s.error());
      return kExitError;
    }
    report.output = out.string();
  }
  FILE* rep = a.diff ? stderr : stdout;
  if (a.format == "json") std::fputs(upgrade::render_json(report).c_str(), rep);
  else std::fputs(upgrade::render_text(report, use_colour(rep)).c_str(), rep);
  return report.exit_status();
}

}  // namespace

void add_upgrade(CLI::App& app, Action& action) {
  auto a = std::make_shared<UpgradeArgs>();
  auto* sub = app.add_subcommand(
      "upgrade",
      "Produce the inventory for a target Kubespray tag, one minor at a time: three-way merge with the sample,\n"
      "renames, restructures, pins of changed defaults; every change explained.\n"
      "Exit: 0 clean, 2 notes to review, 3 conflicts or blocking findings, 1 error.\n"
      "Example: kubespray-migrate upgrade -i inventory/mycluster --kubespray ~/src/kubespray --to v2.27.0");
  sub->add_option("-i,--inventory", a->inventory, "the inventory folder or its hosts file")->required();
  sub->add_option("--kubespray", a->kubespray,
                  "Kubespray clone; default $KUBESPRAY_DIR, else the current directory if it is one, else offline");
  sub->add_option("--from", a->from, "the tag the inventory is for (default: state file, else inferred)");
  sub->add_option("--to", a->to, "the target tag")->required();
  auto* out = sub->add_option("-o,--output", a->output, "output folder (default: <inventory>-<to> beside it)");
  auto* inplace = sub->add_flag("--in-place", a->in_place, "rewrite the input atomically, keeping backups");
  auto* diff = sub->add_flag("--diff", a->diff, "print a unified diff against the input; write nothing");
  out->excludes(inplace)->excludes(diff);
  inplace->excludes(diff);
  sub->add_option("--backup-suffix", a->backup_suffix, "suffix of the backups --in-place keeps")->capture_default_str();
  sub->add_flag("--offline", a->offline, "use versions/ and schemas/ only, even if a clone is around");
  sub->add_flag("--bump-kube-version", a->bump, "replace a kube_version the target cannot install by its default");
  sub->add_option("--hosts-format", a->hosts_format,
                  "convert the hosts file after the last hop (group membership and etcd order kept)")
      ->check(CLI::IsMember({"keep", "ini", "yaml"}))
      ->capture_default_str();
  sub->add_option("--schemas", a->schemas, "extra rule folders (operator's own schemas)");
  sub->add_option("--format", a->format, "report format")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
  sub->callback([a, &action] { action = [a] { return run(*a); }; });
}

}  // namespace ksm::cli
