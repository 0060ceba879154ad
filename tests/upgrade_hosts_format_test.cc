// Tests of src/upgrade/hosts_format: converting the hosts file at the end of
// an upgrade keeps hosts, variables, group membership and the etcd order.
#include <doctest/doctest.h>

#include <algorithm>

#include "inventory/model.h"
#include "upgrade/hosts_format.h"
#include "upgrade/ws_inventory.h"

using namespace ksm;
using namespace ksm::upgrade;

namespace {

// etcd deliberately not in declaration order: its order names the members.
const char* kHosts = R"(# builder output, edited
all:
  hosts:
    node1: {ansible_host: 10.0.0.1, ip: 10.0.0.1}
    node2: {ansible_host: 10.0.0.2, ip: 10.0.0.2}
    node3: {ansible_host: 10.0.0.3, ip: 10.0.0.3}
  children:
    kube_control_plane:
      hosts: {node1: , node2: }
    kube_node:
      hosts: {node1: , node2: , node3: }
    etcd:
      hosts: {node3: , node1: , node2: }
    k8s_cluster:
      children: {kube_control_plane: , kube_node: }
)";

Release offline_release(const std::string& tag) {
  auto rf = schema::ReleaseFacts::from_versions(std::filesystem::path(KSM_SOURCE_DIR) / "versions");
  REQUIRE(rf.ok());
  auto r = load_release(*rf, nullptr, tag);
  REQUIRE(r.ok());
  return std::move(*r);
}

std::vector<std::string> members(const inventory::Inventory& inv, const std::string& g) {
  std::vector<std::string> out;
  for (size_t h : inv.group_hosts(*inv.group_index(g))) out.push_back(inv.hosts()[h].name);
  return out;
}

}  // namespace

TEST_CASE("hosts format: parse") {
  CHECK(*parse_hosts_format("keep") == HostsFormat::Keep);
  CHECK(*parse_hosts_format("ini") == HostsFormat::Ini);
  CHECK(*parse_hosts_format("yaml") == HostsFormat::Yaml);
  CHECK_FALSE(parse_hosts_format("toml").ok());
}

TEST_CASE("hosts format: yaml -> ini keeps membership and the etcd order, nothing to pin") {
  Release target = offline_release("v2.27.0");
  Workspace ws = Workspace::empty("/nonexistent-ksm-ws");
  ws.put("hosts.yaml", kHosts);
  auto before = load_workspace_inventory(ws, "hosts.yaml");
  REQUIRE(before.ok());
  std::string hosts = "hosts.yaml";
  Hop hop;
  REQUIRE(convert_hosts(ws, hosts, HostsFormat::Ini, target, hop).ok());
  CHECK(hosts == "inventory.ini");
  CHECK_FALSE(ws.has_file("hosts.yaml"));
  REQUIRE(ws.has_file("inventory.ini"));
  auto after = load_workspace_inventory(ws, hosts);
  REQUIRE(after.ok());
  CHECK(members(**after, "etcd") == std::vector<std::string>{"node3", "node1", "node2"});
  for (const char* g : {"kube_control_plane", "kube_node", "etcd"})
    CHECK(members(**after, g) == members(**before, g));
  CHECK(std::count_if(hop.changes.begin(), hop.changes.end(),
                      [](const Change& c) { return c.kind == ChangeKind::Convert; }) == 1);
  CHECK(std::none_of(hop.changes.begin(), hop.changes.end(),
                     [](const Change& c) { return c.kind == ChangeKind::Pin; }));
  for (const auto& n : hop.notes) CHECK_MESSAGE(n.level != NoteLevel::Blocking, n.message);
}

TEST_CASE("hosts format: keep and same-format requests change nothing") {
  Release target = offline_release("v2.27.0");
  Workspace ws = Workspace::empty("/nonexistent-ksm-ws");
  ws.put("hosts.yaml", kHosts);
  std::string hosts = "hosts.yaml";
  Hop hop;
  REQUIRE(convert_hosts(ws, hosts, HostsFormat::Keep, target, hop).ok());
  REQUIRE(convert_hosts(ws, hosts, HostsFormat::Yaml, target, hop).ok());
  CHECK(hosts == "hosts.yaml");
  CHECK(*ws.text("hosts.yaml") == kHosts);
  CHECK(hop.changes.empty());
}

TEST_CASE("hosts format: ini -> yaml round trip gives the same groups") {
  Release target = offline_release("v2.27.0");
  Workspace ws = Workspace::empty("/nonexistent-ksm-ws");
  ws.put("hosts.yaml", kHosts);
  std::string hosts = "hosts.yaml";
  Hop hop;
  REQUIRE(convert_hosts(ws, hosts, HostsFormat::Ini, target, hop).ok());
  REQUIRE(convert_hosts(ws, hosts, HostsFormat::Yaml, target, hop).ok());
  CHECK(hosts == "hosts.yaml");
  auto back = load_workspace_inventory(ws, hosts);
  REQUIRE(back.ok());
  CHECK(members(**back, "etcd") == std::vector<std::string>{"node3", "node1", "node2"});
  CHECK(members(**back, "kube_node") == std::vector<std::string>{"node1", "node2", "node3"});
}
