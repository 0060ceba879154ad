// Tests of src/upgrade/workspace: bytes survive, moves, the three outputs.
#include <doctest/doctest.h>

#include <fstream>

#include "core/fs.h"
#include "core/transaction.h"
#include "sources/source.h"
#include "test_support.h"
#include "upgrade/workspace.h"
#include "upgrade/ws_inventory.h"

namespace fs = std::filesystem;

using namespace ksm;
using ksm::upgrade::Workspace;

namespace {
fs::path fresh_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("ksm_ws_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}
void write(const fs::path& p, const std::string& s) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << s;
}
}  // namespace

TEST_CASE("workspace: unchanged files are copied byte-exact; edits and moves land") {
  fs::path in = fresh_dir("in");
  std::string crlf_bom = "\xEF\xBB\xBF# c\r\nkey: 'yes'\r\n";
  write(in / "hosts.yaml", "all: {}\n");
  write(in / "group_vars/k8s-cluster/k8s-cluster.yml", crlf_bom);
  write(in / "group_vars/k8s-cluster/addons.yml", "helm_enabled: true\n");
  write(in / ".git/HEAD", "ref: x\n");
  auto ws = Workspace::load(in);
  REQUIRE(ws.ok());
  CHECK(!ws->exists(".git/HEAD"));
  CHECK(!ws->changed());
  REQUIRE(ws->move("group_vars/k8s-cluster", "group_vars/k8s_cluster").ok());
  ws->put("group_vars/k8s_cluster/addons.yml", "helm_enabled: false\n");
  ws->put_beside("metallb-crds.yaml", "kind: IPAddressPool\n");
  CHECK(ws->changed());
  CHECK(ws->files_under("group_vars/k8s_cluster").size() == 2);
  CHECK(!ws->exists("group_vars/k8s-cluster/addons.yml"));

  fs::path out = fresh_dir("out");
  fs::remove_all(out);
  fs::remove_all(out.string() + ".manifests");
  REQUIRE(ws->write_to(out).ok());
  CHECK(*read_file(out / "group_vars/k8s_cluster/k8s-cluster.yml") == crlf_bom);
  CHECK(*read_file(out / "group_vars/k8s_cluster/addons.yml") == "helm_enabled: false\n");
  // The manifest goes beside the output folder, not in it.
  CHECK(!fs::exists(out / "metallb-crds.yaml"));
  CHECK(Workspace::beside_dir(out) == fs::path(out.string() + ".manifests"));
  CHECK(*read_file(fs::path(out.string() + ".manifests") / "metallb-crds.yaml") ==
        "kind: IPAddressPool\n");
  CHECK(!fs::exists(out / "group_vars/k8s-cluster"));
  // The input is untouched.
  CHECK(*read_file(in / "group_vars/k8s-cluster/addons.yml") == "helm_enabled: true\n");
  // Writing into a non-empty folder is refused.
  CHECK(!ws->write_to(out).ok());

  std::string d = ws->diff();
  CHECK(d.find("rename from group_vars/k8s-cluster/k8s-cluster.yml") != std::string::npos);
  CHECK(d.find("-helm_enabled: true") != std::string::npos);
  CHECK(d.find("+helm_enabled: false") != std::string::npos);
  CHECK(d.find("metallb-crds.yaml") == std::string::npos);  // --diff writes nothing, beside or in
}

TEST_CASE("workspace: in place keeps backups and never deletes") {
  fs::path in = fresh_dir("inplace");
  write(in / "group_vars/k8s-cluster/addons.yml", "a: 1\n");
  write(in / "hosts.ini", "[kube-master]\nnode1\n");
  auto ws = Workspace::load(in);
  REQUIRE(ws.ok());
  REQUIRE(ws->move("group_vars/k8s-cluster", "group_vars/k8s_cluster").ok());
  ws->put("hosts.ini", "[kube_control_plane]\nnode1\n");
  REQUIRE(ws->write_in_place(".bak").ok());
  CHECK(*read_file(in / "hosts.ini") == "[kube_control_plane]\nnode1\n");
  CHECK(*read_file(in / "hosts.ini.bak") == "[kube-master]\nnode1\n");
  CHECK(*read_file(in / "group_vars/k8s_cluster/addons.yml") == "a: 1\n");
  CHECK(*read_file(in / "group_vars/k8s-cluster/addons.yml.bak") == "a: 1\n");
  CHECK(!fs::exists(in / "group_vars/k8s-cluster/addons.yml"));
}

TEST_CASE(
    "workspace: files beside the inventory go to its sibling <folder>.manifests, in place too") {
  fs::path in = fresh_dir("beside");
  fs::path side = fs::path(in.string() + ".manifests");
  fs::remove_all(side);
  CHECK(Workspace::beside_dir(in.string() + "/") == side);
  write(in / "hosts.ini", "[kube_node]\nnode1\n");
  auto ws = Workspace::load(in);
  REQUIRE(ws.ok());
  ws->put_beside("metallb-crds.yaml", "kind: IPAddressPool\n");
  REQUIRE(ws->write_in_place(".bak").ok());
  CHECK(*read_file(side / "metallb-crds.yaml") == "kind: IPAddressPool\n");
  CHECK(!fs::exists(in / "metallb-crds.yaml"));
  CHECK(!fs::exists(side / ksm::FolderTransaction::kJournal));
  // Run again with another manifest: the old one is kept as a backup; the
  // same content again leaves the folder as it is.
  ws->put_beside("metallb-crds.yaml", "kind: L2Advertisement\n");
  REQUIRE(ws->write_in_place(".bak").ok());
  CHECK(*read_file(side / "metallb-crds.yaml") == "kind: L2Advertisement\n");
  CHECK(*read_file(side / "metallb-crds.yaml.bak") == "kind: IPAddressPool\n");
  REQUIRE(ws->write_in_place(".bak").ok());
  CHECK(*read_file(side / "metallb-crds.yaml.bak") == "kind: IPAddressPool\n");
  // A new output folder whose manifests folder is not empty is refused before anything is written.
  fs::path out = fresh_dir("beside_out");
  fs::remove_all(out);
  fs::path out_side = fs::path(out.string() + ".manifests");
  write(out_side / "other.yaml", "x\n");
  auto st = ws->write_to(out);
  REQUIRE(!st.ok());
  CHECK(st.error().message.find("manifests") != std::string::npos);
  CHECK(!fs::exists(out / "hosts.ini"));
  fs::remove_all(out_side);
  fs::remove_all(side);
}

TEST_CASE("workspace: a symlink leaving the inventory is refused") {
  fs::path in = fresh_dir("symlink");
  write(in / "hosts.ini", "node1\n");
  fs::create_symlink("/etc/passwd", in / "leak.yml");
  auto ws = Workspace::load(in);
  REQUIRE(!ws.ok());
  CHECK(ws.error().message.find("outside the inventory") != std::string::npos);
}

TEST_CASE("workspace: read as a Source, its inventory loaded from memory") {
  fs::path in = fresh_dir("source");
  write(in / "hosts.yaml",
        "all:\n  hosts:\n    node1:\n  children:\n    kube_node:\n      hosts: {node1: }\n");
  write(in / "group_vars/all/all.yml", "a: 1\n");
  auto ws = Workspace::load(in);
  REQUIRE(ws.ok());
  const ksm::Source& src = *ws;
  CHECK(src.is_dir("group_vars"));
  CHECK(src.exists("group_vars/all/all.yml"));
  CHECK(*src.list_dirs("group_vars") == std::vector<std::string>{"group_vars/all"});
  CHECK(src.display_path("hosts.yaml") == "hosts.yaml");
  CHECK(src.disk_path("hosts.yaml") == fs::absolute(in / "hosts.yaml").lexically_normal());

  auto inv = ksm::upgrade::load_workspace_inventory(*ws, "hosts.yaml", {});
  REQUIRE(inv.ok());
  // Locations name the operator's files relative to the inventory; Ansible's
  // inventory_file is in the operator's folder (no scratch copy anywhere).
  CHECK((*inv)->files[0].path == "hosts.yaml");
  CHECK((*inv)->files[0].disk_path == fs::absolute(in / "hosts.yaml").lexically_normal().string());
  CHECK((*inv)->vars_files[0].where.at("a").str() == "group_vars/all/all.yml:1:1");

  // A change is seen at the next load; an unchanged workspace is not re-read.
  uint64_t g = ws->generation();
  ws->put("group_vars/all/all.yml", "a: 2\n");
  CHECK(ws->generation() != g);
  auto again = ksm::upgrade::load_workspace_inventory(*ws, "hosts.yaml", {});
  REQUIRE(again.ok());
  CHECK((*again)->vars_files[0].data.get("a")->as_int() == 2);
  CHECK(ws->loaded().generation == ws->generation());

  // The same files read as a tag's playbooks read them (a group built at
  // run time) are another load, not the cached one; and back again.
  auto sample = std::vector<ksm::RuntimeGroup>{{"k8s_cluster", {"kube_node"}, {}}};
  auto run = ksm::upgrade::load_workspace_inventory(*ws, "hosts.yaml", sample);
  REQUIRE(run.ok());
  CHECK(run->get() != again->get());
  CHECK(ksm::upgrade::load_workspace_inventory(*ws, "hosts.yaml", sample)->get() == run->get());
  CHECK(ksm::upgrade::load_workspace_inventory(*ws, "hosts.yaml", {})->get() != run->get());

  // A copy changed apart never shares a generation with its original.
  Workspace copy = *ws;
  copy.put("x.yml", "x: 1\n");
  ws->put("y.yml", "y: 1\n");
  CHECK(copy.generation() != ws->generation());

  // A merge conflict is read as the operator's side.
  ws->put("group_vars/all/all.yml", "<<<<<<< ours\na: 3\n=======\na: 4\n>>>>>>> theirs\n");
  auto conflicted = ksm::upgrade::load_workspace_inventory(*ws, "hosts.yaml", {});
  REQUIRE(conflicted.ok());
  CHECK((*conflicted)->vars_files[0].data.get("a")->as_int() == 3);
}

TEST_CASE("workspace: a diff leaves libgit2 usable (the clone is read after upgrade --diff)") {
  fs::path in = fresh_dir("diff");
  write(in / "a.yml", "a: 1\n");
  auto ws = Workspace::load(in);
  REQUIRE(ws.ok());
  ws->put("a.yml", "a: 2\n");
  for (int i = 0; i < 2; ++i) CHECK(ws->diff().find("+a: 2") != std::string::npos);
  if (!ksm::test::have_kubespray_data()) return;
  auto repo = ksm::GitRepo::open(ksm::test::kubespray_data());
  REQUIRE(repo.ok());
  auto tree = repo->at("v2.18.0");
  REQUIRE(tree.ok());
  CHECK((*tree)->read("inventory/sample/group_vars/all/all.yml").ok());
  CHECK(ws->diff().find("+a: 2") != std::string::npos);
  auto tags = repo->tags();
  REQUIRE(tags.ok());
  CHECK(tags->size() > 20);
}
