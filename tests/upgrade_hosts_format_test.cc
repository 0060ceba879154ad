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

const schema::Schemas& schemas() {
  static const schema::Schemas s = [] {
    auto loaded = schema::load_default_schemas();
    REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.error().str()));
    return std::move(*loaded);
  }();
  return s;
}

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
  auto before = load_workspace_inventory(ws, "hosts.yaml", {});
  REQUIRE(before.ok());
  std::string hosts = "hosts.yaml";
  Hop hop;
  REQUIRE(convert_hosts(ws, hosts, HostsFormat::Ini, target, schemas(), hop).ok());
  CHECK(hosts == "inventory.ini");
  CHECK_FALSE(ws.has_file("hosts.yaml"));
  REQUIRE(ws.has_file("inventory.ini"));
  auto after = load_workspace_inventory(ws, hosts, {});
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
  REQUIRE(convert_hosts(ws, hosts, HostsFormat::Keep, target, schemas(), hop).ok());
  REQUIRE(convert_hosts(ws, hosts, HostsFormat::Yaml, target, schemas(), hop).ok());
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
  REQUIRE(convert_hosts(ws, hosts, HostsFormat::Ini, target, schemas(), hop).ok());
  REQUIRE(convert_hosts(ws, hosts, HostsFormat::Yaml, target, schemas(), hop).ok());
  CHECK(hosts == "hosts.yaml");
  auto back = load_workspace_inventory(ws, hosts, {});
  REQUIRE(back.ok());
  CHECK(members(**back, "etcd") == std::vector<std::string>{"node3", "node1", "node2"});
  CHECK(members(**back, "kube_node") == std::vector<std::string>{"node1", "node2", "node3"});
}

TEST_CASE(
    "hosts format: what the INI leaves to Kubespray follows the tag (schemas/ layout change of "
    "v2.27.0)") {
  CHECK(left_to_kubespray(schemas(), "v2.26.1").runtime_groups.empty());
  CHECK(left_to_kubespray(schemas(), "v2.19.1").optional_groups.empty());
  CHECK(left_to_kubespray(schemas(), "main").runtime_groups.empty());
  for (const char* tag : {"v2.27.0", "v2.31.0"}) {
    auto left = left_to_kubespray(schemas(), tag);
    REQUIRE(left.runtime_groups.size() == 1);
    CHECK(left.runtime_groups[0].group == "k8s_cluster");
    CHECK(left.runtime_groups[0].from ==
          std::vector<std::string>{"kube_control_plane", "kube_node", "calico_rr"});
    CHECK(left.optional_groups == std::vector<std::string>{"calico_rr"});
  }
  // --hosts-format ini for an inventory at v2.19.1 keeps [k8s_cluster:children]:
  // Kubespray v2.19 does not build the group, and group_vars/k8s_cluster needs it.
  for (const char* tag : {"v2.19.1", "v2.27.0"}) {
    Release target = offline_release(tag);
    Workspace ws = Workspace::empty("/nonexistent-ksm-ws");
    ws.put("hosts.yaml", kHosts);
    std::string hosts = "hosts.yaml";
    Hop hop;
    REQUIRE(convert_hosts(ws, hosts, HostsFormat::Ini, target, schemas(), hop).ok());
    auto after = load_workspace_inventory(ws, hosts, {});
    REQUIRE(after.ok());
    INFO(tag, "\n", *ws.text(hosts));
    bool kept = (*after)->group_index("k8s_cluster").has_value();
    CHECK(kept == (std::string(tag) == "v2.19.1"));
    if (kept) CHECK(members(**after, "k8s_cluster").size() == 3);
  }
}
