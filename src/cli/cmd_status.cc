// `kubespray-migrate status -i INVENTORY`: where an inventory stands, before
// anything else is run. An operator between two hops, or coming back to a
// cluster months later, asks three things: which Kubespray tag is this
// inventory for (and how do we know: the state file a run left, or a
// guess from the samples), what is the next stop, and is a stopped run
// waiting for `upgrade --continue`. Read-only: nothing is written.
#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/output.h"
#include "core/json.h"
#include "core/text.h"
#include "core/paths.h"
#include "schema/plan.h"
#include "report/summary_block.h"
#include "upgrade/base_tag.h"
#include "upgrade/state.h"
#include "upgrade/upgrade.h"
#include "upgrade/workspace.h"

namespace ksm::cli {

namespace {

struct StatusArgs {
  std::string inventory;
  std::string kubespray;
  std::string format = "text";
};

struct Status {
  std::string folder, hosts_file, hosts_why;
  std::string tag, tag_source;  // tag_source: "state file", "git" or "inferred"
  std::string detail;           // the state file's date and tool, or the inference's confidence
  std::string newest;
  std::vector<std::string> stops;  // to the newest tag
  std::optional<upgrade::Stop> stopped;
  std::vector<std::string> markers;  // file:line of `<<<<<<<` lines left in the inventory
};

Result<Status> read_status(const StatusArgs& a) {
  auto where = upgrade::locate_inventory(a.inventory);
  if (!where) return where.error();
  auto ws = upgrade::Workspace::load(where->folder);
  if (!ws) return ws.error();
  auto facts = a.kubespray.empty() ? schema::ReleaseFacts::from_versions(versions_dir())
                                   : schema::ReleaseFacts::from_clone(a.kubespray);
  if (!facts) return facts.error();
  Status s{
      where->folder.string(), where->hosts_file, where->why, "", "", "", "", {}, std::nullopt, {}};
  auto bt = upgrade::base_tag(*ws, where->hosts_file, where->folder, *facts);
  if (!bt) return bt.error();
  s.tag = bt->tag;
  s.tag_source = upgrade::tag_source_name(bt->source);
  s.detail = bt->source == upgrade::TagSource::Inferred
                 ? fmt::format("confidence {:.0f}%; no {}: give upgrade --from to be sure",
                               bt->confidence * 100, upgrade::kStateFile)
                 : bt->why;
  if (bt->state) s.stopped = bt->state->stopped;
  for (const auto& m : upgrade::conflict_markers(*ws))
    s.markers.push_back(fmt::format("{}:{}", m.file, m.line));
  if (facts->tags().empty()) return Error("no release tags known");
  s.newest = facts->tags().back().name;
  if (!facts->find(s.tag)) return facts->unknown_tag(s.tag);
  if (s.tag != s.newest) {
    auto schemas = schema::load_default_schemas({});
    if (!schemas) return schemas.error();
    auto stops = schema::plan_stops(*facts, *schemas, s.tag, s.newest);
    if (!stops) return stops.error();
    s.stops = std::move(*stops);
  }
  return s;
}

Value status_value(const Status& s) {
  Map m{{"inventory", Value(s.folder)},
        {"hosts_file", Value(s.hosts_file)},
        {"hosts_file_why", Value(s.hosts_why)},
        {"tag", Value(s.tag)},
        {"tag_source", Value(s.tag_source)},
        {"tag_detail", Value(s.detail)},
        {"newest", Value(s.newest)},
        {"next_stop", s.stops.empty() ? Value() : Value(s.stops.front())}};
  List stops, markers;
  for (const auto& t : s.stops) stops.push_back(Value(t));
  for (const auto& f : s.markers) markers.push_back(Value(f));
  m.set("stops_to_newest", Value(std::move(stops)));
  m.set("markers", Value(std::move(markers)));
  if (s.stopped) {
    List conflicts;
    for (const auto& c : s.stopped->conflicts)
      conflicts.push_back(Value(Map{{"file", Value(c.file)},
                                    {"line", Value(static_cast<int64_t>(c.line))},
                                    {"what", Value(c.what)}}));
    m.set("stopped", Value(Map{{"target", Value(s.stopped->target)},
                               {"hop", Value(s.stopped->hop())},
                               {"conflicts", Value(std::move(conflicts))}}));
  } else {
    m.set("stopped", Value());
  }
  return Value(std::move(m));
}

std::string status_text(const Status& s, const std::string& inventory) {
  std::string out = fmt::format("inventory: {}\n", s.folder);
  if (!s.hosts_why.empty()) out += fmt::format("  {}\n", s.hosts_why);
  out += fmt::format("tag: {} ({}: {})\n", s.tag, s.tag_source, s.detail);
  if (s.stops.empty())
    out += fmt::format("next stop: none, {} is the newest tag known\n", s.newest);
  else
    out += fmt::format("next stop: {} ({} stop(s) to {}, one minor at a time: {})\n",
                       s.stops.front(), s.stops.size(), s.newest, join(s.stops, ", "));
  if (s.stopped) {
    out += fmt::format("a run stopped here: hop {}, heading for {}\n", s.stopped->hop(),
                       s.stopped->target);
    for (const auto& c : s.stopped->conflicts)
      out += fmt::format("  {}:{}  {}\n", c.file, c.line, c.what);
    out += s.markers.empty() ? fmt::format(
                                   "the markers are resolved: go on with\n  kubespray-migrate "
                                   "upgrade --continue -i {}\n",
                                   inventory)
                             : fmt::format(
                                   "resolve the {} marker(s) left ({}), then:\n  kubespray-migrate "
                                   "upgrade --continue -i {}\n",
                                   s.markers.size(), join(s.markers, ", "), inventory);
  } else if (!s.markers.empty()) {
    out += fmt::format("conflict markers left in the inventory: {}\n", join(s.markers, ", "));
  }
  return out;
}

// The block the output ends with: what to run next from here.
report::SummaryBlock status_summary(const Status& s, const StatusArgs& a, int status) {
  report::SummaryBlock b;
  b.counts = {{"stops to " + s.newest, s.stops.size()},
              {"conflict markers left", s.markers.size()}};
  std::string inv = " -i " + a.inventory;
  std::string ks = kubespray_arg(a.kubespray);
  if (s.stopped || !s.markers.empty()) {
    if (!s.markers.empty()) b.next.push_back("resolve the <<<<<<< markers listed above");
    if (s.stopped) b.next.push_back("kubespray-migrate upgrade --continue" + inv + ks);
    b.exit_why = s.stopped ? "a stopped run waits for upgrade --continue"
                           : "conflict markers are left in the inventory";
  } else if (!s.stops.empty()) {
    b.next.push_back("kubespray-migrate plan" + inv + " --to " + s.newest +
                     "   (every stop, with its Kubernetes version)");
    b.next.push_back("kubespray-migrate upgrade" + inv + ks + " --to " + s.stops.front() +
                     "   (the next stop; or --to " + s.newest + " for every stop at once)");
  }
  b.exit_status = status;
  return b;
}

int run_status(const StatusArgs& a) {
  auto s = read_status(a);
  if (!s) {
    print_error(s.error());
    return kExitError;
  }
  // Something waits on the operator: a stopped run or markers left.
  int status = s->stopped || !s->markers.empty() ? kExitWarnings : kExitClean;
  report::SummaryBlock block = status_summary(*s, a, status);
  if (a.format == "json") {
    Value doc = status_value(*s);
    if (doc.is_map()) doc.map_mut().set("summary", report::summary_block_value(block));
    std::fputs((to_json(doc, JsonStyle{false, 2}) + "\n").c_str(), stdout);
  } else {
    print_text(stdout, status_text(*s, a.inventory) +
                           report::render_summary_block(block, use_colour(stdout)));
  }
  return status;
}

}  // namespace

void add_status(CLI::App& app, Action& action) {
  auto args = std::make_shared<StatusArgs>();
  auto* cmd = app.add_subcommand(
      "status",
      "Where an inventory stands: its tag and how that is known, the next stop, a stopped run");
  cmd->footer(
      "Exit status: 0, or 2 when a stopped run or conflict markers wait for you. Writes nothing.\n"
      "Example:\n"
      "  kubespray-migrate status -i inventory/mycluster\n"
      "  kubespray-migrate status -i inventory/mycluster --kubespray ~/src/kubespray --format "
      "json");
  cmd->add_option("-i,--inventory", args->inventory, "The inventory (folder or hosts file)")
      ->required();
  cmd->add_option("--kubespray", args->kubespray,
                  "A Kubespray clone: use its tags instead of versions/");
  cmd->add_option("--format", args->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->callback([args, &action] { action = [args] { return run_status(*args); }; });
}

}  // namespace ksm::cli
