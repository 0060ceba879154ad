// Tests of src/sources/knowledge: schemas/kubespray.yml loads and passes
// kubespray.schema.json, its facts hold their values over their tag ranges
// (kube-master before v2.16.0, kubespray_defaults from v2.28.0, ...), each
// cites a source, and a malformed file is refused at its file:line:col.
#include <doctest/doctest.h>

#include <string>

#include "core/json_schema.h"
#include "core/paths.h"
#include "sources/knowledge.h"

using namespace ksm;

namespace {

Version V(const char* s) {
  return *Version::parse_release(s);
}

const JsonSchema& schema() {
  static const JsonSchema js = [] {
    auto r = JsonSchema::load(schemas_dir() / "kubespray.schema.json");
    if (!r) FAIL("loading kubespray.schema.json: " << r.error().str());
    return *r;
  }();
  return js;
}

// A valid file with `replace` swapped for `with` (the first occurrence).
std::string variant(const std::string& replace, const std::string& with) {
  std::string text =
      "control_plane_group:\n"
      "  - {name: kube_control_plane, since: v2.16.0, source: s}\n"
      "  - {name: kube-master, before: v2.16.0, source: s}\n"
      "defaults_role:\n"
      "  - {name: kubespray_defaults, since: v2.28.0, source: s}\n"
      "  - {name: kubespray-defaults, before: v2.28.0, source: s}\n"
      "sample_inventory: {path: inventory/sample, source: s}\n"
      "hosts_files:\n"
      "  - {name: inventory.ini, source: s}\n"
      "upgrade_playbook: {name: upgrade-cluster.yml, source: s}\n"
      "requirements:\n"
      "  file: requirements.txt\n"
      "  symlink: {since: v2.18.0, before: v2.23.0, source: s}\n"
      "checksum_tables: {names: [kubelet_checksums], source: s}\n"
      "etcd_member_name: {variable: etcd_member_name, group: etcd, source: s}\n"
      "runtime_groups:\n"
      "  - {group: k8s_cluster, from: [kube_node, calico_rr], since: v2.27.0, source: s}\n"
      "upgrade_steps: {kubernetes_minors: 1, source: s}\n";
  if (!replace.empty()) {
    auto at = text.find(replace);
    REQUIRE(at != std::string::npos);
    text.replace(at, replace.size(), with);
  }
  return text;
}

}  // namespace

TEST_CASE("knowledge: schemas/kubespray.yml loads, each fact with a source") {
  REQUIRE(check_kubespray_knowledge());
  const KubesprayKnowledge& k = kubespray();
  for (const auto& n : k.control_plane_history()) CHECK_MESSAGE(!n.tags.source.empty(), n.name);
  for (const auto& n : k.defaults_role_history()) CHECK_MESSAGE(!n.tags.source.empty(), n.name);
  CHECK(!k.requirements_symlink().source.empty());
  // The file loads through the same path the tool uses, and cites itself
  // relative to the data folder.
  auto again = KubesprayKnowledge::load(schemas_dir(), "schemas");
  REQUIRE_MESSAGE(again, again.error().str());
}

TEST_CASE("knowledge: the control-plane group over the tags") {
  const KubesprayKnowledge& k = kubespray();
  CHECK(k.control_plane_group(V("v2.11.0")) == "kube-master");
  CHECK(k.control_plane_group(V("v2.15.1")) == "kube-master");
  CHECK(k.control_plane_group(V("v2.16.0")) == "kube_control_plane");
  CHECK(k.control_plane_group(V("v2.31.0")) == "kube_control_plane");
  CHECK(k.control_plane_group(V("v3.0.0")) == "kube_control_plane");
  REQUIRE(k.control_plane_groups().size() == 2);
  CHECK(k.control_plane_groups()[0] == "kube_control_plane");  // the current name first
  CHECK(k.control_plane_groups()[1] == "kube-master");
  const auto& legacy = k.control_plane_history()[1];
  REQUIRE(legacy.tags.before);
  CHECK(*legacy.tags.before == V("v2.16.0"));
  CHECK(!legacy.tags.since);
}

TEST_CASE("knowledge: the defaults role, renamed at v2.28.0") {
  const KubesprayKnowledge& k = kubespray();
  CHECK(k.defaults_role(V("v2.27.1")) == "kubespray-defaults");
  CHECK(k.defaults_role(V("v2.28.0")) == "kubespray_defaults");
  CHECK(k.is_defaults_role("kubespray-defaults"));
  CHECK(k.is_defaults_role("kubespray_defaults"));
  CHECK(!k.is_defaults_role("kubespray"));
  CHECK(!k.is_defaults_role("download"));
}

TEST_CASE("knowledge: names of files, folders, tables and the upgrade steps") {
  const KubesprayKnowledge& k = kubespray();
  CHECK(k.sample_inventory() == "inventory/sample");
  REQUIRE(k.hosts_files().size() == 5);
  CHECK(k.hosts_files()[0] == "inventory.ini");
  CHECK(k.hosts_files()[1] == "hosts.yaml");
  CHECK(k.hosts_files()[2] == "hosts.yml");
  CHECK(k.hosts_files()[3] == "hosts.ini");
  CHECK(k.hosts_files()[4] == "hosts");
  CHECK(k.is_hosts_file_name("hosts.yaml"));
  CHECK(!k.is_hosts_file_name("inventory.yaml"));
  CHECK(k.upgrade_playbook() == "upgrade-cluster.yml");
  CHECK(k.requirements_file() == "requirements.txt");
  CHECK(k.requirements_symlink().holds_at(V("v2.18.0")));
  CHECK(k.requirements_symlink().holds_at(V("v2.22.1")));
  CHECK(!k.requirements_symlink().holds_at(V("v2.17.1")));
  CHECK(!k.requirements_symlink().holds_at(V("v2.23.0")));
  REQUIRE(k.checksum_tables().size() == 2);
  CHECK(k.checksum_tables()[0] == "kubelet_checksums");
  CHECK(k.checksum_tables()[1] == "kubeadm_checksums");
  CHECK(k.etcd_member_variable() == "etcd_member_name");
  CHECK(k.etcd_member_group() == "etcd");
  CHECK(k.kubernetes_minor_step() == 1);
}

TEST_CASE("knowledge: the groups a playbook run builds, over the tags") {
  const KubesprayKnowledge& k = kubespray();
  auto names = [&](const char* tag) {
    std::string out;
    for (const auto& g : k.runtime_groups(V(tag))) {
      out += g.group + "<";
      for (const auto& f : g.from) out += f + (&f == &g.from.back() ? "" : ",");
      out += "> ";
      CHECK_MESSAGE(!g.tags.source.empty(), g.group);
    }
    return out;
  };
  CHECK(names("v2.15.1").empty());  // legacy_groups.yml came with v2.16.0
  CHECK(names("v2.16.0") ==
        "kube_control_plane<kube-master> kube_node<kube-node> calico_rr<calico-rr> "
        "no_floating<no-floating> k8s_cluster<k8s-cluster> ");
  CHECK(names("v2.26.1") == names("v2.16.0"));
  // v2.27.0: k8s_cluster is the union of the node groups, no longer the
  // legacy k8s-cluster.
  CHECK(names("v2.27.0") ==
        "kube_control_plane<kube-master> kube_node<kube-node> calico_rr<calico-rr> "
        "no_floating<no-floating> k8s_cluster<kube_node,kube_control_plane,calico_rr> "
        "_all<all> ");
  // v2.29.0's dynamic_groups role no longer puts every host in `_all`.
  CHECK(names("v2.29.0") ==
        "kube_control_plane<kube-master> kube_node<kube-node> calico_rr<calico-rr> "
        "no_floating<no-floating> k8s_cluster<kube_node,kube_control_plane,calico_rr> ");
  CHECK(names("v2.31.0") == names("v2.29.0"));
}

TEST_CASE("knowledge: in memory, and tag ranges as written") {
  auto k = KubesprayKnowledge::parse(variant("", ""), "mem.yml", schema());
  REQUIRE_MESSAGE(k, k.error().str());
  CHECK(k->control_plane_group(V("v2.15.0")) == "kube-master");
  CHECK(k->hosts_files().size() == 1);
  CHECK(k->runtime_groups(V("v2.26.0")).empty());
  REQUIRE(k->runtime_groups(V("v2.27.0")).size() == 1);
  CHECK(k->runtime_groups(V("v2.27.0"))[0].from.size() == 2);
  auto two = KubesprayKnowledge::parse(variant("kubernetes_minors: 1", "kubernetes_minors: 2"),
                                       "mem.yml", schema());
  REQUIRE(two);
  CHECK(two->kubernetes_minor_step() == 2);
}

TEST_CASE("knowledge: a malformed file is refused at file:line:col") {
  // An unknown key, at the key.
  auto k = KubesprayKnowledge::parse(variant("  file: requirements.txt", "  fil: requirements.txt"),
                                     "schemas/kubespray.yml", schema());
  REQUIRE(!k);
  CHECK(k.error().str().rfind("schemas/kubespray.yml:12:3: ", 0) == 0);
  CHECK(k.error().message.find("unknown key 'fil'") != std::string::npos);

  // A tag that is no tag (the schema's pattern).
  k = KubesprayKnowledge::parse(variant("since: v2.16.0", "since: 2.16"), "k.yml", schema());
  REQUIRE(!k);
  CHECK(k.error().where.line == 2);

  // before not after since: at `before`.
  k = KubesprayKnowledge::parse(
      variant("since: v2.18.0, before: v2.23.0", "since: v2.18.0, before: v2.17.0"), "k.yml",
      schema());
  REQUIRE(!k);
  CHECK(k.error().where.line == 13);
  CHECK(k.error().message.find("is not after since") != std::string::npos);

  // Overlapping names, and a second current name.
  k = KubesprayKnowledge::parse(variant("before: v2.16.0", "before: v2.17.0"), "k.yml", schema());
  REQUIRE(!k);
  CHECK(k.error().where.line == 3);
  CHECK(k.error().message.find("overlap") != std::string::npos);
  k = KubesprayKnowledge::parse(
      variant("{name: kube-master, before: v2.16.0, source: s}", "{name: kube-master, source: s}"),
      "k.yml", schema());
  REQUIRE(!k);
  CHECK(k.error().message.find("only the first entry") != std::string::npos);

  // A step of zero minors, and YAML that does not parse.
  k = KubesprayKnowledge::parse(variant("kubernetes_minors: 1", "kubernetes_minors: 0"), "k.yml",
                                schema());
  REQUIRE(!k);
  CHECK(k.error().where.line == 18);
  k = KubesprayKnowledge::parse("control_plane_group: [unclosed\n", "k.yml", schema());
  REQUIRE(!k);
  CHECK(k.error().where.line >= 1);
}
