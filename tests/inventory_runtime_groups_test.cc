// Tests of src/inventory/runtime_groups: the groups a playbook run builds
// before it reads a variable. A hand-written v2.27 inventory.ini has no
// k8s_cluster section, yet group_vars/k8s_cluster applies to its nodes (the
// union of kube_control_plane, kube_node and calico_rr); legacy hyphenated
// groups join their underscore names from v2.16.0; ansible-inventory's view
// (no runtime groups) is unchanged.
#include <doctest/doctest.h>

#include "inventory/layers.h"
#include "inventory/loader.h"
#include "inventory/runtime_groups.h"
#include "sources/knowledge.h"
#include "sources/memory_source.h"

using namespace ksm;
using namespace ksm::inventory;

namespace {

std::vector<RuntimeGroup> at(const char* tag) {
  return kubespray().runtime_groups(*Version::parse_release(tag));
}

// The v2.27 sample's shape, written by hand: etcd and kube_node by
// children, k8s_cluster nowhere in the hosts file.
MemorySource handwritten() {
  return MemorySource(
      "mem", {{"lab/inventory.ini",
               "[kube_control_plane]\nk1 ansible_host=10.0.0.1\nk2 ansible_host=10.0.0.2\n\n"
               "[etcd:children]\nkube_control_plane\n\n"
               "[kube_node]\nw1 ansible_host=10.0.0.3\n\n"
               "[bastion]\nb1 ansible_host=10.0.0.9\n"},
              {"lab/group_vars/all/all.yml", "kube_vip_enabled: false\nbin_dir: /usr/local/bin\n"},
              {"lab/group_vars/k8s_cluster/addons.yml", "kube_vip_enabled: true\n"},
              {"lab/group_vars/k8s_cluster/k8s-cluster.yml", "kube_network_plugin: cilium\n"},
              {"lab/group_vars/kube_node.yml", "kube_network_plugin: flannel\n"}});
}

std::string hosts_of(const Inventory& inv, const char* group) {
  std::string out;
  const auto* g = inv.group(group);
  if (!g) return "(none)";
  for (size_t h : inv.group_hosts(*inv.group_index(group))) out += inv.hosts()[h].name + " ";
  return out;
}

}  // namespace

TEST_CASE("runtime groups: v2.27's k8s_cluster brings group_vars/k8s_cluster to every node") {
  auto mem = handwritten();
  // As ansible-inventory sees it: no k8s_cluster, its folder unused.
  auto plain = load_inventory(std::vector<InventoryInput>{{&mem, "lab/inventory.ini"}});
  REQUIRE_MESSAGE(plain, (plain ? "" : plain.error().str()));
  CHECK(hosts_of(*plain, "k8s_cluster") == "(none)");
  CHECK(host_vars(*plain, *plain->host_index("k1")).find("kube_vip_enabled")->as_bool() == false);
  CHECK(plain->unused_vars_entries == std::vector<std::string>{"lab/group_vars/k8s_cluster"});

  // As v2.27.0's playbooks see it.
  auto run =
      load_inventory(std::vector<InventoryInput>{{&mem, "lab/inventory.ini"}}, at("v2.27.0"));
  REQUIRE_MESSAGE(run, (run ? "" : run.error().str()));
  // (the play's order: `all`'s groups level by level, kube_node before
  // kube_control_plane, which is under etcd)
  CHECK(hosts_of(*run, "k8s_cluster") == "w1 k1 k2 ");  // not the bastion
  CHECK(run->unused_vars_entries.empty());
  const auto* k8s = run->group("k8s_cluster");
  REQUIRE(k8s);
  CHECK(k8s->parents == std::vector<size_t>{Inventory::kAll});
  CHECK(k8s->depth == 1);
  CHECK(k8s->group_vars_files.size() == 2);
  Map k1 = host_vars(*run, *run->host_index("k1"));
  CHECK(k1.find("kube_vip_enabled")->as_bool() == true);  // k8s_cluster over all
  CHECK(k1.find("kube_network_plugin")->as_string() == "cilium");
  // kube_node and k8s_cluster are both children of all (depth 1): the later
  // name wins, as Ansible sorts groups by depth, then name.
  Map w1 = host_vars(*run, *run->host_index("w1"));
  CHECK(w1.find("kube_network_plugin")->as_string() == "flannel");
  Map b1 = host_vars(*run, *run->host_index("b1"));
  CHECK(b1.find("kube_vip_enabled")->as_bool() == false);
  CHECK(!b1.find("kube_network_plugin"));

  // v2.26.1's playbooks build k8s_cluster only from a legacy k8s-cluster
  // group: this inventory gets none there.
  auto old =
      load_inventory(std::vector<InventoryInput>{{&mem, "lab/inventory.ini"}}, at("v2.26.1"));
  REQUIRE(old);
  CHECK(hosts_of(*old, "k8s_cluster") == "(none)");
}

TEST_CASE("runtime groups: a declared group gains members; legacy names join their new ones") {
  MemorySource mem(
      "mem", {{"inv/hosts.ini",
               "[kube-master]\nm1\n\n[kube-node]\nn1\n\n[k8s-cluster:children]\nkube-master\n"
               "kube-node\n\n[k8s_cluster]\nextra\n"}});
  auto v216 = load_inventory(std::vector<InventoryInput>{{&mem, "inv/hosts.ini"}}, at("v2.16.0"));
  REQUIRE_MESSAGE(v216, (v216 ? "" : v216.error().str()));
  CHECK(hosts_of(*v216, "kube_control_plane") == "m1 ");
  CHECK(hosts_of(*v216, "kube_node") == "n1 ");
  // (the declared member first, then the play's hosts in order)
  CHECK(hosts_of(*v216, "k8s_cluster") == "extra m1 n1 ");
  CHECK(v216->group("k8s_cluster")->declared.size() == 1);

  // Before v2.16.0 no play builds anything.
  auto v215 = load_inventory(std::vector<InventoryInput>{{&mem, "inv/hosts.ini"}}, at("v2.15.1"));
  REQUIRE(v215);
  CHECK(hosts_of(*v215, "kube_control_plane") == "(none)");
  CHECK(hosts_of(*v215, "k8s_cluster") == "extra ");

  // One task: v2.27.0 builds k8s_cluster from the groups as loaded, so a
  // host only in the legacy kube-master is not in k8s_cluster yet.
  auto v227 = load_inventory(std::vector<InventoryInput>{{&mem, "inv/hosts.ini"}}, at("v2.27.0"));
  REQUIRE(v227);
  CHECK(hosts_of(*v227, "kube_control_plane") == "m1 ");
  CHECK(hosts_of(*v227, "k8s_cluster") == "extra ");
}

TEST_CASE("runtime groups: nothing to add changes nothing") {
  Inventory inv;
  size_t g = inv.add_group("kube_node");
  inv.add_host("n1", g, std::nullopt);
  inv.reconcile();
  CHECK_FALSE(add_runtime_groups(inv, {}));
  CHECK_FALSE(add_runtime_groups(inv, {{"k8s_cluster", {"calico_rr"}, {}}}));
  CHECK(!inv.group("k8s_cluster"));
  CHECK(add_runtime_groups(inv, {{"k8s_cluster", {"kube_node"}, {}}}));
  CHECK_FALSE(add_runtime_groups(inv, {{"k8s_cluster", {"kube_node"}, {}}}));  // already there
}
