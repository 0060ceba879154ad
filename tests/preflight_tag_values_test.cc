// TagValues over the vars module (src/preflight/tag_values.cc): a small
// Kubespray-shaped tree and inventory on disk, looked up through the
// adapter (precedence, provenance, role scope for ambiguous names, implicit
// defaults, hostvars) and evaluated end to end with evaluate.h.
#include "preflight/tag_values.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "inventory/loader.h"
#include "test_support.h"
#include "preflight/evaluate.h"

namespace fs = std::filesystem;
using ksm::Value;
using ksm::report::Status;

namespace {

using ksm::test::TempDir;

struct Fixture {
  TempDir ks, inv;
  std::unique_ptr<ksm::DirSource> src;
  std::optional<ksm::inventory::Inventory> inventory;
  std::unique_ptr<ksm::preflight::ResolverValues> values;

  explicit Fixture(ksm::vars::ResolverOptions opts = {}) {
    ks.write("roles/kubespray-defaults/defaults/main.yml",
             "---\n"
             "container_manager: containerd\n"  // line 2
             "etcd_deployment_type: host\n"
             "kube_network_node_prefix: 24\n"
             "first_etcd_ip: \"{{ hostvars[groups['etcd'][0]]['ip'] }}\"\n");
    ks.write("roles/etcd/defaults/main.yml", "---\nshared: etcd\n");
    ks.write("roles/network_plugin/calico/defaults/main.yml", "---\nshared: calico\n");
    ks.write("inventory/sample/inventory.ini", "[kube_control_plane]\n");
    ks.write("upgrade-cluster.yml",
             "- hosts: etcd\n  roles: [etcd]\n"
             "- hosts: k8s_cluster\n  roles: [network_plugin/calico]\n");
    ks.write("roles/etcd/tasks/main.yml",
             "- name: etcd type\n"
             "  assert:\n"
             "    that: etcd_deployment_type in ['host', 'kubeadm']\n"
             "  when: container_manager != 'docker'\n"
             "- name: etcd sees its own shared\n"
             "  assert:\n"
             "    that: shared == 'etcd'\n"
             "- name: prefix\n"
             "  assert:\n"
             "    that: calico_pool_blocksize | int == 24\n");
    ks.write("roles/network_plugin/calico/tasks/main.yml",
             "- name: calico sees its own shared\n"
             "  assert:\n"
             "    that: shared == 'calico'\n"
             "- name: hostvars of the first etcd host\n"
             "  assert:\n"
             "    that: first_etcd_ip == '10.0.0.2'\n");
    inv.write("hosts.ini",
              "node1 ip=10.0.0.1\nnode2 ip=10.0.0.2\nnode3 ip=10.0.0.3\n"
              "[kube_control_plane]\nnode1\n[etcd]\nnode2\nnode1\n[kube_node]\nnode2\nnode3\n"
              "[k8s_cluster:children]\nkube_control_plane\nkube_node\n");
    inv.write("group_vars/etcd.yml", "---\netcd_deployment_type: docker\n");
    src = std::make_unique<ksm::DirSource>(ks.path);
    auto t = ksm::KubesprayTree::load(*src);
    REQUIRE(t.ok());
    auto i = ksm::inventory::load_inventory({(inv.path / "hosts.ini").string()});
    REQUIRE(i.ok());
    inventory.emplace(std::move(*i));
    auto v = ksm::preflight::ResolverValues::create("v9.9.9", std::move(*t), *inventory,
                                                    std::move(opts));
    REQUIRE(v.ok());
    values = std::move(*v);
  }
};

const ksm::preflight::AssertionOutcome* outcome(
    const std::vector<ksm::preflight::AssertionOutcome>& os, const std::string& name) {
  for (const auto& o : os)
    if (o.assertion->name == name) return &o;
  return nullptr;
}

}  // namespace

TEST_CASE("preflight tag values: groups, precedence and provenance from the vars module") {
  Fixture f;
  const auto& g = f.values->inventory();
  CHECK(g.hosts == std::vector<std::string>{"node1", "node2", "node3"});
  CHECK(g.groups.at("etcd") == std::vector<std::string>{"node2", "node1"});
  CHECK(g.groups.at("k8s_cluster") == std::vector<std::string>{"node1", "node2", "node3"});

  auto etcd = f.values->lookup("node2", "etcd", "etcd_deployment_type");
  CHECK(etcd.value == Value("docker"));
  CHECK(etcd.operator_file);
  CHECK(fs::path(etcd.where.file).filename() == "etcd.yml");
  CHECK(etcd.where.line == 2);
  auto cm = f.values->lookup("node3", "", "container_manager");
  CHECK(cm.value == Value("containerd"));
  CHECK_FALSE(cm.operator_file);
  CHECK(cm.where.file == "roles/kubespray-defaults/defaults/main.yml");
  CHECK(cm.where.line == 2);
  // Not on node3 (not in etcd): the default.
  CHECK(f.values->lookup("node3", "", "etcd_deployment_type").value == Value("host"));
  CHECK(f.values->lookup("node1", "", "nothing_sets_this").value.is_undefined());

  // Ambiguous in the global view; each role sees its own.
  CHECK(f.values->lookup("node1", "", "shared").value.is_unknown());
  CHECK(f.values->lookup("node1", "etcd", "shared").value == Value("etcd"));
  CHECK(f.values->lookup("node1", "network_plugin/calico", "shared").value == Value("calico"));
}

TEST_CASE("preflight tag values: evaluation end to end with real variables") {
  ksm::vars::ResolverOptions o;
  o.implicit_defaults["calico_pool_blocksize"] = ksm::vars::Definition{
      Value("{{ kube_network_node_prefix }}"),
      ksm::vars::Provenance{ksm::vars::LayerKind::Implicit, "implicit default", "", {}}};
  Fixture f(std::move(o));
  auto x = ksm::preflight::extract_assertions(*f.src);
  REQUIRE(x.ok());
  ksm::preflight::EvalInputs in;
  in.to = f.values.get();
  auto os = ksm::preflight::evaluate_assertions(*x, in);
  REQUIRE(os.ok());
  const auto* e = outcome(*os, "etcd type");
  REQUIRE(e);
  CHECK(e->status == Status::Fail);
  REQUIRE(e->hosts.size() == 2);
  CHECK(e->hosts[0].host == "node2");
  CHECK(outcome(*os, "etcd sees its own shared")->status == Status::Pass);
  CHECK(outcome(*os, "calico sees its own shared")->status == Status::Pass);
  CHECK(outcome(*os, "prefix")->status == Status::Pass);
  // hostvars from the vars module (etcd's first host is node2).
  CHECK(outcome(*os, "hostvars of the first etcd host")->status == Status::Pass);

  auto rep = ksm::preflight::build_report(*x, *os, in);
  REQUIRE(rep.findings.size() == 1);
  const auto& fd = rep.findings[0];
  CHECK(fd.title == "etcd type");
  CHECK(fd.hosts == std::vector<std::string>{"node2", "node1"});
  bool located = false;
  for (const auto& v : fd.variables)
    if (v.name == "etcd_deployment_type")
      located = v.operator_file && fs::path(v.where.file).filename() == "etcd.yml";
  CHECK(located);
}
