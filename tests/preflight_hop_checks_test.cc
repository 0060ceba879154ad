// Checks of the hop itself (src/preflight/hop_checks.cc): etcd member names
// across the two inventories, Kubernetes APIs removed in the minors a hop
// crosses (the real table of versions/), the Ansible version a tag pins
// (requirements.txt of every tag in the shared data).
#include "preflight/hop_checks.h"

#include <doctest/doctest.h>

#include "core/fs.h"
#include "core/paths.h"
#include "core/yaml.h"
#include "inventory/loader.h"
#include "sources/kubespray_tree.h"
#include "sources/memory_source.h"
#include "sources/source.h"
#include "test_support.h"

using namespace ksm;
using ksm::report::Severity;
using RStatus = ksm::report::Status;

namespace {

Version v(const char* s) {
  return *Version::parse(s);
}

// The shipped data, as preflight reads it.
const preflight::ReleaseData& shipped() {
  static preflight::ReleaseData data = [] {
    DirSource src(data_dir());
    auto d = preflight::load_release_data(src, "v2.27.0");
    REQUIRE(d.ok());
    REQUIRE(d->removed_apis.has_value());
    REQUIRE(d->ansible_core.has_value());
    return std::move(*d);
  }();
  return data;
}

vars::Resolved known(const char* s) {
  vars::Resolved r;
  r.value = Value(s);
  r.defined = true;
  return r;
}

}  // namespace

TEST_CASE("hop checks: an etcd member whose name would change is blocking; a pinned name is not") {
  test::TempDir ks, before, after;
  ks.write("roles/etcd/defaults/main.yml",
           "---\netcd_member_name: \"etcd{{ groups['etcd'].index(inventory_hostname) + 1 }}\"\n");
  ks.write("inventory/sample/inventory.ini", "[kube_control_plane]\n");
  before.write("hosts.ini", "[etcd]\nn1\nn2\nn3 etcd_member_name=etcd3\n");
  // The etcd group reordered (by hand, or by a conversion): n1 and n2 swap positions.
  after.write("hosts.ini", "[etcd]\nn2\nn1\nn3 etcd_member_name=etcd3\nn4\n");
  DirSource src(ks.path);
  auto tree = KubesprayTree::load(src);
  REQUIRE(tree.ok());
  auto ib = inventory::load_inventory({(before.path / "hosts.ini").string()});
  auto ia = inventory::load_inventory({(after.path / "hosts.ini").string()});
  REQUIRE(ib.ok());
  REQUIRE(ia.ok());
  auto from = vars::Resolver::create(*tree, &*ib);
  auto to = vars::Resolver::create(*tree, &*ia);
  REQUIRE(from.ok());
  REQUIRE(to.ok());
  auto fs = preflight::etcd_member_names(**to, **from, v("v2.19.0"), v("v2.18.2"));
  REQUIRE(fs.size() == 2);  // n3 pins its name; n4 is a new member
  CHECK(fs[0].id == "ksm/etcd-member-name/n2");
  CHECK(fs[0].severity == Severity::Error);
  CHECK(fs[0].status == RStatus::Fail);
  CHECK(fs[0].title == "etcd member n2 would be renamed (etcd2 -> etcd1)");
  CHECK(fs[0].fix.find("etcd_member_name: etcd2 for n2") != std::string::npos);
  REQUIRE(fs[0].variables.size() == 2);
  CHECK(fs[0].variables[0].value == Value("etcd2"));
  CHECK(fs[0].variables[1].value == Value("etcd1"));
  CHECK(fs[1].id == "ksm/etcd-member-name/n1");
  // The same inventory on both sides: nothing changes.
  auto same = vars::Resolver::create(*tree, &*ib);
  REQUIRE(same.ok());
  CHECK(preflight::etcd_member_names(**same, **from, v("v2.19.0"), v("v2.18.2")).empty());
}

TEST_CASE("hop checks: the Kubernetes minors a hop crosses, with the APIs they stop serving") {
  const preflight::RemovedApis& table = *shipped().removed_apis;
  auto fs = preflight::removed_apis(known("v1.21.5"), known("v1.25.6"), table);
  std::vector<std::string> ids;
  for (const auto& f : fs) ids.push_back(f.id);
  CHECK(ids == std::vector<std::string>{"ksm/removed-apis/1.22", "ksm/removed-apis/1.25"});
  CHECK(fs[1].severity == Severity::Warning);
  bool cronjob = false;
  for (const auto& d : fs[1].details) cronjob |= d == "batch/v1beta1 CronJob -> batch/v1";
  CHECK(cronjob);
  // The upper end is included, the lower end is not; no minor crossed, nothing.
  CHECK(preflight::removed_apis(known("v1.22.0"), known("v1.22.9"), table).empty());
  CHECK(preflight::removed_apis(known("v1.25.0"), known("v1.26.1"), table).size() == 1);
  CHECK(preflight::removed_apis(known("v1.26.0"), known("v1.25.0"), table).empty());  // a downgrade
  vars::Resolved unknown;
  unknown.value = Value::unknown("a template");
  CHECK(preflight::removed_apis(unknown, known("v1.26.1"), table).empty());
}

TEST_CASE("hop checks: the ansible-core a tag pins, for every tag of the shared data") {
  KSM_REQUIRE_SHARED_DATA();
  const preflight::AnsibleCoreTable& core = *shipped().ansible_core;
  auto repo = GitRepo::open(test::kubespray_data());
  REQUIRE(repo.ok());
  // What requirements.txt pins at each tag (a symlink to requirements-2.x.txt from v2.18 to
  // v2.22: its target is not in the shared data).
  std::vector<std::pair<const char*, const char*>> want = {
      {"v2.11.0", "2.7"},  {"v2.14.0", "2.9"},  {"v2.16.0", "2.9"},  {"v2.23.0", "2.14"},
      {"v2.24.0", "2.15"}, {"v2.25.0", "2.16"}, {"v2.29.0", "2.17"}, {"v2.31.0", "2.18"}};
  for (const auto& w : want) {  // not a structured binding: INFO captures it
    const std::string tag = w.first, minor = w.second;
    auto src = repo->at(tag);
    REQUIRE(src.ok());
    auto req = (*src)->read("requirements.txt");
    REQUIRE(req.ok());
    std::string line;
    auto pinned = preflight::pinned_core(*req, core, &line);
    INFO(tag << ": " << line);
    REQUIRE(pinned);
    CHECK(*pinned == minor);
  }
  CHECK_FALSE(preflight::pinned_core("jinja2==2.11.3\n", core));
  CHECK(preflight::pinned_core("ansible==5.7.1\nansible-core==2.12.5\n", core) == "2.12");
}

TEST_CASE("hop checks: Ansible on PATH older than the pin blocks, newer warns, none is unknown") {
  const preflight::AnsibleCoreTable& core = *shipped().ansible_core;
  std::optional<std::string> req = "ansible==9.13.0\n";
  auto older = preflight::ansible_version("ansible [core 2.14.18]\n  config file = None\n", req,
                                          core, v("v2.27.0"));
  REQUIRE(older.size() == 1);
  CHECK(older[0].severity == Severity::Error);
  CHECK(older[0].status == RStatus::Fail);
  CHECK(older[0].title == "Ansible on PATH is ansible-core 2.14, v2.27.0 pins 2.16");
  auto newer = preflight::ansible_version("ansible [core 2.17.1]\n", req, core, v("v2.27.0"));
  REQUIRE(newer.size() == 1);
  CHECK(newer[0].severity == Severity::Warning);
  CHECK(preflight::ansible_version("ansible [core 2.16.3]\n", req, core, v("v2.27.0")).empty());
  CHECK(preflight::ansible_version("ansible 2.9.27\n", std::string("ansible==2.9.20\n"), core,
                                   v("v2.16.0"))
            .empty());
  auto none = preflight::ansible_version("", req, core, v("v2.27.0"));
  REQUIRE(none.size() == 1);
  CHECK(none[0].status == RStatus::Unknown);
  auto no_pin =
      preflight::ansible_version("ansible [core 2.14.18]\n", std::nullopt, core, v("v2.27.0"));
  REQUIRE(no_pin.size() == 1);
  CHECK(no_pin[0].status == RStatus::Unknown);
}

TEST_CASE("release data: typed, with what could not be read said as notes") {
  MemorySource bad({{"versions/kubernetes-removed-apis.yaml", "removals:\n  - {minor: '1.22'}\n"},
                    {"versions/ansible-core.yaml", "community: {'x': '2.16'}\n"},
                    {"schemas/preflight/live_values.yml", "live_values: []\n"}});
  auto d = preflight::load_release_data(bad, "v2.27.0");
  REQUIRE_MESSAGE(d.ok(), (d.ok() ? "" : d.error().str()));
  CHECK_FALSE(d->to_facts.has_value());
  CHECK_FALSE(d->removed_apis.has_value());
  CHECK_FALSE(d->ansible_core.has_value());
  REQUIRE(d->notes.size() == 3);
  CHECK(d->notes[0].find("versions/ has no facts for v2.27.0") == 0);
  CHECK(d->notes[1].find("versions/kubernetes-removed-apis.yaml unreadable") == 0);
  CHECK(d->notes[2].find("versions/ansible-core.yaml unreadable") == 0);
  // Without the live-value rules preflight cannot predict the cluster: an error.
  MemorySource none(MemorySource::Files{{"versions/ansible-core.yaml", "community: {}\n"}});
  CHECK_FALSE(preflight::load_release_data(none, "v2.27.0").ok());

  const auto& data = shipped();
  REQUIRE(data.to_facts.has_value());
  CHECK(data.to_facts->tag() == "v2.27.0");
  CHECK(data.ansible_core->community.at(9) == "2.16");
  CHECK(data.removed_apis->removals.front().minor == "1.16");
  CHECK_FALSE(data.live_rules.empty());
}
