// Tests of src/merge/ini_edit: a group rename reaches headers, `:vars`,
// `:children` sections and names listed under them, and nothing else.
#include <doctest/doctest.h>

#include "merge/ini_edit.h"

using namespace ksm::merge;

TEST_CASE("ini edit: rename a group everywhere, keeping comments and order") {
  const std::string in =
      "# my cluster\r\n"
      "[all]\r\n"
      "node1 ansible_host=10.0.0.1  # kube-master too\r\n"
      "\r\n"
      "[kube-master]\r\n"
      "node1\r\n"
      "\r\n"
      "[ kube-master : vars ]\r\n"
      "foo=kube-master\r\n"
      "\r\n"
      "[kube-master:children]\r\n"
      "kube-master-extra\r\n"
      "\r\n"
      "[k8s-cluster:children]\r\n"
      "kube-master   ; control plane\r\n"
      "# kube-master\r\n"
      "kube-node\r\n"
      "[kube-node]\r\n"
      "node1\r\n";
  IniDoc d = IniDoc::parse(in);
  CHECK(d.render() == in);
  CHECK(d.groups() == std::vector<std::string>{"all", "kube-master", "kube-master-extra",
                                               "k8s-cluster", "kube-node"});
  bool merged = true;
  auto edits = d.rename_group("kube-master", "kube_control_plane", &merged);
  CHECK(!merged);
  REQUIRE(edits.size() == 4);
  CHECK(edits[0].line == 5);
  CHECK(edits[0].new_text == "[kube_control_plane]");
  CHECK(edits[1].old_text == "[ kube-master : vars ]");
  CHECK(edits[1].new_text == "[ kube_control_plane : vars ]");
  CHECK(edits[2].new_text == "[kube_control_plane:children]");
  CHECK(edits[3].line == 15);
  CHECK(edits[3].new_text == "kube_control_plane   ; control plane");
  std::string expect = in;
  for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"[kube-master]", "[kube_control_plane]"},
           {"[ kube-master : vars ]", "[ kube_control_plane : vars ]"},
           {"[kube-master:children]", "[kube_control_plane:children]"},
           {"kube-master   ; control plane", "kube_control_plane   ; control plane"}})
    expect.replace(expect.find(from), from.size(), to);
  CHECK(d.render() == expect);  // host lines, values, comments, CRLF untouched
  CHECK(d.rename_group("k8s-cluster", "k8s_cluster").size() == 1);
  CHECK(d.groups() == std::vector<std::string>{"all", "kube_control_plane", "kube-master-extra",
                                               "k8s_cluster", "kube-node"});
}

TEST_CASE("ini edit: renaming onto an existing group is reported") {
  IniDoc d = IniDoc::parse("[kube-node]\nn1\n[kube_node]\nn2\n");
  bool merged = false;
  auto edits = d.rename_group("kube-node", "kube_node", &merged);
  CHECK(merged);
  CHECK(edits.size() == 1);
  CHECK(d.render() == "[kube_node]\nn1\n[kube_node]\nn2\n");
  CHECK(d.rename_group("absent", "x").empty());
}
