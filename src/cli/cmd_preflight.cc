// `kubespray-migrate preflight`: the Kubespray assertions that would stop
// upgrade-cluster.yml at the target tag, found before the run instead of
// forty minutes into it with nodes cordoned. `--list-assertions` lists what
// the playbook can reach (extraction only); otherwise each assertion is
// evaluated per host against the inventory's effective values at --to
// (src/preflight/evaluate.h, values from src/vars), with what --from
// deployed (or --cluster-state) standing in for the live cluster.
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "cli/commands.h"
#include "cli/inventory_source.h"
#include "cli/output.h"
#include "cli/trees.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/paths.h"
#include "inventory/loader.h"
#include "preflight/extract.h"
#include "preflight/run.h"
#include "report/report.h"
#include "report/summary_block.h"
#include "schema/schema.h"
#include "sources/knowledge.h"
#include "sources/source.h"
#include "upgrade/history.h"

namespace ksm::cli {

namespace {

struct PreflightOpts {
  std::vector<std::string> inventory;
  std::optional<std::string> kubespray;
  std::string from;
  std::string to;
  std::string cluster_state;
  std::string facts;
  std::string format = "text";
  std::string playbook = ksm::kubespray().upgrade_playbook();
  bool list_assertions = false;
  bool show_passed = false;
  std::string evaluation;  // write the per-host outcomes here (JSON)
  std::string deployed;    // --deployed REV: the inventory as committed there is the --from side
};

// The inventory the cluster was deployed with, from the inventory's own git
// history: as committed at --deployed, else (with --from) on the branch
// t_<from> that the stop before this one was recorded on. The checks that
// compare before and after (etcd member names) then see what really runs,
// not a rewritten inventory read twice. nullopt when there is none.
struct Deployed {
  std::unique_ptr<GitSource> tree;
  std::string path;  // the inventory folder in it
  std::string why;
};

Result<std::optional<Deployed>> deployed_inventory(const PreflightOpts& o) {
  if (o.inventory.size() != 1 || (o.from.empty() && o.deployed.empty()))
    return std::optional<Deployed>();
  std::filesystem::path folder = o.inventory.front();
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) folder = folder.parent_path();
  if (folder.empty()) folder = ".";
  auto repo = upgrade::InventoryRepo::open(folder);
  if (!repo) return repo.error();
  if (!*repo) {
    if (!o.deployed.empty())
      return Error("--deployed: the inventory is not inside a git work tree",
                   Location{folder.string()});
    return std::optional<Deployed>();
  }
  std::string rev = o.deployed;
  if (rev.empty()) {
    auto branch = upgrade::stop_branch(upgrade::kStopBranchFormat, o.from);
    if (!branch || !(*repo)->repo().resolve("refs/heads/" + *branch))
      return std::optional<Deployed>();
    rev = *branch;
  }
  auto tree = (*repo)->at(rev);
  if (!tree) return tree.error().context("--deployed");
  std::string id = (*tree)->commit_id().substr(0, 7);
  std::string path = (*repo)->prefix().empty() ? "." : (*repo)->prefix();
  Deployed d{std::move(*tree), path,
             "the cluster's inventory (the --from side) is " + path + " as committed at " + rev +
                 " (" + id + ")"};
  return std::optional<Deployed>(std::move(d));
}

std::string joined(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string list_text(const preflight::Extraction& x, bool colour) {
  auto paint = [&](const char* ansi, const std::string& s) {
    return colour ? std::string("\033[") + ansi + "m" + s + "\033[0m" : s;
  };
  std::string out =
      paint("1", x.playbook + " at " + x.tree) + ": " + std::to_string(x.assertions.size()) +
      " reachable assertions (" + std::to_string(x.count(preflight::TaskModule::Assert)) +
      " assert, " + std::to_string(x.count(preflight::TaskModule::Fail)) + " fail) in " +
      std::to_string(x.plays) + " plays, " + std::to_string(x.files.size()) + " files read\n";
  for (const auto& a : x.assertions) {
    out += "\n" + paint("2", a.where.str()) + "  " + preflight::module_name(a.module) +
           (a.role.empty() ? "" : "  [" + a.role + "]") + "\n";
    out += "  " + paint("1", a.name.empty() ? "(unnamed)" : a.name) + "\n";
    for (size_t i = 0; i < a.that.size(); ++i)
      out += std::string(i ? "        " : "  that: ") + a.that[i] + "\n";
    if (!a.when.empty()) out += "  when: " + joined(a.when, " and ") + "\n";
    if (a.msg) out += "  msg:  " + *a.msg + "\n";
    std::vector<std::string> flags;
    auto flag = [&](const char* name, const Value& v) {
      if (v.is_undefined() || v.is_null()) return;
      if (v.is_bool()) {
        if (v.as_bool()) flags.push_back(name);
      } else {
        flags.push_back(std::string(name) + "=" + to_python_str(v));
      }
    };
    flag("run_once", a.run_once);
    flag("ignore_errors", a.ignore_errors);
    if (!flags.empty()) out += "  " + joined(flags, ", ") + "\n";
    for (const auto& r : a.reaches) {
      out += "  " + paint("36", "on " + r.hosts) + " in play '" + r.play + "'";
      if (!r.when.empty()) out += " if " + joined(r.when, " and ");
      if (r.in_rescue) out += " (in a rescue)";
      out += "\n";
    }
  }
  if (!x.not_followed.empty()) {
    out += "\n" + paint("1;33", "Not followed (" + std::to_string(x.not_followed.size()) + ")") +
           ": assertions behind these are not listed\n";
    for (const auto& n : x.not_followed)
      out += "  " + n.where.str() + "  " + n.keyword + " " + n.target + ": " + n.reason + "\n";
  }
  for (const auto& w : x.warnings) out += "warning: " + w.str() + "\n";
  return out;
}

// The block the report ends with: counts and the next step.
report::SummaryBlock preflight_summary(const PreflightOpts& o, const report::Report& r,
                                       int status) {
  report::Summary s = report::summarize(r);
  report::SummaryBlock b;
  b.counts = {{"blocking", s.blocking},
              {"warnings", s.warnings},
              {"unknown before the run", s.unknown},
              {"passed", s.passed}};
  std::string inv;
  for (const auto& i : o.inventory) inv += " -i " + i;
  if (s.blocking > 0) {
    b.next.push_back(
        fmt::format("fix the {} blocking finding{} above (each says how: fix:), then run "
                    "preflight again",
                    s.blocking, s.blocking == 1 ? "" : "s"));
    b.exit_why = fmt::format("{} blocking: {} would stop at {}", s.blocking, o.playbook,
                             s.blocking == 1 ? "it" : "them");
  } else {
    if (s.unknown > 0)
      b.next.push_back(fmt::format("{} assertion{} depend on the live cluster: --facts DIR and "
                                   "--cluster-state FILE decide them before the run",
                                   s.unknown, s.unknown == 1 ? "" : "s"));
    b.next.push_back("from a checkout of " + o.to + " with its requirements.txt:");
    b.next.push_back("ansible-playbook" + inv + " " + o.playbook + " -b");
  }
  b.exit_status = status;
  return b;
}

int evaluate(const PreflightOpts& o, const Source& to_src, report::Format format,
             std::shared_future<std::string> ansible) {
  auto sources = operator_hosts_files(o.inventory);
  if (!sources) {
    print_error(sources.error().context("preflight needs the inventory (-i PATH)"));
    return kExitError;
  }
  auto schemas = schema::load_default_schemas();
  if (!schemas) print_warning(schemas.error().context("schemas/ not used"));
  std::unique_ptr<Source> from_src;
  if (!o.from.empty()) {
    auto fs = open_tree(o.kubespray, o.from);
    if (!fs) {
      print_error(fs.error());
      return kExitError;
    }
    from_src = std::move(*fs);
  }
  DirSource data(data_dir());
  auto release = preflight::load_release_data(data, o.to);
  if (!release) {
    print_error(release.error());
    return kExitError;
  }
  auto deployed = deployed_inventory(o);
  if (!deployed) {
    print_error(deployed.error());
    return kExitError;
  }
  inventory::DiskInputs disk(*sources);
  preflight::RunOptions ro;
  if (*deployed) {
    ro.from_inventory.push_back({(*deployed)->tree.get(), (*deployed)->path});
    std::fprintf(stderr, "preflight: %s\n", (*deployed)->why.c_str());
  }
  ro.release = &*release;
  ro.inventory = disk.inputs();
  ro.to = &to_src;
  ro.to_tag = o.to;
  ro.from = from_src.get();
  ro.from_tag = o.from;
  ro.cluster_state = o.cluster_state;
  ro.facts = o.facts;
  ro.playbook = o.playbook;
  ro.schemas = schemas ? &*schemas : nullptr;
  ro.ansible_version = ansible;
  ro.check_ansible = true;
  ro.include_passed = o.show_passed;
  ro.keep_evaluation = !o.evaluation.empty();
  auto r = preflight::run(ro);
  if (!r) {
    print_error(r.error());
    return kExitError;
  }
  for (const auto& w : r->warnings) print_warning(w);
  if (!o.evaluation.empty()) {
    if (auto s = write_file_atomic(o.evaluation, to_json(r->evaluation, {false, 1}) + "\n"); !s) {
      print_error(s.error());
      return kExitError;
    }
  }
  report::TextOptions to_opts;
  to_opts.colour = use_colour(stdout);
  to_opts.show_passed = o.show_passed;
  to_opts.verbose = verbose_flag();
  int status = report::exit_status(r->report);
  report::SummaryBlock block = preflight_summary(o, r->report, status);
  std::string out;
  if (format == report::Format::Json) {
    Value doc = report::to_value(r->report);
    if (doc.is_map()) doc.map_mut().set("summary", report::summary_block_value(block));
    out = to_json(doc, {false, 2}) + "\n";
  } else {
    out = report::render(r->report, format, to_opts);
  }
  if (!out.empty() && out.back() != '\n') out += '\n';
  if (format == report::Format::Text)
    print_text(stdout, out + report::render_summary_block(block, to_opts.colour));
  else
    std::fwrite(out.data(), 1, out.size(), stdout);
  return status;
}

int run_preflight(const PreflightOpts& o) {
  auto format = report::parse_format(o.format);
  if (!format) {
    print_error(format.error());
    return kExitError;
  }
  if (o.to.empty()) {
    print_error(Error("preflight: --to TAG is required (the Kubespray tag being upgraded to)"));
    return kExitError;
  }
  // Kubespray's own Ansible version check reads `ansible --version`: it
  // runs while the inventory and the trees load.
  std::shared_future<std::string> ansible;
  if (!o.list_assertions) ansible = ansible_on_path_async();
  auto tree = open_tree(o.kubespray, o.to);
  if (!tree) {
    print_error(tree.error());
    return kExitError;
  }
  if (!o.list_assertions) return evaluate(o, **tree, *format, ansible);
  preflight::ExtractOptions eo;
  eo.playbook = o.playbook;
  auto x = preflight::extract_assertions(**tree, eo);
  if (!x) {
    print_error(x.error());
    return kExitError;
  }
  if (*format == report::Format::Json) {
    std::fputs((to_json(preflight::to_value(*x), {false, 2}) + "\n").c_str(), stdout);
  } else if (*format == report::Format::Text) {
    print_text(stdout, list_text(*x, use_colour(stdout)));
  } else {
    print_error(Error("preflight --list-assertions prints text or json, not " + o.format));
    return kExitError;
  }
  return kExitClean;
}

}  // namespace

void add_preflight(CLI::App& app, Action& action) {
  auto o = std::make_shared<PreflightOpts>();
  auto* cmd = app.add_subcommand(
      "preflight",
      "Evaluate the Kubespray assertions " + kubespray().upgrade_playbook() +
          " would reach at --to against the\n"
      "inventory, before the run (exit 0 clean, 2 warnings only, 3 blocking, 1 error).\n"
      "Examples:\n"
      "  kubespray-migrate preflight --kubespray ~/kubespray --to v2.19.0 --list-assertions\n"
      "  kubespray-migrate preflight -i inventory/mycluster --kubespray ~/kubespray \\\n"
      "      --from v2.18.2 --to v2.19.0 --format sarif");
  cmd->add_option("-i,--inventory", o->inventory,
                  "the operator's inventory (hosts file or folder; repeatable)");
  cmd->add_option("--kubespray", o->kubespray,
                  "Kubespray clone (default: KUBESPRAY_DIR, else the current directory)");
  cmd->add_option("--from", o->from, "the tag the cluster runs now (what the live cluster holds)");
  cmd->add_option("--to", o->to, "the tag being upgraded to (whose assertions are checked)");
  cmd->add_option("--deployed", o->deployed,
                  "a git revision (branch, tag, commit) of the inventory's own repository holding "
                  "the inventory the cluster was deployed with; checks that compare before and "
                  "after (etcd member names) read it. Default with --from: the branch t_<from> "
                  "when it exists (the branch upgrade --commit records that stop on)");
  cmd->add_option("--cluster-state", o->cluster_state,
                  "values read from the live cluster (YAML/JSON; also `calicoctl get ippool -o "
                  "yaml` output)");
  cmd->add_option("--facts", o->facts, "folder of gathered facts (one JSON file per host)");
  cmd->add_option("--format", o->format, "text, json, sarif or junit")
      ->check(CLI::IsMember({"text", "json", "sarif", "junit"}));
  cmd->add_option("--playbook", o->playbook,
                  "entry playbook (default " + kubespray().upgrade_playbook() + ")");
  cmd->add_flag("--list-assertions", o->list_assertions,
                "list the assert/fail tasks the playbook can reach at --to, and stop");
  cmd->add_flag("--show-passed", o->show_passed,
                "also list the assertions that pass or do not apply");
  cmd->add_option("--evaluation", o->evaluation,
                  "write every assertion's outcome per host, the extraction and the simulated "
                  "live values to this JSON file (for the Ansible agreement harness)");
  cmd->callback([o, &action] { action = [o]() -> int { return run_preflight(*o); }; });
}

}  // namespace ksm::cli
