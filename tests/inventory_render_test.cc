// Tests of src/inventory/render: ansible-inventory's --list/--host/--graph
// shapes (empty groups, `all` without hosts, internal variables removed).
#include <doctest/doctest.h>

#include <filesystem>

#include "core/json.h"
#include "inventory/ini.h"
#include "inventory/loader.h"
#include "inventory/render.h"
#include "sources/memory_source.h"
#include "test_support.h"

using namespace ksm;
using namespace ksm::inventory;

namespace {
Inventory from_ini(const std::string& text) {
  Inventory inv;
  auto st = parse_ini(inv, "t.ini", text);
  REQUIRE(st);
  inv.reconcile();
  return inv;
}
}  // namespace

TEST_CASE("render: --list leaves out empty groups and keeps all.children") {
  auto inv = from_ini("[g]\nh x=1 inventory_file=dropped\n[empty]\n[p:children]\ng\n");
  std::string out = to_json(list_document(inv), {true, 0});
  CHECK(out ==
        "{\"_meta\":{\"hostvars\":{\"h\":{\"x\":1}}},\"all\":{\"children\":[\"ungrouped\","
        "\"empty\",\"p\"]},"
        "\"g\":{\"hosts\":[\"h\"]},\"p\":{\"children\":[\"g\"]}}");
}

TEST_CASE("render: --host and --graph") {
  auto inv = from_ini("solo\n[g]\nh x='a b'\n[p:children]\ng\n[p:vars]\nv=[1, 'two']\n");
  CHECK(to_json(host_document(inv, *inv.host_index("h")), {true, 0}) ==
        "{\"v\":[1,\"two\"],\"x\":\"a b\"}");
  CHECK(graph(inv, Inventory::kAll, false) ==
        "@all:\n  |--@ungrouped:\n  |  |--solo\n  |--@p:\n  |  |--@g:\n  |  |  |--h");
  CHECK(graph(inv, *inv.group_index("p"), true) ==
        "@p:\n  |--@g:\n  |  |--h\n  |  |  |--{v = [1, 'two']}\n  |  |  |--{x = a b}\n"
        "  |--{v = [1, 'two']}");
}

TEST_CASE("render: list_json writes exactly to_json(list_document)") {
  auto same = [](const Inventory& inv) { CHECK(list_json(inv) == to_json(list_document(inv))); };
  // a group sorting before _meta, internal variables, nested and shared values,
  // host variables overriding group ones, groups of the same set of hosts
  same(from_ini(
      "Zed\n[A]\nh1 x=1 groups=no\n[b]\nh1\nh2 y='{\"k\": [1, 2.5, None]}'\n"
      "[A:vars]\nx=0\nz={'m': {'n': [True, '\\u00e9']}}\nomit=1\n"
      "[b:vars]\nx=2\nw=[]\nv={}\n[c:children]\nA\nb\n[c:vars]\nansible_group_priority=5\n"));
  same(from_ini("[g]\nh\n"));  // no host variables at all: "hostvars": {}
  same(from_ini("[_meta]\nh x=1\n"));  // a group named like the key it cannot be
  // group_vars/host_vars from every inventory of testdata/
  for (const auto& e : std::filesystem::directory_iterator(test::testdata() / "inventories")) {
    if (!e.is_directory()) continue;
    auto inv = load_inventory({e.path().string()});
    if (!inv) continue;  // folders of bad inputs
    INFO(e.path().string());
    same(*inv);
  }
}

TEST_CASE("render: write_list_json streams the same bytes in pieces") {
  std::string hosts = "all:\n  vars: {cluster_name: cluster.local, dns: [a, b]}\n  hosts:\n";
  for (int i = 0; i < 3000; ++i)
    hosts += "    node" + std::to_string(i) + ": {ansible_host: 10.0." + std::to_string(i / 256) +
             "." + std::to_string(i % 256) + ", labels: {rack: r" + std::to_string(i % 7) + "}}\n";
  MemorySource src(MemorySource::Files{
      {"hosts.yaml", hosts},
      {"group_vars/all.yml", "kube_version: v1.29.5\nbig: {a: [1, 2, 3], b: {c: d}}\n"}});
  auto inv = load_inventory(src, "hosts.yaml");
  REQUIRE(inv.ok());
  std::string whole = list_json(*inv);
  std::string streamed;
  size_t pieces = 0;
  write_list_json(*inv, [&](std::string_view p) {
    streamed += p;
    ++pieces;
  });
  CHECK(pieces > 1);  // about 1 MiB each
  CHECK(streamed == whole);
  CHECK(whole == to_json(list_document(*inv)));
}
