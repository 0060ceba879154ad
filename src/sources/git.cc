// RAII helpers over libgit2 (see git.h).
#include "sources/git.h"

#include <mutex>

namespace ksm::git {

void ensure_init() {
  static std::once_flag once;
  std::call_once(once, [] { git_libgit2_init(); });
}

Error last_error(const std::string& what, int code) {
  const git_error* e = git_error_last();
  std::string msg = what;
  if (e && e->message && *e->message) {
    msg += ": ";
    msg += e->message;
  } else if (code == GIT_ENOTFOUND) {
    msg += ": not found";
  } else {
    msg += ": libgit2 error " + std::to_string(code);
  }
  return Error(msg);
}

Result<SharedRepository> open_repository(const std::filesystem::path& path) {
  ensure_init();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Error("no such folder: " + path.string());
  git_repository* raw = nullptr;
  int rc = git_repository_open_ext(&raw, path.c_str(), 0, nullptr);
  if (rc < 0) {
    if (rc == GIT_ENOTFOUND) return Error(path.string() + " is not a git repository");
    return last_error("opening " + path.string(), rc);
  }
  return SharedRepository(raw, git_repository_free);
}

Result<Commit> resolve_commit(git_repository* repo, std::string_view rev) {
  std::string spec(rev);
  if (spec.empty()) return Error("empty revision");
  git_object* raw = nullptr;
  int rc = git_revparse_single(&raw, repo, spec.c_str());
  if (rc < 0) {
    if (rc == GIT_ENOTFOUND) return Error("unknown revision '" + spec + "'");
    return last_error("resolving '" + spec + "'", rc);
  }
  Object obj(raw);
  git_object* peeled = nullptr;
  rc = git_object_peel(&peeled, obj.get(), GIT_OBJECT_COMMIT);
  if (rc < 0) return last_error("'" + spec + "' does not name a commit", rc);
  return Commit(reinterpret_cast<git_commit*>(peeled));
}

Result<Commit> lookup_commit(git_repository* repo, const git_oid& id) {
  git_commit* raw = nullptr;
  int rc = git_commit_lookup(&raw, repo, &id);
  if (rc < 0) return last_error("reading commit " + oid_hex(id), rc);
  return Commit(raw);
}

Result<Tree> commit_tree(const git_commit* commit) {
  git_tree* raw = nullptr;
  int rc = git_commit_tree(&raw, commit);
  if (rc < 0)
    return last_error("reading the tree of commit " + oid_hex(*git_commit_id(commit)), rc);
  return Tree(raw);
}

Result<Tree> lookup_tree(git_repository* repo, const git_oid& id) {
  git_tree* raw = nullptr;
  int rc = git_tree_lookup(&raw, repo, &id);
  if (rc < 0) return last_error("reading tree " + oid_hex(id), rc);
  return Tree(raw);
}

Result<Blob> lookup_blob(git_repository* repo, const git_oid& id) {
  git_blob* raw = nullptr;
  int rc = git_blob_lookup(&raw, repo, &id);
  if (rc < 0) return last_error("reading blob " + oid_hex(id), rc);
  return Blob(raw);
}

Result<TreeEntry> entry_bypath(const git_tree* root, const std::string& path) {
  git_tree_entry* raw = nullptr;
  int rc = git_tree_entry_bypath(&raw, root, path.c_str());
  if (rc < 0) {
    if (rc == GIT_ENOTFOUND) return Error("no such path: " + path);
    return last_error("looking up " + path, rc);
  }
  return TreeEntry(raw);
}

std::string oid_hex(const git_oid& id) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &id);
  return buf;
}

}  // namespace ksm::git
