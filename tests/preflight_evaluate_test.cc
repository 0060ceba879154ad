// Evaluation of assertions per host (src/preflight/evaluate.cc), with the
// target/previous tag's values given by a test double of TagValues (the
// vars module implements it for real: preflight_tag_values_test.cc, and the
// seed's stops on real Kubespray tags in preflight_run_test.cc).
#include "preflight/evaluate.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "core/json.h"
#include "core/paths.h"
#include "memory_tree.h"
#include "preflight/release_data.h"
#include "sources/kubespray_tree.h"
#include "sources/source.h"

using ksm::Map;
using ksm::Value;
using ksm::preflight::AssertionOutcome;
using ksm::preflight::EvalInputs;
using ksm::report::Status;

namespace {

using ksm::test::Files;
using ksm::test::MemoryTree;

// A test double of the vars module: the same variables on every host
// (`common`), per-host overrides, and where each is set.
class FakeValues : public ksm::preflight::TagValues {
 public:
  FakeValues(std::string tag, ksm::preflight::HostGroups inv, Map common)
      : tag_(std::move(tag)), inv_(std::move(inv)), common_(std::move(common)) {}
  std::string tag() const override { return tag_; }
  const ksm::preflight::HostGroups& inventory() const override { return inv_; }
  ksm::report::Variable lookup(const std::string& host, const std::string&,
                               const std::string& name) override {
    ksm::report::Variable v;
    v.name = name;
    if (auto h = per_host.find(host); h != per_host.end())
      if (const Value* x = h->second.find(name)) {
        v.value = *x;
        v.provenance = "host_vars/" + host + ".yml";
        v.where = ksm::Location{"host_vars/" + host + ".yml", 1, 1};
        v.operator_file = true;
        return v;
      }
    if (const Value* x = common_.find(name)) {
      v.value = *x;
      auto w = where.find(name);
      if (w != where.end()) {
        v.where = w->second;
        v.operator_file = true;
        v.provenance = "inventory";
      } else {
        v.provenance = "role default";
      }
    }
    return v;
  }
  std::map<std::string, Map> per_host;
  std::map<std::string, ksm::Location> where;
  Map& common() { return common_; }

 private:
  std::string tag_;
  ksm::preflight::HostGroups inv_;
  Map common_;
};

ksm::preflight::HostGroups three_nodes() {
  ksm::preflight::HostGroups g;
  g.hosts = {"node1", "node2", "node3"};
  g.groups = {{"all", {"node1", "node2", "node3"}},
              {"kube_control_plane", {"node1"}},
              {"etcd", {"node1", "node2", "node3"}},
              {"kube_node", {"node1", "node2", "node3"}},
              {"k8s_cluster", {"node1", "node2", "node3"}},
              {"calico_rr", {}}};
  return g;
}

// Shaped like Kubespray's: preinstall checks (per host and run_once), a
// fail task, calico's live-pool check behind include_role, a loop.
Files tree_files() {
  return Files{
      {"upgrade-cluster.yml", R"Y(
- name: Prepare nodes for upgrade
  hosts: k8s_cluster:etcd:calico_rr
  roles:
    - { role: kubernetes/preinstall, tags: preinstall }
)Y"},
      {"roles/kubernetes/preinstall/tasks/main.yml", R"Y(
- name: verify
  import_tasks: 0020-verify-settings.yml
- name: Run calico checks
  include_role:
    name: network_plugin/calico
    tasks_from: check
  when:
    - kube_network_plugin == 'calico'
    - not ignore_assert_errors
)Y"},
      {"roles/kubernetes/preinstall/tasks/0020-verify-settings.yml", R"Y(
- name: Stop if container manager is not docker, crio or containerd
  assert:
    that: container_manager in ['docker', 'crio', 'containerd']
  run_once: true

- name: Stop if etcd deployment type is not host or kubeadm when container_manager != docker
  assert:
    that: etcd_deployment_type in ['host', 'kubeadm']
    msg: "The etcd deployment type, 'etcd_deployment_type', must be host or kubeadm when container_manager is not docker"
  when:
    - inventory_hostname in groups.get('etcd',[])
    - container_manager != 'docker'

- name: Stop if unknown OS
  assert:
    that: ansible_distribution in ['Ubuntu', 'Debian']
  when: not ignore_assert_errors

- name: Stop if legacy ipip is set
  fail:
    msg: "ipip is removed"
  when: ipip is defined

- name: Stop if known booleans are set as strings
  assert:
    that: item.value|type_debug == 'bool'
    msg: "{{ item.name }} isn't a bool"
  run_once: yes
  with_items:
    - { name: download_run_once, value: "{{ download_run_once }}" }
    - { name: deploy_netchecker, value: "{{ deploy_netchecker }}" }

- name: Ignored check
  assert:
    that: false_thing
  ignore_errors: "{{ ignore_assert_errors }}"
)Y"},
      {"roles/network_plugin/calico/tasks/check.yml", R"Y(
- name: "Get Calico {{ calico_pool_name }} configuration"
  command: "calicoctl.sh get ipPool {{ calico_pool_name }} -o json"
  register: calico
  run_once: True

- name: "Set calico_pool_conf"
  set_fact:
    calico_pool_conf: '{{ calico.stdout | from_json }}'
  when: calico.rc == 0 and calico.stdout
  run_once: True

- name: "Check if inventory match current cluster configuration"
  assert:
    that:
      - calico_pool_conf.spec.blockSize|int == (calico_pool_blocksize | default(kube_network_node_prefix) | int)
      - not calico_pool_conf.spec.ipipMode is defined or calico_pool_conf.spec.ipipMode == calico_ipip_mode
      - not calico_pool_conf.spec.vxlanMode is defined or calico_pool_conf.spec.vxlanMode == calico_vxlan_mode
    msg: "Your inventory doesn't match the current cluster configuration"
  when:
    - calico_pool_conf is defined
  run_once: True
  delegate_to: "{{ groups['kube_control_plane'][0] }}"
)Y"},
  };
}

Map values_v219() {
  return Map{{"container_manager", Value("containerd")},
             {"etcd_deployment_type", Value("host")},
             {"kube_network_plugin", Value("calico")},
             {"ignore_assert_errors", Value(false)},
             {"download_run_once", Value(false)},
             {"deploy_netchecker", Value(false)},
             {"false_thing", Value(false)},
             {"calico_pool_name", Value("default-pool")},
             {"kube_network_node_prefix", Value(24)},
             {"kube_pods_subnet", Value("10.233.64.0/18")},
             {"calico_ipip_mode", Value("Never")},
             {"calico_vxlan_mode", Value("Always")}};
}

Map values_v218() {
  Map m = values_v219();
  m.set("calico_ipip_mode", Value("Always"));
  m.set("calico_vxlan_mode", Value("Never"));
  return m;
}

const AssertionOutcome* outcome(const std::vector<AssertionOutcome>& os, const std::string& name) {
  for (const auto& o : os)
    if (o.assertion->name == name) return &o;
  return nullptr;
}

const ksm::report::Finding* finding(const ksm::report::Report& r, const std::string& title) {
  for (const auto& f : r.findings)
    if (f.title == title) return &f;
  return nullptr;
}

struct Fixture {
  MemoryTree tree{tree_files()};
  ksm::preflight::Extraction x;
  FakeValues to{"v2.19.0", three_nodes(), values_v219()};
  FakeValues from{"v2.18.2", three_nodes(), values_v218()};
  EvalInputs in;
  Fixture() {
    auto e = ksm::preflight::extract_assertions(tree);
    REQUIRE(e.ok());
    x = std::move(*e);
    in.to = &to;
    in.from = &from;
    ksm::DirSource data(ksm::data_dir());
    auto release = ksm::preflight::load_release_data(data, "v2.19.0");
    REQUIRE(release.ok());
    in.live_rules = release->live_rules;
  }
};

}  // namespace

TEST_CASE("preflight evaluate: calico pool predicted from the previous tag") {
  Fixture fx;
  auto os = ksm::preflight::evaluate_assertions(fx.x, fx.in);
  REQUIRE(os.ok());
  const auto* c = outcome(*os, "Check if inventory match current cluster configuration");
  REQUIRE(c);
  CHECK(c->status == Status::Fail);
  REQUIRE(c->hosts.size() == 1);  // run_once: the first host of the play
  CHECK(c->hosts[0].host == "node1");
  CHECK(c->hosts[0].failed ==
        std::vector<std::string>{
            "not calico_pool_conf.spec.ipipMode is defined or calico_pool_conf.spec.ipipMode == "
            "calico_ipip_mode",
            "not calico_pool_conf.spec.vxlanMode is defined or calico_pool_conf.spec.vxlanMode == "
            "calico_vxlan_mode"});

  auto rep = ksm::preflight::build_report(fx.x, *os, fx.in);
  const auto* f = finding(rep, "Check if inventory match current cluster configuration");
  REQUIRE(f);
  CHECK(f->severity == ksm::report::Severity::Error);
  CHECK(f->source.str() == "roles/network_plugin/calico/tasks/check.yml:13");
  CHECK(f->message == "Your inventory doesn't match the current cluster configuration");
  CHECK(f->hosts == std::vector<std::string>{"node1"});
  CHECK(f->fix.find("set calico_ipip_mode: \"Always\"") != std::string::npos);
  CHECK(f->fix.find("set calico_vxlan_mode: \"Never\"") != std::string::npos);
  bool saw = false;
  for (const auto& v : f->variables)
    if (v.name == "calico_ipip_mode") {
      saw = true;
      CHECK(v.value == Value("Never"));
      CHECK(v.provenance == "role default");
    }
  CHECK(saw);
  CHECK(ksm::report::exit_status(rep) == 3);

  // Pinning the old values in the inventory makes it pass.
  fx.to.common().set("calico_ipip_mode", Value("Always"));
  fx.to.common().set("calico_vxlan_mode", Value("Never"));
  auto again = ksm::preflight::evaluate_assertions(fx.x, fx.in);
  REQUIRE(again.ok());
  CHECK(outcome(*again, "Check if inventory match current cluster configuration")->status ==
        Status::Pass);
}

TEST_CASE("preflight evaluate: a cluster-state file beats the prediction; none gives unknown") {
  Fixture fx;
  auto cs = ksm::preflight::parse_cluster_state(
      "apiVersion: projectcalico.org/v3\nkind: IPPoolList\nitems:\n"
      "- apiVersion: projectcalico.org/v3\n  kind: IPPool\n  metadata: {name: default-pool}\n"
      "  spec: {blockSize: 26, cidr: 10.233.64.0/18, ipipMode: Never, vxlanMode: Always}\n",
      "pools.yaml");
  REQUIRE(cs.ok());
  fx.in.cluster_state = &*cs;
  auto os = ksm::preflight::evaluate_assertions(fx.x, fx.in);
  REQUIRE(os.ok());
  const auto* c = outcome(*os, "Check if inventory match current cluster configuration");
  REQUIRE(c);
  CHECK(c->status == Status::Fail);
  CHECK(c->hosts[0].failed.size() == 1);  // only the block size differs (26 live, 24 here)
  auto rep = ksm::preflight::build_report(fx.x, *os, fx.in);
  const auto* f = finding(rep, "Check if inventory match current cluster configuration");
  REQUIRE(f);
  CHECK(f->fix.find("set calico_pool_blocksize: 26") != std::string::npos);

  fx.in.cluster_state = nullptr;
  fx.in.from = nullptr;
  auto unknown = ksm::preflight::evaluate_assertions(fx.x, fx.in);
  REQUIRE(unknown.ok());
  const auto* u = outcome(*unknown, "Check if inventory match current cluster configuration");
  CHECK(u->status == Status::Unknown);
  CHECK(u->hosts[0].reason.find("--cluster-state") != std::string::npos);
}

TEST_CASE("preflight evaluate: container_manager / etcd_deployment_type combinations") {
  Fixture fx;
  // v2.18's new defaults with etcd still in docker: the combination Kubespray rejects.
  fx.to.common().set("etcd_deployment_type", Value("docker"));
  fx.to.where["etcd_deployment_type"] = ksm::Location{"group_vars/etcd.yml", 3, 1};
  auto os = ksm::preflight::evaluate_assertions(fx.x, fx.in);
  REQUIRE(os.ok());
  const auto* e = outcome(
      *os, "Stop if etcd deployment type is not host or kubeadm when container_manager != docker");
  REQUIRE(e);
  CHECK(e->status == Status::Fail);
  CHECK(e->hosts.size() == 3);  // every etcd host, not run_once
  auto rep = ksm::preflight::build_report(fx.x, *os, fx.in);
  const auto* f = finding(
      rep, "Stop if etcd deployment type is not host or kubeadm when container_manager != docker");
  REQUIRE(f);
  CHECK(f->hosts == std::vector<std::string>{"node1", "node2", "node3"});
  bool located = false;
  for (const auto& v : f->variables)
    if (v.name == "etcd_deployment_type" && v.operator_file &&
        v.where.file == "group_vars/etcd.yml")
      located = true;
  CHECK(located);

  // container_manager: docker keeps etcd in docker legal.
  fx.to.common().set("container_manager", Value("docker"));
  auto ok = ksm::preflight::evaluate_assertions(fx.x, fx.in);
  REQUIRE(ok.ok());
  CHECK(outcome(
            *ok,
            "Stop if etcd deployment type is not host or kubeadm when container_manager != docker")
            ->status == Status::Skipped);
  // An unsupported container manager fails the run_once check on the first host only.
  fx.to.common().set("container_manager", Value("podman"));
  auto bad = ksm::preflight::evaluate_assertions(fx.x, fx.in);
  REQUIRE(bad.ok());
  const auto* cm = outcome(*bad, "Stop if container manager is not docker, crio or containerd");
  CHECK(cm->status == Status::Fail);
  CHECK(cm->hosts.size() == 1);
}

TEST_CASE("preflight evaluate: facts, run-time variables, loops, fail tasks, ignore_errors") {
  Fixture fx;
  auto os = ksm::preflight::evaluate_assertions(fx.x, fx.in);
  REQUIRE(os.ok());
  // No facts: unknown, with the reason.
  const auto* osc = outcome(*os, "Stop if unknown OS");
  REQUIRE(osc);
  CHECK(osc->status == Status::Unknown);
  CHECK(osc->hosts[0].reason.find("--facts") != std::string::npos);
  // Loop over known booleans: passes; an int fails with the item's message. (A
  // string is unknown: the engine cannot tell str from AnsibleUnicode.)
  CHECK(outcome(*os, "Stop if known booleans are set as strings")->status == Status::Pass);
  // fail task with a false condition: skipped.
  CHECK(outcome(*os, "Stop if legacy ipip is set")->status == Status::Skipped);
  // ignore_errors false: the failure blocks.
  CHECK(outcome(*os, "Ignored check")->status == Status::Fail);

  ksm::preflight::Facts facts;
  facts.by_host["node1"] = Map{{"ansible_distribution", Value("Ubuntu")}};
  facts.by_host["node2"] = Map{{"ansible_distribution", Value("Ubuntu")}};
  facts.by_host["node3"] = Map{{"ansible_distribution", Value("CentOS")}};
  fx.in.facts = &facts;
  fx.to.common().set("download_run_once", Value(1));
  fx.to.common().set("ipip", Value(true));
  fx.to.common().set("ignore_assert_errors", Value(true));
  auto os2 = ksm::preflight::evaluate_assertions(fx.x, fx.in);
  REQUIRE(os2.ok());
  // ignore_assert_errors: true turns preinstall's checks off...
  CHECK(outcome(*os2, "Stop if unknown OS")->status == Status::Skipped);
  CHECK(outcome(*os2, "Check if inventory match current cluster configuration")->status ==
        Status::Skipped);
  // ...and makes the ignore_errors failure a warning.
  const auto* ig = outcome(*os2, "Ignored check");
  CHECK(ig->status == Status::Fail);
  CHECK(ig->hosts[0].ignored);
  auto rep = ksm::preflight::build_report(fx.x, *os2, fx.in);
  CHECK(finding(rep, "Ignored check")->severity == ksm::report::Severity::Warning);
  const auto* b = finding(rep, "Stop if known booleans are set as strings");
  REQUIRE(b);
  CHECK(b->status == Status::Fail);
  CHECK(b->message == "download_run_once isn't a bool");
  const auto* ipip = finding(rep, "Stop if legacy ipip is set");
  REQUIRE(ipip);
  CHECK(ipip->message == "ipip is removed");
  CHECK(ipip->hosts.size() == 3);

  fx.to.common().set("ignore_assert_errors", Value(false));
  auto os3 = ksm::preflight::evaluate_assertions(fx.x, fx.in);
  REQUIRE(os3.ok());
  const auto* o3 = outcome(*os3, "Stop if unknown OS");
  CHECK(o3->status == Status::Fail);
  REQUIRE(o3->hosts.size() == 3);
  CHECK(o3->hosts[0].status == Status::Pass);
  CHECK(o3->hosts[2].status == Status::Fail);
}

TEST_CASE("preflight evaluate: facts folder") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / "ksm_preflight_facts_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  {
    FILE* f = std::fopen((dir / "node1").c_str(), "w");
    std::fputs(
        R"({"ansible_facts": {"ansible_distribution": "Ubuntu", "discovered_interpreter_python": "/usr/bin/python3"}, "changed": false})",
        f);
    std::fclose(f);
    f = std::fopen((dir / "node2.json").c_str(), "w");
    std::fputs(R"({"distribution": "Debian"})", f);
    std::fclose(f);
  }
  auto facts = ksm::preflight::load_facts(dir);
  REQUIRE(facts.ok());
  CHECK(*facts->by_host.at("node1").find("ansible_distribution") == Value("Ubuntu"));
  CHECK(facts->by_host.at("node1").find("ansible_discovered_interpreter_python"));
  CHECK(*facts->by_host.at("node2").find("ansible_distribution") == Value("Debian"));
  fs::remove_all(dir);
  CHECK_FALSE(ksm::preflight::load_facts(dir).ok());
}

TEST_CASE("preflight evaluate: templated includes followed with the inventory's values") {
  MemoryTree tree(Files{
      {"upgrade-cluster.yml", "- hosts: k8s_cluster\n  roles: [network_plugin]\n"},
      {"roles/network_plugin/tasks/main.yml",
       "- include_role:\n    name: \"network_plugin/{{ kube_network_plugin }}\"\n"},
      {"roles/network_plugin/calico/tasks/main.yml",
       "- name: calico check\n  assert: {that: ok}\n"},
  });
  FakeValues to("v2.31.0", three_nodes(), Map{{"kube_network_plugin", Value("calico")}});
  ksm::preflight::ExtractOptions eo;
  eo.resolve = ksm::preflight::resolver_for(to);
  auto x = ksm::preflight::extract_assertions(tree, eo);
  REQUIRE(x.ok());
  REQUIRE(x->assertions.size() == 1);
  CHECK(x->assertions[0].role == "network_plugin/calico");
  CHECK(x->not_followed.empty());
}

TEST_CASE("preflight evaluate: a variable is templated whole, as Ansible before 2.19 does") {
  // Kubespray v2.23.0's prep_kubeadm_images.yml:2 on an inventory pinning a
  // kube_version the tag has no checksum for: Ansible templates all of
  // `downloads` to read downloads.kubeadm.version, hits the missing checksum
  // and errors; reading only the key that renders would call it skipped.
  MemoryTree tree(Files{
      {"upgrade-cluster.yml", "- hosts: kube_control_plane\n  roles: [download]\n"},
      {"roles/download/tasks/main.yml", R"Y(
- name: Check kubeadm version matches kubernetes version
  fail:
    msg: "Kubeadm version {{ kubeadm_version }} do not matches kubernetes {{ kube_version }}"
  when:
    - not kubeadm_version == downloads.kubeadm.version
- name: Read with a default
  assert:
    that: downloads.kubeadm.version | default('none') == 'none'
)Y"},
  });
  auto x = ksm::preflight::extract_assertions(tree);
  REQUIRE(x.ok());
  Map common{
      {"kubeadm_version", Value("v1.26.11")},
      {"image_arch", Value("amd64")},
      {"kubeadm_checksums", Value(Map{{"amd64", Value(Map{{"v1.27.7", Value("abc")}})}})},
      {"downloads",
       Value(Map{{"kubeadm",
                  Value(Map{{"version", Value("{{ kubeadm_version }}")},
                            {"sha256",
                             Value("{{ kubeadm_checksums[image_arch][kubeadm_version] }}")}})}})}};
  FakeValues to("v2.23.0", three_nodes(), common);
  EvalInputs in;
  in.to = &to;
  auto run = [&] {
    auto os = ksm::preflight::evaluate_assertions(*x, in);
    REQUIRE(os.ok());
    return *os;
  };
  auto os = run();
  const auto* check = outcome(os, "Check kubeadm version matches kubernetes version");
  REQUIRE(check);
  CHECK(check->status == Status::Unknown);  // Ansible: an error, never "skipped"
  CHECK(check->hosts[0].reason.find("undefined variable") != std::string::npos);
  CHECK(outcome(os, "Read with a default")->status == Status::Pass);

  // The checksum's key needs facts: whether downloads is defined is unknown.
  to.common().set("image_arch", Value("{{ ansible_architecture }}"));
  os = run();
  check = outcome(os, "Check kubeadm version matches kubernetes version");
  CHECK(check->status == Status::Unknown);
  CHECK(check->hosts[0].reason.find("may be undefined") != std::string::npos);
  CHECK(outcome(os, "Read with a default")->status == Status::Unknown);

  // A checksum for the version: defined, the versions match, skipped.
  to.common().set("image_arch", Value("amd64"));
  to.common().set("kubeadm_version", Value("v1.27.7"));
  os = run();
  CHECK(outcome(os, "Check kubeadm version matches kubernetes version")->status == Status::Skipped);
  CHECK(outcome(os, "Read with a default")->status == Status::Fail);
}

TEST_CASE(
    "preflight evaluate: the controller's ansible_version, asked for late, gives what it gives "
    "known") {
  // Kubespray's ansible_version.yml on localhost, then checks on the nodes.
  MemoryTree tree(Files{
      {"upgrade-cluster.yml", R"Y(
- hosts: localhost
  tasks:
    - name: Check Ansible version
      assert:
        that: ansible_version.string is version('2.14.0', '>=')
- hosts: all
  tasks:
    - name: Check nodes
      assert:
        that: kube_network_plugin == 'calico'
)Y"},
  });
  auto x = ksm::preflight::extract_assertions(tree);
  REQUIRE(x.ok());
  FakeValues to("v2.25.0", three_nodes(), Map{{"kube_network_plugin", Value("calico")}});
  const Value version = ksm::preflight::ansible_version_value("ansible [core 2.14.3]\n");
  auto statuses = [&](EvalInputs& in) {
    auto os = ksm::preflight::evaluate_assertions(*x, in);
    REQUIRE(os.ok());
    std::vector<std::string> out;
    for (const auto& ao : *os)
      for (const auto& h : ao.hosts)
        out.push_back(ao.assertion->name + "@" + h.host + "=" + h.reason +
                      std::to_string(static_cast<int>(h.status)));
    return out;
  };
  EvalInputs known;
  known.to = &to;
  known.controller = ksm::preflight::ControllerValues(Map{{"ansible_version", version}});
  auto want = statuses(known);
  REQUIRE(want.size() == 4);
  CHECK(want[0].starts_with("Check Ansible version@localhost="));
  CHECK(want[0].ends_with(std::to_string(static_cast<int>(Status::Pass))));

  int asked = 0;
  EvalInputs late;
  late.to = &to;
  late.controller = ksm::preflight::ControllerValues({"ansible_version"}, [&] {
    ++asked;
    return Map{{"ansible_version", version}};
  });
  CHECK(statuses(late) == want);
  CHECK(asked == 1);

  // Nothing reads it: never asked for.
  MemoryTree nodes_only(Files{{"upgrade-cluster.yml", R"Y(
- hosts: all
  tasks:
    - name: Check nodes
      assert:
        that: kube_network_plugin == 'calico'
)Y"}});
  auto y = ksm::preflight::extract_assertions(nodes_only);
  REQUIRE(y.ok());
  int never = 0;
  EvalInputs quiet;
  quiet.to = &to;
  quiet.controller = ksm::preflight::ControllerValues({"ansible_version"}, [&] {
    ++never;
    return Map{};
  });
  REQUIRE(ksm::preflight::evaluate_assertions(*y, quiet).ok());
  CHECK(never == 0);
}
