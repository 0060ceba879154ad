// `kubespray-migrate upgrade`: the operator's inventory for a target tag,
// merged, renamed, restructured, pinned and explained (src/upgrade).
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <iostream>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/trees.h"
#include "core/json.h"
#include "core/paths.h"
#include "core/transaction.h"
#include "core/wrap.h"
#include "pipeline/upgrade_check.h"
#include "report/report.h"
#include "report/summary_block.h"
#include "sources/knowledge.h"
#include "upgrade/history.h"
#include "upgrade/review_findings.h"
#include "upgrade/review_markdown.h"
#include "upgrade/runbook.h"
#include "upgrade/stops.h"
#include "upgrade/upgrade.h"

namespace ksm::cli {

namespace {

struct UpgradeArgs {
  std::string inventory;
  std::string kubespray;
  std::string from, to;
  std::string output;
  bool in_place = false, diff = false, offline = false, bump = false, no_preflight = false;
  bool no_stop_preflight = false;
  bool resume = false;  // --continue
  bool commit = false;  // --commit: every stop a commit on a branch of its own
  std::string branch_format = upgrade::kStopBranchFormat;
  std::string format = "text";
  std::string backup_suffix = ".orig";
  std::string hosts_format = "keep";
  std::vector<std::string> schemas;
};

// --in-place and --diff produce the final stop only: said, not implied.
void say_final_only(bool in_place, upgrade::UpgradeResult& u) {
  if (u.stops.size() < 2) return;
  std::string skipped;
  for (size_t i = 0; i + 1 < u.stops.size(); ++i)
    skipped += (skipped.empty() ? "" : ", ") + u.stops[i].tag;
  u.report.hops.back().notes.push_back(
      {upgrade::NoteLevel::Info,
       "only the final stop " + u.to_tag + " is " +
           (in_place ? "written (--in-place)" : "shown (--diff)") +
           "; the inventories of the stops before it (" + skipped +
           ") and RUNBOOK.md are written by a run to a new folder (-o DIR, or the default)",
       ""});
}

struct Written {
  std::string output;                  // the final inventory's folder
  std::string stops;                   // the folder of the stops, "" when not written
  Value runbook = Value::undefined();  // their runbook, for the JSON report
};

// The default output: a new folder (-o, else <inventory>-<target> beside
// the input) and, over several stops, every stop's inventory and the
// runbook in <output>-stops (upgrade/stops.h), both refused before anything
// is written when they exist and are not empty.
Result<Written> write_new_folder(const UpgradeArgs& a, const upgrade::UpgradeResult& u) {
  std::filesystem::path out = a.output;
  if (out.empty()) {
    auto root = u.workspace.root().lexically_normal();
    if (root.filename().empty()) root = root.parent_path();
    if (root == ".") root = std::filesystem::current_path();
    out = root.parent_path() / (root.filename().string() + "-" + u.target_tag);
  }
  bool several = u.stops.size() > 1;
  std::filesystem::path stops = upgrade::stops_dir(out);
  if (several)
    if (auto s = upgrade::check_stops_dir(stops); !s) return s.error();
  if (auto s = u.workspace.write_to(out); !s) return s.error();
  Written w{out.string(), "", Value::undefined()};
  if (!several) return w;
  auto written = upgrade::write_stops(u, stops);
  if (!written) return written.error();
  w.stops = stops.string();
  w.runbook = upgrade::runbook_value(*written);
  return w;
}

// --commit: the git work tree the inventory is in, checked before the run
// (no uncommitted work in the inventory folder).
Result<upgrade::InventoryRepo> commit_repo(const UpgradeArgs& a) {
  auto where = upgrade::locate_inventory(a.inventory);
  if (!where) return where.error();
  auto repo = upgrade::InventoryRepo::open(where->folder);
  if (!repo) return repo.error();
  if (!*repo)
    return Error("--commit: the inventory is not inside a git work tree (git init, commit it, "
                 "then run again; or write folders without --commit)",
                 Location{where->folder.string()});
  if (auto s = (*repo)->check_committed(); !s) return s.error();
  return std::move(**repo);
}

struct Committed {
  std::vector<upgrade::StopCommit> commits;
  Value runbook = Value::undefined();
  std::string runbook_path;  // in the commits, "" when not committed
};

// Every stop as a commit on its branch, the runbook (for branches) in each.
Result<Committed> write_commits(const UpgradeArgs& a, const upgrade::InventoryRepo& repo,
                                const upgrade::UpgradeResult& u) {
  upgrade::CommitOptions co{a.branch_format, ""};
  auto planned = upgrade::plan_commits(repo, u, co);
  if (!planned) return planned.error();
  std::vector<std::string> folders(u.stops.size(), repo.prefix().empty() ? "." : repo.prefix());
  auto stops = upgrade::runbook_stops(u, folders);
  for (size_t i = 0; i < stops.size() && i < planned->size(); ++i) {
    stops[i].branch = (*planned)[i].branch;
    stops[i].branch_in_kubespray = (*planned)[i].on_tag;
  }
  co.runbook = upgrade::render_runbook(stops);
  auto done = upgrade::commit_stops(repo, u, std::move(*planned), co);
  if (!done) return done.error();
  Committed c{std::move(*done), upgrade::runbook_value(stops), ""};
  if (!repo.prefix().empty()) c.runbook_path = repo.prefix() + ".RUNBOOK.md";
  return c;
}

Value commits_value(const Committed& c) {
  List out;
  for (const auto& sc : c.commits) {
    List left;
    for (const auto& l : sc.left_out) left.push_back(Value(l));
    out.push_back(Value(Map{{"tag", Value(sc.tag)},
                            {"branch", Value(sc.branch)},
                            {"commit", Value(sc.commit_id)},
                            {"parent", Value(sc.parent)},
                            {"on_tag", Value(sc.on_tag)},
                            {"left_out", Value(std::move(left))}}));
  }
  return Value(std::move(out));
}

std::string commits_text(const Committed& c) {
  std::string out = fmt::format("\nevery stop recorded as a commit on a branch of its own ({}):\n",
                                c.commits.size());
  for (const auto& sc : c.commits) {
    out += fmt::format("  {}  {}  {} on {}\n", sc.branch, sc.commit_id.substr(0, 7), sc.tag,
                       sc.on_tag ? "Kubespray's tag " + sc.tag : sc.parent);
    for (const auto& l : sc.left_out) out += "    not committed: " + l + "\n";
  }
  if (!c.runbook_path.empty() && !c.commits.empty())
    out += verbatim(fmt::format("the commands to run at each stop: git show {}:{}",
                                c.commits.back().branch, c.runbook_path)) + "\n";
  return out;
}

// Where the output went, for the summary block.
struct Outputs {
  std::string output;         // the final inventory (or "(diff)", "(in place ...)")
  std::string stops;          // the folder of the stops, "" when not written
  const Committed* committed = nullptr;
};

std::string shell_quote(const std::string& s) {
  if (s.find_first_of(" \t'\"$`\\!*?[]{}()<>|&;~#") == std::string::npos && !s.empty()) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The block the report ends with: counts, where the output is, what to do next.
report::SummaryBlock upgrade_summary(const UpgradeArgs& a, const pipeline::UpgradeCheck& r,
                                     const Outputs& o) {
  const upgrade::UpgradeResult& u = r.upgrade;
  size_t changes = 0, pins = 0, review = 0, blocking_notes = 0;
  const size_t conflicts = u.report.conflict_count();
  bool blocked = false;
  for (const auto& h : u.report.hops) {
    for (const auto& c : h.changes) (c.kind == upgrade::ChangeKind::Pin ? pins : changes)++;
    for (const auto& n : h.notes) {
      if (n.level == upgrade::NoteLevel::Review) ++review;
      if (n.level == upgrade::NoteLevel::Blocking) ++blocking_notes;
    }
    blocked = blocked || h.blocked;
  }
  size_t findings = r.preflight ? report::summarize(*r.preflight).blocking : 0;
  // The Markdown document starts with this block; the text ends with it.
  const char* there = a.format == "markdown" ? "below" : "above";
  report::SummaryBlock b;
  b.counts = {{"hops", u.report.hops.size()}, {"changes", changes}, {"pins", pins},
              {"notes to review", review}, {"conflicts", conflicts},
              {"blocking findings", findings + blocking_notes}};
  std::string kubespray = a.kubespray.empty() ? "" : " --kubespray " + shell_quote(a.kubespray);
  if (a.diff)
    b.outputs.push_back(a.format == "markdown" ? "the diff (on stdout); nothing was written"
                                               : "the diff above; nothing was written");
  else if (o.committed)
    b.outputs.push_back("every stop a commit on its own branch, the last " +
                        o.committed->commits.back().branch);
  else
    b.outputs.push_back("the inventory for " + u.to_tag + ": " + o.output);
  if (!o.stops.empty())
    b.outputs.push_back("every stop and RUNBOOK.md: " + o.stops);
  if (!u.report.manifests.empty())
    b.outputs.push_back("manifests to apply (beside the inventory): " + u.report.manifests);
  // The inventory the next commands name: with --commit, the operator's own
  // path, once the stop's branch is checked out.
  std::string out_arg = a.in_place || o.committed ? a.inventory : o.output;
  if (o.committed && (conflicts > 0 || blocked || findings > 0))
    b.next.push_back("git checkout " + o.committed->commits.back().branch +
                     "   (in the repository of " + a.inventory + ")");
  if (conflicts > 0) {
    b.next.push_back(fmt::format("resolve the {} conflict marker{} (<<<<<<<) in {}", conflicts,
                                 conflicts == 1 ? "" : "s", out_arg));
    if (o.committed) b.next.push_back("commit the resolved files on that branch, then:");
    b.next.push_back("kubespray-migrate upgrade --continue -i " + shell_quote(out_arg) + kubespray +
                     (a.in_place ? " --in-place" : "") + (o.committed ? " --commit" : ""));
    b.exit_why = "conflicts left in the inventory; the run stopped at " + u.to_tag;
  } else if (blocked) {
    b.next.push_back(fmt::format("do what the blocking note {} says, then:", there));
    b.next.push_back("kubespray-migrate upgrade --continue -i " + shell_quote(out_arg) + kubespray +
                     (o.committed ? " --commit" : ""));
    b.exit_why = "the run is blocked at " + u.to_tag;
  } else if (findings > 0) {
    b.next.push_back(fmt::format("fix the {} blocking finding{} of preflight {}, then check again:",
                                 findings, findings == 1 ? "" : "s", there));
    std::string from = u.previous_tag.empty() ? u.from_tag : u.previous_tag;
    if (!a.diff)
      b.next.push_back("kubespray-migrate preflight -i " + shell_quote(out_arg) + kubespray +
                       " --from " + from + " --to " + u.to_tag);
    b.exit_why = fmt::format("preflight finds {} blocking: {} would stop", findings,
                             ksm::kubespray().upgrade_playbook());
  } else {
    if (review > 0)
      b.next.push_back(fmt::format("review the {} note{} marked review: {}", review,
                                   review == 1 ? "" : "s", there));
    if (a.diff)
      b.next.push_back("write it: the same command with -o DIR (or --in-place)");
    else if (o.committed && !o.committed->runbook_path.empty())
      b.next.push_back("git show " + o.committed->commits.back().branch + ":" +
                       o.committed->runbook_path + "   (the commands of every stop)");
    else if (!o.stops.empty())
      b.next.push_back("follow " +
                       (std::filesystem::path(o.stops) / upgrade::kRunbookFile).string() +
                       ", stop by stop");
    else if (!u.stops.empty() && !u.stops.back().kube_version.empty())
    {
      b.next.push_back("from a checkout of " + u.to_tag + " with its requirements.txt:");
      b.next.push_back("ansible-playbook -i " +
                       shell_quote((std::filesystem::path(out_arg) / u.hosts_file).string()) + " " +
                       ksm::kubespray().upgrade_playbook() +
                       " -b -e kube_version=" + u.stops.back().kube_version);
    }
    if (review > 0) b.exit_why = fmt::format("{} note{} to review", review, review == 1 ? "" : "s");
  }
  b.exit_status = r.exit_status();
  return b;
}

// --in-place: a run killed during its in-place write is finished (after
// its commit point) or its temporary files cleared (before). An exit status
// when that is the whole of this run (or it failed), none to go on.
std::optional<int> recover_in_place(const UpgradeArgs& a) {
  std::error_code ec;
  std::filesystem::path root = a.inventory;
  if (!std::filesystem::is_directory(root, ec)) root = root.parent_path();
  if (root.empty()) root = ".";
  bool pending = std::filesystem::exists(root / FolderTransaction::kJournal, ec);
  auto done = FolderTransaction::recover(root);
  if (!done) {
    print_error(done.error());
    return kExitError;
  }
  if (!done->empty()) print_warning(Error(*done, Location{root.string()}));
  // The manifests beside it have a transaction of their own (written first).
  std::filesystem::path side = upgrade::Workspace::beside_dir(root);
  if (std::filesystem::is_directory(side, ec)) {
    auto side_done = FolderTransaction::recover(side);
    if (!side_done) {
      print_error(side_done.error());
      return kExitError;
    }
    if (!side_done->empty()) print_warning(Error(*side_done, Location{side.string()}));
  }
  // The interrupted run had passed its commit point: its upgrade is now
  // the inventory (backups kept). That is the whole of this run.
  if (pending) {
    std::printf(
        "kubespray-migrate: the interrupted in-place upgrade of %s is complete; run upgrade "
        "again for a further tag\n",
        root.string().c_str());
    return kExitClean;
  }
  return std::nullopt;
}

// The library's options from the command line (`data`: the tool's data folder).
Result<pipeline::UpgradeCheckOptions> check_options(const UpgradeArgs& a, const Source* data) {
  pipeline::UpgradeCheckOptions po;
  upgrade::UpgradeOptions& o = po.upgrade;
  o.inventory = a.inventory;
  if (!a.kubespray.empty()) o.kubespray = a.kubespray;
  o.from = a.from;
  o.to = a.to;
  o.resume = a.resume;
  o.offline = a.offline;
  o.keep_stops = !a.in_place && !a.diff;  // a new folder or commits: every stop is written
  for (const auto& s : a.schemas) o.schema_dirs.emplace_back(s);
  auto hf = upgrade::parse_hosts_format(a.hosts_format);
  if (!hf) return hf.error();
  o.hosts_format = *hf;
  if (::isatty(STDERR_FILENO))
    o.progress = [](const std::string& s) { std::fprintf(stderr, "%s\n", s.c_str()); };
  // With a full clone at hand (playbooks, not only roles), the produced
  // inventory is checked by preflight for the target tag, so one command
  // gives the new inventory and the assertions that would still fail.
  po.preflight = !a.no_preflight;
  po.preflight_stops = !a.no_stop_preflight;
  po.data = data;
  if (po.preflight && !a.offline) po.ansible_probe = ansible_on_path_async;
  return po;
}

// Where the run's result went: stdout (--diff), the operator's folder
// (--in-place), commits (--commit) or a new folder beside the inventory.
struct RunOutput {
  Written written;  // the output, when files were written
  std::optional<Committed> committed;  // --commit
};

Result<RunOutput> write_result(const UpgradeArgs& a, std::optional<upgrade::InventoryRepo>& repo,
                               upgrade::UpgradeResult& u) {
  RunOutput w;
  if (a.in_place || a.diff) say_final_only(a.in_place, u);
  if (a.diff) {
    w.written.output = "(diff)";
    std::fputs(u.workspace.diff().c_str(), stdout);
  } else if (a.in_place) {
    w.written.output = "(in place, backups *" + a.backup_suffix + ")";
    if (auto s = u.workspace.write_in_place(a.backup_suffix); !s) return s.error();
    if (!u.workspace.beside().empty())
      u.report.place_beside(upgrade::Workspace::beside_dir(u.workspace.root()).string());
  } else if (repo) {
    auto c = write_commits(a, *repo, u);
    if (!c) return c.error();
    w.committed = std::move(*c);
    w.written.output = a.inventory + " on the branch " + w.committed->commits.back().branch +
               " (and every stop before it on its own branch)";
  } else {
    auto f = write_new_folder(a, u);
    if (!f) return f.error();
    w.written.output = f->output;
    w.written.stops = f->stops;
    w.written.runbook = f->runbook;
    if (!u.workspace.beside().empty())
      u.report.place_beside(upgrade::Workspace::beside_dir(f->output).string());
  }
  return w;
}

// The report in the format asked for, on `rep`.
void print_report(const UpgradeArgs& a, pipeline::UpgradeCheck& res, const RunOutput& w,
                  FILE* rep) {
  upgrade::UpgradeResult& u = res.upgrade;
  const Committed* committed = w.committed ? &*w.committed : nullptr;
  Outputs outs{w.written.output, w.written.stops, committed};
  report::SummaryBlock summary = upgrade_summary(a, res, outs);
  if (a.format == "json") {
    Value doc = pipeline::to_value(res);
    if (!w.written.stops.empty() && doc.is_map()) {
      doc.map_mut().set("stops", Value(w.written.stops));
      doc.map_mut().set("runbook", w.written.runbook);
    }
    if (committed && doc.is_map()) {
      doc.map_mut().set("commits", commits_value(*committed));
      doc.map_mut().set("runbook", committed->runbook);
    }
    if (doc.is_map()) doc.map_mut().set("summary", report::summary_block_value(summary));
    std::fputs((to_json(doc, {false, 2}) + "\n").c_str(), rep);
  } else if (a.format == "markdown") {
    upgrade::HopDiffs diffs = upgrade::hop_diffs(u);
    upgrade::ReviewDocument doc{&u.report, &diffs, &summary,
                                res.preflight ? &*res.preflight : nullptr, u.to_tag};
    std::fputs(upgrade::render_markdown(doc).c_str(), rep);
  } else if (a.format == "sarif" || a.format == "junit") {
    upgrade::ReviewFindingsOptions fo;
    fo.info_notes = a.format == "junit";
    // Results are located in the upgraded inventory: the new folder, else
    // the operator's own (in place, --commit's branch once checked out).
    std::error_code ec;
    std::filesystem::path root = a.in_place || a.diff || committed
                                     ? u.workspace.root()
                                     : std::filesystem::path(w.written.output);
    fo.inventory_root = std::filesystem::absolute(root, ec).lexically_normal().string();
    report::Report findings = upgrade::review_findings(
        u.report, u.workspace, u.hosts_file, res.preflight ? &*res.preflight : nullptr, fo);
    std::string doc = a.format == "sarif" ? report::render_sarif(findings)
                                          : report::render_junit(findings, {false, true});
    std::fputs(doc.c_str(), rep);
  } else {
    std::string text = upgrade::render_text(u.report, use_colour(rep), verbose_flag());
    if (!w.written.stops.empty())
      text += fmt::format("\nevery stop's inventory and the commands to run at each ({}): {}\n",
                          upgrade::kRunbookFile, w.written.stops);
    if (committed) text += commits_text(*committed);
    if (res.preflight) {
      report::TextOptions to;
      to.colour = use_colour(rep);
      to.verbose = verbose_flag();
      text += "\npreflight of the produced inventory for " + u.to_tag + ":\n";
      text += report::render_text(*res.preflight, to);
    }
    print_text(rep, text + report::render_summary_block(summary, use_colour(rep)));
  }
}

int run(const UpgradeArgs& a) {
  if (a.to.empty() && !a.resume) {
    print_error(Error("upgrade: --to is required (or --continue a run that conflicts stopped)"));
    return kExitError;
  }
  if (a.in_place)
    if (auto done = recover_in_place(a)) return *done;
  std::optional<upgrade::InventoryRepo> repo;
  if (a.commit) {
    auto r = commit_repo(a);
    if (!r) {
      print_error(r.error());
      return kExitError;
    }
    repo = std::move(*r);
  }
  DirSource data(data_dir());
  auto po = check_options(a, &data);
  if (!po) {
    print_error(po.error());
    return kExitError;
  }
  auto r = pipeline::upgrade_and_check(*po);
  if (!r) {
    print_error(r.error());
    return kExitError;
  }
  if (r->preflight_error) print_warning(*r->preflight_error);
  auto w = write_result(a, repo, r->upgrade);
  if (!w) {
    print_error(w.error());
    return kExitError;
  }
  pipeline::set_output(*r, w->written.output);
  print_report(a, *r, *w, a.diff ? stderr : stdout);
  return r->exit_status();
}

}  // namespace

void add_upgrade(CLI::App& app, Action& action) {
  auto a = std::make_shared<UpgradeArgs>();
  auto* sub = app.add_subcommand(
      "upgrade",
      "Produce the inventory for a target Kubespray tag, one minor at a time: three-way merge with "
      "the sample,\n"
      "renames, restructures, pins of changed defaults; every change explained.\n"
      "A hop that leaves a conflict stops the run there (exit 3): resolve its <<<<<<< markers in "
      "the output,\n"
      "then `upgrade --continue -i OUTPUT` goes on from that hop towards the same target.\n"
      "Exit: 0 clean, 2 notes to review, 3 conflicts or blocking findings, 1 error.\n"
      "Example: kubespray-migrate upgrade -i inventory/mycluster --kubespray ~/src/kubespray --to "
      "v2.27.0\n"
      "Example: kubespray-migrate upgrade --continue -i inventory/mycluster-v2.27.0 --kubespray "
      "~/src/kubespray");
  sub->add_option("-i,--inventory", a->inventory, "the inventory folder or its hosts file")
      ->required();
  sub->add_option("--kubespray", a->kubespray,
                  "Kubespray clone; default $KUBESPRAY_DIR, else the current directory if it is "
                  "one, else offline");
  auto* from = sub->add_option("--from", a->from,
                               "the tag the inventory is for (default: state file, else inferred)");
  sub->add_option("--to", a->to, "the target tag (required, except with --continue)");
  sub->add_flag(
         "--continue", a->resume,
         "go on with a run that conflicts stopped, once its markers are resolved: from the tag "
         "the state file records, towards its target (--to overrides); output as usual "
         "(-o, --in-place, default <inventory>-<target>)")
      ->excludes(from);
  auto* out = sub->add_option("-o,--output", a->output,
                              "output folder (default: <inventory>-<to> beside it)");
  auto* inplace =
      sub->add_flag("--in-place", a->in_place, "rewrite the input atomically, keeping backups");
  auto* diff =
      sub->add_flag("--diff", a->diff, "print a unified diff against the input; write nothing");
  auto* commit = sub->add_flag(
      "--commit", a->commit,
      "record every stop as one commit on a branch of its own (t_v2.16.0, ...; see "
      "--branch-format), the hop's report as its message, instead of writing folders. The "
      "inventory must be in a git work tree with nothing uncommitted in its folder. In the "
      "Kubespray clone itself, a stop's branch starts at the stop's tag, as `git checkout "
      "refs/tags/TAG -b t_TAG` does; elsewhere at the stop before it. HEAD, the index and the "
      "work tree are left as they are");
  sub->add_option("--branch-format", a->branch_format,
                  "the branch of each stop with --commit; {tag} is the stop's tag")
      ->capture_default_str();
  out->excludes(inplace)->excludes(diff)->excludes(commit);
  inplace->excludes(diff)->excludes(commit);
  diff->excludes(commit);
  sub->add_option("--backup-suffix", a->backup_suffix, "suffix of the backups --in-place keeps")
      ->capture_default_str();
  sub->add_flag("--offline", a->offline,
                "use versions/ and schemas/ only, even if a clone is around");
  sub->add_flag("--bump-kube-version", a->bump,
                "no longer needed, accepted for old scripts: kube_version follows the one-minor "
                "rule at every hop");
  sub->add_flag(
      "--no-preflight", a->no_preflight,
      "do not run preflight on the produced inventory (it runs when --kubespray is a full clone)");
  sub->add_flag("--no-stop-preflight", a->no_stop_preflight,
                "run preflight on the final inventory only, not on every stop before it");
  sub->add_option(
         "--hosts-format", a->hosts_format,
         "convert the hosts file after the last hop (group membership and etcd order kept)")
      ->check(CLI::IsMember({"keep", "ini", "yaml"}))
      ->capture_default_str();
  sub->add_option("--schemas", a->schemas, "extra rule folders (operator's own schemas)");
  sub->add_option(
         "--format", a->format,
         "report format: text, json, markdown (a review document for a merge request: per hop "
         "the changes, pins, what to decide and the diff), sarif (code scanning: results "
         "in the upgraded inventory's files and lines) or junit (a test suite per hop)")
      ->check(CLI::IsMember({"text", "json", "markdown", "sarif", "junit"}))
      ->capture_default_str();
  sub->callback([a, &action] { action = [a] { return run(*a); }; });
}

}  // namespace ksm::cli
