// Our own checks beside Kubespray's assertions (src/preflight/checks.cc):
// a small tree and inventory on disk, schemas built in the test, versions/
// facts as a Value.
#include "preflight/checks.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "core/json.h"
#include "inventory/loader.h"
#include "test_support.h"

namespace fs = std::filesystem;
using ksm::Value;
using ksm::report::Severity;
using ksm::report::Status;

namespace {

using ksm::test::TempDir;

ksm::Version v(const char* s) { return *ksm::Version::parse(s); }

struct Fixture {
  TempDir ks, inv;
  std::unique_ptr<ksm::DirSource> src;
  std::optional<ksm::KubesprayTree> tree;
  std::optional<ksm::inventory::Inventory> inventory;
  std::unique_ptr<ksm::vars::Resolver> to, from;
  ksm::schema::Schemas schemas;

  explicit Fixture(const std::string& kube_version, const std::string& extra_vars = "") {
    ks.write("roles/kubespray-defaults/defaults/main.yml",
             "---\nkube_version: v1.24.6\nkube_network_plugin: calico\nstill_read: 1\n");
    ks.write("inventory/sample/inventory.ini", "[kube_control_plane]\n");
    inv.write("hosts.ini",
              "node1\nnode2\n[kube_control_plane]\nnode1\n[kube_node]\nnode2\n"
              "[k8s_cluster:children]\nkube_control_plane\nkube_node\n");
    inv.write("group_vars/all/all.yml",
              "---\nold_name: 5\ngone_var: true\nstill_read: 2\nkube_version: " + kube_version +
                  "\n" + extra_vars);
    inv.write("group_vars/k8s-cluster/k8s-cluster.yml", "---\nkube_proxy_mode: ipvs\n");
    inv.write("host_vars/node9.yml", "---\nip: 10.0.0.9\n");
    src = std::make_unique<ksm::DirSource>(ks.path);
    auto t = ksm::KubesprayTree::load(*src);
    REQUIRE(t.ok());
    tree.emplace(std::move(*t));
    auto i = ksm::inventory::load_inventory({(inv.path / "hosts.ini").string()});
    REQUIRE(i.ok());
    inventory.emplace(std::move(*i));
    auto r = ksm::vars::Resolver::create(*tree, &*inventory, {});
    REQUIRE(r.ok());
    to = std::move(*r);
    auto f = ksm::vars::Resolver::create(*tree, &*inventory, {});
    REQUIRE(f.ok());
    from = std::move(*f);

    ksm::schema::VariableRename rn;
    rn.release = v("v2.20.0");
    rn.from = "old_name";
    rn.to = "new_name";
    rn.effect = ksm::schema::Effect::Ignored;
    schemas.variable_renames.push_back(rn);
    ksm::schema::Removal rm;
    rm.release = v("v2.21.0");
    rm.variable = "gone_var";
    rm.effect = ksm::schema::Effect::Error;
    schemas.removals.push_back(rm);
    ksm::schema::Removal later;  // after the target: not reported
    later.release = v("v2.30.0");
    later.variable = "kube_proxy_mode";
    schemas.removals.push_back(later);
    ksm::schema::Removal reread;  // removed once, read again at the target: not reported
    reread.release = v("v2.19.0");
    reread.variable = "still_read";
    schemas.removals.push_back(reread);
    ksm::schema::GroupRename gr;
    gr.release = v("v2.16.0");
    gr.from = "k8s-cluster";
    gr.to = "k8s_cluster";
    schemas.group_renames.push_back(gr);
    ksm::schema::Advisory calico;
    calico.id = "calico-thing";
    calico.releases = {*ksm::schema::ReleasePattern::parse("v2.21.0")};
    calico.condition = "kube_network_plugin == 'calico'";
    calico.severity = ksm::schema::Severity::Warning;
    calico.message = "calico clusters: check X";
    schemas.advisories.push_back(calico);
    ksm::schema::Advisory cilium = calico;
    cilium.id = "cilium-thing";
    cilium.condition = "kube_network_plugin == 'cilium'";
    schemas.advisories.push_back(cilium);
  }

  std::vector<ksm::report::Finding> run(bool with_from) {
    ksm::preflight::CheckInputs in;
    in.inventory = &*inventory;
    in.schemas = &schemas;
    in.to = v("v2.21.0");
    if (with_from) {
      in.from = v("v2.20.0");
      in.from_values = from.get();
    }
    in.to_values = to.get();
    auto facts = ksm::parse_json(
        R"({"tag": "v2.21.0", "kube_version": "v1.24.6", "kube_versions": ["v1.22.0", "v1.23.5", "v1.24.6"]})",
        "facts");
    REQUIRE(facts.ok());
    auto tag = ksm::catalog::TagFacts::from_value(*facts);
    REQUIRE(tag.ok());
    in.to_facts = &*tag;
    return ksm::preflight::own_checks(in);
  }
};

const ksm::report::Finding* find(const std::vector<ksm::report::Finding>& fs,
                                 const std::string& id) {
  for (const auto& f : fs)
    if (f.id == id) return &f;
  return nullptr;
}

}  // namespace

TEST_CASE("preflight checks: variables the target no longer reads, vars entries for no group") {
  Fixture fx("v1.24.6");
  auto fs = fx.run(false);
  const auto* rn = find(fs, "ksm/variable-not-read/old_name");
  REQUIRE(rn);
  CHECK(rn->severity == Severity::Warning);
  CHECK(rn->status == Status::Fail);
  CHECK(rn->message.find("renamed to new_name since v2.20.0") != std::string::npos);
  REQUIRE(rn->variables.size() == 1);
  CHECK(rn->variables[0].operator_file);
  CHECK(fs::path(rn->variables[0].where.file).filename() == "all.yml");
  CHECK(rn->variables[0].where.line == 2);
  const auto* gone = find(fs, "ksm/variable-not-read/gone_var");
  REQUIRE(gone);
  CHECK(gone->severity == Severity::Error);
  CHECK_FALSE(find(fs, "ksm/variable-not-read/kube_proxy_mode"));  // removed after the target
  CHECK_FALSE(find(fs, "ksm/variable-not-read/still_read"));       // the target reads it

  const auto* k8s = find(fs, "ksm/unused-vars-entry/group_vars/k8s-cluster");
  REQUIRE(k8s);
  CHECK(k8s->severity == Severity::Error);  // a renamed group: its values silently dropped
  CHECK(k8s->fix.find("group_vars/k8s_cluster") != std::string::npos);
  const auto* h = find(fs, "ksm/unused-vars-entry/host_vars/node9");
  REQUIRE(h);
  CHECK(h->severity == Severity::Warning);

  // No from: advisories of the target tag; only the one whose condition holds.
  const auto* adv = find(fs, "ksm/advisory/calico-thing");
  REQUIRE(adv);
  CHECK(adv->severity == Severity::Warning);
  CHECK(adv->message == "calico clusters: check X");
  CHECK_FALSE(find(fs, "ksm/advisory/cilium-thing"));
  CHECK_FALSE(find(fs, "ksm/kube-version-not-installable"));
}

TEST_CASE("preflight checks: kube_version not installable, or skipping a minor") {
  Fixture bad("v1.25.0");
  auto fs = bad.run(false);
  const auto* k = find(fs, "ksm/kube-version-not-installable");
  REQUIRE(k);
  CHECK(k->severity == Severity::Error);
  CHECK(k->message.find("v1.22.0 to v1.24.6") != std::string::npos);
  REQUIRE(k->variables.size() == 1);
  CHECK(k->variables[0].operator_file);

  // From a cluster on v1.22 (the --from values) to v1.24: skips v1.23.
  Fixture skip("v1.24.6");
  skip.inv.write("group_vars/all/all.yml", "---\nkube_version: v1.22.0\n");
  auto i = ksm::inventory::load_inventory({(skip.inv.path / "hosts.ini").string()});
  REQUIRE(i.ok());
  ksm::inventory::Inventory old_inv = std::move(*i);
  auto f = ksm::vars::Resolver::create(*skip.tree, &old_inv, {});
  REQUIRE(f.ok());
  skip.from = std::move(*f);
  auto fs2 = skip.run(true);
  const auto* m = find(fs2, "ksm/kube-version-skips-minor");
  REQUIRE(m);
  CHECK(m->title.find("v1.22 -> v1.24") != std::string::npos);
  CHECK(m->fix.find("v1.23") != std::string::npos);
  // With from: the hop's advisories (v2.20.0 -> v2.21.0 crosses v2.21.0).
  CHECK(find(fs2, "ksm/advisory/calico-thing"));
  skip.from.reset();  // before old_inv goes
}

TEST_CASE("preflight checks: a MetalLB pool key Kubespray would render as an invalid object name") {
  // An inventory already on metallb_config (v2.22+) with a pool `lab_pool`:
  // Kubespray renders `metadata.name: "lab_pool"`, which the API server refuses.
  const std::string metallb =
      "metallb_enabled: true\n"
      "metallb_config:\n"
      "  address_pools:\n"
      "    primary: {ip_range: [10.0.0.1-10.0.0.9], auto_assign: true}\n"
      "    lab_pool: {ip_range: [10.0.1.1-10.0.1.9], auto_assign: false}\n"
      "  layer2: [primary, lab_pool]\n";
  ksm::schema::Restructure r;
  r.id = "metallb-config";
  r.release = v("v2.21.0");
  r.to = {"metallb_config"};
  r.object_names = {"metallb_config.address_pools.{}", "metallb_config.layer2[]"};
  r.object_names_when = "metallb_enabled | default(false)";
  {
    Fixture fx("v1.24.6", metallb);
    fx.schemas.restructures.push_back(r);
    auto fs = fx.run(false);
    const auto* f = find(fs, "ksm/object-name/metallb-config/lab_pool");
    REQUIRE(f);
    CHECK(f->severity == Severity::Error);
    CHECK(f->status == Status::Fail);
    CHECK(f->fix.find("rename it to 'lab-pool'") == 0);
    REQUIRE(f->variables.size() == 1);
    CHECK(f->variables[0].name == "metallb_config");
    CHECK(fs::path(f->variables[0].where.file).filename() == "all.yml");
    CHECK_FALSE(find(fs, "ksm/object-name/metallb-config/primary"));
    // Before the release that renders the objects: nothing to say.
    fx.schemas.restructures.back().release = v("v2.22.0");
    CHECK_FALSE(find(fx.run(false), "ksm/object-name/metallb-config/lab_pool"));
  }
  {
    // MetalLB disabled: Kubespray renders none of them.
    Fixture fx("v1.24.6",
               "metallb_enabled: false\n" + metallb.substr(metallb.find("metallb_config")));
    fx.schemas.restructures.push_back(r);
    CHECK_FALSE(find(fx.run(false), "ksm/object-name/metallb-config/lab_pool"));
  }
}
