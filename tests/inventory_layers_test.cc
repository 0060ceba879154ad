// Tests of src/inventory/layers: Ansible's variable precedence with
// provenance (checked against ansible-inventory for the same inventory).
#include <algorithm>

#include <doctest/doctest.h>

#include "inventory/layers.h"
#include "inventory/loader.h"
#include "test_support.h"

using namespace ksm;
using namespace ksm::inventory;

TEST_CASE("layers: hosts file < group_vars/all < group_vars/<group> < host vars < host_vars") {
  auto dir = ksm::test::testdata() / "inventories" / "vars-folders";
  auto inv = load_inventory({(dir / "hosts.yaml").string()});
  REQUIRE(inv);
  size_t node1 = *inv->host_index("node1"), node2 = *inv->host_index("node2");
  std::unordered_map<std::string, Location> where;
  Map v1 = host_vars(*inv, node1, &where);
  CHECK(*v1.find("override_me") == Value("from-host_vars"));
  CHECK(where.at("override_me").file.find("host_vars/node1/main.yml") != std::string::npos);
  CHECK(where.at("override_me").line == 1);
  CHECK(*v1.find("order") == Value("nested"));  // nested/zz.yml is read last
  // replace, not merge: the later file's dict wins whole
  CHECK(v1.find("shared_dict")->as_map().size() == 1);
  CHECK(v1.find("extra")->as_bool());
  Map v2 = host_vars(*inv, node2);
  // kube_node (depth 2) beats k8s_cluster (depth 1); group_vars beat the hosts file
  CHECK(*v2.find("inv_group_var") == Value("group_vars-kube_node"));

  auto layers = host_layers(*inv, node2);
  std::vector<std::string> seen;
  for (const auto& l : layers)
    seen.push_back(std::string(layer_kind_name(l.kind)) + ":" + l.entity);
  CHECK(seen == std::vector<std::string>{
                    "inventory group vars:kube_node", "group_vars:all", "group_vars:all",
                    "group_vars:all", "group_vars:k8s_cluster", "group_vars:kube_node",
                    "inventory host vars:node2"});
  CHECK(layers[0].where.at("inv_group_var").line == 16);

  // The scopes split the same list: group-level layers, then the host's own
  // (the vars module shares the group-level part between hosts).
  auto groups = host_layers(*inv, node2, LayerScope::Groups);
  auto own = host_layers(*inv, node2, LayerScope::Host);
  REQUIRE(groups.size() + own.size() == layers.size());
  for (size_t i = 0; i < layers.size(); ++i) {
    const VarLayer& l = i < groups.size() ? groups[i] : own[i - groups.size()];
    CHECK(l.kind == layers[i].kind);
    CHECK(l.entity == layers[i].entity);
    CHECK(Value(l.vars) == Value(layers[i].vars));
  }
  CHECK(own.back().kind == LayerKind::HostsFileHost);
  // node1 has a host_vars folder: its own layers include it.
  auto own1 = host_layers(*inv, node1, LayerScope::Host);
  CHECK(std::any_of(own1.begin(), own1.end(),
                    [](const VarLayer& l) { return l.kind == LayerKind::HostVarsFile; }));
}

TEST_CASE("layers: priority orders groups of the same depth; name breaks ties") {
  Inventory inv;
  size_t a = inv.add_group("a"), b = inv.add_group("b");
  inv.add_host("h", a, std::nullopt);
  inv.add_host("h", b, std::nullopt);
  inv.set_group_var(a, "x", Value("a"), {});
  inv.set_group_var(b, "x", Value("b"), {});
  inv.reconcile();
  CHECK(*host_vars(inv, 0).find("x") == Value("b"));
  inv.set_group_var(a, "ansible_group_priority", Value(5), {});
  CHECK(*host_vars(inv, 0).find("x") == Value("a"));
  CHECK(sorted_host_groups(inv, 0) == std::vector<size_t>{b, a});
  CHECK(group_vars(inv, a).find("ansible_group_priority")->as_int() == 5);
}
