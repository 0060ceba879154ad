// Tests of src/upgrade/history: the inventory's own git history, on
// repositories made here with libgit2 (no git subprocess, no shared data).
// The whole flow with the Kubespray clone is tests/scripts/upgrade_commit.sh.
#include <doctest/doctest.h>

#include <git2.h>

#include "sources/git.h"
#include "test_support.h"
#include "upgrade/history.h"
#include "upgrade/state.h"

using namespace ksm;
using namespace ksm::upgrade;

namespace {

// A repository in `dir` with one commit of every file under it.
void init_and_commit(const std::filesystem::path& dir, const std::string& message) {
  git::ensure_init();
  git_repository* raw = nullptr;
  REQUIRE(git_repository_init(&raw, dir.c_str(), 0) == 0);
  git::Repository repo(raw);
  git_index* idx = nullptr;
  REQUIRE(git_repository_index(&idx, repo.get()) == 0);
  git::Index index(idx);
  char star[] = "*";
  char* specs[] = {star};
  git_strarray all = {specs, 1};
  REQUIRE(git_index_add_all(index.get(), &all, 0, nullptr, nullptr) == 0);
  REQUIRE(git_index_write(index.get()) == 0);
  git_oid tree_id, commit_id;
  REQUIRE(git_index_write_tree(&tree_id, index.get()) == 0);
  git_tree* tree = nullptr;
  REQUIRE(git_tree_lookup(&tree, repo.get(), &tree_id) == 0);
  git::Tree t(tree);
  git_signature* sig = nullptr;
  REQUIRE(git_signature_now(&sig, "op", "op@example.com") == 0);
  git::Signature s(sig);
  REQUIRE(git_commit_create(&commit_id, repo.get(), "HEAD", s.get(), s.get(), "UTF-8",
                            message.c_str(), t.get(), 0, nullptr) == 0);
}

}  // namespace

TEST_CASE("history: branch names of the stops") {
  CHECK(*stop_branch("t_{tag}", "v2.16.0") == "t_v2.16.0");
  CHECK(*stop_branch("upgrade/{tag}", "v2.27.1") == "upgrade/v2.27.1");
  auto none = stop_branch("upgrade", "v2.16.0");
  REQUIRE_FALSE(none);
  CHECK(none.error().message.find("has no {tag}") != std::string::npos);
  auto bad = stop_branch("t {tag}", "v2.16.0");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("not a valid branch name") != std::string::npos);
}

TEST_CASE("history: an inventory outside any git work tree has no history") {
  test::TempDir d;
  d.write("inv/hosts.yaml", "all: {}\n");
  auto repo = InventoryRepo::open(d.path / "inv");
  REQUIRE(repo);
  CHECK_FALSE(*repo);
}

TEST_CASE("history: uncommitted work is the inventory folder's, not its siblings'") {
  test::TempDir d;
  d.write("inventory/mycluster/hosts.yaml", "all: {}\n");
  d.write("inventory/mycluster/group_vars/all/all.yml", "a: 1\n");
  init_and_commit(d.path, "mycluster");
  auto repo = InventoryRepo::open(d.path / "inventory/mycluster");
  REQUIRE(repo);
  REQUIRE(*repo);
  CHECK((*repo)->prefix() == "inventory/mycluster");
  CHECK((*repo)->path_of("hosts.yaml") == "inventory/mycluster/hosts.yaml");
  auto clean = (*repo)->uncommitted();
  REQUIRE(clean);
  CHECK(clean->empty());

  // The default output folder beside the inventory and a sibling whose name
  // starts the same are not the inventory's work.
  d.write("inventory/mycluster-v2.16.0/hosts.yaml", "all: {}\n");
  d.write("inventory/mycluster.manifests/crds.yaml", "kind: X\n");
  clean = (*repo)->uncommitted();
  REQUIRE(clean);
  CHECK(clean->empty());

  d.write("inventory/mycluster/group_vars/all/all.yml", "a: 2\n");
  d.write("inventory/mycluster/host_vars/node1.yml", "b: 1\n");
  auto dirty = (*repo)->uncommitted();
  REQUIRE(dirty);
  CHECK(*dirty == std::vector<std::string>{"inventory/mycluster/group_vars/all/all.yml",
                                           "inventory/mycluster/host_vars/node1.yml"});
}

TEST_CASE(
    "history: the committed state file says the tag; a tag the tool does not know is no answer") {
  test::TempDir d;
  d.write("mycluster/hosts.yaml", "all: {}\n");
  d.write(std::string("mycluster/") + kStateFile,
          render_state(State{"v2.20.0", "2024-01-02", "0.1.0", std::nullopt}));
  init_and_commit(d.path, "at v2.20.0");
  auto repo = InventoryRepo::open(d.path / "mycluster");
  REQUIRE(repo);
  REQUIRE(*repo);
  auto known = [](const std::string& t) { return t == "v2.20.0"; };
  auto tag = tag_from_history(**repo, known);
  REQUIRE(tag);
  REQUIRE(*tag);
  CHECK((*tag)->tag == "v2.20.0");
  CHECK((*tag)->why.find("as last committed, in ") != std::string::npos);
  CHECK((*tag)->why.find("at v2.20.0") != std::string::npos);  // the commit's summary

  auto unknown = tag_from_history(**repo, [](const std::string&) { return false; });
  REQUIRE(unknown);
  CHECK_FALSE(*unknown);  // no release tag in this repository either
}
