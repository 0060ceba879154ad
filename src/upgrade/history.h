// The inventory's own git history. Operators keep their inventory in git,
// most often inside the Kubespray clone itself: at every stop they check out
// the next tag on a branch of its own (`git checkout refs/tags/v2.16.0 -b
// t_v2.16.0`), merge their settings into the new sample, commit and run the
// playbook. This module reads and writes that history through libgit2 (no
// `git` subprocess, no checkout, the operator's index and work tree never
// touched):
//   - which tag the inventory is for: the last commit that wrote the state
//     file, else the release tag its last commit descends from;
//   - whether the inventory folder has uncommitted work (then nothing is
//     committed);
//   - each stop of an upgrade as one commit on a branch per stop, the hop's
//     report as its message: on top of the stop's tag when the repository is
//     the Kubespray clone (the branch holds that tag's playbooks and the
//     stop's inventory), else on top of the previous stop;
//   - the inventory as committed at a revision, for the checks that compare
//     what the cluster was deployed with against what will run now.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "sources/source.h"

namespace ksm::upgrade {

struct UpgradeResult;

// An inventory folder inside a git work tree.
class InventoryRepo {
 public:
  // nullopt when `folder` is not inside a git work tree (a bare repository
  // or none); an Error only when the repository is there and unreadable.
  static Result<std::optional<InventoryRepo>> open(const std::filesystem::path& folder);

  const GitRepo& repo() const { return *repo_; }
  // The work tree's root, and the inventory folder relative to it
  // ("inventory/mycluster"; "" when the inventory is the work tree's root).
  const std::filesystem::path& work_dir() const { return work_dir_; }
  const std::string& prefix() const { return prefix_; }
  // `name` inside the inventory folder, relative to the work tree.
  std::string path_of(const std::string& name) const;

  // An Error naming the uncommitted work in the inventory folder (what
  // uncommitted() lists); nothing is committed over it.
  [[nodiscard]] Status check_committed() const;

  // The files of the inventory folder that differ from HEAD (modified,
  // staged, deleted or untracked; ignored files are not work), relative to
  // the work tree, sorted. Empty: the folder is as committed.
  [[nodiscard]] Result<std::vector<std::string>> uncommitted() const;

  // The tree at `rev` (the inventory folder is prefix() in it); an Error
  // when `rev` is unknown or its tree has no such folder.
  [[nodiscard]] Result<std::unique_ptr<GitSource>> at(const std::string& rev) const;

 private:
  InventoryRepo() = default;
  std::shared_ptr<GitRepo> repo_;
  std::filesystem::path work_dir_;
  std::string prefix_;
};

// The tag the inventory is for, as its history says. `known` tells a
// Kubespray release tag the tool has data for.
struct HistoryTag {
  std::string tag;
  std::string why;  // "the state file committed in 1a2b3c4 (2024-05-02: ...)"
};
[[nodiscard]] Result<std::optional<HistoryTag>> tag_from_history(
    const InventoryRepo& repo, const std::function<bool(const std::string&)>& known);

// The branch of a stop, as operators name them by hand (t_v2.16.0).
inline constexpr const char* kStopBranchFormat = "t_{tag}";

// How --commit names a stop's branch: `format` with "{tag}" replaced
// ("t_{tag}" -> "t_v2.16.0"). An Error when the result is no valid branch name.
[[nodiscard]] Result<std::string> stop_branch(const std::string& format, const std::string& tag);

// One stop recorded by commit_stops.
struct StopCommit {
  std::string tag;
  std::string branch;
  std::string commit_id;  // 40 hex digits
  std::string parent;     // what it was committed on: "v2.16.0" (the tag) or a branch/commit
  bool on_tag = false;    // its parent is the stop's Kubespray tag
  std::vector<std::string> left_out;  // files not committed, and why
};

struct CommitOptions {
  std::string branch_format = kStopBranchFormat;
  // Written into every stop commit beside the inventory folder (its
  // sibling `<folder>.RUNBOOK.md`); "" for none.
  std::string runbook;
};

// Whether a stop committed at `tag` would sit on the repository's own tag
// (the repository is a Kubespray clone that has it).
[[nodiscard]] bool commits_on_tags(const InventoryRepo& repo, const std::string& tag);

// Checks that the stops of `r` can be committed, before anything is
// written: the inventory folder has no uncommitted work and no stop's
// branch exists. Returns each stop's branch and parent (commit_id empty).
[[nodiscard]] Result<std::vector<StopCommit>> plan_commits(const InventoryRepo& repo,
                                                           const UpgradeResult& r,
                                                           const CommitOptions& opts);

// Records every stop of `r` (UpgradeResult::stops, with their workspaces)
// as planned: one commit each, on a new branch per stop. The operator's
// HEAD, index and work tree stay as they are.
[[nodiscard]] Result<std::vector<StopCommit>> commit_stops(const InventoryRepo& repo,
                                                           const UpgradeResult& r,
                                                           std::vector<StopCommit> planned,
                                                           const CommitOptions& opts);

}  // namespace ksm::upgrade
