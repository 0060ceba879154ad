// Tests of src/inventory/yaml: the YAML hosts-file reader (structure, null
// entries, hosts in several groups, vault values, key positions, errors).
#include <doctest/doctest.h>

#include <cmath>

#include "core/yaml.h"
#include "inventory/yaml.h"

using namespace ksm;
using namespace ksm::inventory;

namespace {

Inventory parse_ok(const std::string& text) {
  Inventory inv;
  auto st = parse_yaml_inventory(inv, "h.yaml", text);
  if (!st) FAIL(st.error().str());
  inv.reconcile();
  return inv;
}

}  // namespace

TEST_CASE("yaml: builder-style hosts.yaml") {
  auto inv = parse_ok(R"(all:
  hosts:
    node1:
      ansible_host: 10.1.1.11
      ip: 10.1.1.11
    node2:
  children:
    kube_control_plane:
      hosts:
        node1:
    kube_node:
      hosts:
        node1:
        node2:
    k8s_cluster:
      children:
        kube_control_plane:
        kube_node:
    calico_rr:
      hosts: {}
)");
  CHECK(inv.hosts().size() == 2);
  CHECK(inv.direct_groups(*inv.host_index("node1")).size() == 3);  // all, kube_control_plane, kube_node
  CHECK(inv.group("calico_rr")->hosts.empty());
  CHECK(inv.group("kube_node")->depth == 2);
  // hosts listed under `all` are members of all only, not ungrouped when in another group
  CHECK(inv.groups()[Inventory::kUngrouped].hosts.empty());
  const auto& keys = inv.files[0].yaml_keys;
  auto find = [&](const std::string& path) -> const YamlKey* {
    for (const auto& k : keys)
      if (k.path == path) return &k;
    return nullptr;
  };
  REQUIRE(find("all/hosts/node1/ip"));
  CHECK(find("all/hosts/node1/ip")->line == 5);
  CHECK(find("all/hosts/node1/ip")->column == 7);
  REQUIRE(find("all/children/k8s_cluster/children/kube_node"));
  CHECK(find("all/children/k8s_cluster/children/kube_node")->line == 18);
  CHECK(inv.host("node1")->var_where.at("ip").str() == "h.yaml:5:7");
}

TEST_CASE("yaml: null sections, string sections, top-level groups, ports and ranges") {
  auto inv = parse_ok(R"(
etcd:
  hosts: e1
workers:
  hosts:
    "w[1:2]:2200":
      zone: a
empty_group:
all:
  vars:
    ansible_user: ops
  children:
)");
  CHECK(inv.group("etcd")->hosts.size() == 1);
  CHECK(inv.host("w2")->vars.find("ansible_port")->as_int() == 2200);
  CHECK(*inv.host("w2")->vars.find("zone") == Value("a"));
  REQUIRE(inv.group("empty_group"));
  CHECK(*inv.group("all")->vars.find("ansible_user") == Value("ops"));
}

TEST_CASE("yaml: vault scalars stay opaque and byte-exact") {
  auto inv = parse_ok("all:\n  hosts:\n    h:\n      secret: !vault |\n        $ANSIBLE_VAULT;1.1;AES256\n        3132\n");
  const Value* s = inv.host("h")->vars.find("secret");
  REQUIRE(s);
  CHECK(s->is_vault());
  CHECK(s->vault_text() == "$ANSIBLE_VAULT;1.1;AES256\n3132\n");
}

TEST_CASE("yaml: duplicate host keys keep the first place and the last value") {
  auto inv = parse_ok("g:\n  hosts:\n    a: {x: 1}\n    b:\n    a: {x: 2}\n");
  CHECK(inv.hosts()[0].name == "a");
  CHECK(inv.host("a")->vars.find("x")->as_int() == 2);
  CHECK(!inv.warnings.empty());
}

TEST_CASE("yaml: not an inventory (caller may try INI) versus a broken one") {
  for (const char* text : {"", "just a string\n", "- a\n- b\n", "[g]\nh\n", "a: [\n"}) {
    Inventory inv;
    bool not_yaml = false;
    CAPTURE(text);
    CHECK(!parse_yaml_inventory(inv, "h.yaml", text, &not_yaml));
    CHECK(not_yaml);
    CHECK(inv.groups().size() == 2);  // untouched: all, ungrouped
  }
  Inventory inv;
  bool not_yaml = true;
  auto st = parse_yaml_inventory(inv, "h.yaml", "g:\n  hosts:\n    h: not-a-dict\n", &not_yaml);
  CHECK(!st);
  CHECK(!not_yaml);
  CHECK(st.error().where.str() == "h.yaml:3:8");
  st = parse_yaml_inventory(inv, "h.yaml", "g:\n  hosts:\n    123:\n", &not_yaml);
  CHECK(st.error().message.find("must be a string") != std::string::npos);
  st = parse_yaml_inventory(inv, "h.yaml", "g:\n  hosts: [a, b]\n", &not_yaml);
  CHECK(st.error().message.find("requires a dictionary") != std::string::npos);
  st = parse_yaml_inventory(inv, "h.yaml", "a: [\n", &not_yaml);
  CHECK(st.error().where.line >= 1);
}

TEST_CASE("yaml: plain_scalar types exactly as yaml11_scalar") {
  auto same = [](const std::string& s) {
    Value a = plain_scalar(s), b = yaml11_scalar(s);
    bool nan = a.is_float() && b.is_float() && std::isnan(a.as_float()) && std::isnan(b.as_float());
    CHECK_MESSAGE((a.kind() == b.kind() && (a == b || nan)), "'" << s << "'");
  };
  for (const char* s : {"", "~", "null", "NULL", "Null", "nULL", "yes", "Yes", "YES", "yEs", "on", "On", "off",
                        "OFF", "no", "n", "y", "true", "False", "10.0.0.1", "10.0", "1e3", "1.0e+3", "1.0E-3",
                        "0755", "0o755", "0x1F", "0xg", "0b101", "-0b1", "+12_345", "1:20:30", "1:20:30.5",
                        "190:20:30", ".inf", "-.Inf", "+.INF", ".nan", ".NaN", ".NAN", "nan", "inf", "-", "+",
                        ".", "._", "1.2.3", "v1.29.5", "node1", "value-3", "/var/lib/etcd", "8.8.8.8",
                        "-1", "1_000", "0.5", "-.5", ".5", "1.", "12:", "1:2", "1:60", "0:0", "1__0", "a:b",
                        "99999999999999999999", "1e", "1E+", "0xFFFFFFFFFFFFFFFFFF"})
    same(s);
  // every string of up to 3 characters over the characters numbers are made of
  const std::string chars = "019_+-.:abexinfINAE~ ";
  for (char a : chars) {
    same(std::string(1, a));
    for (char b : chars) {
      same(std::string{a, b});
      for (char c : chars) same(std::string{a, b, c});
    }
  }
}

TEST_CASE("yaml: an inventory of more than 100,000 hosts is refused at the key that crosses it") {
  Inventory inv;
  auto st = parse_yaml_inventory(inv, "h.yaml",
                                 "all:\n  children:\n    a:\n      hosts:\n        n[1:60000]:\n"
                                 "    b:\n      hosts:\n        m[1:60000]:\n");
  REQUIRE(!st);
  CHECK(st.error().where.line == 8);
  CHECK(st.error().message.find("more than 100000 hosts") != std::string::npos);
}
