// Workspace: the overlay of the inventory folder `upgrade` edits (see workspace.h).
#include "upgrade/workspace.h"

#include <fstream>

#include <git2.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <set>

#include "core/fs.h"
#include "core/transaction.h"
#include "sources/git.h"
#include "sources/memory_source.h"

namespace fs = std::filesystem;

namespace ksm::upgrade {

namespace {

bool skipped_name(const std::string& name) {
  return name == ".git" || name.ends_with("~") || name.ends_with(".swp") ||
         FolderTransaction::is_own_file(name);
}

bool inside(const fs::path& root, const fs::path& p) {
  auto r = root.lexically_normal().string();
  auto s = p.lexically_normal().string();
  return s == r || s.starts_with(r.ends_with('/') ? r : r + "/");
}

}  // namespace

Result<Workspace> Workspace::load(const fs::path& root) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return Error("not a folder", Location{root.string()});
  if (fs::path j = root / FolderTransaction::kJournal; fs::exists(j, ec))
    return Error(
        "an in-place upgrade of this inventory was interrupted: run `kubespray-migrate upgrade "
        "--in-place` on it again to complete it first",
        Location{j.string()});
  Workspace w;
  w.root_ = root;
  fs::path canon_root = fs::canonical(root, ec);
  if (ec) return Error("cannot resolve: " + ec.message(), Location{root.string()});
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  if (ec) return Error("cannot list: " + ec.message(), Location{root.string()});
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return Error("cannot list: " + ec.message(), Location{root.string()});
    const fs::path& p = it->path();
    if (skipped_name(p.filename().string())) {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_symlink(ec)) {
      fs::path target = fs::canonical(p, ec);
      if (ec || !inside(canon_root, target))
        return Error("symbolic link points outside the inventory; refusing to follow it",
                     Location{p.string()});
    }
    if (!it->is_regular_file(ec)) continue;
    auto text = read_file(p);
    if (!text) return text.error();
    std::string rel = fs::relative(p, root, ec).generic_string();
    WorkFile f;
    f.original_path = rel;
    f.original = *text;
    f.text = std::move(*text);
    w.files_.emplace(rel, std::move(f));
  }
  w.touch();
  return w;
}

bool Workspace::has_file(const std::string& rel) const {
  auto it = files_.find(rel);
  return it != files_.end() && !it->second.deleted;
}

void Workspace::touch() {
  // One counter for every workspace: a copy and its original never reach
  // the same generation with different files.
  static std::atomic<uint64_t> next{1};
  generation_ = next.fetch_add(1, std::memory_order_relaxed);
}

Result<std::string> Workspace::read(std::string_view path) const {
  auto p = normalize_source_path(path);
  if (!p) return p.error().context(label());
  if (const std::string* t = text(*p)) return *t;
  if (is_dir(*p)) return Error(label() + ": " + *p + " is a folder, not a file");
  return Error(label() + ": no such file: " + *p);
}

bool Workspace::exists(std::string_view path) const {
  auto p = normalize_source_path(path);
  return p && (has_file(*p) || is_dir(*p));
}

bool Workspace::is_dir(std::string_view path) const {
  auto p = normalize_source_path(path);
  return p && sorted_paths_is_dir(files(), *p);
}

Result<std::vector<std::string>> Workspace::list(std::string_view dir, bool recursive) const {
  return sorted_paths_list(files(), dir, recursive, label());
}

Result<std::vector<std::string>> Workspace::list_dirs(std::string_view dir) const {
  return sorted_paths_list_dirs(files(), dir, label());
}

std::optional<fs::path> Workspace::disk_path(std::string_view path) const {
  std::error_code ec;
  auto abs = fs::absolute(root_ / path, ec);
  if (ec) return std::nullopt;
  return abs.lexically_normal();
}

const std::string* Workspace::text(const std::string& rel) const {
  auto it = files_.find(rel);
  return (it == files_.end() || it->second.deleted) ? nullptr : &it->second.text;
}

std::optional<std::string> Workspace::original_of(const std::string& rel) const {
  auto it = files_.find(rel);
  if (it == files_.end() || it->second.deleted) return std::nullopt;
  return it->second.original_path;
}

std::vector<std::string> Workspace::files() const {
  std::vector<std::string> out;
  for (const auto& [rel, f] : files_)
    if (!f.deleted) out.push_back(rel);
  return out;
}

std::vector<std::string> Workspace::files_under(const std::string& dir) const {
  std::string prefix = dir.ends_with('/') ? dir : dir + "/";
  std::vector<std::string> out;
  for (const auto& [rel, f] : files_)
    if (!f.deleted && rel.starts_with(prefix)) out.push_back(rel);
  return out;
}

void Workspace::put(const std::string& rel, std::string text) {
  touch();
  auto it = files_.find(rel);
  if (it != files_.end()) {
    it->second.text = std::move(text);
    it->second.deleted = false;
    return;
  }
  WorkFile f;
  f.text = std::move(text);
  files_.emplace(rel, std::move(f));
}

Status Workspace::move(const std::string& from, const std::string& to) {
  std::vector<std::pair<std::string, std::string>> moves;
  touch();
  if (has_file(from)) {
    moves.emplace_back(from, to);
  } else {
    std::string pf = from.ends_with('/') ? from : from + "/";
    std::string pt = to.ends_with('/') ? to : to + "/";
    for (const auto& rel : files_under(from)) moves.emplace_back(rel, pt + rel.substr(pf.size()));
  }
  if (moves.empty()) return Error("nothing to move at '" + from + "'");
  for (const auto& [a, b] : moves)
    if (has_file(b)) return Error("cannot move '" + a + "' to '" + b + "': the target exists");
  for (const auto& [a, b] : moves) {
    auto node = files_.extract(a);
    node.key() = b;
    files_.insert(std::move(node));
    // Keep a tombstone so in-place output removes the old file.
    if (files_.find(a) == files_.end()) {
      WorkFile tomb;
      tomb.original_path = a;
      tomb.deleted = true;
      files_.emplace(a, std::move(tomb));
    }
  }
  return {};
}

void Workspace::remove(const std::string& rel) {
  touch();
  auto it = files_.find(rel);
  if (it != files_.end()) it->second.deleted = true;
}

bool Workspace::changed() const {
  for (const auto& [rel, f] : files_) {
    if (f.deleted) {
      if (f.original_path) return true;
      continue;
    }
    if (!f.original || f.original_path != rel || *f.original != f.text) return true;
  }
  return false;
}

void Workspace::put_beside(const std::string& name, std::string text) {
  beside_[name] = std::move(text);
}

fs::path Workspace::beside_dir(const fs::path& inventory_dir) {
  fs::path dir = inventory_dir.lexically_normal();
  if (dir.filename().empty()) dir = dir.parent_path();  // "inv/" -> "inv"
  if (dir.empty() || dir == "." || dir == "..") dir = fs::absolute(dir).lexically_normal();
  return dir.parent_path() / (dir.filename().string() + ".manifests");
}

Status Workspace::write_to(const fs::path& out_dir) const {
  std::error_code ec;
  if (fs::exists(out_dir, ec) && !fs::is_empty(out_dir, ec))
    return Error("output folder exists and is not empty; choose another with -o",
                 Location{out_dir.string()});
  const fs::path side = beside_dir(out_dir);
  if (!beside_.empty() && fs::exists(side, ec) && !fs::is_empty(side, ec))
    return Error("the folder for the manifests beside the output exists and is not empty; choose "
                 "another output with -o",
                 Location{side.string()});
  // A new folder: plain creations (core/fs.h write_new_file).
  for (const auto& [rel, f] : files_) {
    if (f.deleted) continue;
    if (auto s = write_new_file(out_dir / rel, f.text); !s) return s;
  }
  for (const auto& [name, text] : beside_)
    if (auto s = write_new_file(side / name, text); !s) return s;
  return {};
}

bool is_sops(const std::string& text) {
  bool yaml = text.starts_with("sops:") || text.find("\nsops:") != std::string::npos;
  bool json = text.find("\"sops\"") != std::string::npos;
  return (yaml && text.find("mac:") != std::string::npos) ||
         (json && text.find("\"mac\"") != std::string::npos);
}

namespace {

// The files beside an inventory upgraded in place: one transaction in
// their own folder (backups of files replaced), files already identical
// left alone.
Status write_beside_in_place(const fs::path& dir, const std::map<std::string, std::string>& files,
                             const std::string& backup_suffix) {
  FolderTransaction tx(dir, backup_suffix);
  bool any = false;
  for (const auto& [name, text] : files) {
    auto now =
        fs::exists(dir / name) ? read_file(dir / name) : Result<std::string>(Error("absent"));
    if (now && *now == text) continue;
    tx.write(name, text);
    any = true;
  }
  return any ? tx.commit() : Status{};
}

}  // namespace

Status Workspace::write_in_place(const std::string& backup_suffix) const {
  // One commit for every file (core/transaction.h): a kill leaves the input
  // or, once the journal is written, a state recover() completes.
  if (auto s = write_beside_in_place(beside_dir(root_), beside_, backup_suffix); !s) return s;
  FolderTransaction tx(root_, backup_suffix);
  for (const auto& [rel, f] : files_) {
    if (f.deleted) continue;
    bool same = f.original && f.original_path == rel && *f.original == f.text;
    if (!same) tx.write(rel, f.text);
  }
  // Files moved away or removed: renamed to their backup name, never deleted.
  for (const auto& [rel, f] : files_)
    if (f.deleted && f.original_path) tx.retire(rel);
  return tx.commit();
}

namespace {

struct PatchDeleter {
  void operator()(git_patch* p) const { git_patch_free(p); }
};
struct BufGuard {
  git_buf buf = GIT_BUF_INIT;
  ~BufGuard() { git_buf_dispose(&buf); }
};

std::string unified(const std::string* a, const std::string& a_name, const std::string* b,
                    const std::string& b_name) {
  git::ensure_init();
  git_diff_options opts;
  git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
  opts.context_lines = 3;
  git_patch* raw = nullptr;
  // libgit2 adds the a/ and b/ prefixes and /dev/null for a missing side.
  const std::string& an = a_name;
  const std::string& bn = b_name;
  int rc = git_patch_from_buffers(&raw, a ? a->data() : nullptr, a ? a->size() : 0, an.c_str(),
                                  b ? b->data() : nullptr, b ? b->size() : 0, bn.c_str(), &opts);
  std::unique_ptr<git_patch, PatchDeleter> patch(raw);
  if (rc != 0 || !patch) return {};
  BufGuard out;
  if (git_patch_to_buf(&out.buf, patch.get()) != 0) return {};
  return std::string(out.buf.ptr, out.buf.size);
}

}  // namespace

std::string Workspace::diff() const {
  std::string out;
  // Map original path -> current file, to pair moves.
  std::map<std::string, const std::pair<const std::string, WorkFile>*> by_origin;
  for (const auto& e : files_)
    if (!e.second.deleted && e.second.original_path) by_origin[*e.second.original_path] = &e;
  for (const auto& e : files_) {
    const auto& [rel, f] = e;
    if (f.deleted) {
      if (f.original_path && !by_origin.count(*f.original_path) && f.original)
        out += unified(&*f.original, rel, nullptr, rel);
      continue;
    }
    if (!f.original) {
      out += unified(nullptr, rel, &f.text, rel);
      continue;
    }
    if (*f.original_path != rel) {
      if (*f.original == f.text) {
        out += "diff --git a/" + *f.original_path + " b/" + rel + "\nrename from " +
               *f.original_path + "\nrename to " + rel + "\n";
      } else {
        out += unified(&*f.original, *f.original_path, &f.text, rel);
      }
      continue;
    }
    if (*f.original != f.text) out += unified(&*f.original, rel, &f.text, rel);
  }
  return out;
}

std::string Workspace::diff_since(const Workspace& before) const {
  auto live = [](const Workspace& w, const std::string& rel) -> const WorkFile* {
    auto it = w.files_.find(rel);
    return it == w.files_.end() || it->second.deleted ? nullptr : &it->second;
  };
  // The earlier live files by the input path they came from, to pair moves.
  std::map<std::string, std::string> before_by_origin;
  for (const auto& [rel, f] : before.files_)
    if (!f.deleted && f.original_path) before_by_origin.emplace(*f.original_path, rel);
  std::string out;
  std::set<std::string> paired;  // earlier paths that have a counterpart now
  for (const auto& [rel, f] : files_) {
    if (f.deleted) continue;
    std::string from = rel;
    const WorkFile* b = live(before, rel);
    if (!b && f.original_path) {
      auto it = before_by_origin.find(*f.original_path);
      if (it != before_by_origin.end() && !live(*this, it->second)) {
        from = it->second;
        b = live(before, from);
      }
    }
    if (!b) {
      out += unified(nullptr, rel, &f.text, rel);
      continue;
    }
    paired.insert(from);
    if (from != rel && b->text == f.text)
      out += "diff --git a/" + from + " b/" + rel + "\nrename from " + from + "\nrename to " + rel +
             "\n";
    else if (from != rel || b->text != f.text)
      out += unified(&b->text, from, &f.text, rel);
  }
  for (const auto& [rel, f] : before.files_)
    if (!f.deleted && !paired.count(rel)) out += unified(&f.text, rel, nullptr, rel);
  return out;
}

}  // namespace ksm::upgrade
