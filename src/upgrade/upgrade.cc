// The upgrade driver (see upgrade.h).
#include "upgrade/upgrade.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "core/paths.h"
#include "inventory/hosts_file.h"
#include "inventory/layers.h"
#include "schema/plan.h"
#include "schema/schema.h"
#include "sources/source.h"
#include "sources/version.h"
#include "upgrade/ansible_cfg.h"
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

// How well the inventory matches the sample of one tag.
double score_tag(const Workspace& ws, const Map& set_vars, const catalog::TagFacts& f) {
  auto files = f.sample_files();
  size_t common = 0, vars_files = 0;
  for (const auto& rel : files) {
    if (!rel.starts_with("group_vars/")) continue;
    ++vars_files;
    if (ws.has_file(rel)) ++common;
  }
  double file_score = vars_files ? static_cast<double>(common) / static_cast<double>(vars_files) : 0;
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

Result<Inference> infer_tag(const Workspace& ws, const std::string& hosts_file, schema::ReleaseFacts& rf) {
  auto inv_loaded = load_workspace_inventory(ws, hosts_file);
  if (!inv_loaded) return inv_loaded.error();
  std::shared_ptr<const inventory::Inventory> inv = *inv_loaded;
  Map set_vars = inv->hosts().empty() ? Map{} : inventory::host_vars(*inv, 0);
  double best = -1, second = -1;
  std::string best_tag;
  for (const auto& t : rf.tags()) {
    auto v = rf.facts(t.name);
    if (!v) continue;
    auto f = catalog::TagFacts::from_value(std::move(*v));
    if (!f) continue;
    double s = score_tag(ws, set_vars, *f);
    if (s > best) { second = best; best = s; best_tag = t.name; }
    else if (s > second) second = s;
  }
  if (best_tag.empty()) return Error("cannot infer the inventory's Kubespray tag; give --from");
  Inference r;
  r.tag = best_tag;
  r.confidence = best <= 0 ? 0 : std::min(1.0, (best - std::max(second, 0.0)) / best + 0.25);
  r.why = fmt::format("closest sample: {} (score {:.2f}, next best {:.2f}; files, set values and kube_version compared)",
                      best_tag, best, second);
  return r;
}

// Markers a previous run (or a merge by hand) left are never read as YAML.
Status no_conflict_markers(const Workspace& ws) {
  for (const auto& rel : ws.files()) {
    const std::string& text = *ws.text(rel);
    size_t at = text.starts_with("<<<<<<< ") ? 0 : text.find("\n<<<<<<< ");
    if (at == std::string::npos) continue;
    if (at != 0) ++at;
    int line =
        1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
    return Error("a conflict is not resolved (" + text.substr(at, text.find('\n', at) - at) +
                     "): resolve it, then run upgrade again",
                 Location{rel, line, 1});
  }
  return {};
}

std::string today() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

}  // namespace

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

Result<UpgradeResult> run_upgrade(const UpgradeOptions& opts) {
  auto where = locate_inventory(opts.inventory);
  if (!where) return where.error();
  auto ws = Workspace::load(where->folder);
  if (!ws) return ws.error();
  std::string hosts = where->hosts_file;
  if (auto s = no_conflict_markers(*ws); !s) return s.error();

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
  std::optional<schema::Schemas> own_schemas;
  const schema::Schemas* schemas = opts.schemas;
  if (!schemas) {
    auto loaded = schema::load_default_schemas(opts.schema_dirs);
    if (!loaded) return loaded.error();
    own_schemas = std::move(*loaded);
    schemas = &*own_schemas;
  }

  UpgradeResult result{std::move(*ws), hosts, {}, {}, {}, std::nullopt, {}, {}};
  Report& report = result.report;
  report.input = where->folder.string();
  std::vector<Note> start_notes;
  if (!where->why.empty())
    start_notes.push_back({where->ambiguous ? NoteLevel::Review : NoteLevel::Info, where->why, ""});

  // The base tag: --from, else the state file, else inferred.
  std::string from = opts.from;
  if (from.empty()) {
    auto st = parse_state(result.workspace.text(kStateFile), (where->folder / kStateFile).string());
    if (!st) return st.error();
    if (*st) {
      from = (*st)->tag;
      start_notes.push_back({NoteLevel::Info, "base tag " + from + " from " + std::string(kStateFile), ""});
    } else {
      auto inf = infer_tag(result.workspace, hosts, *rf);
      if (!inf) return inf.error();
      from = inf->tag;
      start_notes.push_back({inf->confidence >= 0.5 ? NoteLevel::Info : NoteLevel::Review,
                             fmt::format("base tag inferred: {} (confidence {:.0f}%); give --from to be sure. {}",
                                         from, inf->confidence * 100, inf->why),
                             ""});
    }
  }
  if (!rf->find(from)) return rf->unknown_tag(from);
  if (!rf->find(opts.to)) return rf->unknown_tag(opts.to);
  result.from_tag = from;
  // Already there (a run repeated by automation): nothing to do, said so.
  auto stops = from == opts.to ? Result<std::vector<std::string>>(std::vector<std::string>{})
                               : schema::plan_stops(*rf, *schemas, from, opts.to);
  if (!stops) return stops.error();

  const GitRepo* repo_ptr = repo;
  auto prev = load_release(*rf, repo_ptr, from);
  if (!prev) return prev.error();
  size_t n = 0;
  for (const auto& tag : *stops) {
    ++n;
    if (opts.progress) opts.progress(fmt::format("hop {}/{}: {} -> {}", n, stops->size(), prev->tag, tag));
    auto next = load_release(*rf, repo_ptr, tag);
    if (!next) return next.error();
    if (n > 1) {
      result.previous = result.workspace;
      result.previous_tag = prev->tag;
      result.previous_hosts_file = result.hosts_file;
    }
    HopInput in{*prev, *next, *schemas};
    auto hop = run_hop(result.workspace, result.hosts_file, in);
    if (!hop) return hop.error().context(fmt::format("hop {} -> {}", prev->tag, tag));
    if (n == 1)
      hop->notes.insert(hop->notes.begin(), start_notes.begin(), start_notes.end());
    bool conflicted = !hop->conflicts.empty() || hop->blocked;
    report.hops.push_back(std::move(*hop));
    prev = std::move(next);
    // A conflict is the operator's to resolve before the next tag: the
    // next hop would edit a file with markers in it. Stop here.
    if (conflicted && n < stops->size()) {
      report.hops.back().notes.push_back(
          {NoteLevel::Blocking,
           fmt::format(
               "stopped at {}: {}, then run upgrade on the result again with --to {} (it "
               "continues from {})",
               tag,
               report.hops.back().conflicts.empty() ? "do what the blocking note above says"
                                                    : "resolve the conflict markers this hop left",
               opts.to, tag),
           ""});
      break;
    }
  }
  // The tag the produced inventory is for: --to, or where a conflict stopped the run.
  result.to_tag = stops->empty() ? opts.to : prev->tag;
  if (stops->empty()) {
    Hop h{from, opts.to, {}, {}, start_notes};
    h.notes.push_back(
        {NoteLevel::Info, "the inventory is already at " + opts.to + ": nothing to do", ""});
    report.hops.push_back(std::move(h));
  }
  if (repo && !stops->empty()) {
    if (auto s =
            merge_ansible_cfg(*repo, from, result.to_tag, result.workspace, report.hops.back());
        !s)
      return s.error().context("ansible.cfg");
  }
  if (auto s = convert_hosts(result.workspace, result.hosts_file, opts.hosts_format, *prev, report.hops.back()); !s)
    return s.error();
  if (!stops->empty()) {
    result.workspace.put(kStateFile, render_state(State{result.to_tag, today(), KSM_VERSION}));
  }
  return result;
}

}  // namespace ksm::upgrade
