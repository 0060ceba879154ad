// Tests of src/catalog/facts: the typed view over a tag's facts, on the
// committed versions/ folder.
#include <doctest/doctest.h>

#include "catalog/facts.h"
#include "schema/facts.h"

using namespace ksm;
using namespace ksm::catalog;

TEST_CASE("facts: defaults the seeds name, installable versions, sample lines") {
  auto rf = schema::ReleaseFacts::from_versions(std::filesystem::path(KSM_SOURCE_DIR) / "versions");
  REQUIRE(rf.ok());
  auto load = [&](const char* tag) {
    auto f = rf->facts(tag);
    REQUIRE(f.ok());
    // (read once, then shared: the same object again)
    CHECK(rf->facts(tag)->get() == f->get());
    return **f;
  };
  TagFacts a = load("v2.17.1");
  TagFacts b = load("v2.18.0");
  CHECK(a.default_value("container_manager") == Value("docker"));
  CHECK(b.default_value("container_manager") == Value("containerd"));
  CHECK(b.default_source("container_manager").find("@ v2.18.0") != std::string::npos);
  CHECK(b.default_value("no_such_variable_anywhere").is_undefined());
  CHECK(b.can_install(b.kube_version()));
  CHECK(b.can_install(b.kube_version().substr(1)));
  CHECK(!b.can_install("v1.10.0"));
  CHECK(b.sample_hosts_file() == "inventory.ini");
  REQUIRE(b.sample_variable("container_manager") != nullptr);
  CHECK(b.version().minor == 18);
  CHECK(!TagFacts::from_value(Value::map()).ok());
}
