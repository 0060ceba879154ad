// Tests of src/pipeline/upgrade_check: upgrade then preflight of what it
// produced, from memory, with the operator's --schemas, on the full clone
// (../shared/kubespray-full.git, or KSM_KUBESPRAY_CLONE).
#include "pipeline/upgrade_check.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "core/json.h"
#include "core/paths.h"
#include "sources/source.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace ksm;

namespace {

// An operator's own rule folder: one advisory that always holds on v2.16.0.
void write_site_schema(const test::TempDir& t) {
  t.write("site/site.yml", R"(release: v2.16.0
summary: "Our own checks."
advisories:
  - id: site-maintenance-window
    releases: [v2.16.0]
    scope: crossing
    condition: "kube_network_plugin == 'calico'"
    severity: warning
    message: "Announce the maintenance window before upgrading to v2.16."
    source: "our runbook"
)");
}

bool has_finding(const report::Report& r, const std::string& id) {
  for (const auto& f : r.findings)
    if (f.id == id) return true;
  return false;
}

}  // namespace

TEST_CASE("pipeline: upgrade then preflight from memory, with the operator's schemas") {
  KSM_REQUIRE_KUBESPRAY_CLONE();
  test::TempDir t;
  write_site_schema(t);
  pipeline::UpgradeCheckOptions o;
  o.upgrade.inventory = (test::testdata() / "demo" / "mycluster").string();
  o.upgrade.kubespray = test::kubespray_clone().string();
  o.upgrade.to = "v2.16.0";
  o.upgrade.schema_dirs = {t.path / "site"};
  DirSource data(data_dir());
  o.data = &data;
  // No scratch folder: a TMPDIR that cannot be written does not matter.
  test::ScopedEnv tmp("TMPDIR", (t.path / "no-such-folder").string());
  auto r = pipeline::upgrade_and_check(o);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().str()));
  CHECK_FALSE(r->preflight_error.has_value());
  REQUIRE(r->preflight.has_value());
  CHECK(r->upgrade.from_tag == "v2.15.1");
  // The operator's rule reached both steps' schemas: preflight evaluated it.
  CHECK(has_finding(*r->preflight, "ksm/advisory/site-maintenance-window"));
  // Findings name the operator's files relative to the inventory, never a
  // scratch copy.
  for (const auto& f : r->preflight->findings)
    for (const auto& v : f.variables) {
      INFO(f.id << " " << v.name << " " << v.where.file);
      CHECK(v.where.file.find("ksm-") == std::string::npos);
      if (v.operator_file) CHECK(fs::path(v.where.file).is_relative());
    }
  // One typed result; its JSON carries both reports and the worse status.
  pipeline::set_output(*r, "(diff)");
  Value doc = pipeline::to_value(*r);
  REQUIRE(doc.get("preflight"));
  CHECK(doc.get("preflight")->get("target")->get("inventory")->as_string() == "(diff)");
  CHECK(doc.get("exit_status")->as_int() == r->exit_status());
  CHECK(r->exit_status() ==
        std::max(r->upgrade.report.exit_status(), report::exit_status(*r->preflight)));
  // The diff works after preflight read the clone, and the other way round.
  CHECK(r->upgrade.workspace.diff().find("kube_control_plane") != std::string::npos);
}

TEST_CASE("pipeline: offline or --no-preflight runs no preflight") {
  pipeline::UpgradeCheckOptions o;
  o.upgrade.inventory = (test::testdata() / "demo" / "mycluster").string();
  o.upgrade.to = "v2.16.0";
  o.upgrade.offline = true;
  auto r = pipeline::upgrade_and_check(o);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().str()));
  CHECK_FALSE(r->preflight.has_value());
  CHECK_FALSE(r->preflight_error.has_value());
  CHECK(r->exit_status() == r->upgrade.report.exit_status());
  CHECK(pipeline::to_value(*r).get("preflight") == nullptr);
}
