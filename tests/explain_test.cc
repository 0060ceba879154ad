// Tests of src/schema/explain: the variable-level changelog between tags
// for the changes the seeds name, and the JSON shape.
#include <doctest/doctest.h>

#include "core/paths.h"
#include "schema/explain.h"

using namespace ksm;
using namespace ksm::schema;

namespace {

struct Fixture {
  ReleaseFacts facts;
  Schemas schemas;
};

Fixture* fixture() {
  static std::unique_ptr<Fixture> f = [] {
    auto facts = ReleaseFacts::from_versions(versions_dir());
    auto schemas = load_default_schemas();
    if (!facts || !schemas) return std::unique_ptr<Fixture>();
    return std::make_unique<Fixture>(Fixture{std::move(*facts), std::move(*schemas)});
  }();
  return f.get();
}

#define REQUIRE_VERSIONS()                                         \
  Fixture* fx = fixture();                                         \
  if (!fx) {                                                       \
    MESSAGE("skipped: versions/ or schemas/ could not be loaded"); \
    return;                                                        \
  }

const Change* find(const Explanation& e, const std::string& kind, const std::string& variable) {
  for (const auto& c : e.changes)
    if (c.kind == kind && c.variable == variable) return &c;
  return nullptr;
}

}  // namespace

TEST_CASE("explain: v2.17.1 -> v2.18.0 container_manager docker -> containerd") {
  REQUIRE_VERSIONS();
  auto e = explain(fx->facts, fx->schemas, "v2.17.1", "v2.18.0");
  REQUIRE(e);
  const Change* c = find(*e, "default_changed", "container_manager");
  REQUIRE(c);
  CHECK(c->old_value == Value("docker"));
  CHECK(c->new_value == Value("containerd"));
  CHECK(c->sticky);
  CHECK(c->note.find("pins 'docker'") != std::string::npos);
  const Change* etcd = find(*e, "default_changed", "etcd_deployment_type");
  REQUIRE(etcd);
  CHECK(etcd->old_value == Value("docker"));
  CHECK(etcd->new_value == Value("host"));
  const Change* r = find(*e, "renamed", "first_kube_master");
  REQUIRE(r);
  CHECK(r->new_value == Value("first_kube_control_plane"));
}

TEST_CASE("explain: v2.18.2 -> v2.19.0 calico encapsulation") {
  REQUIRE_VERSIONS();
  auto e = explain(fx->facts, fx->schemas, "v2.18.2", "v2.19.0");
  REQUIRE(e);
  const Change* vx = find(*e, "default_changed", "calico_vxlan_mode");
  REQUIRE(vx);
  CHECK(vx->old_value == Value("Never"));
  CHECK(vx->new_value == Value("Always"));
  const Change* nb = find(*e, "default_changed", "calico_network_backend");
  REQUIRE(nb);
  CHECK(nb->old_value == Value("bird"));  // implicit before v2.19.0 (schemas/sticky.yml)
  CHECK(nb->new_value == Value("vxlan"));
  CHECK(nb->sticky);
  const Change* ip = find(*e, "default_changed", "calico_ipip_mode");
  REQUIRE(ip);
  CHECK(ip->new_value == Value("Never"));
  CHECK(ip->sticky);
  // the legacy variables feeding calico_ipip_mode
  const Change* ipip = find(*e, "restructured", "ipip");
  REQUIRE(ipip);
  CHECK(ipip->new_value == Value("calico_ipip_mode"));
  const Change* ipip_mode = find(*e, "renamed", "ipip_mode");
  REQUIRE(ipip_mode);
  CHECK(ipip_mode->note.find("stops with an error") != std::string::npos);
  // the sample lines that document the new defaults
  const Change* s = find(*e, "sample_changed", "calico_vxlan_mode");
  REQUIRE(s);
  CHECK(s->old_value == Value("# calico_vxlan_mode: \"Never\""));
}

TEST_CASE("explain: v2.19.1 -> v2.20.0 calico_pool_blocksize") {
  REQUIRE_VERSIONS();
  auto e = explain(fx->facts, fx->schemas, "v2.19.1", "v2.20.0");
  REQUIRE(e);
  const Change* c = find(*e, "default_changed", "calico_pool_blocksize");
  REQUIRE(c);
  CHECK(c->old_value == Value(24));  // kube_network_node_prefix, the implicit default
  CHECK(c->new_value == Value(26));
  CHECK(c->sticky);
  CHECK(c->note.find("pins 24") != std::string::npos);
  CHECK(find(*e, "renamed", "matallb_auto_assign"));
}

TEST_CASE("explain: v2.21.0 -> v2.22.0 MetalLB restructure") {
  REQUIRE_VERSIONS();
  auto e = explain(fx->facts, fx->schemas, "v2.21.0", "v2.22.0");
  REQUIRE(e);
  for (const char* v :
       {"metallb_ip_range", "metallb_protocol", "metallb_peers", "metallb_auto_assign",
        "metallb_avoid_buggy_ips", "metallb_additional_address_pools", "metallb_pool_name"}) {
    const Change* c = find(*e, "restructured", v);
    REQUIRE_MESSAGE(c, v);
    CHECK(c->new_value == Value("metallb_config"));
    CHECK(c->note.find("[metallb-config]") != std::string::npos);
  }
  const Change* pr = find(*e, "restructured", "metallb_protocol");
  CHECK(pr->note.find("metallb_config.layer2[]") != std::string::npos);
  bool layer3 = false;
  for (const auto& c : e->changes)
    if (c.kind == "advisory" && c.note.find("metallb-v2.22.0-layer3-forced") != std::string::npos)
      layer3 = true;
  CHECK(layer3);
  CHECK(find(*e, "added", "metallb_config") ==
        nullptr);  // metallb_config has no default: sample only
  const Change* sample = find(*e, "sample_changed", "metallb_config");
  CHECK(sample);
}

TEST_CASE("explain: v2.15.1 -> v2.16.0 groups and folders") {
  REQUIRE_VERSIONS();
  auto e = explain(fx->facts, fx->schemas, "v2.15.1", "v2.16.0");
  REQUIRE(e);
  CHECK(e->count("group_renamed") == 4);
  bool folder = false;
  for (const auto& c : e->changes)
    if (c.kind == "group_renamed" && c.old_value == Value("kube-master"))
      CHECK(c.new_value == Value("kube_control_plane"));
  for (const auto& c : e->changes)
    if (c.kind == "file_moved" && c.old_value == Value("group_vars/k8s-cluster"))
      folder = c.new_value == Value("group_vars/k8s_cluster");
  CHECK(folder);
  // sample lines that only moved with the folder are not listed as changes
  // (lines that really moved to another file, like containerd settings to all/containerd.yml, are)
  size_t really_moved = 0;
  for (const auto& c : e->changes) {
    if (c.kind != "sample_changed" || c.note.rfind("moved from group_vars/k8s-cluster/", 0) != 0)
      continue;
    std::string old_file = c.note.substr(std::string("moved from ").size());
    CHECK(c.file != "group_vars/k8s_cluster/" +
                        old_file.substr(std::string("group_vars/k8s-cluster/").size()));
    ++really_moved;
  }
  CHECK(really_moved >= 1);
  CHECK(find(*e, "restructured", "containerd_config"));
}

TEST_CASE("explain: v2.26.0 -> v2.27.0 inventory layout") {
  REQUIRE_VERSIONS();
  auto e = explain(fx->facts, fx->schemas, "v2.26.0", "v2.27.0");
  REQUIRE(e);
  REQUIRE(e->count("layout_changed") == 1);
  for (const auto& c : e->changes)
    if (c.kind == "layout_changed") {
      CHECK(c.file == "inventory.ini");
      CHECK(c.old_value == Value("builder-hosts-yaml"));
      CHECK(c.new_value == Value("inventory-ini"));
      CHECK(c.note.find("No [all] block") != std::string::npos);
      CHECK(c.note.find("k8s_cluster is built at run time") != std::string::npos);
    }
  CHECK(find(*e, "restructured", "kube_master_cpu_reserved"));
  // the dropped patches/ files are explained by rules, not listed as unexplained removals
  CHECK(e->count("file_moved") == 2);
  CHECK(e->count("sample_file_removed") == 0);
  auto e1 = explain(fx->facts, fx->schemas, "v2.27.0", "v2.27.1");
  REQUIRE(e1);
  bool added = false;
  for (const auto& c : e1->changes)
    if (c.kind == "sample_file_added" && c.file == "group_vars/k8s_cluster/kube_control_plane.yml")
      added = true;
  CHECK(added);
}

TEST_CASE("explain: JSON shape, unknown tags, inventory filter") {
  REQUIRE_VERSIONS();
  auto e = explain(fx->facts, fx->schemas, "v2.19.1", "v2.20.0");
  REQUIRE(e);
  Value j = explain_json(*e);
  CHECK(*j.get("from") == Value("v2.19.1"));
  CHECK(*j.get("to") == Value("v2.20.0"));
  REQUIRE(!j.get("changes")->as_list().empty());
  for (const auto& c : j.get("changes")->as_list())
    for (const char* k : {"kind", "variable", "file", "old", "new", "sticky", "note", "source"})
      CHECK_MESSAGE(c.get(k) != nullptr, k);
  CHECK(explain_markdown(*e).find("## Defaults changed") != std::string::npos);

  auto bad = explain(fx->facts, fx->schemas, "v2.19.7", "v2.20.0");
  REQUIRE(!bad);
  CHECK(bad.error().message.find("unknown tag 'v2.19.7'") != std::string::npos);

  // an inventory that sets calico_pool_blocksize itself: no pin; one that
  // sets the misspelt matallb_auto_assign: that rename, and nothing else of
  // the full changelog (no added variables, no sample lines)
  InventoryFacts inv;
  inv.path = "inventory/lab";
  inv.variables["matallb_auto_assign"] =
      Location{"inventory/lab/group_vars/k8s_cluster/addons.yml", 12, 1};
  auto f = explain(fx->facts, fx->schemas, "v2.19.1", "v2.20.0", &inv);
  REQUIRE(f);
  const Change* r = find(*f, "renamed", "matallb_auto_assign");
  REQUIRE(r);
  CHECK(r->file == "inventory/lab/group_vars/k8s_cluster/addons.yml:12:1");
  CHECK(find(*f, "default_changed", "calico_pool_blocksize"));  // relies on the default: pinned
  CHECK(f->count("added") == 0);
  CHECK(f->count("sample_changed") == 0);
  CHECK(f->count("removed") == 0);
  inv.variables["calico_pool_blocksize"] =
      Location{"inventory/lab/group_vars/k8s_cluster/k8s-net-calico.yml", 3, 1};
  f = explain(fx->facts, fx->schemas, "v2.19.1", "v2.20.0", &inv);
  REQUIRE(f);
  CHECK(!find(*f, "default_changed", "calico_pool_blocksize"));
}

TEST_CASE("explain: JSON old/new are before/after; an advisory's severity has its own field") {
  REQUIRE_VERSIONS();
  auto e = explain(fx->facts, fx->schemas, "v2.18.2", "v2.19.1");
  REQUIRE(e);
  Value j = explain_json(*e);
  size_t advisories = 0;
  for (const auto& c : j.get("changes")->as_list()) {
    if (c.get("kind")->as_string() != "advisory") {
      CHECK(c.get("severity")->is_null());
      continue;
    }
    ++advisories;
    CHECK(c.get("old")->is_null());
    CHECK(c.get("new")->is_null());
    CHECK(c.get("severity")->is_string());
  }
  CHECK(advisories > 0);
  CHECK(explain_markdown(*e).find("\xe2\x86\x92") == std::string::npos);  // ASCII only
}
