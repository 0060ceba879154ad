// preflight end to end (src/preflight/run.cc): the seed's stops on real
// Kubespray tags, with the inventory an operator would have (the tag's
// inventory/sample group_vars, three builder-style nodes), values from the
// vars module, and `upgrade`'s output checked again. Skipped unless
// KSM_KUBESPRAY_CLONE names a full clone.
#include "preflight/run.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "core/fs.h"
#include "core/paths.h"
#include "schema/schema.h"
#include "sources/source.h"
#include "test_support.h"
#include "upgrade/upgrade.h"

namespace fs = std::filesystem;
using ksm::report::Status;

namespace {

const char* kHosts = R"(all:
  hosts:
    node1: {ansible_host: 10.0.0.11, ip: 10.0.0.11}
    node2: {ansible_host: 10.0.0.12, ip: 10.0.0.12}
    node3: {ansible_host: 10.0.0.13, ip: 10.0.0.13}
  children:
    kube_control_plane:
      hosts: {node1: }
    kube_node:
      hosts: {node1: , node2: , node3: }
    etcd:
      hosts: {node1: , node2: , node3: }
    k8s_cluster:
      children: {kube_control_plane: , kube_node: }
    calico_rr:
      hosts: {}
)";

struct Clone {
  std::unique_ptr<ksm::GitRepo> repo;
  std::map<std::string, std::unique_ptr<ksm::Source>> at;
  ksm::Source& tree(const std::string& tag) {
    auto& s = at[tag];
    if (!s) {
      auto src = repo->at(tag);
      REQUIRE(src.ok());
      s = std::move(*src);
    }
    return *s;
  }
};

Clone& clone() {
  static Clone c;
  if (!c.repo) {
    auto r = ksm::GitRepo::open(ksm::test::kubespray_clone());
    REQUIRE(r.ok());
    c.repo = std::make_unique<ksm::GitRepo>(std::move(*r));
  }
  return c;
}

// A fresh folder with the tag's sample group_vars and the three nodes.
fs::path sample_inventory(const std::string& name, const std::string& tag) {
  fs::path dir =
      fs::temp_directory_path() / ("ksm_preflight_run_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  ksm::Source& src = clone().tree(tag);
  auto files = src.list("inventory/sample/group_vars", true);
  REQUIRE(files.ok());
  for (const auto& f : *files) {
    auto text = src.read(f);
    REQUIRE(text.ok());
    fs::path out = dir / f.substr(std::string("inventory/sample/").size());
    fs::create_directories(out.parent_path());
    std::ofstream(out) << *text;
  }
  std::ofstream(dir / "hosts.yaml") << kHosts;
  return dir;
}

// Sets `key: value` in a group_vars file (replacing a set or commented line).
void set_var(const fs::path& file, const std::string& key, const std::string& value) {
  std::string text;
  if (fs::exists(file)) text = *ksm::read_file(file);
  std::regex line("(^|\n)#? *" + key + ":[^\n]*");
  std::string repl = "$1" + key + ": " + value;
  if (std::regex_search(text, line))
    text = std::regex_replace(text, line, repl, std::regex_constants::format_first_only);
  else
    text += (text.empty() || text.back() == '\n' ? "" : "\n") + key + ": " + value + "\n";
  fs::create_directories(file.parent_path());
  std::ofstream(file) << text;
}

ksm::preflight::RunResult preflight(const fs::path& inv, const std::string& from,
                                    const std::string& to,
                                    const ksm::schema::Schemas* schemas = nullptr) {
  ksm::preflight::RunOptions o;
  o.schemas = schemas;
  o.keep_evaluation = schemas != nullptr;
  ksm::DirSource folder(inv);
  o.inventory = {{&folder, "hosts.yaml"}};
  ksm::DirSource data(ksm::data_dir());
  auto release = ksm::preflight::load_release_data(data, to);
  REQUIRE(release.ok());
  o.release = &*release;
  o.to = &clone().tree(to);
  o.to_tag = to;
  o.from = &clone().tree(from);
  o.from_tag = from;
  auto r = ksm::preflight::run(o);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().str()));
  return std::move(*r);
}

const ksm::report::Finding* failing(const ksm::report::Report& r, const std::string& title) {
  for (const auto& f : r.findings)
    if (f.title == title && f.status == Status::Fail) return &f;
  return nullptr;
}

const char* kCalicoCheck = "Check if inventory match current cluster configuration";

// `upgrade` from `from` to `to` on `inv`, written to a new folder.
fs::path upgraded(const fs::path& inv, const std::string& from, const std::string& to) {
  ksm::upgrade::UpgradeOptions uo;
  uo.inventory = (inv / "hosts.yaml").string();
  uo.kubespray = ksm::test::kubespray_clone().string();
  uo.from = from;
  uo.to = to;
  auto r = ksm::upgrade::run_upgrade(uo);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().str()));
  fs::path out = inv.string() + "-upgraded";
  fs::remove_all(out);
  REQUIRE(r->workspace.write_to(out).ok());
  if (r->hosts_file != "hosts.yaml") fs::copy_file(out / r->hosts_file, out / "hosts.yaml");
  return out;
}

}  // namespace

TEST_CASE("preflight seed 004: v2.18.2 calico defaults checked for v2.19.0") {
  KSM_REQUIRE_KUBESPRAY_CLONE();
  fs::path inv = sample_inventory("v2182", "v2.18.2");
  auto run = preflight(inv, "v2.18.2", "v2.19.0");
  const auto* f = failing(run.report, kCalicoCheck);
  REQUIRE(f);
  CHECK(f->severity == ksm::report::Severity::Error);
  CHECK(f->source.str() == "roles/network_plugin/calico/tasks/check.yml:146");
  CHECK(f->source_label == "kubespray v2.19.0");
  CHECK(f->message == "Your inventory doesn't match the current cluster configuration");
  CHECK(f->hosts == std::vector<std::string>{"node1"});
  CHECK(f->fix.find("set calico_ipip_mode: \"Always\"") != std::string::npos);
  CHECK(f->fix.find("set calico_vxlan_mode: \"Never\"") != std::string::npos);
  bool ipip = false;
  for (const auto& v : f->variables)
    if (v.name == "calico_ipip_mode" && v.host.empty()) {
      ipip = true;
      CHECK(v.value == ksm::Value("Never"));
      CHECK(v.where.file == "roles/network_plugin/calico/defaults/main.yml");
      CHECK_FALSE(v.operator_file);
    }
  CHECK(ipip);
  CHECK(ksm::report::exit_status(run.report) == 3);

  // Seed 004's fix by hand: pin the v2.18 encapsulation.
  fs::path calico = inv / "group_vars/k8s_cluster/k8s-net-calico.yml";
  set_var(calico, "calico_network_backend", "bird");
  set_var(calico, "calico_ipip_mode", "Always");
  set_var(calico, "calico_vxlan_mode", "Never");
  auto pinned = preflight(inv, "v2.18.2", "v2.19.0");
  CHECK(failing(pinned.report, kCalicoCheck) == nullptr);
  fs::remove_all(inv);

  // The same by `upgrade`: its output passes.
  fs::path fresh = sample_inventory("v2182u", "v2.18.2");
  fs::path up = upgraded(fresh, "v2.18.2", "v2.19.0");
  auto after = preflight(up, "v2.18.2", "v2.19.0");
  CHECK(failing(after.report, kCalicoCheck) == nullptr);
  bool seen = false;
  for (const auto& f2 : after.report.findings)
    if (f2.title == kCalicoCheck) seen = true;
  CHECK_FALSE(seen);  // pass: not listed
  fs::remove_all(fresh);
  fs::remove_all(up);
}

TEST_CASE("preflight seed 004: v2.20.0 calico block size 24 -> 26") {
  KSM_REQUIRE_KUBESPRAY_CLONE();
  fs::path inv = sample_inventory("v2191", "v2.19.1");
  fs::path calico = inv / "group_vars/k8s_cluster/k8s-net-calico.yml";
  // Deployed with v2.18's encapsulation kept (as after the previous hop).
  set_var(calico, "calico_network_backend", "bird");
  set_var(calico, "calico_ipip_mode", "Always");
  set_var(calico, "calico_vxlan_mode", "Never");
  auto run = preflight(inv, "v2.19.1", "v2.20.0");
  const auto* f = failing(run.report, kCalicoCheck);
  REQUIRE(f);
  CHECK(f->source.file == "roles/network_plugin/calico/tasks/check.yml");
  REQUIRE_FALSE(f->details.empty());
  CHECK(f->details.front().find("calico_pool_conf.spec.blockSize|int") != std::string::npos);
  CHECK(f->fix.find("set calico_pool_blocksize: 24") != std::string::npos);

  set_var(calico, "calico_pool_blocksize", "24");
  auto pinned = preflight(inv, "v2.19.1", "v2.20.0");
  CHECK(failing(pinned.report, kCalicoCheck) == nullptr);
  // The pin is located in the operator's file (SARIF's INVENTORY base).
  fs::remove_all(inv);

  fs::path fresh = sample_inventory("v2191u", "v2.19.1");
  fs::path calico2 = fresh / "group_vars/k8s_cluster/k8s-net-calico.yml";
  set_var(calico2, "calico_network_backend", "bird");
  set_var(calico2, "calico_ipip_mode", "Always");
  set_var(calico2, "calico_vxlan_mode", "Never");
  fs::path up = upgraded(fresh, "v2.19.1", "v2.20.0");
  auto after = preflight(up, "v2.19.1", "v2.20.0");
  CHECK(failing(after.report, kCalicoCheck) == nullptr);
  fs::remove_all(fresh);
  fs::remove_all(up);
}

TEST_CASE("preflight seed 004: an unsupported kube_version") {
  KSM_REQUIRE_KUBESPRAY_CLONE();
  fs::path inv = sample_inventory("kv", "v2.18.2");
  fs::path k8s = inv / "group_vars/k8s_cluster/k8s-cluster.yml";
  set_var(k8s, "kube_version", "v1.20.7");
  auto run = preflight(inv, "v2.18.2", "v2.19.0");
  const auto* k = failing(run.report, "Stop if unsupported version of Kubernetes");
  REQUIRE(k);
  CHECK(k->source.file == "roles/kubernetes/preinstall/tasks/0020-verify-settings.yml");
  CHECK(k->message.find("You are trying to apply v1.20.7") != std::string::npos);
  bool located = false;
  for (const auto& v : k->variables)
    if (v.name == "kube_version" && v.operator_file)
      located = v.where.file == "group_vars/k8s_cluster/k8s-cluster.yml" && v.where.line > 0;
  CHECK(located);
  fs::remove_all(inv);
}

TEST_CASE("preflight seed 004: container_manager / etcd_deployment_type at v2.18.0") {
  KSM_REQUIRE_KUBESPRAY_CLONE();
  // v2.17.1's sample: docker everywhere. Taking v2.18's containerd but
  // leaving etcd in docker is what Kubespray rejects, on every etcd host.
  fs::path inv = sample_inventory("cm", "v2.17.1");
  fs::path k8s = inv / "group_vars/k8s_cluster/k8s-cluster.yml";
  set_var(k8s, "container_manager", "containerd");
  auto run = preflight(inv, "v2.17.1", "v2.18.0");
  const char* title = "Stop if etcd deployment type is not host when container_manager != docker";
  const auto* e = failing(run.report, title);
  REQUIRE(e);
  CHECK(e->hosts == std::vector<std::string>{"node1", "node2", "node3"});
  CHECK(e->source.file == "roles/kubernetes/preinstall/tasks/0020-verify-settings.yml");
  CHECK(ksm::report::exit_status(run.report) == 3);

  set_var(k8s, "container_manager", "docker");
  auto docker = preflight(inv, "v2.17.1", "v2.18.0");
  CHECK(failing(docker.report, title) == nullptr);
  fs::remove_all(inv);
}

TEST_CASE("preflight: an implicit default is no definition for the target's tasks") {
  KSM_REQUIRE_KUBESPRAY_CLONE();
  // Before v2.19 calico_network_backend had no default: the templates said
  // `| default('bird')` (schemas/sticky.yml `implicit`). v2.16.0's check
  // "calico_network_backend is defined" is skipped by Ansible
  // (preflight_eval_oracle found us passing it when the CLI's schemas were
  // given); what --from deployed still uses the implicit value.
  auto schemas = ksm::schema::load_default_schemas();
  REQUIRE(schemas.ok());
  fs::path inv = sample_inventory("implicit", "v2.15.1");
  auto run = preflight(inv, "v2.15.1", "v2.16.0", &*schemas);
  const ksm::Value* outcomes = run.evaluation.as_map().find("outcomes");
  REQUIRE(outcomes);
  bool seen = false;
  for (const auto& a : outcomes->as_list()) {
    if (a.as_map().find("name")->as_string() != "Check calico network backend defined correctly")
      continue;
    seen = true;
    for (const auto& e : a.as_map().find("hosts")->as_map())
      CHECK_MESSAGE(e.second.as_map().find("status")->as_string() == "skipped", e.first);
  }
  CHECK(seen);
  // The prediction of the live IPPool comes from v2.15.1 with backend bird.
  const ksm::Value* live = run.evaluation.as_map().find("live");
  REQUIRE(live);
  const ksm::Value* pool = live->as_map().find("calico_pool_conf");
  REQUIRE(pool);
  CHECK(
      pool->as_map().find("value")->as_map().find("spec")->as_map().find("ipipMode")->as_string() ==
      "Always");
  fs::remove_all(inv);
}

TEST_CASE(
    "preflight: the predicted Calico pool is read back as JSON (blockSize a number), v2.15.1 -> "
    "v2.16.0") {
  KSM_REQUIRE_KUBESPRAY_CLONE();
  // v2.16's check compares the pool's blockSize with
  // `calico_pool_blocksize | default(kube_network_node_prefix)` without
  // `| int`: calicoctl's JSON has the number 24, which equals the default 24.
  fs::path inv = sample_inventory("v2151", "v2.15.1");
  auto run = preflight(inv, "v2.15.1", "v2.16.0");
  CHECK(failing(run.report, kCalicoCheck) == nullptr);
  fs::remove_all(inv);
}
