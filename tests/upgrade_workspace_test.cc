// Tests of src/upgrade/workspace: bytes survive, moves, the three outputs.
#include <doctest/doctest.h>

#include <fstream>

#include "core/fs.h"
#include "upgrade/workspace.h"

using namespace ksm;
using ksm::upgrade::Workspace;

namespace {
fs::path fresh_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("ksm_ws_" + name);
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
  ws->put("metallb-crds.yaml", "kind: IPAddressPool\n");
  CHECK(ws->changed());
  CHECK(ws->files_under("group_vars/k8s_cluster").size() == 2);
  CHECK(!ws->exists("group_vars/k8s-cluster/addons.yml"));

  fs::path out = fresh_dir("out");
  fs::remove_all(out);
  REQUIRE(ws->write_to(out).ok());
  CHECK(*read_file(out / "group_vars/k8s_cluster/k8s-cluster.yml") == crlf_bom);
  CHECK(*read_file(out / "group_vars/k8s_cluster/addons.yml") == "helm_enabled: false\n");
  CHECK(*read_file(out / "metallb-crds.yaml") == "kind: IPAddressPool\n");
  CHECK(!fs::exists(out / "group_vars/k8s-cluster"));
  // The input is untouched.
  CHECK(*read_file(in / "group_vars/k8s-cluster/addons.yml") == "helm_enabled: true\n");
  // Writing into a non-empty folder is refused.
  CHECK(!ws->write_to(out).ok());

  std::string d = ws->diff();
  CHECK(d.find("rename from group_vars/k8s-cluster/k8s-cluster.yml") != std::string::npos);
  CHECK(d.find("-helm_enabled: true") != std::string::npos);
  CHECK(d.find("+helm_enabled: false") != std::string::npos);
  CHECK(d.find("+++ b/metallb-crds.yaml") != std::string::npos);
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

TEST_CASE("workspace: a symlink leaving the inventory is refused") {
  fs::path in = fresh_dir("symlink");
  write(in / "hosts.ini", "node1\n");
  fs::create_symlink("/etc/passwd", in / "leak.yml");
  auto ws = Workspace::load(in);
  REQUIRE(!ws.ok());
  CHECK(ws.error().message.find("outside the inventory") != std::string::npos);
}
