// A tree of files at one revision, whatever holds it: a git clone read
// through libgit2 straight from the object database (GitSource: a tag,
// branch or commit, no checkout), a plain folder (DirSource: a checkout, an
// unpacked release tarball, the operator's inventory), files in memory
// (MemorySource, sources/memory_source.h: tests, fuzzing) or the inventory
// `upgrade` is producing (upgrade::Workspace). Every module reads Kubespray
// trees and inventories only through this interface, as ninja's code reads
// the disk only through DiskInterface: nothing writes a scratch copy to
// read it back.
//
// Paths are relative to the tree's root, '/'-separated ("roles/x/defaults/main.yml").
// Absolute paths and ".." components are refused, so a DirSource never
// reads outside its folder.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "sources/git.h"
#include "sources/version.h"

namespace ksm {

class Source {
 public:
  virtual ~Source() = default;

  // The whole content of a file (a blob; a symlink yields its target text).
  virtual Result<std::string> read(std::string_view path) const = 0;
  // Whether `path` names a file or a folder. "" is the root.
  virtual bool exists(std::string_view path) const = 0;
  virtual bool is_dir(std::string_view path) const = 0;
  // Files below `dir` ("" = root), as root-relative paths in byte order;
  // with recursive=false only the files directly in `dir`. A missing `dir`
  // is an Error; an empty one gives an empty list.
  virtual Result<std::vector<std::string>> list(std::string_view dir, bool recursive) const = 0;
  // Folders directly in `dir` (root-relative paths, byte order).
  virtual Result<std::vector<std::string>> list_dirs(std::string_view dir) const = 0;
  // For messages and file:line locations: "kubespray-data.git@v2.18.0" or a folder.
  virtual std::string label() const = 0;

  // How the file or folder `path` is named in file:line locations of the
  // operator's files: the path as the operator would type it
  // ("inventory/mycluster/hosts.yaml" for a folder opened as
  // "inventory/mycluster"). The default is `path` itself.
  virtual std::string display_path(std::string_view path) const { return std::string(path); }
  // Where `path` is on disk as Ansible would see it (absolute), for
  // inventory_file / inventory_dir; nullopt when the tree is not on disk.
  virtual std::optional<std::filesystem::path> disk_path(std::string_view path) const {
    (void)path;
    return std::nullopt;
  }
};

// The names directly in `dir` of a Source, files and folders together, in
// byte order (Ansible's sorted os.listdir), as (name, is_folder) pairs.
struct SourceEntry {
  std::string name;
  bool folder = false;
};
Result<std::vector<SourceEntry>> list_entries(const Source& src, std::string_view dir);

// `dir` and `name` joined with '/' ("" + name = name).
std::string join_source_path(std::string_view dir, std::string_view name);
// The folder part of a root-relative path ("a/b/c" -> "a/b", "c" -> "").
std::string source_parent(std::string_view path);

// Checks and normalises a root-relative path: strips "./" and trailing
// '/', refuses absolute paths, ".." and NUL.
Result<std::string> normalize_source_path(std::string_view path);

// A plain folder.
class DirSource : public Source {
 public:
  explicit DirSource(std::filesystem::path root);
  Result<std::string> read(std::string_view path) const override;
  bool exists(std::string_view path) const override;
  bool is_dir(std::string_view path) const override;
  Result<std::vector<std::string>> list(std::string_view dir, bool recursive) const override;
  Result<std::vector<std::string>> list_dirs(std::string_view dir) const override;
  std::string label() const override { return root_.string(); }
  // root/path as given ("inv/hosts.yaml"; just "hosts.yaml" for the root ".").
  std::string display_path(std::string_view path) const override;
  std::optional<std::filesystem::path> disk_path(std::string_view path) const override;
  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
};

// One commit of a repository: its tree, read from the object database.
class GitSource : public Source {
 public:
  Result<std::string> read(std::string_view path) const override;
  bool exists(std::string_view path) const override;
  bool is_dir(std::string_view path) const override;
  Result<std::vector<std::string>> list(std::string_view dir, bool recursive) const override;
  Result<std::vector<std::string>> list_dirs(std::string_view dir) const override;
  std::string label() const override { return label_; }

  const std::string& commit_id() const { return commit_id_; }

 private:
  friend class GitRepo;
  GitSource(git::SharedRepository repo, git::Tree tree, std::string commit_id, std::string label);
  // The subtree at `dir` ("" = root); an Error when absent or not a folder.
  Result<git::Tree> subtree(const std::string& dir) const;

  git::SharedRepository repo_;
  git::Tree root_;
  std::string commit_id_;
  std::string label_;
};

// A resolved revision.
struct Revision {
  std::string spec;        // what was asked for: "v2.18.0", "master", "3f2a..."
  std::string commit_id;   // 40 hex digits
  int64_t time = 0;        // committer time, seconds since the epoch
  int offset_minutes = 0;  // committer time zone
  std::string date;        // committer date in UTC, "YYYY-MM-DD"
  std::string summary;     // first line of the message
};

// A release tag vX.Y.Z (annotated or lightweight).
struct ReleaseTag {
  std::string name;  // "v2.18.0"
  Version version;
  std::string commit_id;
};

// A clone, bare or with a work tree.
class GitRepo {
 public:
  // Opens the repository at or above `path`. "not a git repository" when none.
  static Result<GitRepo> open(const std::filesystem::path& path);
  // The repository at or above `path`; nullopt when there is none (an
  // Error only for one that is there and cannot be read).
  static Result<std::optional<GitRepo>> discover(const std::filesystem::path& path);

  // Release tags vX.Y.Z (no pre-releases, no other names), in version order.
  Result<std::vector<ReleaseTag>> tags() const;
  // A tag, branch or commit (anything git_revparse_single takes), peeled to a commit.
  Result<Revision> resolve(std::string_view rev) const;
  // The tree at `rev`, as a Source.
  Result<std::unique_ptr<GitSource>> at(std::string_view rev) const;
  // The nearest release tag reachable from `rev` (like `git describe
  // --tags --abbrev=0`, release tags only); nullopt when none.
  Result<std::optional<std::string>> nearest_tag(std::string_view rev) const;

  // The folder holding the repository (".git" folder or the bare repo).
  std::filesystem::path git_dir() const;
  // The work tree, empty for a bare repository.
  std::filesystem::path work_dir() const;
  bool is_bare() const;
  // "kubespray-data.git" for messages.
  const std::string& name() const { return name_; }
  git_repository* raw() const { return repo_.get(); }

 private:
  GitRepo(git::SharedRepository r, std::string name)
      : repo_(std::move(r)), name_(std::move(name)) {}
  git::SharedRepository repo_;
  std::string name_;
};

// Opens a Kubespray clone: a repository whose HEAD or some release tag has
// roles/kubespray-defaults (kubespray_defaults from v2.28) or
// inventory/sample. Error "PATH: not a Kubespray clone" otherwise.
Result<GitRepo> open_kubespray(const std::filesystem::path& path);

// Whether a Source looks like a Kubespray tree (same rule as open_kubespray).
bool looks_like_kubespray(const Source& src);

// The --kubespray PATH of a command: `explicit_path` when given, else
// $KUBESPRAY_DIR, else the current directory when it is a Kubespray clone.
// Error when none applies, saying what was tried.
Result<std::filesystem::path> kubespray_path(const std::optional<std::string>& explicit_path);

}  // namespace ksm
