// Thin RAII layer over libgit2. The tool reads Kubespray's release tags
// straight from a clone's object database (no checkout, no git subprocess),
// and every libgit2 handle it holds is owned here: unique_ptr with the
// matching git_*_free, so no handle leaks on an early error return. Errors
// come from git_error_last() and are carried as ksm::Error with context.
#pragma once

#include <git2.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"

namespace ksm::git {

// Initialises libgit2 once per process (thread-safe; later calls are no-ops).
void ensure_init();

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const {
    if (p) Free(p);
  }
};

using Repository = std::unique_ptr<git_repository, Deleter<git_repository, git_repository_free>>;
using Object = std::unique_ptr<git_object, Deleter<git_object, git_object_free>>;
using Commit = std::unique_ptr<git_commit, Deleter<git_commit, git_commit_free>>;
using Tree = std::unique_ptr<git_tree, Deleter<git_tree, git_tree_free>>;
using Blob = std::unique_ptr<git_blob, Deleter<git_blob, git_blob_free>>;
using TreeEntry = std::unique_ptr<git_tree_entry, Deleter<git_tree_entry, git_tree_entry_free>>;
using Reference = std::unique_ptr<git_reference, Deleter<git_reference, git_reference_free>>;
using Tag = std::unique_ptr<git_tag, Deleter<git_tag, git_tag_free>>;
using Index = std::unique_ptr<git_index, Deleter<git_index, git_index_free>>;
using Signature = std::unique_ptr<git_signature, Deleter<git_signature, git_signature_free>>;
using StatusList =
    std::unique_ptr<git_status_list, Deleter<git_status_list, git_status_list_free>>;

// A repository shared by the sources reading from it (a GitSource keeps
// its repository alive).
using SharedRepository = std::shared_ptr<git_repository>;

// The last libgit2 error as an Error: "<what>: <libgit2 message>".
Error last_error(const std::string& what, int code = -1);

// Opens a repository at or above `path` (bare or with a work tree).
Result<SharedRepository> open_repository(const std::filesystem::path& path);

// Resolves a revision (tag, branch, commit id, "HEAD", "v2.18.0~1") to a commit.
Result<Commit> resolve_commit(git_repository* repo, std::string_view rev);
Result<Commit> lookup_commit(git_repository* repo, const git_oid& id);
Result<Tree> commit_tree(const git_commit* commit);
Result<Tree> lookup_tree(git_repository* repo, const git_oid& id);
Result<Blob> lookup_blob(git_repository* repo, const git_oid& id);
// The entry at a slash-separated path below `root`; an Error when absent.
Result<TreeEntry> entry_bypath(const git_tree* root, const std::string& path);

std::string oid_hex(const git_oid& id);

}  // namespace ksm::git
