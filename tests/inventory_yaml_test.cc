// Tests of src/inventory/yaml: the YAML hosts-file reader (structure, null
// entries, hosts in several groups, vault values, key positions, errors).
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

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
  CHECK(inv.direct_groups(*inv.host_index("node1")).size() ==
        3);  // all, kube_control_plane, kube_node
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
  auto inv = parse_ok(
      "all:\n  hosts:\n    h:\n      secret: !vault |\n        $ANSIBLE_VAULT;1.1;AES256\n        "
      "3132\n");
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
  for (const char* s : {"",
                        "~",
                        "null",
                        "NULL",
                        "Null",
                        "nULL",
                        "yes",
                        "Yes",
                        "YES",
                        "yEs",
                        "on",
                        "On",
                        "off",
                        "OFF",
                        "no",
                        "n",
                        "y",
                        "true",
                        "False",
                        "10.0.0.1",
                        "10.0",
                        "1e3",
                        "1.0e+3",
                        "1.0E-3",
                        "0755",
                        "0o755",
                        "0x1F",
                        "0xg",
                        "0b101",
                        "-0b1",
                        "+12_345",
                        "1:20:30",
                        "1:20:30.5",
                        "190:20:30",
                        ".inf",
                        "-.Inf",
                        "+.INF",
                        ".nan",
                        ".NaN",
                        ".NAN",
                        "nan",
                        "inf",
                        "-",
                        "+",
                        ".",
                        "._",
                        "1.2.3",
                        "v1.29.5",
                        "node1",
                        "value-3",
                        "/var/lib/etcd",
                        "8.8.8.8",
                        "-1",
                        "1_000",
                        "0.5",
                        "-.5",
                        ".5",
                        "1.",
                        "12:",
                        "1:2",
                        "1:60",
                        "0:0",
                        "1__0",
                        "a:b",
                        "99999999999999999999",
                        "1e",
                        "1E+",
                        "0xFFFFFFFFFFFFFFFFFF"})
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

namespace {

// Everything the reader leaves in an Inventory, as text: groups, hosts,
// variables with their positions, the keys of the file, the warnings.
std::string dump(const Inventory& inv) {
  std::string out;
  auto where = [](const std::unordered_map<std::string, Location>& w) {
    std::map<std::string, std::string> sorted;
    for (const auto& [k, l] : w) sorted[k] = l.str();
    std::string s;
    for (const auto& [k, l] : sorted) s += " " + k + "@" + l;
    return s;
  };
  for (const auto& g : inv.groups()) {
    out += "group " + g.name + " vars=" + to_python_repr(Value(g.vars)) + where(g.var_where) +
           " hosts=";
    for (size_t h : g.hosts) out += inv.hosts()[h].name + ",";
    out += " children=";
    for (size_t c : g.children) out += inv.groups()[c].name + ",";
    out += " declared=";
    for (const auto& l : g.declared) out += l.str() + ",";
    out += "\n";
  }
  for (size_t i = 0; i < inv.hosts().size(); ++i) {
    const Host& h = inv.hosts()[i];
    out += "host " + h.name + " vars=" + to_python_repr(Value(h.vars)) + where(h.var_where) +
           " groups=";
    for (size_t g : inv.direct_groups(i)) out += inv.groups()[g].name + ",";
    out += " declared=";
    for (const auto& l : h.declared) out += l.str() + ",";
    out += "\n";
  }
  for (const auto& f : inv.files)
    for (const auto& k : f.yaml_keys)
      out += "key " + k.path + " " + std::to_string(k.line) + ":" + std::to_string(k.column) + "\n";
  for (const auto& w : inv.warnings) out += "warning " + w.str() + "\n";
  return out;
}

// parse_yaml_inventory (the YamlTree) against the same reader over
// YAML::Load's node graph (how every hosts file was read before): the same
// inventory, keys, warnings and error.
void same_as_node_graph(const std::string& text) {
  CAPTURE(text);
  Inventory a, b;
  bool a_not_yaml = false, b_not_yaml = false;
  auto sa = parse_yaml_inventory(a, "h.yaml", text, &a_not_yaml);
  auto sb = parse_yaml_inventory_node_graph(b, "h.yaml", text, &b_not_yaml);
  REQUIRE(sa.ok() == sb.ok());
  CHECK(a_not_yaml == b_not_yaml);
  if (!sa.ok()) CHECK(sa.error().str() == sb.error().str());
  CHECK(dump(a) == dump(b));
}

}  // namespace

TEST_CASE("yaml: the hosts file read from parser events is what the node graph gave") {
  for (const char* text : {
           "",
           "# nothing\n",
           "---\n",
           "just a string\n",
           "- a\n- b\n",
           "{}\n",
           "a: [\n",
           "plugin: x\n",
           "plugin: ~\nall:\n  hosts:\n    h:\n",
           "'plugin': x\n",
           "all:\n  hosts:\n    node1:\n      ansible_host: 10.0.0.1\n      ip: 10.0.0.1\n    "
           "node2:\n"
           "  children:\n    kube_node:\n      hosts:\n        node1:\n        node2:\n    "
           "k8s_cluster:\n"
           "      children:\n        kube_node:\n    calico_rr:\n      hosts: {}\n",
           "etcd:\n  hosts: e1\nw:\n  hosts:\n    \"w[1:3]:2200\":\n      zone: a\nempty:\nall:\n  "
           "vars:\n"
           "    ansible_user: ops\n  children:\n",
           "g:\n  hosts:\n    a: {x: 1}\n    b:\n    a: {x: 2}\n  hosts:\n    c:\n",
           "g:\n  vars:\n    a: 1\n    a: 2\n    yes: 3\n    1: 4\n    ~: 5\n    [l]: 6\n",
           "g:\n  hosts:\n    h: not-a-dict\n",
           "g:\n  hosts:\n    h: ''\n",
           "g:\n  hosts:\n    h: [1]\n",
           "g:\n  hosts:\n    h: 0\n",
           "g:\n  hosts:\n    123:\n",
           "g:\n  hosts: [a, b]\n",
           "g:\n  hosts: 5\n",
           "g:\n  hosts: !vault x\n",
           "g:\n  hosts: 'quoted'\n",
           "g:\n  vars: [1]\n",
           "g:\n  other: 1\n  vars: x\n",
           "g: [1]\nh: scalar\n",
           "1: {}\n",
           "'': {}\n",
           "g:\n  children:\n    g:\n",
           "a:\n  hosts:\n    h1:\nb:\n  children:\n    h1:\n",
           "g:\n  children:\n    nope: 5\n",
           "g:\n  hosts:\n    'h[a:c]':\n      v: !vault |\n        $ANSIBLE_VAULT\n",
           "g:\n  hosts:\n    h:\n      n: 0755\n      f: 1e3\n      b: 'yes'\n      s: !!str 1\n  "
           "    u: !unsafe x\n",
           "g:\n  hosts:\n    h:\n      m: {a: [1, {b: c}]}\n      <<: {x: 1}\n",
           "g:\n  hosts:\n    'h[1:]':\n",
           "g:\n  hosts:\n    h:\n  vars:\n    ansible_group_priority: 5\n",
           "g:\n  vars:\n    a: &x 1\n    a: 2\n    b: *x\n",
           "g:\n  hosts: &h node1\n  vars:\n    v: *h\n",
           "base: &b\n  hosts:\n    h1:\ncopy: *b\n",
           "g:\n  hosts:\n    h: &v {a: 1}\n    i: *v\n",
           "\xEF\xBB\xBF"
           "g:\n  hosts:\n    h:\n",
           "g:\r\n  hosts:\r\n    h:\r\n",
       })
    same_as_node_graph(text);
}

TEST_CASE(
    "yaml: every hosts file under testdata reads the same from parser events as from the node "
    "graph") {
  namespace fs = std::filesystem;
  size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(KSM_TESTDATA)) {
    if (!e.is_regular_file()) continue;
    std::string name = e.path().filename().string();
    if (name != "hosts.yaml" && name != "hosts.yml" && name != "inventory.yaml" &&
        name != "inventory.yml")
      continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    same_as_node_graph(text);
    ++files;
  }
  CHECK(files > 5);
}

TEST_CASE("yaml: positions of keys, including the mapping `hosts: name` stands for") {
  auto inv = parse_ok("g:\n  hosts: h1\n  vars:\n    a: 1\n");
  const auto& keys = inv.files[0].yaml_keys;
  std::vector<std::string> got;
  for (const auto& k : keys)
    got.push_back(k.path + "@" + std::to_string(k.line) + ":" + std::to_string(k.column));
  // h1 is a key of a mapping made in memory: no position, as before
  CHECK(got == std::vector<std::string>{"g@1:1", "g/hosts@2:3", "g/hosts/h1@0:0", "g/vars@3:3",
                                        "g/vars/a@4:5"});
  CHECK(inv.group("g")->var_where.at("a").str() == "h.yaml:4:5");
}

TEST_CASE("yaml: aliases in a hosts file (read from the node graph, as before)") {
  auto inv = parse_ok(
      "g:\n  vars:\n    base: &b {x: 1}\n    copy: *b\n  hosts:\n    h: &v {a: 1}\n    i: *v\n");
  CHECK(*inv.group("g")->vars.find("copy") == *inv.group("g")->vars.find("base"));
  CHECK(to_python_repr(Value(inv.host("i")->vars)) == "{'a': 1}");
  // yaml-cpp rebinds a repeated key's first node to its last value, which its
  // aliases then see (Ansible would give b: 1): kept as it was
  auto dup = parse_ok("g:\n  vars:\n    a: &x 1\n    a: 2\n    b: *x\n");
  CHECK(*dup.group("g")->vars.find("b") == Value(2));
  CHECK(dup.warnings.size() == 1);
}

TEST_CASE(
    "yaml: an inventory plugin's configuration and an empty mapping are not YAML inventories") {
  for (const char* text : {"plugin: aws_ec2\n", "{}\n", "---\n", "# only\n"}) {
    CAPTURE(text);
    Inventory inv;
    bool not_yaml = false;
    CHECK(!parse_yaml_inventory(inv, "h.yaml", text, &not_yaml));
    CHECK(not_yaml);
  }
  // `plugin: ~` is a group named plugin
  auto inv = parse_ok("plugin: ~\n");
  CHECK(inv.group("plugin"));
}
