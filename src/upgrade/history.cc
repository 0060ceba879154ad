// The inventory's own git history (see history.h).
#include "upgrade/history.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "sources/git.h"
#include "upgrade/state.h"
#include "upgrade/upgrade.h"

namespace ksm::upgrade {

namespace fs = std::filesystem;

namespace {

// How far back the history is read: more than Kubespray's whole history.
constexpr size_t kWalkLimit = 50000;

std::string short_id(const git_oid& id) {
  return git::oid_hex(id).substr(0, 7);
}

// The id of the entry at `path` in a commit's tree ("" = the root tree).
std::optional<git_oid> entry_id(const git_commit* c, const std::string& path) {
  auto tree = git::commit_tree(c);
  if (!tree) return std::nullopt;
  if (path.empty()) return *git_tree_id(tree->get());
  auto e = git::entry_bypath(tree->get(), path);
  if (!e) return std::nullopt;
  return *git_tree_entry_id(e->get());
}

bool same(const std::optional<git_oid>& a, const std::optional<git_oid>& b) {
  if (!a || !b) return !a && !b;
  return git_oid_equal(&*a, &*b) != 0;
}

std::string commit_words(const git_commit* c) {
  const char* summary = git_commit_summary(const_cast<git_commit*>(c));
  time_t t = static_cast<time_t>(git_commit_time(c));
  std::tm tm{};
  gmtime_r(&t, &tm);
  char date[16];
  std::strftime(date, sizeof date, "%Y-%m-%d", &tm);
  return fmt::format("{} ({}: {})", short_id(*git_commit_id(c)), date, summary ? summary : "");
}

// The newest commit of HEAD's first-parent history where the entry at
// `path` was written (present, and not as in its parent); nullopt when none.
Result<std::optional<git::Commit>> last_writer(git_repository* repo, const std::string& path) {
  auto head = git::resolve_commit(repo, "HEAD");
  if (!head) return std::optional<git::Commit>();  // an unborn branch: no history yet
  git::Commit c = std::move(*head);
  for (size_t n = 0; n < kWalkLimit; ++n) {
    auto here = entry_id(c.get(), path);
    if (!here) return std::optional<git::Commit>();  // not in this commit: not written since
    if (git_commit_parentcount(c.get()) == 0) return std::optional<git::Commit>(std::move(c));
    auto parent = git::lookup_commit(repo, *git_commit_parent_id(c.get(), 0));
    if (!parent) return parent.error();
    if (!same(here, entry_id(parent->get(), path))) return std::optional<git::Commit>(std::move(c));
    c = std::move(*parent);
  }
  return std::optional<git::Commit>();
}

// The stop's inventory: its own workspace, the last stop's is the result's.
const Workspace& stop_workspace(const UpgradeResult& r, size_t i) {
  return r.stops[i].workspace ? *r.stops[i].workspace : r.workspace;
}

// The manifests stop i's own hop wrote (files beside its inventory).
bool hop_writes(const UpgradeResult& r, size_t i) {
  if (i >= r.report.hops.size()) return false;
  for (const auto& c : r.report.hops[i].changes)
    if (c.kind == ChangeKind::Write) return true;
  return false;
}

// The commit message of a stop: a subject line, then the hop's report.
std::string stop_message(const InventoryRepo& repo, const UpgradeResult& r, size_t i,
                         const std::string& branch) {
  const StopRecord& s = r.stops[i];
  std::string what = repo.prefix().empty() ? "the inventory" : repo.prefix();
  std::string msg = fmt::format("{} for Kubespray {} (from {})\n\n", what, s.tag, s.from);
  if (i < r.report.hops.size()) {
    Report one;
    one.input = r.report.input;
    one.output = "the branch " + branch;
    one.hops.push_back(r.report.hops[i]);
    msg += render_text(one, false);
  }
  if (!s.kube_version.empty()) msg += "\nkube_version at this stop: " + s.kube_version + "\n";
  msg += "\nRecorded by kubespray-migrate upgrade --commit.\n";
  return msg;
}

class CommitWriter {
 public:
  CommitWriter(const InventoryRepo& repo, git::Signature sig)
      : repo_(repo), g_(repo.repo().raw()), sig_(std::move(sig)) {}

  // One commit: `base`'s tree with the inventory folder (and what sits
  // beside it) replaced by `ws`; parent `base`.
  Result<git_oid> commit(const git_commit* base, const Workspace& ws, bool with_beside,
                         const std::string& runbook, const std::string& message,
                         std::vector<std::string>& left_out) {
    git_index* raw = nullptr;
    if (int rc = git_index_new(&raw); rc < 0) return git::last_error("a new index", rc);
    git::Index idx(raw);
    auto tree = git::commit_tree(base);
    if (!tree) return tree.error();
    if (int rc = git_index_read_tree(idx.get(), tree->get()); rc < 0)
      return git::last_error("reading the tree of " + short_id(*git_commit_id(base)), rc);
    const std::string& prefix = repo_.prefix();
    std::string beside = prefix + ".manifests";
    if (prefix.empty()) {
      git_index_clear(idx.get());
    } else {
      git_index_remove_directory(idx.get(), prefix.c_str(), 0);
      git_index_remove_directory(idx.get(), beside.c_str(), 0);
    }
    for (const auto& f : ws.files()) {
      const std::string* text = ws.text(f);
      if (!text) continue;
      if (auto s = add(idx.get(), repo_.path_of(f), *text, mode_of(ws, f)); !s) return s.error();
    }
    if (with_beside) {
      for (const auto& [name, text] : ws.beside()) {
        if (prefix.empty()) {
          left_out.push_back(name +
                             ": the inventory is the repository's root, so nothing can sit "
                             "beside it; it is in the report of the run");
          continue;
        }
        if (auto s = add(idx.get(), beside + "/" + name, text, GIT_FILEMODE_BLOB); !s)
          return s.error();
      }
    }
    if (!runbook.empty() && prefix.empty())
      left_out.push_back(
          "RUNBOOK.md: the inventory is the repository's root, so nothing can sit "
          "beside it; the runbook is in the report of the run");
    if (!runbook.empty() && !prefix.empty())
      if (auto s = add(idx.get(), prefix + ".RUNBOOK.md", runbook, GIT_FILEMODE_BLOB); !s)
        return s.error();
    git_oid tree_id;
    if (int rc = git_index_write_tree_to(&tree_id, idx.get(), g_); rc < 0)
      return git::last_error("writing the tree of the stop", rc);
    auto new_tree = git::lookup_tree(g_, tree_id);
    if (!new_tree) return new_tree.error();
    git_oid id;
    const git_commit* parents[] = {base};
    if (int rc = git_commit_create(&id, g_, nullptr, sig_.get(), sig_.get(), "UTF-8",
                                   message.c_str(), new_tree->get(), 1, parents);
        rc < 0)
      return git::last_error("committing the stop", rc);
    return id;
  }

 private:
  Status add(git_index* idx, const std::string& path, const std::string& text,
             git_filemode_t mode) {
    git_index_entry e{};
    if (int rc = git_blob_create_from_buffer(&e.id, g_, text.data(), text.size()); rc < 0)
      return git::last_error("storing " + path, rc);
    e.path = path.c_str();
    e.mode = mode;
    e.file_size = static_cast<uint32_t>(text.size());
    if (int rc = git_index_add(idx, &e); rc < 0) return git::last_error("adding " + path, rc);
    return {};
  }

  // A file keeps the mode HEAD has for it (an executable dynamic inventory
  // stays executable); new files are plain.
  git_filemode_t mode_of(const Workspace& ws, const std::string& f) {
    if (!head_) {
      auto h = git::resolve_commit(g_, "HEAD");
      if (!h) return GIT_FILEMODE_BLOB;
      auto t = git::commit_tree(h->get());
      if (!t) return GIT_FILEMODE_BLOB;
      head_ = std::move(*t);
    }
    std::string original = f;
    if (auto o = ws.original_of(f)) original = *o;
    auto e = git::entry_bypath(head_.get(), repo_.path_of(original));
    if (!e) return GIT_FILEMODE_BLOB;
    git_filemode_t m = git_tree_entry_filemode(e->get());
    return m == GIT_FILEMODE_BLOB_EXECUTABLE ? m : GIT_FILEMODE_BLOB;
  }

  const InventoryRepo& repo_;
  git_repository* g_;
  git::Signature sig_;
  git::Tree head_;
};

// Who the commits are by: the repository's user.name and user.email, else
// the tool itself.
Result<git::Signature> signature(git_repository* g) {
  git_signature* raw = nullptr;
  if (git_signature_default(&raw, g) == 0) return git::Signature(raw);
  if (int rc = git_signature_now(&raw, "kubespray-migrate", "kubespray-migrate@localhost"); rc < 0)
    return git::last_error("a commit signature", rc);
  return git::Signature(raw);
}

}  // namespace

Result<std::optional<InventoryRepo>> InventoryRepo::open(const fs::path& folder) {
  std::error_code ec;
  fs::path abs = fs::weakly_canonical(fs::absolute(folder, ec), ec);
  if (ec) return Error("cannot resolve " + folder.string() + ": " + ec.message());
  auto found = GitRepo::discover(abs);
  if (!found) return found.error();
  if (!*found || (*found)->is_bare()) return std::optional<InventoryRepo>();
  fs::path work = fs::weakly_canonical((*found)->work_dir(), ec);
  fs::path rel = abs.lexically_relative(work);
  if (rel.empty() || *rel.begin() == "..") return std::optional<InventoryRepo>();
  InventoryRepo r;
  r.repo_ = std::make_shared<GitRepo>(std::move(**found));
  r.work_dir_ = work;
  r.prefix_ = rel == "." ? "" : rel.generic_string();
  return std::optional<InventoryRepo>(std::move(r));
}

std::string InventoryRepo::path_of(const std::string& name) const {
  return prefix_.empty() ? name : prefix_ + "/" + name;
}

Result<std::vector<std::string>> InventoryRepo::uncommitted() const {
  git_status_options opts;
  if (int rc = git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION); rc < 0)
    return git::last_error("status options", rc);
  opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
               GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
  std::string spec = prefix_;
  char* specs[] = {spec.data()};
  if (!prefix_.empty()) opts.pathspec = {specs, 1};
  git_status_list* raw = nullptr;
  if (int rc = git_status_list_new(&raw, repo_->raw(), &opts); rc < 0)
    return git::last_error("reading the status of " + work_dir_.string(), rc);
  git::StatusList list(raw);
  std::set<std::string> out;
  for (size_t i = 0, n = git_status_list_entrycount(list.get()); i < n; ++i) {
    const git_status_entry* e = git_status_byindex(list.get(), i);
    if (!e || e->status == GIT_STATUS_CURRENT || (e->status & GIT_STATUS_IGNORED)) continue;
    const git_diff_delta* d = e->index_to_workdir ? e->index_to_workdir : e->head_to_index;
    if (!d) continue;
    std::string p = d->new_file.path ? d->new_file.path : d->old_file.path ? d->old_file.path : "";
    // The pathspec matches by pattern: keep what is inside the folder only.
    if (!prefix_.empty() && p != prefix_ && !p.starts_with(prefix_ + "/")) continue;
    out.insert(p);
  }
  return std::vector<std::string>(out.begin(), out.end());
}

Status InventoryRepo::check_committed() const {
  auto dirty = uncommitted();
  if (!dirty) return dirty.error();
  if (dirty->empty()) return {};
  std::string list;
  for (size_t i = 0; i < dirty->size() && i < 5; ++i) list += (i ? ", " : "") + (*dirty)[i];
  if (dirty->size() > 5) list += fmt::format(" and {} more", dirty->size() - 5);
  return Error(fmt::format("--commit: the inventory folder has uncommitted work ({}); commit or "
                           "stash it first: nothing was written",
                           list),
               Location{(work_dir_ / prefix_).string()});
}

Result<std::unique_ptr<GitSource>> InventoryRepo::at(const std::string& rev) const {
  auto src = repo_->at(rev);
  if (!src) return src.error();
  if (!prefix_.empty() && !(*src)->is_dir(prefix_))
    return Error(fmt::format("{} has no folder {}", rev, prefix_), Location{work_dir_.string()});
  return src;
}

Result<std::optional<HistoryTag>> tag_from_history(
    const InventoryRepo& repo, const std::function<bool(const std::string&)>& known) {
  git_repository* g = repo.repo().raw();
  // The state file a run left and the operator committed.
  auto writer = last_writer(g, repo.path_of(kStateFile));
  if (!writer) return writer.error();
  if (*writer) {
    const git_commit* c = (*writer)->get();
    if (auto id = entry_id(c, repo.path_of(kStateFile))) {
      auto blob = git::lookup_blob(g, *id);
      if (!blob) return blob.error();
      std::string text(static_cast<const char*>(git_blob_rawcontent(blob->get())),
                       static_cast<size_t>(git_blob_rawsize(blob->get())));
      auto state = parse_state(&text, repo.path_of(kStateFile) + "@" + short_id(*git_commit_id(c)));
      if (state && *state && known((*state)->tag))
        return std::optional<HistoryTag>(
            HistoryTag{(*state)->tag, "the state file " + std::string(kStateFile) +
                                          " as last committed, in " + commit_words(c)});
    }
  }
  // The release tag the inventory's last commit descends from (git describe).
  auto last = last_writer(g, repo.prefix());
  if (!last) return last.error();
  if (!*last) return std::optional<HistoryTag>();
  const git_commit* c = (*last)->get();
  auto tag = repo.repo().nearest_tag(git::oid_hex(*git_commit_id(c)));
  if (!tag) return tag.error();
  if (!*tag || !known(**tag)) return std::optional<HistoryTag>();
  return std::optional<HistoryTag>(HistoryTag{
      **tag, fmt::format("the inventory was last committed in {}, which descends from Kubespray's "
                         "tag {} (git describe)",
                         commit_words(c), **tag)});
}

Result<std::string> stop_branch(const std::string& format, const std::string& tag) {
  std::string name = format;
  auto at = name.find("{tag}");
  if (at == std::string::npos)
    return Error("--branch-format '" + format + "' has no {tag}: every stop needs its own branch");
  name.replace(at, 5, tag);
  git::ensure_init();
  int valid = 0;
  if (git_branch_name_is_valid(&valid, name.c_str()) < 0 || !valid)
    return Error("--branch-format '" + format + "' gives '" + name + "', not a valid branch name");
  return name;
}

bool commits_on_tags(const InventoryRepo& repo, const std::string& tag) {
  auto src = repo.repo().at("refs/tags/" + tag);
  return src && looks_like_kubespray(**src);
}

Result<std::vector<StopCommit>> plan_commits(const InventoryRepo& repo, const UpgradeResult& r,
                                             const CommitOptions& opts) {
  git_repository* g = repo.repo().raw();
  if (auto s = repo.check_committed(); !s) return s.error();
  std::vector<StopCommit> out;
  for (const auto& s : r.stops) {
    auto name = stop_branch(opts.branch_format, s.tag);
    if (!name) return name.error();
    git_reference* ref = nullptr;
    if (git_branch_lookup(&ref, g, name->c_str(), GIT_BRANCH_LOCAL) == 0) {
      git::Reference keep(ref);
      return Error("--commit: the branch " + *name +
                   " exists already; delete it or give --branch-format: nothing was committed");
    }
    bool on_tag = commits_on_tags(repo, s.tag);
    std::string parent = on_tag ? s.tag : out.empty() ? "HEAD" : out.back().branch;
    out.push_back({s.tag, *name, "", parent, on_tag, {}});
  }
  return out;
}

Result<std::vector<StopCommit>> commit_stops(const InventoryRepo& repo, const UpgradeResult& r,
                                             std::vector<StopCommit> out,
                                             const CommitOptions& opts) {
  git_repository* g = repo.repo().raw();
  if (out.size() != r.stops.size()) return Error("commit_stops: the plan does not match the stops");
  auto sig = signature(g);
  if (!sig) return sig.error();
  CommitWriter writer(repo, std::move(*sig));
  auto head = git::resolve_commit(g, "HEAD");
  if (!head) return head.error().context("--commit needs a commit to start from");
  git::Commit previous = std::move(*head);
  for (size_t i = 0; i < r.stops.size(); ++i) {
    StopCommit& sc = out[i];
    git::Commit base;
    if (sc.on_tag) {
      auto t = git::resolve_commit(g, "refs/tags/" + sc.tag);
      if (!t) return t.error();
      base = std::move(*t);
    } else {
      auto again = git::lookup_commit(g, *git_commit_id(previous.get()));
      if (!again) return again.error();
      base = std::move(*again);
    }
    auto id = writer.commit(base.get(), stop_workspace(r, i), hop_writes(r, i), opts.runbook,
                            stop_message(repo, r, i, sc.branch), sc.left_out);
    if (!id) return id.error().context("the stop " + sc.tag);
    auto c = git::lookup_commit(g, *id);
    if (!c) return c.error();
    git_reference* ref = nullptr;
    if (int rc = git_branch_create(&ref, g, sc.branch.c_str(), c->get(), 0); rc < 0)
      return git::last_error("creating the branch " + sc.branch, rc);
    git::Reference keep(ref);
    sc.commit_id = git::oid_hex(*id);
    previous = std::move(*c);
  }
  return out;
}

}  // namespace ksm::upgrade
