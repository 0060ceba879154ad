// Sources of Kubespray trees: plain folders and git commits (see source.h).
#include "sources/source.h"

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <deque>
#include <map>
#include <set>
#include <system_error>
#include <unordered_set>

#include "core/fs.h"
#include "sources/knowledge.h"

namespace ksm {

namespace {

std::string join(const std::string& dir, const std::string& name) {
  return dir.empty() ? name : dir + "/" + name;
}

std::string utc_date(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

}  // namespace

Result<std::string> normalize_source_path(std::string_view path) {
  if (path.find('\0') != std::string_view::npos) return Error("path contains a NUL byte");
  if (!path.empty() && path[0] == '/')
    return Error("path '" + std::string(path) + "' is absolute; expected a path inside the tree");
  std::string out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    std::string_view part = path.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part == "..")
      return Error("path '" + std::string(path) + "' leaves the tree ('..' is not allowed)");
    if (!part.empty() && part != ".") {
      if (!out.empty()) out += '/';
      out += part;
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

std::string join_source_path(std::string_view dir, std::string_view name) {
  if (dir.empty()) return std::string(name);
  if (name.empty()) return std::string(dir);
  std::string out(dir);
  out += '/';
  out += name;
  return out;
}

std::string source_parent(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(path.substr(0, slash));
}

Result<std::vector<SourceEntry>> list_entries(const Source& src, std::string_view dir) {
  auto files = src.list(dir, false);
  if (!files) return files.error();
  auto dirs = src.list_dirs(dir);
  if (!dirs) return dirs.error();
  std::vector<SourceEntry> out;
  out.reserve(files->size() + dirs->size());
  auto name_of = [&](const std::string& p) { return dir.empty() ? p : p.substr(dir.size() + 1); };
  for (const auto& f : *files) out.push_back({name_of(f), false});
  for (const auto& d : *dirs) out.push_back({name_of(d), true});
  std::sort(out.begin(), out.end(),
            [](const SourceEntry& a, const SourceEntry& b) { return a.name < b.name; });
  return out;
}

// ---------------------------------------------------------------- DirSource

DirSource::DirSource(std::filesystem::path root) : root_(std::move(root)) {}

std::string DirSource::display_path(std::string_view path) const {
  if (root_.empty() || root_ == ".") return path.empty() ? std::string(".") : std::string(path);
  if (path.empty()) return root_.string();
  return (root_ / path).string();
}

std::optional<std::filesystem::path> DirSource::disk_path(std::string_view path) const {
  std::error_code ec;
  auto abs = std::filesystem::absolute(path.empty() ? root_ : root_ / path, ec);
  if (ec) return std::nullopt;
  return abs.lexically_normal();
}

Result<std::string> DirSource::read(std::string_view path) const {
  auto p = normalize_source_path(path);
  if (!p) return p.error().context(label());
  if (p->empty()) return Error(label() + ": cannot read the root folder as a file");
  std::error_code ec;
  auto full = root_ / *p;
  if (std::filesystem::is_directory(full, ec))
    return Error(label() + ": " + *p + " is a folder, not a file");
  if (!std::filesystem::exists(full, ec)) return Error(label() + ": no such file: " + *p);
  return read_file(full);
}

bool DirSource::exists(std::string_view path) const {
  auto p = normalize_source_path(path);
  std::error_code ec;
  return p && std::filesystem::exists(root_ / *p, ec);
}

bool DirSource::is_dir(std::string_view path) const {
  auto p = normalize_source_path(path);
  std::error_code ec;
  return p && std::filesystem::is_directory(root_ / *p, ec);
}

Result<std::vector<std::string>> DirSource::list(std::string_view dir, bool recursive) const {
  auto d = normalize_source_path(dir);
  if (!d) return d.error().context(label());
  std::error_code ec;
  auto base = root_ / *d;
  if (!std::filesystem::is_directory(base, ec))
    return Error(label() + ": no such folder: " + (d->empty() ? "." : *d));
  std::vector<std::string> out;
  if (recursive) {
    std::filesystem::recursive_directory_iterator it(base, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      const auto& e = *it;
      auto rel = e.path().lexically_relative(root_).generic_string();
      if (e.is_directory(ec)) {
        if (e.path().filename() == ".git") it.disable_recursion_pending();
        continue;
      }
      if (e.is_regular_file(ec)) out.push_back(rel);
    }
  } else {
    std::filesystem::directory_iterator it(base, ec), end;
    for (; !ec && it != end; it.increment(ec))
      if (!it->is_directory(ec) && it->is_regular_file(ec))
        out.push_back(it->path().lexically_relative(root_).generic_string());
  }
  if (ec) return Error(label() + ": listing " + (d->empty() ? "." : *d) + ": " + ec.message());
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::vector<std::string>> DirSource::list_dirs(std::string_view dir) const {
  auto d = normalize_source_path(dir);
  if (!d) return d.error().context(label());
  std::error_code ec;
  auto base = root_ / *d;
  if (!std::filesystem::is_directory(base, ec))
    return Error(label() + ": no such folder: " + (d->empty() ? "." : *d));
  std::vector<std::string> out;
  std::filesystem::directory_iterator it(base, ec), end;
  for (; !ec && it != end; it.increment(ec))
    if (it->is_directory(ec) && it->path().filename() != ".git")
      out.push_back(it->path().lexically_relative(root_).generic_string());
  if (ec) return Error(label() + ": listing " + *d + ": " + ec.message());
  std::sort(out.begin(), out.end());
  return out;
}

// ---------------------------------------------------------------- GitSource

GitSource::GitSource(git::SharedRepository repo, git::Tree tree, std::string commit_id,
                     std::string label)
    : repo_(std::move(repo)),
      root_(std::move(tree)),
      commit_id_(std::move(commit_id)),
      label_(std::move(label)) {}

Result<git::Tree> GitSource::subtree(const std::string& dir) const {
  if (dir.empty()) return git::lookup_tree(repo_.get(), *git_tree_id(root_.get()));
  auto e = git::entry_bypath(root_.get(), dir);
  if (!e) return Error(label_ + ": no such folder: " + dir);
  if (git_tree_entry_type(e->get()) != GIT_OBJECT_TREE)
    return Error(label_ + ": " + dir + " is a file, not a folder");
  return git::lookup_tree(repo_.get(), *git_tree_entry_id(e->get()));
}

namespace {
// The root-relative path a symlink at `link` pointing to `target` names.
Result<std::string> resolve_link(const std::string& link, const std::string& target) {
  if (!target.empty() && target[0] == '/')
    return Error("symlink " + link + " points outside the tree: " + target);
  std::vector<std::string> parts;
  auto slash = link.rfind('/');
  std::string joined = (slash == std::string::npos ? "" : link.substr(0, slash + 1)) + target;
  size_t start = 0;
  while (start <= joined.size()) {
    size_t s = joined.find('/', start);
    std::string part = joined.substr(start, s == std::string::npos ? std::string::npos : s - start);
    if (part == "..") {
      if (parts.empty()) return Error("symlink " + link + " points outside the tree: " + target);
      parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    if (s == std::string::npos) break;
    start = s + 1;
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}
}  // namespace

Result<std::string> GitSource::read(std::string_view path) const {
  auto p = normalize_source_path(path);
  if (!p) return p.error().context(label_);
  if (p->empty()) return Error(label_ + ": cannot read the root folder as a file");
  std::string cur = *p;
  for (int hops = 0; hops < 16; ++hops) {
    auto e = git::entry_bypath(root_.get(), cur);
    if (!e)
      return Error(label_ + ": no such file: " + *p +
                   (cur != *p ? " (symlink to " + cur + ")" : ""));
    if (git_tree_entry_type(e->get()) != GIT_OBJECT_BLOB)
      return Error(label_ + ": " + cur + " is a folder, not a file");
    auto blob = git::lookup_blob(repo_.get(), *git_tree_entry_id(e->get()));
    if (!blob) return blob.error().context(label_ + ": reading " + cur);
    const char* data = static_cast<const char*>(git_blob_rawcontent(blob->get()));
    std::string content(data, static_cast<size_t>(git_blob_rawsize(blob->get())));
    if (git_tree_entry_filemode(e->get()) != GIT_FILEMODE_LINK) return content;
    // A symlink inside the tree: read its target, as a checkout would.
    auto next = resolve_link(cur, content);
    if (!next) return next.error().context(label_);
    cur = std::move(*next);
  }
  return Error(label_ + ": " + *p + ": too many levels of symlinks");
}

bool GitSource::exists(std::string_view path) const {
  auto p = normalize_source_path(path);
  if (!p) return false;
  if (p->empty()) return true;
  return git::entry_bypath(root_.get(), *p).ok();
}

bool GitSource::is_dir(std::string_view path) const {
  auto p = normalize_source_path(path);
  if (!p) return false;
  if (p->empty()) return true;
  auto e = git::entry_bypath(root_.get(), *p);
  return e && git_tree_entry_type(e->get()) == GIT_OBJECT_TREE;
}

namespace {
struct WalkState {
  std::string base;
  std::vector<std::string>* out;
};
int walk_cb(const char* root, const git_tree_entry* entry, void* payload) {
  auto* st = static_cast<WalkState*>(payload);
  if (git_tree_entry_type(entry) == GIT_OBJECT_BLOB)
    st->out->push_back(join(st->base, std::string(root) + git_tree_entry_name(entry)));
  return 0;
}
}  // namespace

Result<std::vector<std::string>> GitSource::list(std::string_view dir, bool recursive) const {
  auto d = normalize_source_path(dir);
  if (!d) return d.error().context(label_);
  auto tree = subtree(*d);
  if (!tree) return tree.error();
  std::vector<std::string> out;
  if (recursive) {
    WalkState st{*d, &out};
    int rc = git_tree_walk(tree->get(), GIT_TREEWALK_PRE, walk_cb, &st);
    if (rc < 0) return git::last_error(label_ + ": listing " + *d, rc);
  } else {
    size_t n = git_tree_entrycount(tree->get());
    for (size_t i = 0; i < n; ++i) {
      const git_tree_entry* e = git_tree_entry_byindex(tree->get(), i);
      if (git_tree_entry_type(e) == GIT_OBJECT_BLOB)
        out.push_back(join(*d, git_tree_entry_name(e)));
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::vector<std::string>> GitSource::list_dirs(std::string_view dir) const {
  auto d = normalize_source_path(dir);
  if (!d) return d.error().context(label_);
  auto tree = subtree(*d);
  if (!tree) return tree.error();
  std::vector<std::string> out;
  size_t n = git_tree_entrycount(tree->get());
  for (size_t i = 0; i < n; ++i) {
    const git_tree_entry* e = git_tree_entry_byindex(tree->get(), i);
    if (git_tree_entry_type(e) == GIT_OBJECT_TREE) out.push_back(join(*d, git_tree_entry_name(e)));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// ---------------------------------------------------------------- GitRepo

Result<GitRepo> GitRepo::open(const std::filesystem::path& path) {
  auto r = git::open_repository(path);
  if (!r) return r.error();
  std::filesystem::path p = std::filesystem::absolute(path).lexically_normal();
  std::string name = p.filename().string();
  if (name.empty()) name = p.parent_path().filename().string();
  return GitRepo(std::move(*r), name);
}

Result<std::optional<GitRepo>> GitRepo::discover(const std::filesystem::path& path) {
  git::ensure_init();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Error("no such folder: " + path.string());
  git_repository* raw = nullptr;
  int rc = git_repository_open_ext(&raw, path.c_str(), 0, nullptr);
  if (rc == GIT_ENOTFOUND) return std::optional<GitRepo>();
  if (rc < 0) return git::last_error("opening the repository of " + path.string(), rc);
  git::SharedRepository repo(raw, git_repository_free);
  std::filesystem::path p = std::filesystem::absolute(path).lexically_normal();
  std::string name = p.filename().string();
  if (name.empty()) name = p.parent_path().filename().string();
  return std::optional<GitRepo>(GitRepo(std::move(repo), name));
}

std::filesystem::path GitRepo::git_dir() const {
  return git_repository_path(repo_.get());
}

std::filesystem::path GitRepo::work_dir() const {
  const char* w = git_repository_workdir(repo_.get());
  return w ? std::filesystem::path(w) : std::filesystem::path();
}

bool GitRepo::is_bare() const {
  return git_repository_is_bare(repo_.get()) == 1;
}

namespace {
struct TagCollect {
  git_repository* repo;
  std::vector<std::pair<std::string, git_oid>> refs;
};
int tag_cb(const char* name, git_oid* oid, void* payload) {
  auto* tc = static_cast<TagCollect*>(payload);
  std::string n = name;
  static const std::string prefix = "refs/tags/";
  if (n.rfind(prefix, 0) == 0) n = n.substr(prefix.size());
  tc->refs.emplace_back(n, *oid);
  return 0;
}
}  // namespace

Result<std::vector<ReleaseTag>> GitRepo::tags() const {
  TagCollect tc{repo_.get(), {}};
  int rc = git_tag_foreach(repo_.get(), tag_cb, &tc);
  if (rc < 0 && rc != GIT_ENOTFOUND) return git::last_error(name_ + ": listing tags", rc);
  std::vector<ReleaseTag> out;
  for (auto& [n, oid] : tc.refs) {
    if (n.empty() || n[0] != 'v') continue;
    auto v = Version::parse_release(n);
    if (!v) continue;
    git_object* raw = nullptr;
    if (git_object_lookup(&raw, repo_.get(), &oid, GIT_OBJECT_ANY) < 0)
      return git::last_error(name_ + ": reading tag " + n);
    git::Object obj(raw);
    git_object* peeled = nullptr;
    if (git_object_peel(&peeled, obj.get(), GIT_OBJECT_COMMIT) < 0)
      continue;  // a tag of a tree or blob
    git::Object c(peeled);
    out.push_back(ReleaseTag{n, *v, git::oid_hex(*git_object_id(c.get()))});
  }
  std::sort(out.begin(), out.end(),
            [](const ReleaseTag& a, const ReleaseTag& b) { return a.version < b.version; });
  return out;
}

Result<Revision> GitRepo::resolve(std::string_view rev) const {
  auto c = git::resolve_commit(repo_.get(), rev);
  if (!c) return c.error().context(name_);
  Revision r;
  r.spec = std::string(rev);
  r.commit_id = git::oid_hex(*git_commit_id(c->get()));
  r.time = static_cast<int64_t>(git_commit_time(c->get()));
  r.offset_minutes = git_commit_time_offset(c->get());
  r.date = utc_date(r.time);
  const char* s = git_commit_summary(c->get());
  r.summary = s ? s : "";
  return r;
}

Result<std::unique_ptr<GitSource>> GitRepo::at(std::string_view rev) const {
  auto c = git::resolve_commit(repo_.get(), rev);
  if (!c) return c.error().context(name_);
  auto tree = git::commit_tree(c->get());
  if (!tree) return tree.error().context(name_);
  std::string id = git::oid_hex(*git_commit_id(c->get()));
  return std::unique_ptr<GitSource>(
      new GitSource(repo_, std::move(*tree), id, name_ + "@" + std::string(rev)));
}

Result<std::optional<std::string>> GitRepo::nearest_tag(std::string_view rev) const {
  auto start = git::resolve_commit(repo_.get(), rev);
  if (!start) return start.error().context(name_);
  auto tags = this->tags();
  if (!tags) return tags.error();
  std::map<std::string, std::string> by_commit;  // commit -> highest release tag on it
  for (const auto& t : *tags) by_commit[t.commit_id] = t.name;  // version order: last wins
  // Breadth-first over parents: the tag with the fewest hops back.
  std::deque<std::string> queue{git::oid_hex(*git_commit_id(start->get()))};
  std::unordered_set<std::string> seen{queue.front()};
  size_t budget = 200000;
  while (!queue.empty() && budget-- > 0) {
    std::string id = queue.front();
    queue.pop_front();
    if (auto it = by_commit.find(id); it != by_commit.end())
      return std::optional<std::string>(it->second);
    git_oid oid;
    git_oid_fromstr(&oid, id.c_str());
    auto c = git::lookup_commit(repo_.get(), oid);
    if (!c) return c.error().context(name_);
    unsigned n = git_commit_parentcount(c->get());
    for (unsigned i = 0; i < n; ++i) {
      std::string p = git::oid_hex(*git_commit_parent_id(c->get(), i));
      if (seen.insert(p).second) queue.push_back(p);
    }
  }
  return std::optional<std::string>();
}

// ---------------------------------------------------------------- Kubespray

bool looks_like_kubespray(const Source& src) {
  for (const auto& role : kubespray().defaults_roles())
    if (src.is_dir("roles/" + role)) return true;
  return src.is_dir(kubespray().sample_inventory());
}

Result<GitRepo> open_kubespray(const std::filesystem::path& path) {
  auto repo = GitRepo::open(path);
  if (!repo) return Error(path.string() + ": not a Kubespray clone (" + repo.error().message + ")");
  if (auto head = repo->at("HEAD"); head && looks_like_kubespray(**head)) return repo;
  auto tags = repo->tags();
  if (tags) {
    // Newest first: a Kubespray clone matches at once.
    for (auto it = tags->rbegin(); it != tags->rend(); ++it) {
      auto src = repo->at(it->name);
      if (src && looks_like_kubespray(**src)) return repo;
    }
  }
  return Error(
      path.string() +
      ": not a Kubespray clone (no roles/kubespray-defaults and no inventory/sample at HEAD "
      "or at any release tag)");
}

Result<std::filesystem::path> kubespray_path(const std::optional<std::string>& explicit_path) {
  if (explicit_path && !explicit_path->empty()) return std::filesystem::path(*explicit_path);
  if (const char* e = std::getenv("KUBESPRAY_DIR"); e && *e) return std::filesystem::path(e);
  std::error_code ec;
  auto cwd = std::filesystem::current_path(ec);
  if (!ec && open_kubespray(cwd)) return cwd;
  return Error(
      "no Kubespray clone given: pass --kubespray PATH, set KUBESPRAY_DIR, or run inside a clone");
}

}  // namespace ksm
