// The upgrade driver (see upgrade.h).
#include "upgrade/upgrade.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <set>

#include "core/paths.h"
#include "inventory/hosts_file.h"
#include "inventory/layers.h"
#include "merge/merge3.h"
#include "schema/plan.h"
#include "schema/schema.h"
#include "sources/source.h"
#include "sources/knowledge.h"
#include "sources/version.h"
#include "upgrade/ansible_cfg.h"
#include "upgrade/effective.h"
#include "upgrade/release.h"
#include "upgrade/base_tag.h"
#include "upgrade/state.h"
#include "upgrade/ws_inventory.h"

namespace ksm::upgrade {

namespace fs = std::filesystem;

Result<InventoryLocation> locate_inventory(const std::string& path) {
  std::error_code ec;
  fs::path p(path);
  if (!fs::exists(p, ec)) return Error("no such inventory", Location{path});
  if (fs::is_regular_file(p, ec)) {
    fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
    return InventoryLocation{dir, p.filename().string(), "", false};
  }
  DirSource folder(p);
  auto choice = inventory::choose_hosts_file(folder);
  if (!choice) return choice.error();
  return InventoryLocation{p, choice->path, choice->why, choice->several_with_hosts};
}

namespace {

// The inventory read into a workspace, its hosts file chosen through it
// with the workspace's memo: the hosts file is parsed once, to choose it,
// and that parse serves the first load of the run (at 10,000 hosts a parse
// is a tenth of the run).
Result<std::pair<InventoryLocation, Workspace>> open_inventory(const std::string& path) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) {
    auto where = locate_inventory(path);
    if (!where) return where.error();
    auto ws = Workspace::load(where->folder);
    if (!ws) return ws.error();
    return std::pair{std::move(*where), std::move(*ws)};
  }
  auto ws = Workspace::load(path);
  if (!ws) return ws.error();
  auto choice = inventory::choose_hosts_file(*ws, "", &ws->hosts_memo());
  if (!choice) {
    // (said as the folder on disk names it)
    auto where = locate_inventory(path);
    return where ? choice.error() : where.error();
  }
  InventoryLocation where{path, choice->path, choice->why, choice->several_with_hosts};
  return std::pair{std::move(where), std::move(*ws)};
}

// How well the inventory matches the sample of one tag.
double score_tag(const Workspace& ws, const Map& set_vars, const catalog::TagFacts& f) {
  auto files = f.sample_files();
  size_t common = 0, vars_files = 0;
  for (const auto& rel : files) {
    if (!rel.starts_with("group_vars/")) continue;
    ++vars_files;
    if (ws.has_file(rel)) ++common;
  }
  double file_score =
      vars_files ? static_cast<double>(common) / static_cast<double>(vars_files) : 0;
  size_t compared = 0, equal = 0;
  for (const auto& [name, v] : set_vars) {
    const Value* s = f.sample_variable(name);
    if (!s || s->get("commented") == nullptr || s->get("commented")->as_bool()) continue;
    ++compared;
    if (const Value* sv = s->get("value"); sv && *sv == v) ++equal;
  }
  double var_score = compared ? static_cast<double>(equal) / static_cast<double>(compared) : 0;
  double kv = 0;
  if (const Value* k = set_vars.find("kube_version"); k && k->is_string()) {
    std::string want = without_v_prefix(k->as_string());
    std::string def = without_v_prefix(f.kube_version());
    if (def == want) kv = 2;
    else if (f.can_install(want)) kv = 0.5;
  }
  return file_score + var_score + kv;
}

}  // namespace

Result<Inference> infer_tag(const Workspace& ws, const std::string& hosts_file,
                            schema::ReleaseFacts& rf) {
  // (as its files declare it: the tag, and so its playbooks' groups, is unknown)
  auto inv_loaded = load_workspace_inventory(ws, hosts_file, {});
  if (!inv_loaded) return inv_loaded.error();
  std::shared_ptr<const inventory::Inventory> inv = *inv_loaded;
  Map set_vars = inv->hosts().empty() ? Map{} : inventory::host_vars(*inv, 0);
  double best = -1, second = -1;
  std::string best_tag;
  for (const auto& t : rf.tags()) {
    auto f = rf.facts(t.name);
    if (!f) continue;
    double s = score_tag(ws, set_vars, **f);
    if (s > best) { second = best; best = s; best_tag = t.name; }
    else if (s > second) second = s;
  }
  if (best_tag.empty()) return Error("cannot infer the inventory's Kubespray tag; give --from");
  Inference r;
  r.tag = best_tag;
  r.confidence = best <= 0 ? 0 : std::min(1.0, (best - std::max(second, 0.0)) / best + 0.25);
  r.why = fmt::format(
      "closest sample: {} (score {:.2f}, next best {:.2f}; files, set values and kube_version "
      "compared)",
      best_tag, best, second);
  return r;
}

namespace {

// The hop a conflict block names in its own labels ("||||||| sample vA",
// ">>>>>>> sample vB", as merge3 writes them), "" when they do not.
std::string hop_of_labels(const std::string& text, size_t at) {
  size_t base = text.find("\n||||||| sample ", at);
  size_t theirs = text.find("\n>>>>>>> sample ", at);
  if (base == std::string::npos || theirs == std::string::npos || base > theirs) return "";
  auto label = [&](size_t p) {
    p += 16;
    return text.substr(p, text.find('\n', p) - p);
  };
  return label(base) + " -> " + label(theirs);
}

// Markers a previous run (or a merge by hand) left are never read as YAML.
// The error names the hop that left them: the state file's record of the
// stop, else the markers' own labels.
Status no_conflict_markers(const Workspace& ws, const Stop* stop) {
  for (const auto& rel : ws.files()) {
    const std::string& text = *ws.text(rel);
    size_t at = merge::first_conflict_start(text);
    if (at == std::string::npos) continue;
    int line =
        1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
    std::string hop = stop ? stop->hop() : hop_of_labels(text, at);
    std::string left = hop.empty() ? "" : ", left by the hop " + hop;
    std::string next = stop ? "upgrade --continue" : "upgrade again";
    return Error("a conflict is not resolved (" + text.substr(at, text.find('\n', at) - at) + ")" +
                     left + ": resolve it, then run " + next,
                 Location{rel, line, 1});
  }
  return {};
}

// Every `<<<<<<<` line of the workspace (later steps of a hop may have
// moved the lines merge3 reported), with what the hop's report says
// conflicts there: its conflicts of that file, in order.
std::vector<ConflictMark> marker_lines(const Workspace& ws, const Hop& hop) {
  std::vector<ConflictMark> out;
  for (const auto& rel : ws.files()) {
    std::vector<const Conflict*> reported;
    for (const auto& c : hop.conflicts)
      if (c.file == rel) reported.push_back(&c);
    size_t k = 0;
    int line = 0;
    for (std::string_view rest = *ws.text(rel); !rest.empty();) {
      size_t nl = rest.find('\n');
      std::string_view l = rest.substr(0, nl);
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
      ++line;
      if (!merge::is_conflict_start(l)) continue;
      out.push_back({rel, line, k < reported.size() ? reported[k]->what : ""});
      ++k;
    }
  }
  return out;
}

std::string today() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

// Where the run starts and where it heads, with notes that say why.
struct Start {
  std::string from;
  std::string to;
  std::vector<Note> notes;
};

// --continue: the base tag is the tag the stopped run reached, the target
// the one it was heading for (unless --to overrides it).
Result<Start> resume_start(const UpgradeOptions& opts, const std::optional<State>& state,
                           const std::string& state_path) {
  if (!state)
    return Error("nothing to continue: there is no " + std::string(kStateFile) +
                     " (upgrade --continue follows a run that conflicts stopped)",
                 Location{state_path});
  if (!state->stopped)
    return Error(
        "nothing to continue: the state file records no run stopped by conflicts (the "
        "inventory is at " +
            state->tag + "); run upgrade --to TAG",
        Location{state_path});
  const Stop& stop = *state->stopped;
  Start st{state->tag, opts.to.empty() ? stop.target : opts.to, {}};
  std::string towards =
      st.to == stop.target ? st.to
                           : st.to + " (--to; the stopped run was heading for " + stop.target + ")";
  st.notes.push_back(
      {NoteLevel::Info,
       fmt::format("continuing towards {} after the conflicts of the hop {}; base tag "
                   "{} from {}",
                   towards, stop.hop(), st.from, kStateFile),
       ""});
  return st;
}

// The base tag: --from, else the state file, else inferred. The target: --to.
Result<Start> resolve_start(const UpgradeOptions& opts, const Result<std::optional<State>>& state,
                            const std::string& state_path, const Workspace& ws,
                            const std::string& hosts, const std::filesystem::path& folder,
                            schema::ReleaseFacts& rf) {
  if (opts.resume) {
    if (!state) return state.error();
    return resume_start(opts, *state, state_path);
  }
  if (opts.to.empty()) return Error("no target tag: give --to (or --continue a stopped run)");
  Start st{opts.from, opts.to, {}};
  if (!st.from.empty()) return st;
  if (!state) return state.error();
  auto bt = base_tag(ws, hosts, folder, rf);
  if (!bt) return bt.error();
  st.from = bt->tag;
  // An inference below half confidence is the operator's to confirm.
  bool doubtful = bt->source == TagSource::Inferred && bt->confidence < 0.5;
  st.notes.push_back({doubtful ? NoteLevel::Review : NoteLevel::Info, base_tag_note(*bt), ""});
  return st;
}

// The state file of the produced inventory: the tag reached, and the stop
// when the last hop left conflicts (a finished run clears an earlier one).
void write_state(UpgradeResult& r, const std::string& target) {
  State st{r.to_tag, today(), KSM_VERSION, std::nullopt};
  const Hop& last = r.report.hops.back();
  if (!last.conflicts.empty())
    st.stopped = Stop{target, last.from, last.to, marker_lines(r.workspace, last)};
  r.workspace.put(kStateFile, render_state(st));
}

// The Kubernetes version an inventory installs at a tag: the effective
// kube_version of its first host (the operator's value, else the tag's
// default), as the hop's one-minor rule left it.
Result<std::string> installed_kube_version(const Workspace& ws, const std::string& hosts,
                                           const Release& at) {
  auto inv = load_workspace_inventory(ws, hosts, kubespray().runtime_groups(at.facts.version()));
  if (!inv) return inv.error();
  if ((*inv)->hosts().empty()) return at.facts.kube_version();
  auto view = make_effective_view(**inv, at.tree.get(), at.facts, at.layers);
  Value v = view->get((*inv)->hosts().front().name, "kube_version").value;
  return v.is_string() ? v.as_string() : at.facts.kube_version();
}

// The stop a hop reached (see StopRecord); with `keep`, a copy of the
// inventory as it is now, with a state file of its own tag. A hop that is
// blocked, or left conflict markers (no inventory Ansible could read), has
// no Kubernetes version to install.
Result<StopRecord> stop_record(const UpgradeResult& r, const Release& at, const Hop& hop,
                               bool keep) {
  StopRecord s;
  s.from = r.report.hops.empty() ? r.from_tag : r.report.hops.back().to;
  s.tag = at.tag;
  s.hosts_file = r.hosts_file;
  if (!hop.blocked && hop.conflicts.empty()) {
    auto kv = installed_kube_version(r.workspace, r.hosts_file, at);
    if (!kv) return kv.error();
    s.kube_version = *kv;
  }
  const Value* req = at.facts.raw().get("ansible_requirement");
  const Value* note = at.facts.raw().get("ansible_requirement_note");
  s.ansible = req && req->is_string()     ? req->as_string()
              : note && note->is_string() ? note->as_string()
                                          : "";
  if (keep) {
    s.workspace = r.workspace;
    s.workspace->put(kStateFile, render_state(State{at.tag, today(), KSM_VERSION, std::nullopt}));
  }
  return s;
}

}  // namespace

std::vector<ConflictMark> conflict_markers(const Workspace& ws) { return marker_lines(ws, Hop{}); }

Result<std::optional<GitRepo>> open_upgrade_clone(const UpgradeOptions& opts) {
  if (opts.offline) return std::optional<GitRepo>();
  auto path = kubespray_path(opts.kubespray);
  if (!path) {
    if (opts.kubespray) return path.error();
    return std::optional<GitRepo>();
  }
  auto r = open_kubespray(*path);
  if (!r) return r.error();
  return std::optional<GitRepo>(std::move(*r));
}

// The schemas the caller gave, else the data folder's with --schemas.
Result<const schema::Schemas*> schemas_of(const UpgradeOptions& opts,
                                         std::optional<schema::Schemas>& own) {
  if (opts.schemas) return opts.schemas;
  auto loaded = schema::load_default_schemas(opts.schema_dirs);
  if (!loaded) return loaded.error();
  own = std::move(*loaded);
  return &*own;
}

// The first hop's notes: how the hosts file and the start were chosen.
std::vector<Note> notes_of_start(const InventoryLocation& where, const Start& start) {
  std::vector<Note> out;
  if (!where.why.empty())
    out.push_back({where.ambiguous ? NoteLevel::Review : NoteLevel::Info, where.why, ""});
  out.insert(out.end(), start.notes.begin(), start.notes.end());
  return out;
}

// Why the run stopped at `tag` short of `to`, and how to go on.
Note stopped_note(const Hop& hop, const std::string& tag, const std::string& to) {
  return {NoteLevel::Blocking,
          fmt::format("stopped at {}: {}, then run upgrade --continue on the result (it continues "
                      "from {} to {})",
                      tag,
                      hop.conflicts.empty() ? "do what the blocking note above says"
                                            : "resolve the conflict markers this hop left",
                      tag, to),
          ""};
}

// The one hop of a run already at its target (automation repeating it).
Hop nothing_to_do(const std::string& from, const std::string& to, std::vector<Note> notes) {
  Hop h{from, to, {}, {}, std::move(notes)};
  h.notes.push_back({NoteLevel::Info, "the inventory is already at " + to + ": nothing to do", ""});
  return h;
}

// ansible.cfg for a stop's tag: into the produced inventory at the last
// stop reached (`final_stop`), into an intermediate stop's own copy
// otherwise. (A conflict in an intermediate stop's ansible.cfg is reported
// on its hop; the run goes on, as the next stop's file is merged afresh.)
Status stop_ansible_cfg(const GitRepo& repo, const std::string& from, const std::string& tag,
                        bool final_stop, UpgradeResult& result, StopRecord& stop, Hop& hop) {
  Workspace* target = final_stop ? &result.workspace : stop.workspace ? &*stop.workspace : nullptr;
  if (!target) return {};
  if (auto s = merge_ansible_cfg(repo, from, tag, *target, hop); !s)
    return s.error().context("ansible.cfg");
  return {};
}

namespace {

// The releases of a run's stops, in order. The next one loads on a second
// thread while a hop runs: computing a tag's facts from its tree is a large
// part of an upgrade. Each load opens the clone again (libgit2 handles are
// not shared between threads; the Release it returns keeps that handle,
// used by the hop's thread only once the load is done). A release done
// with is freed on a thread of its own: its facts are a large tree of
// values, and freeing them on the hop's thread took 6% of an upgrade of
// 10,000 hosts (each frees only what no one else shares).
class ReleaseQueue {
 public:
  // `repo` null: offline, every release read on the caller's thread.
  ReleaseQueue(const GitRepo* repo, schema::ReleaseFacts& rf, VarFileCache& var_files,
               const std::vector<std::string>& stops)
      : repo_(repo), rf_(rf), var_files_(var_files), stops_(stops) {}

  // Starts loading stop `i` (nothing past the last, nothing offline).
  void start(size_t i) {
    if (!repo_ || i >= stops_.size()) return;
    ahead_ = std::async(std::launch::async, [dir = repo_->git_dir(), tag = stops_[i],
                                             &var_files = var_files_]() -> Result<Release> {
      auto own = GitRepo::open(dir);
      if (!own) return own.error();
      auto own_rf = schema::ReleaseFacts::from_repo(*own);
      if (!own_rf) return own_rf.error();
      own_rf->use_var_file_cache(&var_files);
      return load_release(*own_rf, &*own, tag);
    });
  }
  // Stop `i`'s release: the one started, else loaded now.
  Result<Release> take(size_t i) {
    return ahead_.valid() ? ahead_.get() : load_release(rf_, repo_, stops_[i]);
  }
  void retire(Result<Release> old) {
    retired_.push_back(std::async(std::launch::async, [gone = std::move(old)]() mutable {
      auto freed = std::move(gone);
    }));
  }

 private:
  const GitRepo* repo_;
  schema::ReleaseFacts& rf_;
  VarFileCache& var_files_;
  const std::vector<std::string>& stops_;
  std::future<Result<Release>> ahead_;
  std::vector<std::future<void>> retired_;  // (joined when the queue goes)
};

}  // namespace

Result<UpgradeResult> run_upgrade(const UpgradeOptions& opts) {
  auto opened = open_inventory(opts.inventory);
  if (!opened) return opened.error();
  auto where = &opened->first;
  auto ws = &opened->second;
  std::string hosts = where->hosts_file;
  std::string state_path = (where->folder / kStateFile).string();
  auto state = parse_state(ws->text(kStateFile), state_path);
  const Stop* recorded = state && *state && (*state)->stopped ? &*(*state)->stopped : nullptr;
  if (auto s = no_conflict_markers(*ws, recorded); !s) return s.error();

  // A clone when one is given or found; versions/ otherwise.
  std::optional<GitRepo> own_repo;
  const GitRepo* repo = opts.repo;
  if (!repo) {
    auto r = open_upgrade_clone(opts);
    if (!r) return r.error();
    own_repo = std::move(*r);
    if (own_repo) repo = &*own_repo;
  }
  auto rf = repo ? schema::ReleaseFacts::from_repo(*repo)
                 : schema::ReleaseFacts::from_versions(versions_dir());
  if (!rf) return rf.error();
  // Every tag's tree parses only the vars files that changed since a tag
  // loaded before it (on either thread, see load_ahead). Declared before
  // the loads that use it, so it outlives them.
  VarFileCache var_files;
  rf->use_var_file_cache(&var_files);
  std::optional<schema::Schemas> own_schemas;
  auto schemas = schemas_of(opts, own_schemas);
  if (!schemas) return schemas.error();

  UpgradeResult result{std::move(*ws), hosts, {}, {}, {}, {}, std::nullopt, {}, {}, {}};
  Report& report = result.report;
  report.input = where->folder.string();
  auto start = resolve_start(opts, state, state_path, result.workspace, hosts, where->folder, *rf);
  if (!start) return start.error();
  const std::string from = start->from, to = start->to;
  std::vector<Note> start_notes = notes_of_start(*where, *start);
  if (!rf->find(from)) return rf->unknown_tag(from);
  if (!rf->find(to)) return rf->unknown_tag(to);
  result.from_tag = from;
  result.target_tag = to;
  // Already there (a run repeated by automation): nothing to do, said so.
  auto stops = from == to ? Result<std::vector<std::string>>(std::vector<std::string>{})
                          : schema::plan_stops(*rf, **schemas, from, to);
  if (!stops) return stops.error();

  ReleaseQueue releases(repo, *rf, var_files, *stops);
  releases.start(0);  // the first stop's release, while this thread loads the base tag's
  auto prev = load_release(*rf, repo, from);
  if (!prev) return prev.error();
  size_t n = 0;
  for (const auto& tag : *stops) {
    ++n;
    if (opts.progress)
      opts.progress(fmt::format("hop {}/{}: {} -> {}", n, stops->size(), prev->tag, tag));
    auto next = releases.take(n - 1);
    releases.start(n);  // the release after this one
    if (!next) return next.error();
    if (n > 1) {
      result.previous = result.workspace;
      result.previous_tag = prev->tag;
      result.previous_hosts_file = result.hosts_file;
    }
    HopInput in{*prev, *next, **schemas};
    auto hop = run_hop(result.workspace, result.hosts_file, in);
    if (!hop) return hop.error().context(fmt::format("hop {} -> {}", prev->tag, tag));
    if (n == 1)
      hop->notes.insert(hop->notes.begin(), start_notes.begin(), start_notes.end());
    bool conflicted = !hop->conflicts.empty() || hop->blocked;
    auto stop = stop_record(result, *next, *hop, opts.keep_stops);
    if (!stop) return stop.error().context(fmt::format("the stop {}", tag));
    if (repo)
      if (auto s = stop_ansible_cfg(*repo, from, tag, n == stops->size() || conflicted, result,
                                    *stop, *hop);
          !s)
        return s.error();
    result.stops.push_back(std::move(*stop));
    report.hops.push_back(std::move(*hop));
    releases.retire(std::move(prev));
    prev = std::move(next);
    // A conflict is the operator's to resolve before the next tag: the
    // next hop would edit a file with markers in it. Stop here.
    if (conflicted && n < stops->size()) {
      report.hops.back().notes.push_back(stopped_note(report.hops.back(), tag, to));
      break;
    }
  }
  // The tag the produced inventory is for: --to, or where a conflict stopped the run.
  result.to_tag = stops->empty() ? to : prev->tag;
  if (stops->empty()) report.hops.push_back(nothing_to_do(from, to, start_notes));
  if (auto s = convert_hosts(result.workspace, result.hosts_file, opts.hosts_format, *prev,
                             **schemas, report.hops.back());
      !s)
    return s.error();
  // --continue clears the stop even when it had nothing left to do.
  if (!stops->empty() || opts.resume) write_state(result, to);
  // The last stop reached is the produced inventory itself.
  if (!result.stops.empty()) result.stops.back().workspace.reset();
  return result;
}

}  // namespace ksm::upgrade
