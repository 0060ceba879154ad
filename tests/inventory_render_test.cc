// Tests of src/inventory/render: ansible-inventory's --list/--host/--graph
// shapes (empty groups, `all` without hosts, internal variables removed).
#include <doctest/doctest.h>

#include "core/json.h"
#include "inventory/ini.h"
#include "inventory/render.h"

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
        "{\"_meta\":{\"hostvars\":{\"h\":{\"x\":1}}},\"all\":{\"children\":[\"ungrouped\",\"empty\",\"p\"]},"
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
