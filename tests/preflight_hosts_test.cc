// Host patterns of plays (src/preflight/hosts.cc). Every expectation here
// was produced by ansible-core 2.14 (`ansible -i inv.ini --list-hosts P`)
// on the inventory below.
#include "preflight/hosts.h"

#include <doctest/doctest.h>

using ksm::preflight::HostGroups;
using ksm::preflight::select_hosts;

namespace {

// [kube_control_plane] cp1 cp2 / [etcd] cp1 cp2 e3 / [kube_node] n1 n2 cp1 /
// [calico_rr] rr1 / [k8s_cluster:children] kube_control_plane kube_node calico_rr
HostGroups inventory() {
  HostGroups g;
  g.hosts = {"cp1", "cp2", "e3", "n1", "n2", "rr1"};
  g.groups = {
      {"all", {"cp1", "cp2", "e3", "n1", "n2", "rr1"}},
      {"kube_control_plane", {"cp1", "cp2"}},
      {"etcd", {"cp1", "cp2", "e3"}},
      {"kube_node", {"n1", "n2", "cp1"}},
      {"calico_rr", {"rr1"}},
      {"k8s_cluster", {"cp1", "cp2", "n1", "n2", "rr1"}},
      {"ungrouped", {}},
  };
  return g;
}

std::vector<std::string> sel(const std::string& p) {
  auto s = select_hosts(p, inventory());
  REQUIRE(s.ok());
  return s->hosts;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("preflight hosts: play patterns as ansible --list-hosts gives them") {
  CHECK(sel("k8s_cluster:etcd:calico_rr") == V{"cp1", "cp2", "n1", "n2", "rr1", "e3"});
  CHECK(sel("kube_control_plane[0]") == V{"cp1"});
  CHECK(sel("etcd:calico_rr:!k8s_cluster") == V{"e3"});
  CHECK(sel("kube_node:calico_rr:!kube_control_plane") == V{"n1", "n2", "rr1"});
  CHECK(sel("kube_control_plane:calico_rr:kube_node") == V{"cp1", "cp2", "rr1", "n1", "n2"});
  CHECK(sel("all") == V{"cp1", "cp2", "e3", "n1", "n2", "rr1"});
  CHECK(sel("k8s_cluster:&etcd") == V{"cp1", "cp2"});
  CHECK(sel("kube_node[-1]") == V{"cp1"});
  CHECK(sel("kube_node[0:1]") == V{"n1", "n2"});
  CHECK(sel("kube_node[1:]") == V{"n2", "cp1"});
  CHECK(sel("n*") == V{"n1", "n2"});
  CHECK(sel("~^cp") == V{"cp1", "cp2"});
  CHECK(sel("bastion[0]").empty());
  CHECK(sel("nope:cp1") == V{"cp1"});
  CHECK(sel("etcd,kube_node") == V{"cp1", "cp2", "e3", "n1", "n2"});
}

TEST_CASE("preflight hosts: unmatched terms and bad subscripts") {
  auto s = select_hosts("bastion[0]:kube_node", inventory());
  REQUIRE(s.ok());
  CHECK(s->unmatched == V{"bastion[0]"});
  CHECK_FALSE(select_hosts("kube_node[x]", inventory()).ok());
  auto big = select_hosts("kube_node[99999999999999999999]", inventory());
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().message.find("out of range") != std::string::npos);
  CHECK_FALSE(select_hosts("kube_node[0:99999999999999999999]", inventory()).ok());
}
