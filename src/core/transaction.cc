// All-or-nothing rewrite of a folder (see transaction.h).
#include "core/transaction.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <set>

#include "core/fs.h"
#include "core/json.h"
#include "core/value.h"

namespace ksm {

namespace fs = std::filesystem;

namespace {

constexpr const char* kNew = ".ksm-new-";
constexpr const char* kBak = ".ksm-bak-";
constexpr const char* kTmp = ".ksm-tmp-";  // write_file_atomic's (the journal's own temporary)

std::string run_id() {
  std::random_device rd;
  static const char hex[] = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 4; ++i) {
    unsigned v = rd();
    for (int k = 0; k < 4; ++k, v >>= 4) id += hex[v & 15];
  }
  return id;
}

Error sys_error(const std::string& what, const fs::path& p) {
  return Error(what + ": " + std::strerror(errno), Location{p.string()});
}

// Writes and fsyncs a new file (never an existing one), with `mode`.
Status write_new(const fs::path& p, const std::string& content, mode_t mode) {
  int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return sys_error("cannot create a temporary file", p);
  (void)::fchmod(fd, mode);
  size_t off = 0;
  while (off < content.size()) {
    ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      Error e = sys_error("write failed", p);
      ::close(fd);
      return e;
    }
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    Error e = sys_error("fsync failed", p);
    ::close(fd);
    return e;
  }
  if (::close(fd) != 0) return sys_error("close failed", p);
  return {};
}

fs::path hidden(const fs::path& target, const char* kind, const std::string& id) {
  return target.parent_path() / ("." + target.filename().string() + kind + id);
}

// The renames still to do, in order; each skipped when done (its source
// gone and its destination present). Folders of the destinations fsynced.
Status apply(const fs::path& root, const std::vector<std::pair<std::string, std::string>>& renames,
             std::optional<size_t> stop_after) {
  std::set<fs::path> dirs;
  size_t done = 0;
  for (const auto& [from, to] : renames) {
    if (stop_after && done == *stop_after) return {};
    fs::path a = root / from, b = root / to;
    std::error_code ec;
    if (fs::symlink_status(a, ec).type() != fs::file_type::not_found) {
      if (::rename(a.c_str(), b.c_str()) != 0)
        return sys_error("rename to " + b.string() + " failed", a);
    } else if (fs::symlink_status(b, ec).type() == fs::file_type::not_found) {
      return Error(
          "the journal's step " + from + " -> " + to + " cannot be completed: neither exists",
          Location{(root / FolderTransaction::kJournal).string()});
    }
    dirs.insert(a.parent_path());
    dirs.insert(b.parent_path());
    ++done;
  }
  for (const auto& d : dirs)
    if (auto s = sync_dir(d); !s) return s;
  return {};
}

Result<std::vector<std::pair<std::string, std::string>>> read_journal(const fs::path& journal) {
  auto text = read_file(journal);
  if (!text) return text.error();
  auto v = parse_json(*text, journal.string());
  if (!v) return v.error().context("the journal of an interrupted in-place upgrade");
  const Value* list = v->get("renames");
  if (!list || !list->is_list())
    return Error("not a kubespray-migrate journal", Location{journal.string()});
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : list->as_list()) {
    if (!r.is_list() || r.as_list().size() != 2 || !r.as_list()[0].is_string() ||
        !r.as_list()[1].is_string())
      return Error("a journal step is not [from, to]", Location{journal.string()});
    const std::string& a = r.as_list()[0].as_string();
    const std::string& b = r.as_list()[1].as_string();
    for (const auto& p : {a, b}) {
      bool up = false;
      for (const auto& part : fs::path(p)) up |= part == "..";
      if (p.empty() || p.front() == '/' || up)
        return Error("a journal step leaves the folder: " + p, Location{journal.string()});
    }
    out.emplace_back(a, b);
  }
  return out;
}

}  // namespace

FolderTransaction::FolderTransaction(fs::path root, std::string backup_suffix)
    : root_(std::move(root)), suffix_(std::move(backup_suffix)) {}

void FolderTransaction::write(const std::string& rel, std::string content) {
  writes_.emplace_back(rel, std::move(content));
}

void FolderTransaction::retire(const std::string& rel) {
  retires_.push_back(rel);
}

bool FolderTransaction::is_own_file(const std::string& name) {
  return name == kJournal || (name.starts_with('.') && (name.find(kNew) != std::string::npos ||
                                                        name.find(kBak) != std::string::npos ||
                                                        name.find(kTmp) != std::string::npos));
}

Status FolderTransaction::commit(std::optional<size_t> stop_after) {
  const fs::path journal = root_ / kJournal;
  std::error_code ec;
  if (fs::exists(journal, ec))
    return Error("an interrupted in-place upgrade is pending here; complete it first",
                 Location{journal.string()});
  const std::string id = run_id();
  std::vector<fs::path> temps;
  std::set<fs::path> dirs{root_};
  auto undo = [&](Error e) -> Status {
    for (const auto& t : temps) fs::remove(t, ec);
    return e;
  };
  auto rel = [&](const fs::path& p) { return p.lexically_relative(root_).generic_string(); };
  std::vector<std::pair<std::string, std::string>> backups, installs, retired;

  // 1. prepare: nothing visible changes.
  for (const auto& [r, content] : writes_) {
    fs::path target = root_ / r;
    fs::create_directories(target.parent_path(), ec);
    if (ec)
      return undo(Error("cannot create the folder: " + ec.message(),
                        Location{target.parent_path().string()}));
    dirs.insert(target.parent_path());
    struct stat st {};
    bool exists = ::stat(target.c_str(), &st) == 0;
    fs::path tmp = hidden(target, kNew, id);
    temps.push_back(tmp);
    if (auto s = write_new(tmp, content, exists ? (st.st_mode & 07777) : 0644); !s)
      return undo(s.error());
    if (exists && !suffix_.empty()) {
      fs::path bak = hidden(target, kBak, id);
      temps.push_back(bak);
      if (::link(target.c_str(), bak.c_str()) != 0) {
        fs::copy_file(target, bak, ec);
        if (ec)
          return undo(Error("cannot keep a backup: " + ec.message(), Location{target.string()}));
      }
      backups.emplace_back(rel(bak), r + suffix_);
    }
    installs.emplace_back(rel(tmp), r);
  }
  for (const auto& r : retires_) {
    fs::path p = root_ / r;
    if (fs::symlink_status(p, ec).type() == fs::file_type::not_found) continue;
    dirs.insert(p.parent_path());
    retired.emplace_back(r, r + suffix_);
  }
  for (const auto& d : dirs)
    if (auto s = sync_dir(d); !s) return undo(s.error());

  // 2. the commit point: the journal, written atomically.
  List steps;
  for (const auto* group : {&backups, &installs, &retired})
    for (const auto& [a, b] : *group) steps.push_back(Value(List{Value(a), Value(b)}));
  Value j(
      Map{{"kubespray-migrate-journal", Value(int64_t{1})}, {"renames", Value(std::move(steps))}});
  if (auto s = write_file_atomic(journal, to_json(j, {true, 1}) + "\n"); !s) return undo(s.error());

  // 3. apply; from here on an error leaves the journal for recover().
  auto all = read_journal(journal);
  if (!all) return all.error();
  if (auto s = apply(root_, *all, stop_after); !s) return s;
  if (stop_after) return {};
  fs::remove(journal, ec);
  if (ec) return Error("cannot remove the journal: " + ec.message(), Location{journal.string()});
  return sync_dir(root_);
}

Result<std::string> FolderTransaction::recover(const fs::path& root) {
  std::error_code ec;
  const fs::path journal = root / kJournal;
  std::string said;
  if (fs::exists(journal, ec)) {
    auto steps = read_journal(journal);
    if (!steps) return steps.error();
    if (auto s = apply(root, *steps, std::nullopt); !s) return s.error();
    fs::remove(journal, ec);
    if (ec) return Error("cannot remove the journal: " + ec.message(), Location{journal.string()});
    if (auto s = sync_dir(root); !s) return s.error();
    said =
        "completed an interrupted in-place upgrade (" + std::to_string(steps->size()) + " renames)";
  }
  // Temporary files of a run killed before its commit point (or left by
  // the journal's own atomic write).
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  std::vector<fs::path> debris;
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name == ".git") {
      it.disable_recursion_pending();
      continue;
    }
    if (name != kJournal && is_own_file(name) && it->is_regular_file(ec))
      debris.push_back(it->path());
  }
  if (ec) return Error("cannot list: " + ec.message(), Location{root.string()});
  std::set<fs::path> dirs;
  for (const auto& p : debris) {
    if (!fs::remove(p, ec) || ec)
      return Error("cannot remove: " + ec.message(), Location{p.string()});
    dirs.insert(p.parent_path());
  }
  for (const auto& d : dirs)
    if (auto s = sync_dir(d); !s) return s.error();
  if (!debris.empty())
    said += said.empty() ? "removed " + std::to_string(debris.size()) +
                               " temporary files of an in-place upgrade interrupted before its "
                               "commit point (the inventory was not changed by it)"
                         : "; removed " + std::to_string(debris.size()) + " temporary files";
  return said;
}

}  // namespace ksm
