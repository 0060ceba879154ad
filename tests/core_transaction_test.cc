// All-or-nothing folder rewrites (src/core/transaction.cc): the complete
// commit, a kill simulated after every rename of the apply step (recover()
// must end in the same tree), a kill before the commit point (recover()
// must leave the input as it was), and hostile journals.
#include "core/transaction.h"

#include <doctest/doctest.h>

#include <map>

#include "core/fs.h"
#include "test_support.h"

namespace fs = std::filesystem;
using ksm::FolderTransaction;
using ksm::test::TempDir;

namespace {

// Every file under `root` (relative path -> bytes).
std::map<std::string, std::string> tree(const fs::path& root) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file())
      out[fs::relative(e.path(), root).generic_string()] = *ksm::read_file(e.path());
  return out;
}

void input(const TempDir& d) {
  d.write("hosts.yaml", "all: {}\n");
  d.write("group_vars/k8s-cluster/k8s-cluster.yml", "kube_proxy_mode: ipvs\n");
  d.write("group_vars/all/all.yml", "a: 1\n");
}

FolderTransaction change(const fs::path& root) {
  FolderTransaction tx(root, ".orig");
  tx.write("group_vars/all/all.yml", "a: 2\n");                                   // replaced
  tx.write("group_vars/k8s_cluster/k8s-cluster.yml", "kube_proxy_mode: ipvs\n");  // moved here
  tx.write("inventory.ini", "[all]\n");                                           // new
  tx.retire("group_vars/k8s-cluster/k8s-cluster.yml");                            // moved away
  tx.retire("not-there.yml");                                                     // nothing to do
  return tx;
}

const std::map<std::string, std::string> kDone = {
    {"hosts.yaml", "all: {}\n"},
    {"group_vars/all/all.yml", "a: 2\n"},
    {"group_vars/all/all.yml.orig", "a: 1\n"},
    {"group_vars/k8s_cluster/k8s-cluster.yml", "kube_proxy_mode: ipvs\n"},
    {"group_vars/k8s-cluster/k8s-cluster.yml.orig", "kube_proxy_mode: ipvs\n"},
    {"inventory.ini", "[all]\n"}};

}  // namespace

TEST_CASE("transaction: a commit replaces, creates and retires, keeping backups and no debris") {
  TempDir d;
  input(d);
  REQUIRE(change(d.path).commit().ok());
  CHECK(tree(d.path) == kDone);
  auto again = FolderTransaction::recover(d.path);
  REQUIRE(again.ok());
  CHECK(again->empty());  // nothing left to do
}

TEST_CASE("transaction: killed after any rename of the apply step, recover() completes it") {
  for (size_t k = 0; k <= 4; ++k) {
    CAPTURE(k);
    TempDir d;
    input(d);
    REQUIRE(change(d.path).commit(k).ok());
    CHECK(fs::exists(d.path / FolderTransaction::kJournal));
    // A second in-place run refuses to start over the pending one.
    FolderTransaction other(d.path, ".orig");
    other.write("x.yml", "x\n");
    CHECK_FALSE(other.commit().ok());
    auto said = FolderTransaction::recover(d.path);
    REQUIRE(said.ok());
    CHECK(said->find("completed an interrupted in-place upgrade") == 0);
    CHECK(tree(d.path) == kDone);
  }
}

TEST_CASE("transaction: killed before the commit point, recover() removes its files only") {
  TempDir d;
  input(d);
  auto before = tree(d.path);
  // What the prepare step leaves: hidden new contents and backup links.
  d.write("group_vars/all/.all.yml.ksm-new-0123abcd", "a: 2\n");
  d.write("group_vars/all/.all.yml.ksm-bak-0123abcd", "a: 1\n");
  d.write(".inventory.ini.ksm-new-0123abcd", "[all]\n");
  d.write("..kubespray-migrate.journal.ksm-tmp-42",
          "{\"renames\": [");  // the journal, half written
  auto said = FolderTransaction::recover(d.path);
  REQUIRE(said.ok());
  CHECK(said->find("removed 4 temporary files") == 0);
  CHECK(tree(d.path) == before);
}

TEST_CASE("transaction: a journal that is not ours, or leaves the folder, is an error") {
  TempDir d;
  input(d);
  d.write(FolderTransaction::kJournal, "{\"renames\": [[\"../outside\", \"x\"]]}\n");
  auto r = FolderTransaction::recover(d.path);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("leaves the folder") != std::string::npos);
  d.write(FolderTransaction::kJournal, "not json\n");
  CHECK_FALSE(FolderTransaction::recover(d.path).ok());
  d.write(FolderTransaction::kJournal, "{\"renames\": [[\"gone.yml\", \"also-gone.yml\"]]}\n");
  r = FolderTransaction::recover(d.path);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("cannot be completed") != std::string::npos);
  CHECK(tree(d.path).count("hosts.yaml") == 1);  // nothing of the operator's touched
}
