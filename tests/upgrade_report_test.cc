// Tests of src/upgrade/report: JSON shape, vault values hidden, exit status.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "core/json.h"
#include "upgrade/report.h"

using namespace ksm;
using namespace ksm::upgrade;

TEST_CASE("report: json shape and exit status") {
  Report r;
  r.output = "out";
  Hop h{"v2.17.1", "v2.18.0", {}, {}, {}};
  Change c;
  c.kind = ChangeKind::Pin;
  c.file = "group_vars/k8s_cluster/k8s-cluster.yml";
  c.line = 7;
  c.variable = "container_manager";
  c.old_value = Value("containerd");
  c.new_value = Value("docker");
  c.reason = "default changed";
  h.changes.push_back(c);
  Change v;
  v.kind = ChangeKind::Sample;
  v.variable = "secret";
  v.old_value = Value(VaultText{"$ANSIBLE_VAULT;1.1;AES256\nabc\n"});
  h.changes.push_back(v);
  r.hops.push_back(h);
  CHECK(r.exit_status() == 0);
  auto j = parse_json(render_json(r));
  REQUIRE(j.ok());
  const Value& ch = j->get("hops")->as_list()[0].get("changes")->as_list()[0];
  CHECK(ch.get("kind")->as_string() == "pin");
  CHECK(ch.get("new")->as_string() == "docker");
  CHECK(ch.get("line")->as_int() == 7);
  CHECK(render_json(r).find("ANSIBLE_VAULT") == std::string::npos);
  CHECK(render_text(r, false).find("ANSIBLE_VAULT") == std::string::npos);
  r.hops[0].notes.push_back({NoteLevel::Review, "check kube_version", ""});
  CHECK(r.exit_status() == 2);
  r.hops[0].conflicts.push_back({"addons.yml", 3, "both changed metallb_enabled"});
  CHECK(r.exit_status() == 3);
  CHECK(r.conflict_count() == 1);
}

TEST_CASE("report: every change kind has its own name") {
  std::set<std::string> names;
  for (int k = 0; k <= static_cast<int>(ChangeKind::AnsibleCfg); ++k)
    names.insert(change_kind_name(static_cast<ChangeKind>(k)));
  CHECK(names.size() == static_cast<size_t>(ChangeKind::AnsibleCfg) + 1);
  CHECK(names.count("rename-group"));
  CHECK_FALSE(names.count("?"));
}

TEST_CASE(
    "report text: kept values read 'keep X (vX.Y would change it to Y)', sources short unless "
    "verbose") {
  Report r;
  r.output = "out";
  Hop h{"v2.26.0", "v2.27.0", {}, {}, {}};
  h.changes.push_back(Change{.kind = ChangeKind::AnsibleCfg,
                             .file = "ansible.cfg",
                             .variable = "defaults.forks",
                             .old_value = Value("50"),
                             .new_value = Value("50"),
                             .reason = "your setting, kept",
                             .source = "ansible.cfg @ v2.27.0",
                             .tag_value = Value("5")});
  h.changes.push_back(
      Change{.kind = ChangeKind::KubeVersion,
             .file = "group_vars/k8s_cluster/k8s-cluster.yml",
             .line = 5,
             .variable = "kube_version",
             .new_value = Value("v1.29.12"),
             .source = "roles/kubespray-defaults/defaults/main/main.yml:21 @ v2.27.0",
             .tag_value = Value("v1.31.4")});
  h.notes.push_back({NoteLevel::Info, "facts first",
                     "schemas/v2.27.0.yml:84:5 (docs/operations/upgrades.md (v2.27.0); "
                     "roles/kubespray-defaults/tasks/main.yaml:16 'Set fallback_ip' (v2.27.0))"});
  r.hops.push_back(h);
  std::string text = render_text(r, false);
  CHECK(text.find("keep defaults.forks: 50 (v2.27.0 would change it to 5)") != std::string::npos);
  CHECK(text.find("kube_version: (unset) -> v1.29.12 (v2.27.0 would give v1.31.4)") !=
        std::string::npos);
  CHECK(text.find("[schemas/v2.27.0.yml:84, docs/operations/upgrades.md]") != std::string::npos);
  CHECK(text.find("-v shows them in full") != std::string::npos);
  std::string full = render_text(r, false, true);
  CHECK(full.find("'Set fallback_ip' (v2.27.0))]") != std::string::npos);
  CHECK(full.find("-v shows") == std::string::npos);
  // JSON: old/new before and after in the operator's file, the tag's value beside them.
  auto j = parse_json(render_json(r));
  REQUIRE(j.ok());
  const Value& kv = j->get("hops")->as_list()[0].get("changes")->as_list()[1];
  CHECK(kv.get("old")->is_null());
  CHECK(kv.get("new")->as_string() == "v1.29.12");
  CHECK(kv.get("tag_value")->as_string() == "v1.31.4");
}
