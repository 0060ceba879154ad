// Effective variables: precedence, provenance, lazy templating, cycles,
// magic variables, facts, dependents; and on real tags (shared data):
// etcd_member_name per host and calico_pool_blocksize.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>


#include "core/json.h"
#include "inventory/loader.h"
#include "schema/schema.h"
#include "sources/kubespray_tree.h"
#include "sources/source.h"
#include "test_support.h"
#include "vars/resolver.h"

namespace fs = std::filesystem;
using namespace ksm;

namespace {

using ksm::test::TempDir;

// A small Kubespray-shaped tree and an inventory exercising every layer.
struct Fixture {
  TempDir ks, inv;
  std::unique_ptr<DirSource> src;
  std::optional<KubesprayTree> tree;
  std::optional<inventory::Inventory> inventory;

  Fixture() {
    ks.write("roles/kubespray-defaults/defaults/main.yml",
             "---\n"
             "prec: role-default\n"            // line 2
             "prec_gva: role-default\n"
             "only_default: 7\n"
             "kube_network_node_prefix: 24\n"  // line 5
             "base: 10\n"
             "derived: \"{{ base + 1 }}\"\n"
             "cyc_a: \"{{ cyc_b }}\"\n"
             "cyc_b: \"{{ cyc_a }}\"\n"
             "self_ref: \"{{ self_ref | default(1) }}\"\n"  // line 10
             "num_tpl: \"{{ base }}\"\n"
             "num_tpl2: \"{{ num_tpl }}\"\n"
             "via_undefined: \"{{ missing_var }}\"\n"
             "with_default: \"{{ via_undefined | default('fallback') }}\"\n"
             "member: \"{% for host in groups['etcd'] %}{% if inventory_hostname == host %}etcd{{ "
             "loop.index }}{% endif %}{% endfor %}\"\n"  // line 15
             "arch: \"{{ ansible_architecture }}\"\n"
             "shared_diff: kd\n"
             "first_ip: \"{{ hostvars[groups['etcd'][0]]['ip'] }}\"\n"
             "peer_lenient: \"{{ hostvars['node1']['lenient'] }}\"\n"
             "uses_prefix: \"{{ kube_network_node_prefix }}\"\n"  // line 20
             "hidden: \"{{ secret }}\"\n"
             "list_tpl:\n"
             "  - \"{{ base }}\"\n"
             "  - plain\n");
    ks.write("roles/kubespray-defaults/vars/main.yml", "---\nrole_var: from-role-vars\n");
    ks.write("roles/network_plugin/calico/defaults/main.yml",
             "---\ncalico_only: \"{{ kube_network_node_prefix + 2 }}\"\nshared_diff: calico\n"
             "shared_diff2: calico\nshared_same: same\n");
    ks.write("roles/network_plugin/calico/vars/ubuntu.yml", "---\nos_only: ubuntu\n");
    ks.write("roles/etcd/defaults/main.yml", "---\nshared_diff2: etcd\nshared_same: same\n");
    ks.write("roles/etcd/vars/main.yml", "---\nrole_var_wins: etcd-vars\n");
    ks.write("inventory/sample/inventory.ini", "[kube_control_plane]\n");

    inv.write("hosts.ini",
              "[all]\n"
              "node1 ansible_host=10.0.0.1 ip=10.0.0.1 prec=hostsfile-host\n"  // line 2
              "node2 ip=10.0.0.2\n"
              "node3 ip=10.0.0.3\n"
              "\n"
              "[kube_control_plane]\n"
              "node1\n"
              "\n"
              "[etcd]\n"
              "node2\n"  // etcd order: node2, node1
              "node1\n"
              "\n"
              "[kube_node]\n"
              "node2\n"
              "node3\n"
              "\n"
              "[k8s_cluster:children]\n"
              "kube_control_plane\n"
              "kube_node\n"
              "\n"
              "[k8s_cluster:vars]\n"
              "prec=hostsfile-k8s_cluster\n"  // line 22
              "prec_gva=hostsfile-k8s_cluster\n");
    inv.write("group_vars/all/all.yml",
              "---\nprec: group_vars-all\nprec_gva: group_vars-all\nkube_network_node_prefix: 25\n"
              "lenient: \"{{ not_defined_anywhere }}\"\n"
              "secret: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6162\n");
    inv.write("group_vars/k8s_cluster.yml", "---\nprec: group_vars-k8s_cluster\n");
    inv.write("host_vars/node2.yml", "---\nprec: host_vars-node2\nrole_var_wins: inventory\n");

    src = std::make_unique<DirSource>(ks.path);
    auto t = KubesprayTree::load(*src);
    REQUIRE_MESSAGE(t.ok(), (t.ok() ? "" : t.error().str()));
    tree.emplace(std::move(*t));
    auto i = inventory::load_inventory({(inv.path / "hosts.ini").string()});
    REQUIRE_MESSAGE(i.ok(), (i.ok() ? "" : i.error().str()));
    inventory.emplace(std::move(*i));
  }

  std::unique_ptr<vars::Resolver> resolver(vars::ResolverOptions o = {}) {
    auto r = vars::Resolver::create(*tree, &*inventory, std::move(o));
    REQUIRE(r.ok());
    return std::move(*r);
  }
};

vars::HostView& view(vars::Resolver& r, const char* host) {
  auto h = r.host(host);
  REQUIRE(h.ok());
  return **h;
}

}  // namespace

TEST_CASE("vars: precedence of role defaults, inventory layers and role vars") {
  Fixture f;
  auto r = f.resolver();
  // node3: [k8s_cluster:vars] < group_vars/all < group_vars/k8s_cluster
  auto p3 = view(*r, "node3").resolve("prec");
  CHECK(p3.value == Value("group_vars-k8s_cluster"));
  CHECK(p3.from.kind == vars::LayerKind::Inventory);
  CHECK(p3.from.where.file.ends_with("group_vars/k8s_cluster.yml"));
  CHECK(p3.from.where.line == 2);
  // group_vars/all beats a hosts-file [group:vars], even of a deeper group
  auto gva = view(*r, "node3").resolve("prec_gva");
  CHECK(gva.value == Value("group_vars-all"));
  CHECK(gva.from.where.file.ends_with("group_vars/all/all.yml"));
  // hosts-file host vars beat group_vars/<group>
  auto p1 = view(*r, "node1").resolve("prec");
  CHECK(p1.value == Value("hostsfile-host"));
  CHECK(p1.from.where.file.ends_with("hosts.ini"));
  CHECK(p1.from.where.line == 2);
  // host_vars beat everything in the inventory
  CHECK(view(*r, "node2").resolve("prec").value == Value("host_vars-node2"));
  // a default nobody overrides, with file:line and layer
  auto d = view(*r, "node1").resolve("only_default");
  CHECK(d.value == Value(7));
  CHECK(d.known());
  CHECK(d.from.kind == vars::LayerKind::KubesprayDefaults);
  CHECK(d.from.where.file == "roles/kubespray-defaults/defaults/main.yml");
  CHECK(d.from.where.line == 4);
  CHECK(d.from.str() ==
        "roles/kubespray-defaults/defaults/main.yml:4:1 [role defaults (kubespray-defaults)]");
  // role vars/main beat the inventory (host_vars included)
  auto rv = view(*r, "node2").resolve("role_var_wins");
  CHECK(rv.value == Value("etcd-vars"));
  CHECK(rv.from.kind == vars::LayerKind::RoleVars);
  CHECK(view(*r, "node1").resolve("role_var").from.kind == vars::LayerKind::KubesprayVars);
}

TEST_CASE("vars: lazy templating through layers, Ansible's typing of lone {{ name }}") {
  Fixture f;
  auto r = f.resolver();
  auto& h = view(*r, "node1");
  // jinja2_native off: a rendered expression is text ("11"), not a number
  CHECK(h.resolve("derived").value == Value("11"));
  // a default reading an inventory value: calico_only follows the inventory's prefix
  CHECK(h.resolve("calico_only").value == Value("27"));
  CHECK(h.resolve("uses_prefix").value == Value(25));
  // "{{ base }}" with base an int stays an int; "{{ num_tpl }}" (a template
  // rendering to 10) is text, as Ansible's Templar.template gives it
  CHECK(h.resolve("num_tpl").value == Value(10));
  CHECK(h.resolve("num_tpl2").value == Value("10"));
  CHECK(h.resolve("list_tpl").value == Value(List{Value(10), Value("plain")}));
  // an undefined variable inside a template: lazily undefined, so default() applies
  auto u = h.resolve("via_undefined");
  CHECK_FALSE(u.known());
  CHECK(u.reason().find("missing_var") != std::string::npos);
  CHECK(h.resolve("with_default").value == Value("fallback"));
  // a name nothing defines
  auto none = h.resolve("no_such_variable");
  CHECK_FALSE(none.defined);
  CHECK(none.reason() == "undefined: no layer defines it");
}

TEST_CASE("vars: recursive definitions are Unknown, never a crash") {
  Fixture f;
  auto r = f.resolver();
  auto& h = view(*r, "node1");
  auto a = h.resolve("cyc_a");
  REQUIRE(a.value.is_unknown());
  CHECK(a.value.unknown_reason() == "recursive loop detected in template: cyc_a -> cyc_b -> cyc_a");
  CHECK(h.resolve("cyc_b").value.is_unknown());
  auto s = h.resolve("self_ref");
  REQUIRE(s.value.is_unknown());
  CHECK(s.value.unknown_reason() == "recursive loop detected in template: self_ref -> self_ref");
}

TEST_CASE("vars: magic variables, hostvars and per-host values") {
  Fixture f;
  auto r = f.resolver();
  // etcd members named by position in the etcd group (node2 first)
  CHECK(view(*r, "node2").resolve("member").value == Value("etcd1"));
  CHECK(view(*r, "node1").resolve("member").value == Value("etcd2"));
  CHECK(view(*r, "node3").resolve("member").value == Value(""));
  auto& h = view(*r, "node3");
  CHECK(h.resolve("inventory_hostname").value == Value("node3"));
  CHECK(h.resolve("group_names").value ==
        Value(List{Value("k8s_cluster"), Value("kube_node")}));
  auto groups = h.resolve("groups").value;
  REQUIRE(groups.is_map());
  CHECK(*groups.get("etcd") == Value(List{Value("node2"), Value("node1")}));
  CHECK(*groups.get("all") == Value(List{Value("node1"), Value("node2"), Value("node3")}));
  CHECK(groups.get("ungrouped") != nullptr);
  CHECK(h.resolve("first_ip").value == Value("10.0.0.2"));
  // HostVars templates with fail_on_undefined=False: the raw text stays
  CHECK(h.resolve("peer_lenient").value == Value("{{ not_defined_anywhere }}"));
  auto dir = h.resolve("inventory_dir").value;
  REQUIRE(dir.is_string());
  CHECK(fs::path(dir.as_string()) == fs::absolute(f.inv.path).lexically_normal());
  CHECK(h.resolve("omit").value.is_unknown());
  CHECK(h.resolve("playbook_dir").value.is_unknown());
}

TEST_CASE("vars: facts are Unknown unless a fact cache gives them") {
  Fixture f;
  {
    auto r = f.resolver();
    auto a = view(*r, "node1").resolve("arch");
    CHECK_FALSE(a.known());
    CHECK(a.reason().find("ansible_architecture") != std::string::npos);
    // connection variables are not facts: simply undefined
    CHECK_FALSE(view(*r, "node1").resolve("ansible_user").defined);
  }
  TempDir facts;
  facts.write("node1", R"({"ansible_architecture": "x86_64", "ansible_os_family": "Debian"})");
  auto cache = vars::load_fact_cache(facts.path.string());
  REQUIRE(cache.ok());
  vars::ResolverOptions o;
  o.facts = *cache;
  auto r = f.resolver(o);
  auto a = view(*r, "node1").resolve("arch");
  CHECK(a.value == Value("x86_64"));
  auto ns = view(*r, "node1").resolve("ansible_facts").value;
  REQUIRE(ns.is_map());
  CHECK(*ns.get("os_family") == Value("Debian"));
  CHECK(view(*r, "node1").resolve("ansible_os_family").from.kind == vars::LayerKind::Facts);
  // node2 has no cache file: still unknown
  CHECK_FALSE(view(*r, "node2").resolve("arch").known());
}

TEST_CASE("vars: role scoping, ambiguity, OS-specific vars and vault values") {
  Fixture f;
  auto r = f.resolver();
  auto& h = view(*r, "node1");
  // kubespray-defaults wins in the global view
  CHECK(h.resolve("shared_diff").value == Value("kd"));
  // two roles, same raw value: that value
  CHECK(h.resolve("shared_same").value == Value("same"));
  // two roles, different values: Unknown listing both
  auto amb = h.resolve("shared_diff2");
  REQUIRE(amb.value.is_unknown());
  CHECK(amb.value.unknown_reason().find("network_plugin/calico") != std::string::npos);
  CHECK(amb.value.unknown_reason().find("etcd") != std::string::npos);
  // only in vars/ubuntu.yml: Unknown
  auto os = h.resolve("os_only");
  CHECK_FALSE(os.known());
  CHECK(os.reason().find("roles/network_plugin/calico/vars/ubuntu.yml") != std::string::npos);
  // vault: never decrypted, not known
  auto sec = h.resolve("secret");
  CHECK(sec.value.is_vault());
  CHECK_FALSE(sec.known());
  CHECK_FALSE(h.resolve("hidden").known());

  vars::ResolverOptions o;
  o.roles = {"network_plugin/calico"};
  auto rc = f.resolver(o);
  CHECK(view(*rc, "node1").resolve("shared_diff").value == Value("calico"));
  CHECK(view(*rc, "node1").resolve("shared_diff2").value == Value("calico"));
  // etcd's vars/main is not in scope: the inventory's value stands
  CHECK(view(*rc, "node2").resolve("role_var_wins").value == Value("inventory"));
  o.roles = {"no/such_role"};
  CHECK_FALSE(vars::Resolver::create(*f.tree, &*f.inventory, o).ok());
}

TEST_CASE("vars: dependents of the inventory's variables, and the defaults alone") {
  Fixture f;
  auto r = f.resolver();
  auto& h = view(*r, "node1");
  auto deps = h.dependents({"kube_network_node_prefix"});
  CHECK(deps == std::vector<std::string>{"uses_prefix", "calico_only"});
  auto base = h.dependents({"base"});
  CHECK(std::find(base.begin(), base.end(), "num_tpl2") != base.end());  // transitive
  CHECK(h.depends("first_ip") == std::vector<std::string>{"hostvars", "groups"});

  // catalog: no inventory at all
  auto alone = vars::Resolver::create(*f.tree, nullptr, {});
  REQUIRE(alone.ok());
  auto& d = (*alone)->defaults_only();
  CHECK(d.resolve("derived").value == Value("11"));
  CHECK(d.resolve("uses_prefix").value == Value(24));
  CHECK_FALSE(d.resolve("member").known());
  CHECK_FALSE((*alone)->host("node1").ok());
}

TEST_CASE("vars: implicit defaults supplied by the caller are the lowest layer") {
  Fixture f;
  vars::ResolverOptions o;
  o.implicit_defaults["blocksize"] = vars::Definition{
      Value("{{ kube_network_node_prefix }}"),
      vars::Provenance{vars::LayerKind::Implicit, "implicit default", "", {}}};
  o.implicit_defaults["only_default"] = vars::Definition{Value(1), {}};
  auto r = f.resolver(o);
  auto b = view(*r, "node1").resolve("blocksize");
  CHECK(b.value == Value(25));
  CHECK(b.from.kind == vars::LayerKind::Implicit);
  CHECK(view(*r, "node1").resolve("only_default").value == Value(7));
}

// ---------------------------------------------------------------- real tags

namespace {

struct RealTag {
  std::optional<GitRepo> repo;
  std::unique_ptr<GitSource> src;
  std::optional<KubesprayTree> tree;
  std::optional<inventory::Inventory> inventory;
  explicit RealTag(const std::string& tag) {
    auto g = GitRepo::open(ksm::test::kubespray_data());
    REQUIRE(g.ok());
    repo.emplace(std::move(*g));
    auto s = repo->at(tag);
    REQUIRE(s.ok());
    src = std::move(*s);
    auto t = KubesprayTree::load(*src);
    REQUIRE(t.ok());
    tree.emplace(std::move(*t));
    auto i =
        inventory::load_inventory({(ksm::test::testdata() / "vars/builder4/hosts.yaml").string()});
    REQUIRE(i.ok());
    inventory.emplace(std::move(*i));
  }
};

}  // namespace

TEST_CASE("vars: etcd_member_name at v2.27.0 is etcd1..etcdN by position in the etcd group") {
  KSM_REQUIRE_SHARED_DATA();
  RealTag t("v2.27.0");
  auto r = vars::Resolver::create(*t.tree, &*t.inventory, {});
  REQUIRE(r.ok());
  const char* expected[] = {"etcd1", "etcd2", "etcd3", ""};  // node4 is not an etcd member
  for (int i = 0; i < 4; ++i) {
    std::string host = "node" + std::to_string(i + 1);
    auto v = view(**r, host.c_str()).resolve("etcd_member_name");
    INFO(host << ": " << to_json(v.value));
    CHECK(v.known());
    CHECK(v.value == Value(expected[i]));
    CHECK(v.from.where.file == "roles/kubespray-defaults/defaults/main/main.yml");
  }
  // the default host of `vars`: first of kube_control_plane
  CHECK((*r)->default_host() == std::optional<std::string>("node1"));
}

TEST_CASE("vars: etcd_member_name at v2.27.0 follows the etcd group's order, not host names") {
  KSM_REQUIRE_SHARED_DATA();
  RealTag t("v2.27.0");
  // groups['etcd'] is [node3, node1, node2] (Ansible keeps the group's own
  // order), so node3 is etcd1; node4 is no member.
  TempDir d;
  d.write("hosts.yaml",
          "all:\n  hosts:\n    node1: {ip: 10.0.0.11}\n    node2: {ip: 10.0.0.12}\n"
          "    node3: {ip: 10.0.0.13}\n    node4: {ip: 10.0.0.14}\n"
          "  children:\n    kube_control_plane:\n      hosts:\n        node1:\n"
          "    kube_node:\n      hosts:\n        node4:\n"
          "    etcd:\n      hosts:\n        node3:\n        node1:\n        node2:\n"
          "    k8s_cluster:\n      children:\n        kube_control_plane:\n        kube_node:\n");
  auto inv = inventory::load_inventory({(d.path / "hosts.yaml").string()});
  REQUIRE(inv.ok());
  auto r = vars::Resolver::create(*t.tree, &*inv, {});
  REQUIRE(r.ok());
  const std::pair<const char*, const char*> expected[] = {
      {"node3", "etcd1"}, {"node1", "etcd2"}, {"node2", "etcd3"}, {"node4", ""}};
  for (const auto& e : expected) {  // not a structured binding: INFO captures it
    const char *host = e.first, *name = e.second;
    auto v = view(**r, host).resolve("etcd_member_name");
    INFO(host << ": " << to_json(v.value));
    CHECK(v.known());
    CHECK(v.value == Value(name));
  }
}

TEST_CASE(
    "vars: calico_pool_blocksize follows kube_network_node_prefix only where the tag says so") {
  KSM_REQUIRE_SHARED_DATA();
  // v2.20.0 defines calico_pool_blocksize: 26, whatever the prefix (25 here)
  {
    RealTag t("v2.20.0");
    auto r = vars::Resolver::create(*t.tree, &*t.inventory, {});
    REQUIRE(r.ok());
    auto& h = view(**r, "node1");
    CHECK(h.resolve("kube_network_node_prefix").value == Value(25));
    auto b = h.resolve("calico_pool_blocksize");
    CHECK(b.value == Value(26));
    CHECK(b.from.where.file == "roles/network_plugin/calico/defaults/main.yml");
    auto deps = h.dependents({"kube_network_node_prefix"});
    CHECK(std::find(deps.begin(), deps.end(), "calico_pool_blocksize") == deps.end());
  }
  // v2.19.0 has no default: the playbooks use kube_network_node_prefix
  // (schemas/sticky.yml implicit), so the inventory's 25 is the block size.
  {
    RealTag t("v2.19.0");
    auto schemas = schema::load_default_schemas();
    REQUIRE(schemas.ok());
    vars::ResolverOptions o;
    for (const auto& st : schemas->sticky)
      if (const auto* im = st.implicit_at(*Version::parse("v2.19.0")))
        o.implicit_defaults[st.variable] = vars::Definition{
            im->value, vars::Provenance{vars::LayerKind::Implicit, "implicit", "", {}}};
    auto r = vars::Resolver::create(*t.tree, &*t.inventory, o);
    REQUIRE(r.ok());
    auto& h = view(**r, "node1");
    CHECK(h.resolve("calico_pool_blocksize").value == Value(25));
    CHECK(h.resolve("calico_pool_blocksize").from.kind == vars::LayerKind::Implicit);
    auto deps = h.dependents({"kube_network_node_prefix"});
    CHECK(std::find(deps.begin(), deps.end(), "calico_pool_blocksize") != deps.end());
    // without the curated knowledge, the tree alone does not define it
    auto bare = vars::Resolver::create(*t.tree, &*t.inventory, {});
    REQUIRE(bare.ok());
    CHECK_FALSE(view(**bare, "node1").resolve("calico_pool_blocksize").defined);
  }
}

TEST_CASE("vars: a value that reads nothing of its host is shared by the hosts of its class") {
  // h1 and h2: same groups, same names set at host level (ip), so one class;
  // h3 sets ip and more: a class of its own.
  TempDir ks, inv;
  ks.write("roles/kubespray-defaults/defaults/main.yml",
           "---\n"
           "a: \"{{ ip }}-x\"\n"                       // reads a host-level variable
           "b: \"{{ groups['all'] | length }}\"\n"     // reads nothing of the host
           "c: \"{{ inventory_hostname }}\"\n"
           "d: \"{{ b }}-{{ a }}\"\n"                  // host-specific through a
           "e: \"{{ b }}\"\n"
           "f: \"{{ hostvars['h1']['ip'] }}\"\n"       // another host's value: shared
           "g: \"{{ hostvars.h2.ip }}-{{ hostvars | length }}\"\n"  // one entry, then the whole
           "h: \"{{ hostvars['nope'] | default('none') }}\"\n"
           "cyc1: \"{{ cyc2 }}\"\n"
           "cyc2: \"{{ cyc1 }}\"\n");
  ks.write("inventory/sample/inventory.ini", "[kube_control_plane]\n");
  inv.write("hosts.ini", "[kube_node]\nh1 ip=10.0.0.1\nh2 ip=10.0.0.2\nh3 ip=10.0.0.3 e=own\n");
  DirSource src(ks.path);
  auto tree = KubesprayTree::load(src);
  REQUIRE(tree.ok());
  auto i = inventory::load_inventory({(inv.path / "hosts.ini").string()});
  REQUIRE(i.ok());
  auto rr = vars::Resolver::create(*tree, &*i);
  REQUIRE(rr.ok());
  vars::Resolver& r = **rr;

  auto& h1 = view(r, "h1");
  CHECK(h1.resolve("e").value == Value("3"));
  CHECK(h1.resolve("d").value == Value("3-10.0.0.1-x"));
  CHECK(h1.resolve("cyc1").value.unknown_reason() ==
        "recursive loop detected in template: cyc1 -> cyc2 -> cyc1");
  CHECK(h1.resolve("f").value == Value("10.0.0.1"));
  CHECK(h1.resolve("g").value == Value("10.0.0.2-3"));
  CHECK(h1.resolve("h").value == Value("none"));
  r.release("h1");
  // h2 asks in another order; shared values come from h1's class, the rest are h2's own.
  auto& h2 = view(r, "h2");
  CHECK(h2.resolve("d").value == Value("3-10.0.0.2-x"));
  CHECK(h2.resolve("a").value == Value("10.0.0.2-x"));
  CHECK(h2.resolve("c").value == Value("h2"));
  CHECK(h2.resolve("e").value == Value("3"));
  CHECK(h2.resolve("f").value == Value("10.0.0.1"));
  // A cycle's message names where the walk entered it: never shared.
  CHECK(h2.resolve("cyc2").value.unknown_reason() ==
        "recursive loop detected in template: cyc2 -> cyc1 -> cyc2");
  // h3 sets e itself: its class differs, its own value wins.
  auto& h3 = view(r, "h3");
  CHECK(h3.resolve("e").value == Value("own"));
  CHECK(h3.resolve("d").value == Value("3-10.0.0.3-x"));
}
