// Tests of src/inventory/model: InventoryData's rules (membership, cycles,
// ungrouped, depth, host groups).
#include <doctest/doctest.h>

#include "inventory/model.h"

using namespace ksm;
using namespace ksm::inventory;

TEST_CASE("model: all and ungrouped exist; reconcile puts orphans under all") {
  Inventory inv;
  size_t a = inv.add_group("a");
  size_t b = inv.add_group("b");
  REQUIRE(inv.add_child(a, b));
  inv.add_host("h1", b, std::nullopt);
  inv.add_host("h2", std::nullopt, std::nullopt);
  inv.reconcile();
  const auto& all = inv.groups()[Inventory::kAll];
  CHECK(all.children == std::vector<size_t>{Inventory::kUngrouped, a});
  CHECK(inv.groups()[Inventory::kUngrouped].hosts == std::vector<size_t>{1});
  CHECK(inv.groups()[b].depth == 2);
  auto hg = inv.host_groups(0);
  CHECK(hg.size() == 3);  // b, a, all
}

TEST_CASE("model: a host in ungrouped and another group leaves ungrouped") {
  Inventory inv;
  size_t g = inv.add_group("g");
  inv.add_host("h", Inventory::kUngrouped, std::nullopt);
  inv.add_host("h", g, std::nullopt);
  inv.reconcile();
  CHECK(inv.groups()[Inventory::kUngrouped].hosts.empty());
}

TEST_CASE("model: membership is once; cycles and self-children are refused") {
  Inventory inv;
  size_t a = inv.add_group("a");
  size_t b = inv.add_group("b");
  inv.add_host("h", a, std::nullopt);
  inv.add_host("h", a, std::nullopt);
  CHECK(inv.groups()[a].hosts.size() == 1);
  REQUIRE(inv.add_child(a, b));
  CHECK(inv.add_child(a, b));  // again: no-op
  CHECK(inv.groups()[a].children.size() == 1);
  CHECK(!inv.add_child(b, a));
  CHECK(!inv.add_child(a, a));
}

TEST_CASE("model: port only from the first declaration; priority kept out of vars") {
  Inventory inv;
  size_t g = inv.add_group("g");
  inv.add_host("h", g, 2222);
  inv.add_host("h", g, 3333);
  CHECK(inv.host("h")->vars.find("ansible_port")->as_int() == 2222);
  inv.set_group_var(g, "ansible_group_priority", Value("5"), {});
  CHECK(inv.group("g")->priority == 5);
  CHECK(inv.group("g")->vars.empty());
  // past int's range the priority is clamped, never a wrapping or undefined cast
  inv.set_group_var(g, "ansible_group_priority", Value(1e30), {});
  CHECK(inv.group("g")->priority == INT32_MAX);
  inv.set_group_var(g, "ansible_group_priority", Value(static_cast<int64_t>(-5000000000)), {});
  CHECK(inv.group("g")->priority == INT32_MIN);
  inv.set_group_var(g, "ansible_group_priority", Value(7.9), {});
  CHECK(inv.group("g")->priority == 7);
}

TEST_CASE("model: depth is the longest path from all") {
  Inventory inv;
  size_t a = inv.add_group("a"), b = inv.add_group("b"), c = inv.add_group("c");
  REQUIRE(inv.add_child(a, c));
  REQUIRE(inv.add_child(a, b));
  REQUIRE(inv.add_child(b, c));
  inv.reconcile();
  CHECK(inv.groups()[c].depth == 3);
  inv.add_host("h", c, std::nullopt);
  CHECK(inv.group_hosts(a) == std::vector<size_t>{0});
}
