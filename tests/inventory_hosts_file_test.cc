// Tests of src/inventory/hosts_file: the hosts file an operator passes to
// -i, among the hosts-like files of an inventory folder.
#include "inventory/hosts_file.h"

#include <doctest/doctest.h>

#include "sources/memory_source.h"

using namespace ksm;
using ksm::inventory::choose_hosts_file;

namespace {

// inventory/sample/inventory.ini as the sample ships it: every line commented.
const char* kCommentedIni =
    "# ## Configure 'ip' variable to bind kubernetes services on a\n"
    "# [all]\n# node1 ansible_host=95.54.0.12  # ip=10.3.0.1 etcd_member_name=etcd1\n\n"
    "# [kube_control_plane]\n# node1\n\n# [etcd]\n# node1\n\n# [kube_node]\n# node1\n\n"
    "# [calico_rr]\n\n# [k8s_cluster:children]\n# kube_control_plane\n# kube_node\n# calico_rr\n";
const char* kBuilderHosts =
    "all:\n  hosts:\n    node1: {ansible_host: 10.0.0.1}\n  children:\n"
    "    kube_control_plane:\n      hosts: {node1: }\n";
const char* kIniHosts = "[kube_control_plane]\nnode1 ansible_host=10.0.0.1\n[etcd]\nnode1\n";

}  // namespace

TEST_CASE("hosts file: the builder's hosts.yaml beside the sample's commented inventory.ini") {
  MemorySource inv(MemorySource::Files{{"inventory.ini", kCommentedIni},
                                       {"hosts.yaml", kBuilderHosts},
                                       {"group_vars/all/all.yml", "a: 1\n"},
                                       {".kubespray-migrate.yml", "tag: v2.15.1\n"}});
  auto c = choose_hosts_file(inv);
  REQUIRE_MESSAGE(c.ok(), (c.ok() ? "" : c.error().str()));
  CHECK(c->path == "hosts.yaml");
  CHECK(c->candidates == std::vector<std::string>{"inventory.ini", "hosts.yaml"});
  CHECK_FALSE(c->several_with_hosts);
  CHECK(
      c->why ==
      "the hosts file is hosts.yaml, the only one that defines hosts (inventory.ini defines none)");
}

TEST_CASE("hosts file: one file, several, a template, none") {
  SUBCASE("a hand-written inventory.ini alone") {
    MemorySource inv(MemorySource::Files{{"inventory.ini", kIniHosts}});
    auto c = choose_hosts_file(inv);
    REQUIRE(c.ok());
    CHECK(c->path == "inventory.ini");
    CHECK(c->why == "the hosts file is inventory.ini");
  }
  SUBCASE("two that define hosts: the conventional name first, and said") {
    MemorySource inv(
        MemorySource::Files{{"hosts.yaml", kBuilderHosts}, {"inventory.ini", kIniHosts}});
    auto c = choose_hosts_file(inv);
    REQUIRE(c.ok());
    CHECK(c->path == "inventory.ini");
    CHECK(c->several_with_hosts);
    CHECK(c->why.find("name the one you pass to ansible-playbook with -i") != std::string::npos);
  }
  SUBCASE("a template inventory (groups, no hosts) is still the hosts file") {
    MemorySource inv(
        MemorySource::Files{{"inventory.ini", "[kube_control_plane]\n[etcd]\n[kube_node]\n"},
                            {"group_vars/all.yml", "a: 1\n"}});
    auto c = choose_hosts_file(inv);
    REQUIRE(c.ok());
    CHECK(c->path == "inventory.ini");
    CHECK(c->why.find("template") != std::string::npos);
  }
  SUBCASE("another name that is an inventory; a manifest that is not") {
    MemorySource inv(MemorySource::Files{
        {"prod.yml", kBuilderHosts},
        {"metallb-crds.yaml",
         "apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata:\n  name: "
         "lab\nspec:\n  addresses: [10.0.0.0/24]\n"}});
    auto c = choose_hosts_file(inv);
    REQUIRE(c.ok());
    CHECK(c->path == "prod.yml");
  }
  SUBCASE("in a subfolder of the source") {
    MemorySource inv(MemorySource::Files{{"inventory/mycluster/inventory.ini", kCommentedIni},
                                         {"inventory/mycluster/hosts.yaml", kBuilderHosts}});
    auto c = choose_hosts_file(inv, "inventory/mycluster");
    REQUIRE(c.ok());
    CHECK(c->path == "hosts.yaml");
  }
  SUBCASE("no hosts-like file: an error naming the folder") {
    MemorySource inv(MemorySource::Files{{"group_vars/all.yml", "a: 1\n"}});
    auto c = choose_hosts_file(inv);
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().message.find("no hosts file") != std::string::npos);
  }
}

TEST_CASE("hosts file: hosts split into a subfolder: the folder itself, as Ansible reads it") {
  MemorySource inv(MemorySource::Files{{"hosts/10-control-plane.yml", kBuilderHosts},
                                       {"hosts/20-workers.ini", kIniHosts},
                                       {"group_vars/all/all.yml", "a: 1\n"},
                                       {"group_vars/k8s_cluster/k8s-cluster.yml", "b: 2\n"}});
  auto c = choose_hosts_file(inv);
  REQUIRE_MESSAGE(c.ok(), (c.ok() ? "" : c.error().str()));
  CHECK(c->path.empty());
  CHECK(c->candidates.empty());
  CHECK(c->why.find("hosts are defined in hosts/10-control-plane.yml, hosts/20-workers.ini") !=
        std::string::npos);
  // Variables files alone define no hosts: still an error.
  MemorySource vars_only(MemorySource::Files{{"group_vars/all/all.yml", "a: 1\n"}});
  CHECK_FALSE(choose_hosts_file(vars_only).ok());
}
