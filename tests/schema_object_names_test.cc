// Tests of src/schema/object_names: DNS-1123 names for the Kubernetes
// objects Kubespray renders from operator keys (MetalLB pools at v2.22).
#include <doctest/doctest.h>

#include <string>

#include "core/json.h"
#include "schema/object_names.h"

using namespace ksm;
using namespace ksm::schema;

TEST_CASE("object names: DNS-1123 subdomain check") {
  CHECK(is_dns1123_subdomain("loadbalanced"));
  CHECK(is_dns1123_subdomain("lab-pool"));
  CHECK(is_dns1123_subdomain("pool.example.com"));
  CHECK(is_dns1123_subdomain("0pool9"));
  CHECK(!is_dns1123_subdomain("lab_pool"));
  CHECK(!is_dns1123_subdomain("Lab"));
  CHECK(!is_dns1123_subdomain("-pool"));
  CHECK(!is_dns1123_subdomain("pool-"));
  CHECK(!is_dns1123_subdomain("a..b"));
  CHECK(!is_dns1123_subdomain("a.-b"));
  CHECK(!is_dns1123_subdomain(""));
  CHECK(is_dns1123_subdomain(std::string(253, 'a')));
  CHECK(!is_dns1123_subdomain(std::string(254, 'a')));
}

TEST_CASE("object names: invalid names map to the nearest valid one") {
  CHECK(to_dns1123_subdomain("lab_pool") == "lab-pool");
  CHECK(to_dns1123_subdomain("Lab_Pool") == "lab-pool");
  CHECK(to_dns1123_subdomain("_pool_") == "pool");
  CHECK(to_dns1123_subdomain("a..b") == "a.b");
  CHECK(to_dns1123_subdomain("a._b") == "a.b");
  CHECK(to_dns1123_subdomain("pool #1") == "pool--1");
  CHECK(to_dns1123_subdomain("___") == "name");
  std::string longest = to_dns1123_subdomain(std::string(300, 'x') + "_");
  CHECK(longest == std::string(253, 'x'));
  for (const char* n : {"lab_pool", "Lab_Pool", "_pool_", "a..b", "pool #1", "___", "é"})
    CHECK_MESSAGE(is_dns1123_subdomain(to_dns1123_subdomain(n)), n);
}

TEST_CASE("object names: valid names are kept and never taken; collisions get a suffix") {
  auto plan =
      plan_object_names({"lab-pool", "lab_pool", "LAB_POOL", "loadbalanced", "lab_pool", "x_y"});
  REQUIRE(plan.size() == 3);
  CHECK(plan[0].from == "lab_pool");
  CHECK(plan[0].to == "lab-pool-2");  // lab-pool is a valid name already in use
  CHECK(plan[0].disambiguated);
  CHECK(plan[1].from == "LAB_POOL");
  CHECK(plan[1].to == "lab-pool-3");
  CHECK(plan[2].from == "x_y");
  CHECK(plan[2].to == "x-y");
  CHECK(!plan[2].disambiguated);
  CHECK(plan_object_names({"loadbalanced", "lab-pool"}).empty());
}

TEST_CASE("object names: found and renamed at map keys and list entries, order kept") {
  auto cfg = parse_json(R"({"metallb_config": {
      "address_pools": {"loadbalanced": {"ip_range": ["10.0.0.1-10.0.0.9"]},
                        "lab_pool": {"ip_range": ["10.0.1.1-10.0.1.9"], "auto_assign": false}},
      "layer2": ["loadbalanced", "lab_pool"],
      "layer3": {"metallb_peers": {"peer1": {"address_pool": ["lab_pool"]}}}}})",
                        "test");
  REQUIRE(cfg.ok());
  Map vars = cfg->as_map();
  CHECK(names_at(vars, "metallb_config.address_pools.{}") ==
        std::vector<std::string>{"loadbalanced", "lab_pool"});
  CHECK(names_at(vars, "metallb_config.layer2[]") ==
        std::vector<std::string>{"loadbalanced", "lab_pool"});
  CHECK(names_at(vars, "metallb_config.layer3.metallb_peers.{}.address_pool[]") ==
        std::vector<std::string>{"lab_pool"});
  CHECK(names_at(vars, "metallb_config.layer3.communities.{}").empty());
  auto plan = plan_object_names(names_at(vars, "metallb_config.address_pools.{}"));
  for (const char* p : {"metallb_config.address_pools.{}", "metallb_config.layer2[]",
                        "metallb_config.layer3.metallb_peers.{}.address_pool[]"})
    rename_at(vars, p, plan);
  CHECK(to_json(Value(vars), {false, 0}) ==
        R"({"metallb_config":{"address_pools":{"loadbalanced":{"ip_range":["10.0.0.1-10.0.0.9"]},)"
        R"("lab-pool":{"ip_range":["10.0.1.1-10.0.1.9"],"auto_assign":false}},)"
        R"("layer2":["loadbalanced","lab-pool"],)"
        R"("layer3":{"metallb_peers":{"peer1":{"address_pool":["lab-pool"]}}}}})");
}
