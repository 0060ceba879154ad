// Tests of src/sources/git: the RAII wrappers and libgit2 errors as Errors.
#include <doctest/doctest.h>

#include <filesystem>

#include "sources/git.h"
#include "test_support.h"

using namespace ksm;

TEST_CASE("git: opening a folder that is no repository is a clear error") {
  auto tmp = std::filesystem::temp_directory_path() / "ksm-git-test-norepo";
  std::filesystem::remove_all(tmp);
  std::filesystem::create_directories(tmp);
  // A ceiling is not set, so libgit2 would search upwards: /tmp is not in a repository.
  auto r = git::open_repository(tmp);
  REQUIRE(!r);
  CHECK(r.error().message.find("not a git repository") != std::string::npos);
  auto missing = git::open_repository(tmp / "absent");
  REQUIRE(!missing);
  CHECK(missing.error().message.find("no such folder") != std::string::npos);
  std::filesystem::remove_all(tmp);
}

TEST_CASE("git: resolve, tree, entry and blob through the wrappers") {
  KSM_REQUIRE_SHARED_DATA();
  auto repo = git::open_repository(test::kubespray_data());
  REQUIRE(repo);
  auto c = git::resolve_commit(repo->get(), "v2.18.0");
  REQUIRE(c);
  CHECK(git::oid_hex(*git_commit_id(c->get())).size() == 40);
  auto tree = git::commit_tree(c->get());
  REQUIRE(tree);
  auto e = git::entry_bypath(tree->get(), "inventory/sample/inventory.ini");
  REQUIRE(e);
  CHECK(git_tree_entry_type(e->get()) == GIT_OBJECT_BLOB);
  auto blob = git::lookup_blob(repo->get(), *git_tree_entry_id(e->get()));
  REQUIRE(blob);
  std::string text(static_cast<const char*>(git_blob_rawcontent(blob->get())),
                   static_cast<size_t>(git_blob_rawsize(blob->get())));
  CHECK(text.find("[kube_control_plane]") != std::string::npos);

  auto absent = git::entry_bypath(tree->get(), "no/such/file");
  REQUIRE(!absent);
  CHECK(absent.error().message == "no such path: no/such/file");
  auto bad = git::resolve_commit(repo->get(), "v9.9.9");
  REQUIRE(!bad);
  CHECK(bad.error().message == "unknown revision 'v9.9.9'");
  // A tree id does not peel to a commit.
  auto tree_rev = git::resolve_commit(repo->get(), "v2.18.0^{tree}");
  REQUIRE(!tree_rev);
  CHECK(tree_rev.error().message.find("does not name a commit") != std::string::npos);
}
