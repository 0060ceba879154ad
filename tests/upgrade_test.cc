// Tests of src/upgrade on real Kubespray data (../shared/kubespray-data.git):
// the seed's scenarios, and every consecutive pair of tags. Each builds an
// operator inventory from the sample at tag A (read through libgit2 at test
// time, never committed), customizes it, and migrates it to B.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <set>

#include "core/fs.h"
#include "core/json.h"
#include "core/yaml.h"
#include "merge/yaml_edit.h"
#include "sources/kubespray_tree.h"
#include "sources/source.h"
#include "test_support.h"
#include "upgrade/state.h"
#include "upgrade/upgrade.h"

namespace fs = std::filesystem;

using namespace ksm;
using namespace ksm::upgrade;

namespace {

const char* kBuilderHosts = R"(all:
  hosts:
    node1: {ansible_host: 10.0.0.1, ip: 10.0.0.1, access_ip: 10.0.0.1}
    node2: {ansible_host: 10.0.0.2, ip: 10.0.0.2, access_ip: 10.0.0.2}
    node3: {ansible_host: 10.0.0.3, ip: 10.0.0.3, access_ip: 10.0.0.3}
    node4: {ansible_host: 10.0.0.4, ip: 10.0.0.4, access_ip: 10.0.0.4}
  children:
    CP:
      hosts: {node1: , node2: }
    kube_node:
      hosts: {node1: , node2: , node3: , node4: }
    etcd:
      hosts: {node1: , node2: , node3: }
    K8S:
      children:
        CP:
        kube_node:
    RR:
      hosts: {}
)";

std::string builder_hosts(const Version& v) {
  bool legacy = v < *Version::parse_release("v2.16.0");
  std::string s = kBuilderHosts;
  auto rep = [&](const std::string& a, const std::string& b) {
    for (size_t p = 0; (p = s.find(a, p)) != std::string::npos; p += b.size())
      s.replace(p, a.size(), b);
  };
  rep("CP", legacy ? "kube-master" : "kube_control_plane");
  rep("kube_node", legacy ? "kube-node" : "kube_node");
  rep("K8S", legacy ? "k8s-cluster" : "k8s_cluster");
  rep("RR", legacy ? "calico-rr" : "calico_rr");
  return s;
}

// inventory/sample at `tag` written to a fresh folder, with a builder hosts.yaml.
fs::path sample_inventory(const std::string& tag, const std::string& name) {
  auto repo = GitRepo::open(test::kubespray_data());
  REQUIRE(repo.ok());
  auto src = repo->at(tag);
  REQUIRE(src.ok());
  auto tree = KubesprayTree::load(**src);
  REQUIRE(tree.ok());
  fs::path dir = fs::temp_directory_path() /
                 ("ksm_upgrade_" + name + "_" + std::to_string(::getpid())) / "mycluster";
  fs::remove_all(dir.parent_path());
  fs::create_directories(dir);
  for (const auto& rel : tree->sample().files) {
    if (rel == tree->sample().hosts_file) continue;
    auto text = (*src)->read(tree->sample().root + "/" + rel);
    REQUIRE(text.ok());
    REQUIRE(write_file_atomic(dir / rel, *text).ok());
  }
  REQUIRE(write_file_atomic(dir / "hosts.yaml", builder_hosts(*Version::parse_release(tag))).ok());
  return dir;
}

// Replaces `from` by `to` in a file of the inventory (an operator's edit).
void edit(const fs::path& file, const std::string& from, const std::string& to) {
  auto text = read_file(file);
  REQUIRE(text.ok());
  auto p = text->find(from);
  REQUIRE_MESSAGE(p != std::string::npos, file.string() << " has no '" << from << "'");
  text->replace(p, from.size(), to);
  REQUIRE(write_file_atomic(file, *text).ok());
}

Result<UpgradeResult> migrate(const fs::path& inv, const std::string& from, const std::string& to) {
  UpgradeOptions o;
  o.inventory = (inv / "hosts.yaml").string();
  o.kubespray = test::kubespray_data().string();
  o.from = from;
  o.to = to;
  return run_upgrade(o);
}

Value file_value(const UpgradeResult& r, const std::string& rel, const std::string& key) {
  const std::string* text = r.workspace.text(rel);
  REQUIRE_MESSAGE(text != nullptr, rel << " missing from the output");
  auto v = parse_yaml(*text, rel);
  REQUIRE_MESSAGE(v.ok(), rel << ": " << (v.ok() ? "" : v.error().str()));
  const Value* x = v->get(key);
  return x ? *x : Value::undefined();
}

const Change* find_change(const UpgradeResult& r, ChangeKind kind, const std::string& var) {
  for (const auto& h : r.report.hops)
    for (const auto& c : h.changes)
      if (c.kind == kind && c.variable == var) return &c;
  return nullptr;
}

// The files a variable was pinned in, over every hop.
std::set<std::string> pinned_files(const UpgradeResult& r, const std::string& var) {
  std::set<std::string> out;
  for (const auto& h : r.report.hops)
    for (const auto& c : h.changes)
      if (c.kind == ChangeKind::Pin && c.variable == var) out.insert(c.file);
  return out;
}

std::vector<std::string> unexplained(const UpgradeResult& r) {
  std::vector<std::string> out;
  for (const auto& h : r.report.hops)
    for (const auto& n : h.notes)
      if (n.message.find("no rule explains it") != std::string::npos)
        out.push_back(h.to + ": " + n.message);
  return out;
}

}  // namespace

TEST_CASE("upgrade v2.17.1 -> v2.18.0 pins container_manager: docker") {
  KSM_REQUIRE_SHARED_DATA();
  fs::path inv = sample_inventory("v2.17.1", "runtime");
  auto r = migrate(inv, "v2.17.1", "v2.18.0");
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().str()));
  CHECK(file_value(*r, "group_vars/k8s_cluster/k8s-cluster.yml", "container_manager") ==
        Value("docker"));
  const Change* pin = find_change(*r, ChangeKind::Pin, "container_manager");
  REQUIRE(pin != nullptr);
  // Before and after in the operator's file (not set there, then docker);
  // the tag's own value beside them, and the text reads forward.
  CHECK(pin->new_value == Value("docker"));
  CHECK(pin->old_value.is_undefined());
  CHECK(pin->tag_value == Value("containerd"));
  CHECK(render_text(r->report, false).find(
            "keep container_manager: docker (v2.18.0 would change it to containerd)") !=
        std::string::npos);
  CHECK(pin->reason.find("unless it was changed on the cluster since") != std::string::npos);
  CHECK(r->report.conflict_count() == 0);
  CHECK_MESSAGE(unexplained(*r).empty(), fmt::format("{}", fmt::join(unexplained(*r), "\n")));
}

TEST_CASE("upgrade v2.18.2 -> v2.19.0 pins calico ipip/vxlan/backend") {
  KSM_REQUIRE_SHARED_DATA();
  fs::path inv = sample_inventory("v2.18.2", "calico");
  auto r = migrate(inv, "v2.18.2", "v2.19.0");
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().str()));
  const std::string f = "group_vars/k8s_cluster/k8s-net-calico.yml";
  CHECK(file_value(*r, f, "calico_ipip_mode") == Value("Always"));
  CHECK(file_value(*r, f, "calico_vxlan_mode") == Value("Never"));
  CHECK(file_value(*r, f, "calico_network_backend") == Value("bird"));
  CHECK(find_change(*r, ChangeKind::Pin, "calico_network_backend") != nullptr);
  CHECK(r->report.conflict_count() == 0);
}

TEST_CASE("upgrade v2.19.1 -> v2.20.0 pins calico_pool_blocksize: 24") {
  KSM_REQUIRE_SHARED_DATA();
  fs::path inv = sample_inventory("v2.19.1", "blocksize");
  auto r = migrate(inv, "v2.19.1", "v2.20.0");
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().str()));
  CHECK(file_value(*r, "group_vars/k8s_cluster/k8s-net-calico.yml", "calico_pool_blocksize") ==
        Value(24));
  CHECK(find_change(*r, ChangeKind::Pin, "calico_pool_blocksize") != nullptr);
}

TEST_CASE("upgrade v2.15.1 -> v2.16.0 renames groups and the k8s-cluster folder") {
  KSM_REQUIRE_SHARED_DATA();
  fs::path inv = sample_inventory("v2.15.1", "groups");
  // An operator's own file in the folder that moves, and a setting of theirs.
  REQUIRE(
      write_file_atomic(inv / "group_vars/k8s-cluster/zz-own.yml", "# ours\nmy_setting: 1\n").ok());
  edit(inv / "group_vars/k8s-cluster/addons.yml", "helm_enabled: false", "helm_enabled: true");
  auto r = migrate(inv, "v2.15.1", "v2.16.0");
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().str()));
  const std::string* hosts = r->workspace.text("hosts.yaml");
  REQUIRE(hosts != nullptr);
  CHECK(hosts->find("kube-master") == std::string::npos);
  CHECK(hosts->find("kube_control_plane:") != std::string::npos);
  CHECK(hosts->find("k8s_cluster:") != std::string::npos);
  CHECK(hosts->find("calico_rr:") != std::string::npos);
  CHECK(r->workspace.files_under("group_vars/k8s-cluster").empty());
  CHECK(*r->workspace.text("group_vars/k8s_cluster/zz-own.yml") == "# ours\nmy_setting: 1\n");
  CHECK(file_value(*r, "group_vars/k8s_cluster/addons.yml", "helm_enabled") == Value(true));
  CHECK(r->report.conflict_count() == 0);
  // The folder moves once, by the group rename; the file_moves rule for the
  // same folder finds it done (it used to ask for a merge of the folder with itself).
  for (const auto& h : r->report.hops)
    for (const auto& n : h.notes)
      CHECK_MESSAGE(n.message.find("cannot move") == std::string::npos, n.message);
  CHECK_MESSAGE(unexplained(*r).empty(), fmt::format("{}", fmt::join(unexplained(*r), "\n")));
}

TEST_CASE("upgrade v2.21.0 -> v2.22.1 restructures MetalLB and writes the CRDs") {
  KSM_REQUIRE_SHARED_DATA();
  fs::path inv = sample_inventory("v2.21.0", "metallb");
  const fs::path addons = inv / "group_vars/k8s_cluster/addons.yml";
  edit(addons, "metallb_enabled: false", "metallb_enabled: true");
  edit(addons, "# metallb_ip_range:\n#   - \"10.5.0.50-10.5.0.99\"",
       "metallb_ip_range:\n  - \"10.5.0.50-10.5.0.99\"");
  auto r = migrate(inv, "v2.21.0", "v2.22.1");
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().str()));
  Value cfg = file_value(*r, "group_vars/k8s_cluster/addons.yml", "metallb_config");
  REQUIRE(cfg.is_map());
  const Value* pools = cfg.get("address_pools");
  REQUIRE(pools != nullptr);
  REQUIRE(pools->get("loadbalanced") != nullptr);
  CHECK(*pools->get("loadbalanced")->get("ip_range") == Value(List{Value("10.5.0.50-10.5.0.99")}));
  // metallb_protocol defaulted to layer2: the pool is advertised over L2.
  const Value* layer2 = cfg.get("layer2");
  REQUIRE(layer2 != nullptr);
  CHECK(*layer2 == Value(List{Value("loadbalanced")}));
  CHECK(file_value(*r, "group_vars/k8s_cluster/addons.yml", "metallb_ip_range").is_undefined());
  // The manifest is kept beside the inventory, never in it (Ansible would
  // parse a YAML file of the folder as an inventory source).
  CHECK(r->workspace.text("metallb-crds.yaml") == nullptr);
  auto side = r->workspace.beside().find("metallb-crds.yaml");
  REQUIRE(side != r->workspace.beside().end());
  const std::string* crds = &side->second;
  CHECK(crds->find("kind: IPAddressPool") != std::string::npos);
  CHECK(crds->find("10.5.0.50-10.5.0.99") != std::string::npos);
  CHECK(crds->find("kind: L2Advertisement") != std::string::npos);
}

TEST_CASE("upgrade: the bundled demo goes offline from v2.15.1 to v2.27.0") {
  fs::path demo = test::testdata() / "demo" / "mycluster";
  UpgradeOptions o;
  o.inventory = demo.string();
  o.to = "v2.27.0";
  o.offline = true;
  auto r = run_upgrade(o);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().str()));
  CHECK(r->from_tag == "v2.15.1");
  CHECK(r->report.hops.size() >= 10);
  CHECK(r->report.hops.front().to == "v2.16.0");
  CHECK(r->report.hops.back().to == "v2.27.0");
  CHECK(find_change(*r, ChangeKind::Pin, "container_manager") ==
        nullptr);  // the demo sets docker itself
  CHECK(file_value(*r, "group_vars/k8s_cluster/k8s-cluster.yml", "container_manager") ==
        Value("docker"));
  CHECK(file_value(*r, "group_vars/k8s_cluster/addons.yml", "metallb_config").is_map());
  CHECK(r->workspace.text("metallb-crds.yaml") == nullptr);
  REQUIRE(r->workspace.beside().count("metallb-crds.yaml") == 1);
  // The demo's pool `lab_pool` is no valid Kubernetes name: it becomes
  // lab-pool everywhere (pool key, layer2 list, manifest), reported.
  Value cfg = file_value(*r, "group_vars/k8s_cluster/addons.yml", "metallb_config");
  REQUIRE(cfg.get("address_pools") != nullptr);
  CHECK(cfg.get("address_pools")->get("lab_pool") == nullptr);
  REQUIRE(cfg.get("address_pools")->get("lab-pool") != nullptr);
  CHECK(*cfg.get("address_pools")->get("lab-pool")->get("auto_assign") == Value(false));
  CHECK(*cfg.get("layer2") == Value(List{Value("loadbalanced"), Value("lab-pool")}));
  const Change* named =
      find_change(*r, ChangeKind::ObjectName, "metallb_config.address_pools.lab-pool");
  REQUIRE(named != nullptr);
  CHECK(named->old_value == Value("lab_pool"));
  CHECK(named->new_value == Value("lab-pool"));
  CHECK(named->reason.find("DNS-1123") != std::string::npos);
  const std::string& crds = r->workspace.beside().at("metallb-crds.yaml");
  CHECK(crds.find("name: \"lab-pool\"") != std::string::npos);
  CHECK(crds.find("lab_pool") == std::string::npos);
  // The vault block survives byte-exact.
  auto in = read_file(demo / "group_vars/all/all.yml");
  REQUIRE(in.ok());
  const std::string* out = r->workspace.text("group_vars/all/all.yml");
  REQUIRE(out != nullptr);
  auto block = in->substr(in->find("!vault"), 400);
  CHECK(out->find(block) != std::string::npos);
  // Every output YAML file parses.
  for (const auto& rel : r->workspace.files())
    if (rel.ends_with(".yml") || rel.ends_with(".yaml"))
      CHECK_MESSAGE(parse_yaml(*r->workspace.text(rel), rel).ok(), rel);
}

namespace {

// An operator's edit for the all-pairs test: a live top-level scalar of a
// sample vars file changed to a value of the same type.
struct Custom {
  std::string file, key;
  Value value;
};

Value customized(const Value& v) {
  if (v.is_bool()) return Value(!v.as_bool());
  if (v.is_int()) return Value(v.as_int() + 1);
  if (v.is_string() && v.as_string().find("{{") == std::string::npos)
    return Value(v.as_string() + "-ours");
  return Value::undefined();
}

// A rename-variable change of `name` (its old value is the old name).
bool renamed_from(const UpgradeResult& r, const std::string& name) {
  for (const auto& h : r.report.hops)
    for (const auto& c : h.changes)
      if (c.kind == ChangeKind::RenameVariable && c.old_value == Value(name)) return true;
  return false;
}

// A move of `rel` or of a folder holding it.
bool moved_from(const UpgradeResult& r, const std::string& rel) {
  for (const auto& h : r.report.hops)
    for (const auto& c : h.changes) {
      if (c.kind != ChangeKind::Move || !c.old_value.is_string()) continue;
      const std::string& from = c.old_value.as_string();
      if (rel == from || rel.starts_with(from + "/")) return true;
    }
  return false;
}

std::string at_b(std::string rel, const Version& b) {
  // The v2.16 folder rename (schemas/v2.16.0.yml) for files compared across the pair.
  if (!(b < *Version::parse_release("v2.16.0")) && rel.starts_with("group_vars/k8s-cluster/"))
    rel = "group_vars/k8s_cluster/" + rel.substr(std::string("group_vars/k8s-cluster/").size());
  return rel;
}

}  // namespace

// A variable whose template reads itself loops in Ansible ("recursive loop
// detected in template string") wherever a task reads it. Upgrade cannot
// preserve a value it cannot compute: it says so, once per variable, and
// leaves the file alone. Offline (versions/ defaults) and with a clone
// (vars::Resolver) the evaluators differ; both must report it.
TEST_CASE("upgrade reports self-referencing inventory variables instead of passing them silently") {
  test::TempDir tmp;
  fs::copy(test::testdata() / "demo" / "mycluster", tmp.path / "inv", fs::copy_options::recursive);
  const std::string loop = "kube_network_plugin: \"{{ kube_network_plugin }}\"\n"
                           "container_manager: \"{{ cm2 }}\"\ncm2: \"{{ container_manager }}\"\n";
  // In the folder of k8s-cluster, after k8s-cluster.yml: these values win
  // over the demo's own (a loop shadowed by a stronger layer is harmless).
  tmp.write("inv/group_vars/k8s-cluster/zz-loop.yml", loop);
  auto check = [&](const UpgradeOptions& o) {
    auto r = run_upgrade(o);
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().str()));
    std::map<std::string, int> reported;
    for (const auto& h : r->report.hops)
      for (const auto& n : h.notes)
        if (n.message.find("recursive loop detected in template") != std::string::npos) {
          CHECK(n.level == NoteLevel::Review);
          for (const char* v : {"kube_network_plugin (", "container_manager (", "cm2 ("})
            if (n.message.starts_with(v)) ++reported[v];
        }
    CHECK(reported["kube_network_plugin ("] == 1);
    CHECK(reported["container_manager ("] == 1);
    CHECK(reported["cm2 ("] == 1);
    const std::string* out = r->workspace.text("group_vars/k8s_cluster/zz-loop.yml");
    REQUIRE(out != nullptr);
    CHECK(*out == loop);
  };
  UpgradeOptions o;
  o.inventory = (tmp.path / "inv").string();
  o.to = "v2.16.0";
  SUBCASE("offline") {
    o.offline = true;
    check(o);
  }
  SUBCASE("with a clone") {
    KSM_REQUIRE_SHARED_DATA();
    o.kubespray = test::kubespray_data().string();
    o.from = "v2.15.1";
    check(o);
  }
}

TEST_CASE("upgrade: every consecutive pair v2.11.0 .. v2.31.0 keeps the operator's settings") {
  KSM_REQUIRE_SHARED_DATA();
  auto repo = GitRepo::open(test::kubespray_data());
  REQUIRE(repo.ok());
  auto tags = repo->tags();
  REQUIRE(tags.ok());
  REQUIRE(tags->size() >= 2);
  size_t pairs = 0, customs = 0, conflicts = 0, collided_total = 0;
  for (size_t i = 0; i + 1 < tags->size(); ++i) {
    const auto& a = (*tags)[i];
    const auto& b = (*tags)[i + 1];
    CAPTURE(a.name);
    CAPTURE(b.name);
    fs::path inv = sample_inventory(a.name, "pairs");
    auto src_b = repo->at(b.name);
    REQUIRE(src_b.ok());
    auto tree_b = KubesprayTree::load(**src_b);
    REQUIRE(tree_b.ok());
    // Customize the first live scalar of every sample vars file.
    std::vector<Custom> mine;
    std::set<std::string> collided;  // file:key the sample itself changes between A and B
    for (const auto& entry : fs::recursive_directory_iterator(inv)) {
      if (!entry.is_regular_file()) continue;
      std::string rel = fs::relative(entry.path(), inv).generic_string();
      if (!rel.starts_with("group_vars/") || !(rel.ends_with(".yml") || rel.ends_with(".yaml")))
        continue;
      auto text = read_file(entry.path());
      REQUIRE(text.ok());
      auto v = parse_yaml(*text, rel);
      if (!v.ok() || !v->is_map()) continue;
      for (const auto& [k, x] : v->as_map()) {
        Value c = customized(x);
        if (c.is_undefined() || k == "kube_version") continue;
        auto doc = merge::YamlDoc::parse(*text);
        auto rec = doc.set(k, c);
        if (!rec.ok()) continue;
        REQUIRE(write_file_atomic(entry.path(), doc.render()).ok());
        mine.push_back({rel, k, c});
        // Does the sample change this key itself between A and B?
        std::string rb = at_b(rel, b.version);
        auto theirs = (*src_b)->read(tree_b->sample().root + "/" + rb);
        Value tv = Value::undefined();
        if (theirs.ok()) {
          auto pv = parse_yaml(*theirs, rb);
          if (pv.ok() && pv->get(k)) tv = *pv->get(k);
        }
        if (!(tv == x)) collided.insert(rb + ":" + k);
        break;
      }
    }
    REQUIRE(write_file_atomic(inv / "group_vars/all/zz-own.yml", "# ours\nmy_setting: 1\n").ok());
    auto r = migrate(inv, a.name, b.name);
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().str()));
    ++pairs;
    customs += mine.size();
    collided_total += collided.size();
    // Conflicts only where the sample changed the same setting.
    std::set<std::string> conflicted_files;
    for (const auto& h : r->report.hops)
      for (const auto& c : h.conflicts) {
        ++conflicts;
        conflicted_files.insert(c.file);
        std::string key = c.what.substr(0, c.what.find(':'));
        CHECK_MESSAGE(collided.count(c.file + ":" + key) == 1,
                      c.file << ":" << c.line << " " << c.what);
      }
    // The invariant: nothing the operator set changes without a reason.
    CHECK_MESSAGE(unexplained(*r).empty(), fmt::format("{}", fmt::join(unexplained(*r), "\n")));
    // Every customization survives (or a rule says where it went).
    for (const auto& m : mine) {
      std::string rel = at_b(m.file, b.version);
      if (conflicted_files.count(rel)) continue;
      const std::string* out = r->workspace.text(rel);
      if (!out) {
        CHECK_MESSAGE(moved_from(*r, m.file), rel << " vanished");
        continue;
      }
      auto v = parse_yaml(*out, rel);
      REQUIRE_MESSAGE(v.ok(), rel << ": " << (v.ok() ? "" : v.error().str()));
      const Value* got = v->get(m.key);
      bool moved_away =
          renamed_from(*r, m.key) || find_change(*r, ChangeKind::Restructure, m.key) != nullptr;
      if (!got && moved_away) continue;
      REQUIRE_MESSAGE(got != nullptr, rel << ": " << m.key << " lost");
      CHECK_MESSAGE(*got == m.value, rel << ": " << m.key);
    }
    CHECK(*r->workspace.text("group_vars/all/zz-own.yml") == "# ours\nmy_setting: 1\n");
    for (const auto& rel : r->workspace.files())
      if ((rel.ends_with(".yml") || rel.ends_with(".yaml")) && !conflicted_files.count(rel))
        CHECK_MESSAGE(parse_yaml(*r->workspace.text(rel), rel).ok(), rel);
  }
  MESSAGE(fmt::format("{} pairs, {} customizations, {} colliding with the sample, {} conflicts",
                      pairs, customs, collided_total, conflicts));
  CHECK(pairs == tags->size() - 1);
}

TEST_CASE("upgrade never edits a SOPS-encrypted file: renames inside it are reported") {
  KSM_REQUIRE_SHARED_DATA();
  fs::path inv = sample_inventory("v2.15.1", "sops");
  const std::string sops =
      "containerd_metadata_root_dir: ENC[AES256_GCM,data:q4l1ZVz4,iv:aW12,tag:dGFn,type:str]\n"
      "registry_password: ENC[AES256_GCM,data:cGFzcw==,iv:aW13,tag:dGFo,type:str]\n"
      "sops:\n"
      "    kms: []\n"
      "    lastmodified: \"2024-01-01T00:00:00Z\"\n"
      "    mac: ENC[AES256_GCM,data:bWFj,iv:aW14,tag:dGFp,type:str]\n"
      "    version: 3.8.1\n";
  REQUIRE(write_file_atomic(inv / "group_vars/k8s-cluster/secrets.sops.yml", sops).ok());
  auto r = migrate(inv, "v2.15.1", "v2.16.0");
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().str()));
  const std::string* out = r->workspace.text("group_vars/k8s_cluster/secrets.sops.yml");
  REQUIRE(out != nullptr);
  CHECK(*out == sops);
  bool told = false;
  for (const auto& h : r->report.hops)
    for (const auto& n : h.notes)
      if (n.message.find("SOPS") != std::string::npos &&
          n.message.find("containerd_metadata_root_dir") != std::string::npos)
        told = true;
  CHECK(told);
}

TEST_CASE("upgrade: run again at the tag it reached is a no-op that says so (automation reruns)") {
  test::TempDir t;
  fs::path demo = test::testdata() / "demo" / "mycluster";
  fs::copy(demo, t.path / "inv", fs::copy_options::recursive);
  UpgradeOptions o;
  o.inventory = (t.path / "inv").string();
  o.to = "v2.17.1";
  o.offline = true;
  auto first = run_upgrade(o);
  REQUIRE_MESSAGE(first.ok(), (first.ok() ? "" : first.error().str()));
  REQUIRE(first->workspace.write_in_place(".orig").ok());
  // The state file now says v2.17.1: the same command again does nothing.
  auto again = run_upgrade(o);
  REQUIRE_MESSAGE(again.ok(), (again.ok() ? "" : again.error().str()));
  CHECK(again->from_tag == "v2.17.1");
  CHECK_FALSE(again->workspace.changed());
  CHECK(again->report.exit_status() == 0);
  REQUIRE(again->report.hops.size() == 1);
  bool said = false;
  for (const auto& n : again->report.hops[0].notes)
    if (n.message.find("already at v2.17.1") != std::string::npos) said = true;
  CHECK(said);
  // An explicit --from equal to --to is the same no-op; going back is still refused.
  o.from = "v2.17.1";
  CHECK(run_upgrade(o).ok());
  o.from = "v2.18.0";
  CHECK_FALSE(run_upgrade(o).ok());
}

TEST_CASE(
    "upgrade: the sample's commented inventory.ini beside the builder's hosts.yaml (the common "
    "layout)") {
  test::TempDir t;
  fs::copy(test::testdata() / "demo" / "mycluster", t.path / "inv", fs::copy_options::recursive);
  // What `cp -r inventory/sample inventory/mycluster` leaves beside hosts.yaml.
  t.write("inv/inventory.ini",
          "# [all]\n# node1 ansible_host=95.54.0.12  # ip=10.3.0.1 etcd_member_name=etcd1\n\n"
          "# [kube-master]\n# node1\n\n# [etcd]\n# node1\n\n# [kube-node]\n# node1\n");
  UpgradeOptions o;
  o.inventory = (t.path / "inv").string();
  o.to = "v2.16.0";
  o.offline = true;
  auto r = run_upgrade(o);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().str()));
  CHECK(r->hosts_file == "hosts.yaml");
  bool said = false;
  for (const auto& n : r->report.hops.front().notes)
    if (n.message.find(
            "hosts.yaml, the only one that defines hosts (inventory.ini defines none)") !=
        std::string::npos)
      said = true;
  CHECK(said);
  CHECK(find_change(*r, ChangeKind::RenameGroup, "") != nullptr);
  CHECK(r->workspace.text("inventory.ini") != nullptr);  // carried along, untouched offline
}

TEST_CASE(
    "upgrade: a hop that leaves a conflict stops the run there; its markers are never read as "
    "YAML") {
  KSM_REQUIRE_KUBESPRAY_CLONE();
  test::TempDir t;
  // Meaning settles every per-key difference of real samples, so a marker
  // comes only from the line merge: a file that is not a plain map of keys
  // (a complex `? key`), where the operator and v2.18.2's sample changed
  // the same line.
  fs::path inv = sample_inventory("v2.17.1", "stop");
  fs::path k8s = inv / "group_vars/k8s_cluster/k8s-cluster.yml";
  edit(k8s, "resolvconf_mode: docker_dns", "resolvconf_mode: none");
  auto text = read_file(k8s);
  REQUIRE(text.ok());
  REQUIRE(write_file_atomic(k8s, *text + "? [complex, key]\n: value\n").ok());
  UpgradeOptions o;
  o.inventory = inv.string();
  o.kubespray = test::kubespray_clone().string();
  o.from = "v2.17.1";
  o.to = "v2.20.0";
  auto r = run_upgrade(o);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().str()));
  CHECK(r->to_tag == "v2.18.2");
  CHECK(r->report.hops.back().to == "v2.18.2");
  REQUIRE(r->report.conflict_count() == 1);
  CHECK(r->report.hops.back().conflicts[0].file == "group_vars/k8s_cluster/k8s-cluster.yml");
  CHECK(r->report.exit_status() == 3);
  bool stopped = false;
  for (const auto& n : r->report.hops.back().notes)
    if (n.level == NoteLevel::Blocking &&
        n.message.starts_with("stopped at v2.18.2: resolve the conflict markers"))
      stopped = true;
  CHECK(stopped);
  CHECK(r->workspace.text(".kubespray-migrate.yml")->find("v2.18.2") != std::string::npos);
  // Run again on that output without resolving: an error at the marker, nothing parsed.
  REQUIRE(r->workspace.write_to(t.path / "out").ok());
  o.inventory = (t.path / "out").string();
  o.from.clear();
  auto again = run_upgrade(o);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().where.file == "group_vars/k8s_cluster/k8s-cluster.yml");
  CHECK(again.error().where.line == r->report.hops.back().conflicts[0].line);
  CHECK(again.error().message.find("a conflict is not resolved") == 0);
  CHECK(again.error().message.find("left by the hop v2.17.1 -> v2.18.2") != std::string::npos);
  // The state file records the stop: the target, the hop, the marker's file:line.
  auto st = parse_state(r->workspace.text(".kubespray-migrate.yml"), "x");
  REQUIRE(st.ok());
  REQUIRE((*st)->stopped.has_value());
  CHECK((*st)->stopped->target == "v2.20.0");
  CHECK((*st)->stopped->hop() == "v2.17.1 -> v2.18.2");
  REQUIRE((*st)->stopped->conflicts.size() == 1);
  CHECK((*st)->stopped->conflicts[0].file == again.error().where.file);
  CHECK((*st)->stopped->conflicts[0].line == again.error().where.line);
  CHECK((*st)->stopped->conflicts[0].what == "both sides changed these lines");
}

TEST_CASE("upgrade --continue: refused without a recorded stop; no --to without it") {
  test::TempDir t;
  UpgradeOptions o;
  o.inventory = (test::testdata() / "demo" / "mycluster").string();
  o.offline = true;
  o.resume = true;
  auto none = run_upgrade(o);
  REQUIRE_FALSE(none.ok());
  CHECK(
      none.error().message.starts_with("nothing to continue: there is no .kubespray-migrate.yml"));
  std::filesystem::copy(o.inventory, t.path / "inv", std::filesystem::copy_options::recursive);
  t.write("inv/.kubespray-migrate.yml", "kubespray_tag: v2.16.0\n");
  o.inventory = (t.path / "inv").string();
  auto no_stop = run_upgrade(o);
  REQUIRE_FALSE(no_stop.ok());
  CHECK(no_stop.error().message.starts_with("nothing to continue: the state file records no run"));
  CHECK(no_stop.error().where.file == (t.path / "inv" / ".kubespray-migrate.yml").string());
  o.resume = false;
  auto no_to = run_upgrade(o);
  REQUIRE_FALSE(no_to.ok());
  CHECK(no_to.error().message.starts_with("no target tag"));
}

TEST_CASE("upgrade: the README demo goes every hop to v2.27.0 with the full clone, no marker") {
  KSM_REQUIRE_KUBESPRAY_CLONE();
  UpgradeOptions o;
  o.inventory = (test::testdata() / "demo" / "mycluster").string();
  o.kubespray = test::kubespray_clone().string();
  o.to = "v2.27.0";
  auto r = run_upgrade(o);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().str()));
  CHECK(r->to_tag == "v2.27.0");
  CHECK(r->report.hops.size() == 12);
  CHECK(r->report.conflict_count() == 0);
  for (const auto& rel : r->workspace.files())
    CHECK_MESSAGE(r->workspace.text(rel)->find("<<<<<<<") == std::string::npos, rel);
  // kube_version one minor per hop, the sample's at each tag: v1.19.9 (v2.15.1) .. v1.31.4
  // (v2.27.0).
  CHECK(file_value(*r, "group_vars/k8s_cluster/k8s-cluster.yml", "kube_version") ==
        Value("v1.31.4"));
  // The DNS mode the demo left to the default (docker_dns at v2.15.1) is pinned, not switched.
  CHECK(file_value(*r, "group_vars/k8s_cluster/k8s-cluster.yml", "resolvconf_mode") ==
        Value("docker_dns"));
  CHECK(file_value(*r, "group_vars/k8s_cluster/k8s-cluster.yml", "container_manager") ==
        Value("docker"));
  // Over several hops, preflight compares with the stop before the last one.
  CHECK(r->previous_tag == "v2.26.1");
  REQUIRE(r->previous.has_value());
  CHECK(
      r->previous->text("group_vars/k8s_cluster/k8s-cluster.yml")->find("kube_version: v1.30.4") !=
      std::string::npos);
}

TEST_CASE("upgrade: the sample's commented inventory.ini beside hosts.yaml follows the sample") {
  KSM_REQUIRE_KUBESPRAY_CLONE();
  UpgradeOptions o;
  o.inventory = (test::testdata() / "corpus" / "builder-copy").string();
  o.kubespray = test::kubespray_clone().string();
  o.from = "v2.16.0";
  o.to = "v2.27.1";
  auto r = run_upgrade(o);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().str()));
  CHECK(r->hosts_file == "hosts.yaml");
  auto repo = GitRepo::open(test::kubespray_clone());
  REQUIRE(repo.ok());
  auto at = repo->at("v2.27.1");
  REQUIRE(at.ok());
  auto sample = (*at)->read("inventory/sample/inventory.ini");
  REQUIRE(sample.ok());
  REQUIRE(r->workspace.text("inventory.ini") != nullptr);
  CHECK(*r->workspace.text("inventory.ini") == *sample);
  CHECK(r->report.conflict_count() == 0);
}

TEST_CASE(
    "upgrade: a pin covers every host whose value would change, each where its value comes from") {
  KSM_REQUIRE_SHARED_DATA();
  // v2.18.0 changes etcd_deployment_type docker -> host both in the sample's
  // group_vars/etcd.yml (etcd members) and in the role defaults (node4, no
  // etcd member): one pin in each place.
  fs::path inv = sample_inventory("v2.17.1", "pinscope");
  auto r = migrate(inv, "v2.17.1", "v2.18.0");
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().str()));
  std::set<std::string> pinned = pinned_files(*r, "etcd_deployment_type");
  CHECK(pinned == std::set<std::string>{"group_vars/etcd.yml", "group_vars/all/all.yml"});
  CHECK(file_value(*r, "group_vars/etcd.yml", "etcd_deployment_type") == Value("docker"));
  CHECK(file_value(*r, "group_vars/all/all.yml", "etcd_deployment_type") == Value("docker"));
}

TEST_CASE(
    "upgrade: hosts whose host_vars files say the same are one class, each still pinned in its own "
    "file") {
  KSM_REQUIRE_SHARED_DATA();
  // node1 and node2 have the same groups and the same host_vars content, a
  // container_manager computed from etcd_deployment_type (docker at
  // v2.17.1, host at v2.18.0): one of them stands for both when values are
  // compared, and each file that sets the value gets the pin.
  fs::path inv = sample_inventory("v2.17.1", "hostvarclass");
  const std::string own =
      "container_manager: \"{{ 'docker' if etcd_deployment_type == 'docker' else 'containerd' "
      "}}\"\n";
  REQUIRE(write_file_atomic(inv / "host_vars/node1.yml", own).ok());
  REQUIRE(write_file_atomic(inv / "host_vars/node2.yml", own).ok());
  auto r = migrate(inv, "v2.17.1", "v2.18.0");
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().str()));
  std::set<std::string> pinned = pinned_files(*r, "container_manager");
  CHECK(pinned == std::set<std::string>{"host_vars/node1.yml", "host_vars/node2.yml",
                                        "group_vars/k8s_cluster/k8s-cluster.yml"});
  CHECK(file_value(*r, "host_vars/node1.yml", "container_manager") == Value("docker"));
  CHECK(file_value(*r, "host_vars/node2.yml", "container_manager") == Value("docker"));
}
