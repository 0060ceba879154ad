// Tests of the review formats of `upgrade` (src/upgrade/review_markdown,
// review_findings) and the diff of one hop (Workspace::diff_since): the
// Markdown document's sections and diff blocks, a pin located in the
// upgraded inventory's file and line, SARIF levels, JUnit failures.
#include <doctest/doctest.h>

#include <string>

#include "core/json.h"
#include "test_support.h"
#include "upgrade/review_findings.h"
#include "upgrade/review_markdown.h"

using namespace ksm;
using namespace ksm::upgrade;

namespace {

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

// Two hops: a pin and a change in the first, a conflict and a note to
// review in the second.
Report sample_report() {
  Report r;
  r.input = "inventory/mycluster";
  r.output = "inventory/mycluster-v2.19.1";
  Hop a{"v2.17.1", "v2.18.2", {}, {}, {}};
  a.changes.push_back(Change{.kind = ChangeKind::Pin,
                             .file = "group_vars/etcd.yml",
                             .line = 2,
                             .variable = "etcd_deployment_type",
                             .new_value = Value("docker"),
                             .reason = "the running cluster's etcd | runs in docker",
                             .source = "schemas/v2.18.0.yml:51",
                             .tag_value = Value("host")});
  a.changes.push_back(Change{.kind = ChangeKind::KubeVersion,
                             .file = "group_vars/k8s_cluster/k8s-cluster.yml",
                             .line = 5,
                             .variable = "kube_version",
                             .old_value = Value("v1.19.9"),
                             .new_value = Value("v1.20.15"),
                             .reason = "one minor per hop",
                             .source = "roles/kubespray-defaults/defaults/main.yaml:18 @ v2.18.2"});
  a.notes.push_back({NoteLevel::Info, "the hosts file is hosts.yaml", ""});
  Hop b{"v2.18.2", "v2.19.1", {}, {}, {}};
  b.conflicts.push_back(
      {"group_vars/k8s_cluster/k8s-net-calico.yml", 40, "both sides changed `calico_mtu`"});
  b.notes.push_back(
      {NoteLevel::Review,
       "calico-encapsulation-default: v2.19.0 switches to VXLAN; check etcd_deployment_type",
       "schemas/v2.19.0.yml:93:5"});
  r.hops = {a, b};
  return r;
}

Workspace upgraded() {
  Workspace ws = Workspace::empty("/nonexistent-ksm-review");
  ws.put("hosts.yaml", "all:\n  hosts:\n    node1:\n");
  ws.put("group_vars/etcd.yml", "---\n# pinned\netcd_deployment_type: docker\n");
  ws.put("group_vars/k8s_cluster/k8s-cluster.yml",
         "a: 1\nb: 2\nc: 3\nd: 4\nkube_version: v1.20.15\n");
  ws.put("group_vars/k8s_cluster/k8s-net-calico.yml", "x: 1\n# calico_ipip_mode: Always\n");
  return ws;
}

}  // namespace

TEST_CASE("review markdown: escaping of cells and code spans") {
  CHECK(md_escape("a|b `c` *d* x_y _e_\nz <t>") == "a\\|b \\`c\\` \\*d\\* x_y \\_e\\_ z &lt;t>");
  CHECK(md_code("group_vars/all.yml:3") == "`group_vars/all.yml:3`");
  CHECK(md_code("a`b") == "``a`b``");
  CHECK(md_code("a|b") == "`a\\|b`");
}

TEST_CASE("review markdown: one section per hop, pins, a checklist, a diff block per file") {
  Report r = sample_report();
  HopDiffs diffs;
  diffs.per_hop = {
      "diff --git a/group_vars/etcd.yml b/group_vars/etcd.yml\n--- a/group_vars/etcd.yml\n"
      "+++ b/group_vars/etcd.yml\n@@ -1 +1,3 @@\n ---\n+# pinned\n+etcd_deployment_type: docker\n"
      "diff --git a/hosts.yaml b/hosts.yaml\n--- a/hosts.yaml\n+++ b/hosts.yaml\n@@ -1 +1 "
      "@@\n-a\n+b\n",
      ""};
  report::SummaryBlock s;
  s.counts = {{"hops", 2}, {"pins", 1}, {"conflicts", 1}};
  s.outputs = {"the inventory for v2.19.1: out"};
  s.next = {"kubespray-migrate upgrade --continue -i out"};
  s.exit_status = 3;
  std::string md = render_markdown({&r, &diffs, &s, nullptr, ""});
  CHECK(md.rfind("# Kubespray upgrade v2.17.1 → v2.19.1: review\n", 0) == 0);
  CHECK(md.find("## Summary") != std::string::npos);
  CHECK(md.find("| hops | pins | conflicts |\n|---|---|---|\n| 2 | 1 | 1 |") != std::string::npos);
  CHECK(md.find("- next: kubespray-migrate upgrade --continue -i out") != std::string::npos);
  CHECK(md.find("- exit 3: ") != std::string::npos);
  CHECK(count(md, "\n## Hop ") == 2);
  CHECK(md.find("## Hop 1: v2.17.1 → v2.18.2") != std::string::npos);
  // The pin with its file:line and the text's wording; its reason escaped.
  CHECK(
      md.find("### Pinned\n\n- `group_vars/etcd.yml:2`: keep etcd_deployment_type: docker (v2.18.2 "
              "would change it to host). Why: the running cluster's etcd \\| runs in docker") !=
      std::string::npos);
  CHECK(md.find("| kube-version | `group_vars/k8s_cluster/k8s-cluster.yml:5` | kube_version: "
                "v1.19.9 -> "
                "v1.20.15 | one minor per hop |") != std::string::npos);
  CHECK(md.find(
            "- [ ] **conflict** `group_vars/k8s_cluster/k8s-net-calico.yml:40`: both sides changed "
            "\\`calico_mtu\\`") != std::string::npos);
  CHECK(md.find("- [ ] **review** calico-encapsulation-default:") != std::string::npos);
  CHECK(md.find("### Notes\n\n- the hosts file is hosts.yaml") != std::string::npos);
  CHECK(count(md, "```diff\n") == 2);
  CHECK(md.find("`group_vars/etcd.yml`\n\n```diff\ndiff --git a/group_vars/etcd.yml") !=
        std::string::npos);
  CHECK(md.find("No file changed.") != std::string::npos);  // the second hop
}

TEST_CASE("review findings: located in the upgraded inventory, SARIF levels, JUnit failures") {
  Report r = sample_report();
  Workspace ws = upgraded();
  ReviewFindingsOptions o;
  o.inventory_root = "/home/op/inventory/mycluster-v2.19.1";
  report::Report rep = review_findings(r, ws, "hosts.yaml", nullptr, o);
  // 2 changes, 1 info note, 1 conflict, 1 note to review.
  REQUIRE(rep.findings.size() == 5);
  const report::Finding& pin = rep.findings[0];
  CHECK(pin.id == "ksm/upgrade/pin/etcd_deployment_type");
  CHECK(pin.group == "v2.17.1 -> v2.18.2");
  REQUIRE(pin.variables.size() == 1);
  // Reported at line 2 of the hop's file; in the upgraded file it is set at line 3.
  CHECK(pin.variables[0].where.str() == "group_vars/etcd.yml:3");

  auto sarif = parse_json(report::render_sarif(
      review_findings(r, ws, "hosts.yaml", nullptr, {false, o.inventory_root})));
  REQUIRE(sarif.ok());
  CHECK(sarif->get("version")->as_string() == "2.1.0");
  const Value& run = sarif->get("runs")->as_list()[0];
  CHECK(run.get("originalUriBaseIds")->get("INVENTORY")->get("uri")->as_string() ==
        "file:///home/op/inventory/mycluster-v2.19.1/");
  const auto& results = run.get("results")->as_list();
  REQUIRE(results.size() == 4);  // no info note
  auto loc = [&](size_t i) {
    return results[i].get("locations")->as_list()[0].get("physicalLocation");
  };
  CHECK(results[0].get("level")->as_string() == "note");  // the pin
  CHECK(loc(0)->get("artifactLocation")->get("uri")->as_string() == "group_vars/etcd.yml");
  CHECK(loc(0)->get("artifactLocation")->get("uriBaseId")->as_string() == "INVENTORY");
  CHECK(loc(0)->get("region")->get("startLine")->as_int() == 3);
  CHECK(results[2].get("level")->as_string() == "error");  // the conflict
  // Line 40 of a two-line file: clamped into it.
  CHECK(loc(2)->get("region")->get("startLine")->as_int() == 2);
  CHECK(results[3].get("level")->as_string() == "warning");  // the note to review
  CHECK(results[3].get("ruleId")->as_string() == "ksm/upgrade/review/calico-encapsulation-default");
  // It names etcd_deployment_type, but no change of its own hop sets it: the hosts file.
  CHECK(loc(3)->get("artifactLocation")->get("uri")->as_string() == "hosts.yaml");

  std::string x = report::render_junit(rep, {false, true});
  CHECK(count(x, "<testsuite ") == 2);
  CHECK(x.find("failures=\"1\"") !=
        std::string::npos);  // the conflict; the note to review is not one
  CHECK(count(x, "<failure ") == 1);
  CHECK(x.find("<testsuite name=\"v2.17.1 -&gt; v2.18.2\" tests=\"3\" failures=\"0\"") !=
        std::string::npos);
  CHECK(x.find("<testsuite name=\"v2.18.2 -&gt; v2.19.1\" tests=\"2\" failures=\"1\"") !=
        std::string::npos);
}

TEST_CASE("review findings: locate_in follows the variable, else the file, folder or hosts file") {
  Workspace ws = upgraded();
  CHECK(locate_in(ws, "hosts.yaml", "group_vars/k8s_cluster/k8s-cluster.yml", 9, "").str() ==
        "group_vars/k8s_cluster/k8s-cluster.yml:5");
  CHECK(locate_in(ws, "hosts.yaml", "gone.yml", 4, "kube_version").str() ==
        "group_vars/k8s_cluster/k8s-cluster.yml:5");
  CHECK(locate_in(ws, "hosts.yaml", "group_vars/k8s_cluster", 0, "").str() ==
        "group_vars/k8s_cluster/k8s-cluster.yml:1");
  CHECK(locate_in(ws, "hosts.yaml", "../mycluster.manifests/x.yaml", 0, "").str() ==
        "hosts.yaml:1");
}

TEST_CASE("workspace: diff_since shows what one hop changed, moves paired by the input path") {
  test::TempDir d;
  d.write("hosts.yaml", "all: {}\n");
  d.write("group_vars/k8s-cluster/k8s-cluster.yml", "kube_version: v1.19.9\n");
  d.write("group_vars/all/all.yml", "a: 1\n");
  auto first = Workspace::load(d.path);
  REQUIRE(first.ok());
  first->put("group_vars/all/all.yml", "a: 2\n");  // hop 1
  Workspace second = *first;
  REQUIRE(second.move("group_vars/k8s-cluster", "group_vars/k8s_cluster").ok());  // hop 2
  second.put("group_vars/k8s_cluster/k8s-cluster.yml", "kube_version: v1.20.15\n");
  second.put("new.yml", "n: 1\n");
  std::string hop2 = second.diff_since(*first);
  CHECK(hop2.find("all.yml") == std::string::npos);  // hop 1's change is not hop 2's
  CHECK(hop2.find("--- a/group_vars/k8s-cluster/k8s-cluster.yml\n+++ "
                  "b/group_vars/k8s_cluster/k8s-cluster.yml") != std::string::npos);
  CHECK(hop2.find("+kube_version: v1.20.15") != std::string::npos);
  CHECK(hop2.find("+++ b/new.yml") != std::string::npos);
  CHECK(hop2.find("+++ /dev/null") == std::string::npos);  // the move is no deletion
  CHECK(first->diff_since(*first).empty());
}

TEST_CASE(
    "review findings: preflight's findings in the last hop, where the variable is or would be") {
  Report r = sample_report();
  Workspace ws = upgraded();
  report::Report pf;
  report::Finding set;
  set.id = "preflight/etcd";
  set.variables.push_back({"etcd_deployment_type", Value("docker"), "inventory",
                           Location{"group_vars/etcd.yml", 0, 0}, true, ""});
  report::Finding unset;
  unset.id = "preflight/calico";
  unset.variables.push_back({"calico_ipip_mode", Value("Never"), "role default", {}, false, ""});
  report::Finding none;
  none.id = "preflight/os";
  pf.findings = {set, unset, none};
  report::Report rep = review_findings(r, ws, "hosts.yaml", &pf, {});
  REQUIRE(rep.findings.size() == 8);
  CHECK(rep.findings[5].group == "v2.18.2 -> v2.19.1");
  CHECK(rep.findings[5].variables[0].where.str() == "group_vars/etcd.yml:3");  // the line found
  CHECK(rep.findings[6].where.str() ==
        "group_vars/k8s_cluster/k8s-net-calico.yml:2");  // commented out
  CHECK(rep.findings[7].where.str() == "hosts.yaml:1");
}
