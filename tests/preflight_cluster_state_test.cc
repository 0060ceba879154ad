// Cluster-state files (src/preflight/cluster_state.cc): the variables shape,
// calicoctl and kubectl IPPool output, JSON, and the live-value rules shipped
// in schemas/preflight/live_values.yml.
#include "preflight/cluster_state.h"

#include <doctest/doctest.h>

#include "core/paths.h"
#include "preflight/release_data.h"
#include "sources/source.h"
#include "test_support.h"

using ksm::preflight::load_cluster_state;
using ksm::preflight::parse_cluster_state;
using ksm::preflight::value_at_path;

TEST_CASE("preflight cluster state: calicoctl get ippool -o yaml") {
  auto s = load_cluster_state(ksm::test::testdata() / "preflight" / "calicoctl-ippool.yaml");
  REQUIRE(s.ok());
  CHECK(s->variables.empty());
  REQUIRE(s->objects.size() == 1);
  const ksm::Value* pool = s->object("IPPool", "default-pool");
  REQUIRE(pool);
  CHECK(*value_at_path(*pool, "spec.blockSize") == ksm::Value(24));
  CHECK(*value_at_path(*pool, "spec.ipipMode") == ksm::Value("Always"));
  CHECK(value_at_path(*pool, "spec.nothing") == nullptr);
  CHECK(s->object("IPPool", "other") == nullptr);
}

TEST_CASE("preflight cluster state: kubectl get ippools.crd.projectcalico.org -o yaml") {
  auto s = load_cluster_state(ksm::test::testdata() / "preflight" / "kubectl-ippools.yaml");
  REQUIRE(s.ok());
  REQUIRE(s->objects.size() == 2);
  const ksm::Value* v6 = s->object("IPPool", "default-pool-ipv6");
  REQUIRE(v6);
  CHECK(*value_at_path(*v6, "spec.blockSize") == ksm::Value(122));
  REQUIRE(s->object("IPPool", "default-pool"));
}

TEST_CASE("preflight cluster state: variables shape, JSON, several documents, errors") {
  auto s = load_cluster_state(ksm::test::testdata() / "preflight" / "variables.yaml");
  REQUIRE(s.ok());
  REQUIRE(s->variables.find("calico_pool_conf"));
  CHECK(*value_at_path(*s->variables.find("calico_pool_conf"), "spec.vxlanMode") ==
        ksm::Value("Never"));

  // calicoctl get ippool default-pool -o json: one object.
  auto j = parse_cluster_state(
      R"({"kind": "IPPool", "apiVersion": "projectcalico.org/v3", "metadata": {"name": "p"},)"
      R"( "spec": {"blockSize": 26}})",
      "pool.json");
  REQUIRE(j.ok());
  REQUIRE(j->object("IPPool", "p"));

  auto multi = parse_cluster_state(
      "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: a}\n---\n"
      "extra_var: 1\n",
      "multi.yaml");
  REQUIRE(multi.ok());
  CHECK(multi->objects.size() == 1);
  CHECK(multi->variables.contains("extra_var"));

  auto bad = parse_cluster_state("- a\n", "bad.yaml");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().where.file == "bad.yaml");
  auto broken = parse_cluster_state("a: [\n", "broken.yaml");
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().where.line > 0);
}

TEST_CASE("preflight cluster state: shipped live-value rules load") {
  ksm::DirSource data(ksm::data_dir());
  auto release = ksm::preflight::load_release_data(data, "v2.19.0");
  REQUIRE(release.ok());
  const auto* rules = &release->live_rules;
  REQUIRE_FALSE(rules->empty());
  const auto& r = rules->front();
  CHECK(r.name == "calico_pool_conf");
  CHECK(r.state_kind == "IPPool");
  CHECK(r.fields.at("spec.ipipMode") == "calico_ipip_mode");
  CHECK(value_at_path(r.value, "spec.blockSize") != nullptr);
  CHECK_FALSE(r.when.empty());
}
