// Extraction of assert/fail tasks (src/preflight/extract.cc): the walk over
// a small tree written here (every construct the walk follows), then over
// real Kubespray tags when a clone is on this machine.
#include "preflight/extract.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "core/json.h"
#include "memory_tree.h"
#include "sources/source.h"

using ksm::preflight::Assertion;
using ksm::preflight::Extraction;
using ksm::preflight::TaskModule;

namespace {

using ksm::test::Files;
using ksm::test::MemoryTree;

const Assertion* find_by_name(const Extraction& x, const std::string& name) {
  for (const auto& a : x.assertions)
    if (a.name == name) return &a;
  return nullptr;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// A tree exercising every construct: imports into playbooks/, roles with
// when/tags/params, meta dependencies (one resolved beside the declaring
// role), static and dynamic includes, include_role tasks_from, blocks with
// rescue/always, a templated include, a retry-loop include, role dedup.
MemoryTree mini_tree() {
  return MemoryTree(Files{
      {"upgrade-cluster.yml", R"Y(---
- name: Upgrade cluster
  ansible.builtin.import_playbook: playbooks/upgrade.yml
)Y"},
      {"playbooks/upgrade.yml", R"Y(---
- name: Common
  import_playbook: boilerplate.yml

- name: Prepare nodes
  hosts: k8s_cluster:etcd
  any_errors_fatal: true
  vars:
    play_var: 1
  roles:
    - { role: defaults_role }
    - { role: pre, tags: preinstall, when: "not skip_pre", pre_param: yes }
    - role: defaults_role

- name: Network
  hosts: kube_node
  roles:
    - net
)Y"},
      {"playbooks/boilerplate.yml", R"Y(---
- name: Validate
  hosts: all
  gather_facts: false
  roles:
    - validate_inventory
)Y"},
      {"roles/defaults_role/defaults/main/main.yml", "x: 1\n"},
      {"roles/validate_inventory/meta/main.yml", "dependencies:\n  - role: defaults_role\n"},
      {"roles/validate_inventory/tasks/main.yml", R"Y(---
- name: Stop if kube_control_plane group is empty
  assert:
    that: groups.get( 'kube_control_plane' )
  run_once: true
  when: not ignore_assert_errors
)Y"},
      {"roles/pre/meta/main.yml", R"Y(dependencies:
  - role: pre/dep
    when: use_dep
)Y"},
      {"roles/pre/dep/tasks/main.yml", R"Y(- name: dep check
  ansible.builtin.fail:
    msg: dep failed
  when: dep_bad
)Y"},
      {"roles/pre/tasks/main.yml", R"Y(---
- import_tasks: verify.yml
  when: verify_enabled
- name: Per OS
  include_tasks: "{{ ansible_os_family }}.yml"
- name: Checks from another role
  include_role:
    name: net/calico
    tasks_from: check
  when:
    - kube_network_plugin == 'calico'
- name: Retry
  include_tasks: retry.yml
)Y"},
      {"roles/pre/tasks/verify.yml", R"Y(---
- name: a block
  when: block_cond
  run_once: true
  block:
    - name: Stop if unsupported
      assert:
        that:
          - "kube_version is version('v1.20.0', '>=')"
          - kube_version is defined
        msg: "unsupported {{ kube_version }}"
      when: check_version
  rescue:
    - name: In rescue
      fail:
        msg: rescued
  always:
    - name: In always
      ansible.builtin.assert:
        that: always_ok
        fail_msg: always failed
)Y"},
      {"roles/pre/tasks/retry.yml", R"Y(- name: Retry step
  include_tasks: retry.yml
  when: not done
)Y"},
      {"roles/net/meta/main.yml", R"Y(dependencies:
  - role: net/calico
    when: kube_network_plugin == 'calico'
)Y"},
      {"roles/net/calico/tasks/main.yml", "- import_tasks: pre.yml\n"},
      {"roles/net/calico/tasks/pre.yml", "- debug: msg=hi\n"},
      {"roles/net/calico/tasks/check.yml", R"Y(---
- name: "Check if inventory match current cluster configuration"
  assert:
    that:
      - calico_pool_conf.spec.blockSize|int == (calico_pool_blocksize | default(kube_network_node_prefix) | int)
    msg: "Your inventory doesn't match the current cluster configuration"
  when:
    - calico_pool_conf is defined
  run_once: True
  delegate_to: "{{ groups['kube_control_plane'][0] }}"
)Y"},
  });
}

}  // namespace

TEST_CASE("preflight extract: follows imports, roles, dependencies, includes and blocks") {
  MemoryTree tree = mini_tree();
  auto x = ksm::preflight::extract_assertions(tree);
  REQUIRE(x.ok());
  CHECK(x->plays == 3);
  CHECK(x->assertions.size() == 6);
  CHECK(x->count(TaskModule::Assert) == 4);
  CHECK(x->count(TaskModule::Fail) == 2);

  const Assertion* v = find_by_name(*x, "Stop if kube_control_plane group is empty");
  REQUIRE(v);
  CHECK(v->id == "roles/validate_inventory/tasks/main.yml:2");
  CHECK(v->role == "validate_inventory");
  CHECK(v->that == std::vector<std::string>{"groups.get( 'kube_control_plane' )"});
  CHECK(v->run_once == ksm::Value(true));
  REQUIRE(v->reaches.size() == 1);
  CHECK(v->reaches[0].hosts == "all");
  CHECK(v->reaches[0].play == "Validate");

  // Inherited conditions: role entry, import_tasks, block, then the task's own.
  const Assertion* u = find_by_name(*x, "Stop if unsupported");
  REQUIRE(u);
  CHECK(u->where.file == "roles/pre/tasks/verify.yml");
  CHECK(u->where.line == 6);
  CHECK(u->that.size() == 2);
  CHECK(u->msg == std::optional<std::string>("unsupported {{ kube_version }}"));
  CHECK(u->run_once == ksm::Value(true));  // from the block
  REQUIRE(u->reaches.size() == 1);
  const auto& r = u->reaches[0];
  CHECK(r.hosts == "k8s_cluster:etcd");
  CHECK(r.role == "pre");
  CHECK(u->conditions(r) ==
        std::vector<std::string>{"not skip_pre", "verify_enabled", "block_cond", "check_version"});
  CHECK(has(r.tags, "preinstall"));
  CHECK(r.vars.get("play_var") != nullptr);
  REQUIRE(r.vars.get("pre_param"));
  CHECK(*r.vars.get("pre_param") == ksm::Value(true));  // a role param, YAML 1.1 typed
  CHECK(r.any_errors_fatal == ksm::Value(true));
  CHECK_FALSE(r.dynamic);

  const Assertion* rescue = find_by_name(*x, "In rescue");
  REQUIRE(rescue);
  CHECK(rescue->module == TaskModule::Fail);
  CHECK(rescue->reaches[0].in_rescue);
  const Assertion* always = find_by_name(*x, "In always");
  REQUIRE(always);
  CHECK(always->action == "ansible.builtin.assert");
  CHECK(always->msg == std::optional<std::string>("always failed"));
  CHECK_FALSE(always->reaches[0].in_rescue);

  // A dependency found beside the role declaring it, under the role's when.
  const Assertion* dep = find_by_name(*x, "dep check");
  REQUIRE(dep);
  CHECK(dep->role == "pre/dep");
  CHECK(dep->conditions(dep->reaches[0]) ==
        std::vector<std::string>{"not skip_pre", "use_dep", "dep_bad"});
  CHECK(dep->msg == std::optional<std::string>("dep failed"));

  // Reached twice: include_role tasks_from from `pre` (play 2) and, in play 3,
  // not at all (net/calico's main.yml does not import check.yml).
  const Assertion* c = find_by_name(*x, "Check if inventory match current cluster configuration");
  REQUIRE(c);
  CHECK(c->id == "roles/net/calico/tasks/check.yml:2");
  CHECK(c->role == "net/calico");
  REQUIRE(c->reaches.size() == 1);
  CHECK(c->reaches[0].role == "net/calico");
  CHECK(c->reaches[0].dynamic);
  CHECK(c->conditions(c->reaches[0]) == std::vector<std::string>{"not skip_pre",
                                                                 "kube_network_plugin == 'calico'",
                                                                 "calico_pool_conf is defined"});
  CHECK(c->delegate_to == ksm::Value("{{ groups['kube_control_plane'][0] }}"));

  // Templated include: not followed, and said so; the retry loop once.
  bool templ = false, retry = false;
  for (const auto& n : x->not_followed) {
    if (n.target == "{{ ansible_os_family }}.yml") {
      templ = true;
      CHECK(n.reason.find("templated") != std::string::npos);
      CHECK(n.where.str() == "roles/pre/tasks/main.yml:4");
      CHECK(n.role == "pre");
    }
    if (n.reason.find("recursive") != std::string::npos) retry = true;
  }
  CHECK(templ);
  CHECK(retry);
  CHECK(x->warnings.empty());
}

TEST_CASE("preflight extract: a role listed twice in a play runs once") {
  MemoryTree tree(Files{
      {"site.yml", R"Y(- hosts: all
  roles:
    - checks
    - checks
    - { role: checks, other: 1 }
- hosts: kube_node
  roles: [checks]
)Y"},
      {"roles/checks/tasks/main.yml", "- name: c\n  assert: {that: [a]}\n"},
  });
  ksm::preflight::ExtractOptions o;
  o.playbook = "site.yml";
  auto x = ksm::preflight::extract_assertions(tree, o);
  REQUIRE(x.ok());
  REQUIRE(x->assertions.size() == 1);
  // Play 1: once without params, once with different params; play 2: once.
  CHECK(x->assertions[0].reaches.size() == 3);
}

TEST_CASE("preflight extract: a resolver lets templated includes be followed") {
  MemoryTree tree(Files{
      {"site.yml",
       "- hosts: all\n  tasks:\n    - include_role:\n        name: \"net/{{ plugin }}\"\n"},
      {"roles/net/calico/tasks/main.yml", "- name: calico check\n  assert: {that: ok}\n"},
  });
  ksm::preflight::ExtractOptions o;
  o.playbook = "site.yml";
  auto plain = ksm::preflight::extract_assertions(tree, o);
  REQUIRE(plain.ok());
  CHECK(plain->assertions.empty());
  REQUIRE(plain->not_followed.size() == 1);
  CHECK(plain->not_followed[0].target == "net/{{ plugin }}");

  o.resolve = [](const std::string& text,
                 const ksm::preflight::Reach&) -> std::optional<std::string> {
    if (text == "net/{{ plugin }}") return "net/calico";
    return std::nullopt;
  };
  auto resolved = ksm::preflight::extract_assertions(tree, o);
  REQUIRE(resolved.ok());
  REQUIRE(resolved->assertions.size() == 1);
  CHECK(resolved->assertions[0].name == "calico check");
  CHECK(resolved->not_followed.empty());
}

TEST_CASE("preflight extract: errors and odd input") {
  MemoryTree empty(Files{});
  auto none = ksm::preflight::extract_assertions(empty);
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().message.find("no playbook upgrade-cluster.yml") != std::string::npos);

  MemoryTree broken(Files{{"upgrade-cluster.yml", "- hosts: [\n"}});
  auto b = ksm::preflight::extract_assertions(broken);
  REQUIRE_FALSE(b.ok());
  CHECK(b.error().where.file == "upgrade-cluster.yml");

  // A broken role file is a warning, not a failure of the whole walk.
  MemoryTree partly(Files{{"upgrade-cluster.yml", "- hosts: all\n  roles: [r, missing]\n"},
                          {"roles/r/tasks/main.yml", "- name: x\n  fail: {msg: [\n"}});
  auto p = ksm::preflight::extract_assertions(partly);
  REQUIRE(p.ok());
  CHECK(p->assertions.empty());
  REQUIRE(p->warnings.size() == 1);
  CHECK(p->warnings[0].where.file == "roles/r/tasks/main.yml");
  REQUIRE(p->not_followed.size() == 1);
  CHECK(p->not_followed[0].reason == "no role missing in the tree");
}

TEST_CASE("preflight extract: JSON form") {
  MemoryTree tree = mini_tree();
  auto x = ksm::preflight::extract_assertions(tree);
  REQUIRE(x.ok());
  ksm::Value v = ksm::preflight::to_value(*x);
  auto back = ksm::parse_json(ksm::to_json(v));
  REQUIRE(back.ok());
  CHECK(back->get("counts")->get("assertions")->as_int() == 6);
  const auto& list = back->get("assertions")->as_list();
  REQUIRE(list.size() == 6);
  CHECK(list[0].get("file") != nullptr);
  CHECK(list[0].get("reaches")->as_list().size() >= 1);
}

// ---- real Kubespray tags (skipped without a clone) ---------------------------

namespace {

std::filesystem::path kubespray_clone() {
  if (const char* e = std::getenv("KSM_KUBESPRAY_CLONE"); e && *e) return e;
  return "/work/.mirror/kubernetes-sigs+kubespray/repo";
}

#define KSM_REQUIRE_KUBESPRAY_CLONE()                                                        \
  do {                                                                                       \
    if (!std::filesystem::exists(kubespray_clone())) {                                       \
      MESSAGE("skipped: no Kubespray clone at " << kubespray_clone().string()                \
                                                << " (set KSM_KUBESPRAY_CLONE to a clone)"); \
      return;                                                                                \
    }                                                                                        \
  } while (0)

ksm::Result<Extraction> extract_at(const std::string& tag) {
  auto repo = ksm::GitRepo::open(kubespray_clone());
  if (!repo) return repo.error();
  auto src = repo->at(tag);
  if (!src) return src.error();
  return ksm::preflight::extract_assertions(**src);
}

}  // namespace

TEST_CASE("preflight extract: reachable assertions of upgrade-cluster.yml per Kubespray tag") {
  KSM_REQUIRE_KUBESPRAY_CLONE();
  // Regression values of this walk. Cross-checked once against an independent
  // scan of every assert/fail task in roles/**/tasks and playbooks (PyYAML):
  // each reached task exists there, and every unreached one sits behind a
  // templated include (download's {{ include_file }}, network_plugin/{{
  // kube_network_plugin }} from v2.2x, container-engine/{{ ... }}) or in a
  // playbook upgrade-cluster.yml does not import (reset, remove_node, ...).
  struct Expect {
    const char* tag;
    size_t assertions, asserts, fails, plays;
  };
  const Expect expected[] = {
      {"v2.16.0", 111, 53, 58, 21}, {"v2.19.0", 138, 72, 66, 21}, {"v2.20.0", 137, 69, 68, 21},
      {"v2.24.0", 142, 71, 71, 21}, {"v2.27.0", 135, 75, 60, 17}, {"v2.31.0", 124, 68, 56, 17},
  };
  for (const auto& e : expected) {
    std::string tag = e.tag;
    CAPTURE(tag);
    auto x = extract_at(e.tag);
    REQUIRE(x.ok());
    CHECK(x->assertions.size() == e.assertions);
    CHECK(x->count(TaskModule::Assert) == e.asserts);
    CHECK(x->count(TaskModule::Fail) == e.fails);
    CHECK(x->plays == e.plays);
    CHECK(x->warnings.empty());
    for (const auto& a : x->assertions) {
      CHECK_FALSE(a.reaches.empty());
      CHECK(a.where.line > 0);
      if (a.module == TaskModule::Assert) CHECK_FALSE(a.that.empty());
    }
  }
}

TEST_CASE(
    "preflight extract: calico 'Check if inventory match current cluster configuration' at "
    "v2.19.0") {
  KSM_REQUIRE_KUBESPRAY_CLONE();
  auto x = extract_at("v2.19.0");
  REQUIRE(x.ok());
  const Assertion* c = find_by_name(*x, "Check if inventory match current cluster configuration");
  REQUIRE(c);
  CHECK(c->where.str() == "roles/network_plugin/calico/tasks/check.yml:146");
  CHECK(c->role == "network_plugin/calico");
  CHECK(c->that ==
        std::vector<std::string>{
            "calico_pool_conf.spec.blockSize|int == (calico_pool_blocksize | "
            "default(kube_network_node_prefix) | int)",
            "calico_pool_conf.spec.cidr == (calico_pool_cidr | default(kube_pods_subnet))",
            "not calico_pool_conf.spec.ipipMode is defined or "
            "calico_pool_conf.spec.ipipMode == calico_ipip_mode",
            "not calico_pool_conf.spec.vxlanMode is defined or "
            "calico_pool_conf.spec.vxlanMode == calico_vxlan_mode"});
  CHECK(c->msg == std::optional<std::string>(
                      "Your inventory doesn't match the current cluster configuration"));
  CHECK(c->when == std::vector<std::string>{"calico_pool_conf is defined"});
  CHECK(c->run_once == ksm::Value(true));
  // Reached through kubernetes/preinstall's include_role (tasks_from: check),
  // in the "Prepare nodes for upgrade" play among others.
  bool prepare = false;
  for (const auto& r : c->reaches) {
    CHECK(r.role == "network_plugin/calico");
    CHECK(has(r.when, "kube_network_plugin == 'calico'"));
    if (r.play == "Prepare nodes for upgrade") {
      prepare = true;
      CHECK(r.hosts == "k8s_cluster:etcd:calico_rr");
    }
  }
  CHECK(prepare);
}

TEST_CASE("preflight extract: validate_inventory checks of newer tags") {
  KSM_REQUIRE_KUBESPRAY_CLONE();
  // v2.28 moved the inventory-only checks out of kubernetes/preinstall into
  // a validate_inventory role run by boilerplate.yml on hosts: all.
  auto old = extract_at("v2.27.0");
  REQUIRE(old.ok());
  const Assertion* ok = find_by_name(*old, "Stop if unsupported version of Kubernetes");
  REQUIRE(ok);
  CHECK(ok->role == "kubernetes/preinstall");
  for (std::string tag : {"v2.28.0", "v2.31.0"}) {
    CAPTURE(tag);
    auto x = extract_at(tag);
    REQUIRE(x.ok());
    size_t in_role = 0;
    for (const auto& a : x->assertions)
      if (a.role == "validate_inventory") {
        ++in_role;
        CHECK(a.reaches[0].hosts == "all");
        CHECK(a.where.file.rfind("roles/validate_inventory/tasks/", 0) == 0);
      }
    CHECK(in_role > 20);
    const Assertion* k = find_by_name(*x, "Stop if unsupported version of Kubernetes");
    REQUIRE(k);
    CHECK(k->role == "validate_inventory");
    CHECK(k->that.size() == 1);
    CHECK(k->that[0].find("kube_version") != std::string::npos);
  }
}

TEST_CASE("preflight extract: templated includes are reported as not followed") {
  KSM_REQUIRE_KUBESPRAY_CLONE();
  auto x = extract_at("v2.31.0");
  REQUIRE(x.ok());
  bool plugin = false, etcd = false;
  for (const auto& n : x->not_followed) {
    if (n.target == "network_plugin/{{ kube_network_plugin }}") {
      plugin = true;
      CHECK(n.keyword == "include_role");
      CHECK(n.where.file == "roles/network_plugin/tasks/main.yml");
      CHECK(n.reason == "templated role name");
    }
    if (n.target == "install_{{ etcd_deployment_type }}.yml") {
      etcd = true;
      CHECK(n.reason.find("templated file name") != std::string::npos);
    }
  }
  CHECK(plugin);
  CHECK(etcd);
}
