// Tests of src/schema: the curated schemas/ load and validate, hop queries
// return the rules of the releases crossed, structural errors carry
// file:line:col, operator folders override ours, and (with versions/) every
// disappearing default is classified and every sticky default change is
// pinnable.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/paths.h"
#include "schema/schema.h"
#include "test_support.h"

using namespace ksm;
using namespace ksm::schema;
namespace fs = std::filesystem;

namespace {

Version V(const char* s) { return *Version::parse_release(s); }

const Schemas& ours() {
  static Schemas s = [] {
    auto r = load_default_schemas();
    if (!r) FAIL("loading schemas/: " << r.error().str());
    return *r;
  }();
  return s;
}

fs::path temp_dir(const std::string& name) {
  fs::path d =
      fs::temp_directory_path() / ("ksm_schema_test_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

void write(const fs::path& p, const std::string& text) {
  std::ofstream(p) << text;
}

}  // namespace

TEST_CASE("schema: our schemas/ load and pass schema.json") {
  const Schemas& s = ours();
  CHECK(s.files.size() >= 20);
  CHECK(s.group_renames.size() == 4);
  CHECK(s.removals.size() > 400);
  CHECK(s.sticky.size() >= 30);
  for (const auto& f : s.files) {
    auto errors = check_schema_file(f, schemas_dir() / "schema.json", true);
    for (const auto& e : errors) FAIL_CHECK(e.str());
  }
  // every rule says why and where from
  for (const auto& r : s.removals) {
    CHECK_MESSAGE(!r.reason.empty(), r.variable);
    CHECK_MESSAGE(!r.source.empty(), r.variable);
  }
}

TEST_CASE("schema: v2.16 group renames and folder move") {
  HopRules h = ours().for_hop(V("v2.15.1"), V("v2.16.0"));
  std::map<std::string, std::string> renames;
  for (auto* g : h.group_renames) renames[g->from] = g->to;
  CHECK(renames == std::map<std::string, std::string>{{"kube-master", "kube_control_plane"},
                                                      {"kube-node", "kube_node"},
                                                      {"k8s-cluster", "k8s_cluster"},
                                                      {"calico-rr", "calico_rr"}});
  bool folder = false;
  for (auto* m : h.file_moves)
    if (m->from == "group_vars/k8s-cluster" && m->to == "group_vars/k8s_cluster" && m->dir)
      folder = true;
  CHECK(folder);
  CHECK(!h.restructures.empty());  // containerd_config flattened
  // none of it belongs to the next hop
  HopRules next = ours().for_hop(V("v2.16.0"), V("v2.17.0"));
  CHECK(next.group_renames.empty());
  // a multi-minor hop collects every release crossed
  HopRules wide = ours().for_hop(V("v2.15.1"), V("v2.27.0"));
  CHECK(wide.group_renames.size() == 4);
  CHECK(wide.layout_changes.size() == 1);
}

TEST_CASE("schema: v2.22 MetalLB restructure maps every flat variable") {
  HopRules h = ours().for_hop(V("v2.21.0"), V("v2.22.0"));
  const Restructure* mlb = nullptr;
  for (auto* r : h.restructures)
    if (r->id == "metallb-config") mlb = r;
  REQUIRE(mlb);
  CHECK(mlb->to == std::vector<std::string>{"metallb_config"});
  std::set<std::string> mapped;
  for (const auto& m : mlb->mapping) mapped.insert(m.from.substr(0, m.from.find_first_of(".[")));
  for (const auto& f : mlb->from) CHECK_MESSAGE(mapped.count(f), f);
  bool layer2 = false, peers = false;
  for (const auto& m : mlb->mapping) {
    if (m.to == "metallb_config.layer2[]") layer2 = true;
    if (m.to.rfind("metallb_config.layer3.metallb_peers", 0) == 0) peers = true;
  }
  CHECK(layer2);
  CHECK(peers);
  // the flat defaults vanish one patch later (v2.22.1): still classified
  auto c = ours().classify("metallb_protocol", V("v2.22.1"));
  REQUIRE(c);
  CHECK(c->kind == Classification::Kind::Restructured);
  CHECK(c->restructure->id == "metallb-config");
}

TEST_CASE("schema: v2.27 inventory layout change") {
  HopRules h = ours().for_hop(V("v2.26.0"), V("v2.27.0"));
  REQUIRE(h.layout_changes.size() == 1);
  CHECK(h.layout_changes[0]->from_layout == "builder-hosts-yaml");
  CHECK(h.layout_changes[0]->to_layout == "inventory-ini");
  CHECK(h.layout_changes[0]->hosts_file == "inventory.ini");
}

TEST_CASE("schema: sticky variables and implicit defaults") {
  const Schemas& s = ours();
  for (const char* v :
       {"container_manager", "etcd_deployment_type", "calico_ipip_mode", "calico_vxlan_mode",
        "calico_network_backend", "calico_pool_blocksize", "calico_pool_cidr",
        "kube_service_addresses", "kube_pods_subnet", "kube_network_node_prefix", "cluster_name",
        "dns_domain", "dns_mode", "kube_proxy_mode", "kube_network_plugin"})
    CHECK_MESSAGE(s.is_sticky(v), v);
  CHECK(!s.is_sticky("metallb_enabled"));
  const Sticky* bs = s.sticky_rule("calico_pool_blocksize");
  REQUIRE(bs);
  REQUIRE(bs->implicit_at(V("v2.19.1")));
  CHECK(bs->implicit_at(V("v2.19.1"))->value == Value("{{ kube_network_node_prefix }}"));
  CHECK(bs->implicit_at(V("v2.20.0")) == nullptr);
  const Sticky* nb = s.sticky_rule("calico_network_backend");
  REQUIRE(nb);
  CHECK(nb->implicit_at(V("v2.18.2"))->value == Value("bird"));
}

TEST_CASE("schema: seed 004 advisories with conditions") {
  const Schemas& s = ours();
  auto find = [&](const char* id) -> const Advisory* {
    for (const auto& a : s.advisories)
      if (a.id == id) return &a;
    return nullptr;
  };
  const Advisory* ipset = find("calico-ipset-after-reboot");
  REQUIRE(ipset);
  CHECK(ipset->avoid);
  CHECK(ipset->applies_to_hop(V("v2.24.1"), V("v2.24.2")));
  CHECK(!ipset->applies_to_hop(V("v2.24.1"), V("v2.24.3")));
  CHECK(ipset->condition.find("calico") != std::string::npos);
  const Advisory* kv = find("kube-vip-services-with-metallb");
  REQUIRE(kv);
  CHECK(kv->condition.find("metallb_enabled") != std::string::npos);
  CHECK(kv->condition.find("kube_vip_services_enabled") != std::string::npos);
  CHECK(kv->applies_to_hop(V("v2.24.3"), V("v2.25.0")));
  CHECK(kv->applies_to_hop(V("v2.26.1"), V("v2.27.0")));  // >=v2.25.0
  CHECK(!kv->applies_to_hop(V("v2.23.3"), V("v2.24.3")));
  const Advisory* vip = find("v2.27.0-vip-kubelet-conf");
  REQUIRE(vip);
  CHECK(vip->severity == Severity::Error);
  const Advisory* ans = find("ansible-unsafe-conditional-v2.23");
  REQUIRE(ans);
  CHECK(ans->matches_tag(V("v2.23.0")));
  CHECK(!ans->matches_tag(V("v2.23.2")));
  const Advisory* l3 = find("metallb-v2.22.0-layer3-forced");
  REQUIRE(l3);
  CHECK(l3->condition == "metallb_enabled | default(false)");
  // crossing scope: fires once, on the hop that crosses v2.22.0
  const Advisory* mig = find("metallb-crd-migration");
  REQUIRE(mig);
  CHECK(mig->applies_to_hop(V("v2.21.0"), V("v2.22.2")));
  CHECK(!mig->applies_to_hop(V("v2.22.2"), V("v2.23.3")));
  CHECK(s.avoided(V("v2.24.2")).size() == 1);
  CHECK(s.avoided(V("v2.24.3")).empty());
}

TEST_CASE("schema: classification of disappearing variables") {
  const Schemas& s = ours();
  auto c = s.classify("first_kube_master", V("v2.18.0"));
  REQUIRE(c);
  CHECK(c->kind == Classification::Kind::Renamed);
  CHECK(c->rename->to == "first_kube_control_plane");
  auto ipip = s.classify("ipip", V("v2.19.0"));
  REQUIRE(ipip);
  CHECK(ipip->kind == Classification::Kind::Restructured);
  auto contiv = s.classify("contiv_fabric_mode", V("v2.15.0"));
  REQUIRE(contiv);
  CHECK(contiv->kind == Classification::Kind::Removed);
  CHECK(!s.classify("contiv_fabric_mode", V("v2.14.2")));  // not yet gone
  CHECK(!s.classify("kube_version", V("v2.31.0")));
}

TEST_CASE("schema: release patterns") {
  auto p = ReleasePattern::parse("v2.23.*");
  REQUIRE(p);
  CHECK(p->matches(V("v2.23.3")));
  CHECK(!p->matches(V("v2.24.0")));
  auto q = ReleasePattern::parse(">=v2.25.0");
  REQUIRE(q);
  CHECK(q->matches(V("v2.31.0")));
  CHECK(!q->matches(V("v2.24.3")));
  CHECK(!ReleasePattern::parse("2.23.0"));
  CHECK(!ReleasePattern::parse("v2.23"));
}

TEST_CASE("schema: a file with errors gives file:line:col") {
  fs::path d = temp_dir("errors");
  write(d / "v2.40.0.yml",
        "release: v2.40.0\n"
        "group_renames:\n"
        "  - from: kube-master\n"
        "    to: kube_control_plane\n"
        "    reasn: typo\n"
        "    source: here\n"
        "removals:\n"
        "  - variables: [ok_name, 'bad name']\n"
        "    effect: vanished\n"
        "    reason: r\n"
        "    source: s\n");
  auto errors = check_schema_file(d / "v2.40.0.yml", schemas_dir() / "schema.json", true);
  REQUIRE(errors.size() == 4);
  // unknown key: at the key
  CHECK(errors[0].where.line == 5);
  CHECK(errors[0].where.column == 5);
  CHECK(errors[0].message.find("unknown key 'reasn'") != std::string::npos);
  // missing reason: at the rule's map
  CHECK(errors[1].where.line == 3);
  CHECK(errors[1].where.column == 5);
  CHECK(errors[1].message.find("missing required key 'reason'") != std::string::npos);
  // bad variable name: at the item
  CHECK(errors[2].where.line == 8);
  CHECK(errors[2].where.column == 26);
  CHECK(errors[3].where.line == 9);
  CHECK(errors[3].message.find("must be one of") != std::string::npos);
  CHECK(errors[0].str().rfind((d / "v2.40.0.yml").string() + ":5:5: ", 0) == 0);

  // load_schemas stops on the first problem, with its location
  auto r = load_schemas({d}, schemas_dir() / "schema.json");
  REQUIRE(!r);
  CHECK(r.error().where.line == 5);
  CHECK(r.error().message.find("and 3 more problems") != std::string::npos);

  // YAML syntax errors too
  write(d / "v2.40.0.yml", "release: v2.40.0\nsummary: [unclosed\n");
  errors = check_schema_file(d / "v2.40.0.yml", schemas_dir() / "schema.json", true);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].where.line >= 2);
  fs::remove_all(d);
}

TEST_CASE("schema: rules JSON Schema cannot express") {
  fs::path d = temp_dir("rules");
  write(d / "v2.40.0.yml",
        "release: v2.41.0\n"
        "advisories:\n"
        "  - id: x\n"
        "    releases: [v2.39.0]\n"
        "    scope: crossing\n"
        "    condition: 'true'\n"
        "    severity: info\n"
        "    message: m\n"
        "    source: s\n");
  auto errors = check_schema_file(d / "v2.40.0.yml", schemas_dir() / "schema.json", true);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].message.find("does not match the file name") != std::string::npos);
  CHECK(errors[0].where.line == 1);
  CHECK(errors[1].message.find("scope: crossing needs releases: [v2.41.0]") != std::string::npos);
  CHECK(errors[1].where.line == 4);
  // operator files need not be named after their release
  errors = check_schema_file(d / "v2.40.0.yml", schemas_dir() / "schema.json", false);
  CHECK(errors.size() == 1);
  fs::remove_all(d);
}

TEST_CASE("schema: operator rule folders are merged after ours") {
  fs::path d = temp_dir("operator");
  write(d / "site.yml",
        "release: v2.25.0\n"
        "advisories:\n"
        "  - id: kube-vip-services-with-metallb\n"
        "    releases: ['>=v2.25.0']\n"
        "    condition: 'false'\n"
        "    severity: info\n"
        "    message: we run kube-vip services on a separate VLAN\n"
        "    source: site runbook\n"
        "  - id: site-freeze\n"
        "    releases: [v2.26.0]\n"
        "    condition: 'true'\n"
        "    severity: error\n"
        "    message: change freeze\n"
        "    source: site runbook\n");
  write(d / "sticky.yml",
        "sticky:\n"
        "  - variable: container_manager\n"
        "    reason: site reason\n"
        "    source: site runbook\n"
        "  - variable: kube_proxy_nodeport_addresses\n"
        "    reason: firewall rules depend on it\n"
        "    source: site runbook\n");
  auto r = load_default_schemas({d});
  REQUIRE_MESSAGE(r, (r ? "" : r.error().str()));
  CHECK(r->sticky.size() == ours().sticky.size() + 1);
  CHECK(r->sticky_rule("container_manager")->reason == "site reason");
  CHECK(r->is_sticky("kube_proxy_nodeport_addresses"));
  CHECK(r->advisories.size() == ours().advisories.size() + 1);
  for (const auto& a : r->advisories)
    if (a.id == "kube-vip-services-with-metallb") CHECK(a.condition == "false");
  fs::remove_all(d);
}

// ---------------------------------------------------------------------------
// Completeness over versions/: every consecutive pair of tags.

#include "schema/changes.h"
#include "schema/facts.h"

TEST_CASE("schema: completeness over every consecutive pair of versions/") {
  auto facts = ReleaseFacts::from_versions(versions_dir());
  if (!facts) {
    MESSAGE("skipped: " << facts.error().str());
    return;
  }
  const Schemas& s = ours();
  const auto& tags = facts->tags();
  REQUIRE(tags.size() >= 2);
  size_t pairs = 0, vanished = 0, renamed = 0, restructured = 0, removed = 0;
  size_t sticky_changes_seen = 0, sticky_pinnable = 0, sticky_uncertain = 0;
  std::vector<std::string> unclassified, unpinnable, template_pending;
  for (size_t i = 0; i + 1 < tags.size(); ++i) {
    const TagRef& a = tags[i];
    const TagRef& b = tags[i + 1];
    auto fa = facts->facts(a.name);
    auto fb = facts->facts(b.name);
    REQUIRE(fa);
    REQUIRE(fb);
    ++pairs;
    for (const auto& name : vanished_defaults(**fa, **fb)) {
      ++vanished;
      auto c = s.classify(name, b.version);
      if (!c) {
        unclassified.push_back(a.name + " -> " + b.name + ": " + name);
        continue;
      }
      switch (c->kind) {
        case Classification::Kind::Renamed: ++renamed; break;
        case Classification::Kind::Restructured: ++restructured; break;
        case Classification::Kind::Removed: ++removed; break;
      }
    }
    for (const auto& ch : sticky_changes(s, **fa, a.version, **fb, b.version)) {
      ++sticky_changes_seen;
      if (!ch.certain) ++sticky_uncertain;
      std::string what = a.name + " -> " + b.name + ": " + ch.rule->variable + " " +
                         default_text(ch.old_default) + " -> " + default_text(ch.new_default);
      MESSAGE("sticky default change " << what);
      if (ch.pinnable())
        ++sticky_pinnable;
      else if (!ch.certain && !ch.old_default.known)
        template_pending.push_back(what);  // versions/ holds no value for the template (yet)
      else
        unpinnable.push_back(a.name + " -> " + b.name + ": " + ch.rule->variable + " " +
                             default_text(ch.old_default) + " -> " + default_text(ch.new_default));
    }
  }
  MESSAGE("completeness: " << pairs << " consecutive pairs; " << vanished
                           << " variables vanish from the defaults: " << renamed << " renamed, "
                           << restructured << " restructured, " << removed << " removed, "
                           << unclassified.size() << " unclassified");
  MESSAGE("completeness: " << sticky_changes_seen << " sticky default changes, " << sticky_pinnable
                           << " pinnable from versions/ facts (" << sticky_uncertain
                           << " involve a template)");
  for (const auto& u : unclassified) FAIL_CHECK("not classified in schemas/: " << u);
  for (const auto& u : unpinnable) FAIL_CHECK("sticky default change not pinnable: " << u);
  // A template default that versions/ could not evaluate from the defaults
  // alone (the catalog evaluates templates since catalog2; every sticky
  // default so far is evaluable): the pin would need the operator's tree.
  for (const auto& u : template_pending)
    FAIL_CHECK("old default is a template versions/ did not evaluate: " << u);
  CHECK(sticky_pinnable == sticky_changes_seen);
  CHECK(pairs == tags.size() - 1);
}

TEST_CASE("schema: hostile rule files: broken Jinja, invalid UTF-8, deep nesting") {
  fs::path d = temp_dir("hostile");
  const fs::path js = schemas_dir() / "schema.json";
  write(d / "mine.yml",
        "sticky:\n"
        "  - variable: kube_proxy_mode\n"
        "    reason: r\n"
        "    source: s\n"
        "    when: \"kube_proxy_mode == ((( \"\n");
  auto errors = check_schema_file(d / "mine.yml", js, false);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].where.str() == (d / "mine.yml").string() + ":5:11");
  CHECK(errors[0].message.rfind("when: template syntax error", 0) == 0);
  write(d / "v2.40.0.yml",
        "release: v2.40.0\n"
        "advisories:\n"
        "  - id: x\n"
        "    releases: [v2.40.0]\n"
        "    condition: \"a ==\"\n"
        "    severity: warning\n"
        "    message: m\n"
        "    source: s\n");
  errors = check_schema_file(d / "v2.40.0.yml", js, true);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].where.line == 5);
  CHECK(errors[0].message.rfind("condition: template syntax error", 0) == 0);
  write(d / "v2.40.0.yml", "release: v2.40.0\nsummary: \"caf\xE9\"\n");
  errors = check_schema_file(d / "v2.40.0.yml", js, true);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].where.str() == (d / "v2.40.0.yml").string() + ":2:14");
  CHECK(errors[0].message == "invalid UTF-8");
  write(d / "v2.40.0.yml", "release: v2.40.0\nsummary: " + std::string(50000, '[') + "\n");
  errors = check_schema_file(d / "v2.40.0.yml", js, true);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message.find("nested too deeply") != std::string::npos);
  fs::remove_all(d);
}
