// The report module (src/report): summary and exit status, and the
// structure of the JSON, SARIF 2.1.0 and JUnit XML renderings.
#include "report/report.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/json.h"

using namespace ksm::report;

namespace {

Report sample() {
  Report r;
  r.command = "preflight";
  r.target = ksm::Value(ksm::Map{{"inventory", ksm::Value("inventory/mycluster")},
                                 {"from", ksm::Value("v2.18.2")},
                                 {"to", ksm::Value("v2.19.0")}});
  r.inventory_root = "/home/op/inventory/mycluster";
  r.source_root = "kubespray v2.19.0";
  Finding f;
  f.id = "preflight/roles/network_plugin/calico/tasks/check.yml:146";
  f.title = "Check if inventory match current cluster configuration";
  f.group = "network_plugin/calico";
  f.severity = Severity::Error;
  f.status = Status::Fail;
  f.source = ksm::Location{"roles/network_plugin/calico/tasks/check.yml", 146, 0};
  f.source_label = "kubespray v2.19.0";
  f.message = "Your inventory doesn't match the current cluster configuration <ipip & vxlan>";
  f.fix = "set calico_ipip_mode: 'Always'";
  f.details = {"false: calico_pool_conf.spec.ipipMode == calico_ipip_mode"};
  f.hosts = {"node1"};
  Variable v;
  v.name = "calico_ipip_mode";
  v.value = ksm::Value("Never");
  v.provenance = "role default";
  v.where = ksm::Location{"roles/network_plugin/calico/defaults/main.yml", 12, 0};
  f.variables.push_back(v);
  Variable w;
  w.name = "calico_network_backend";
  w.value = ksm::Value("vxlan");
  w.provenance = "inventory";
  w.where = ksm::Location{"group_vars/k8s_cluster/k8s-net-calico.yml", 88, 1};
  w.operator_file = true;
  f.variables.push_back(w);
  r.findings.push_back(f);

  Finding u;
  u.id = "preflight/roles/kubernetes/preinstall/tasks/0020-verify-settings.yml:10";
  u.title = "Stop if unknown OS";
  u.severity = Severity::Error;
  u.status = Status::Unknown;
  u.details = {"needs the fact ansible_distribution"};
  r.findings.push_back(u);

  Finding p;
  p.id = "preflight/roles/validate_inventory/tasks/main.yml:20";
  p.title = "Stop if etcd group is empty";
  p.status = Status::Pass;
  r.findings.push_back(p);

  Finding w2;
  w2.id = "preflight/ignored";
  w2.title = "An ignored failure";
  w2.severity = Severity::Warning;
  w2.status = Status::Fail;
  w2.source = ksm::Location{"roles/x/tasks/main.yml", 7, 0};
  r.findings.push_back(w2);
  return r;
}

// Minimal XML well-formedness: balanced, properly nested tags, one root.
bool balanced_xml(const std::string& s, std::string* root) {
  std::vector<std::string> stack;
  size_t i = 0, roots = 0;
  while ((i = s.find('<', i)) != std::string::npos) {
    size_t end = s.find('>', i);
    if (end == std::string::npos) return false;
    std::string tag = s.substr(i + 1, end - i - 1);
    i = end + 1;
    if (tag.empty()) return false;
    if (tag[0] == '?') continue;
    if (tag[0] == '/') {
      if (stack.empty() || stack.back() != tag.substr(1)) return false;
      stack.pop_back();
      continue;
    }
    std::string name = tag.substr(0, tag.find_first_of(" /"));
    if (stack.empty()) {
      ++roots;
      *root = name;
    }
    if (tag.back() != '/') stack.push_back(name);
  }
  return stack.empty() && roots == 1;
}

}  // namespace

TEST_CASE("report: summary and exit status") {
  Report r = sample();
  Summary s = summarize(r);
  CHECK(s.total == 4);
  CHECK(s.blocking == 1);
  CHECK(s.warnings == 1);
  CHECK(s.unknown == 1);
  CHECK(s.passed == 1);
  CHECK(exit_status(r) == 3);
  r.findings.erase(r.findings.begin());
  CHECK(exit_status(r) == 2);
  r.findings.pop_back();
  CHECK(exit_status(r) == 0);  // unknown and passed do not fail a run
  CHECK(exit_status(Report{}) == 0);
  CHECK(parse_format("sarif").ok());
  CHECK_FALSE(parse_format("xml").ok());
}

TEST_CASE("report: JSON is valid, also when empty") {
  Report empty;
  empty.command = "preflight";
  auto v = ksm::parse_json(render_json(empty));
  REQUIRE(v.ok());
  REQUIRE(v->get("findings"));
  CHECK(v->get("findings")->as_list().empty());
  CHECK(v->get("target")->is_map());
  CHECK(v->get("summary")->get("total")->as_int() == 0);
  CHECK(v->get("summary")->get("exit_status")->as_int() == 0);

  auto full = ksm::parse_json(render_json(sample()));
  REQUIRE(full.ok());
  CHECK(full->get("target")->get("to")->as_string() == "v2.19.0");
  const auto& fs = full->get("findings")->as_list();
  REQUIRE(fs.size() == 4);
  CHECK(fs[0].get("severity")->as_string() == "error");
  CHECK(fs[0].get("status")->as_string() == "fail");
  CHECK(fs[0].get("source")->get("line")->as_int() == 146);
  CHECK(fs[0].get("hosts")->as_list().size() == 1);
  CHECK(fs[0].get("variables")->as_list()[0].get("value")->as_string() == "Never");
  CHECK(full->get("summary")->get("blocking")->as_int() == 1);
  CHECK(full->get("summary")->get("exit_status")->as_int() == 3);
}

TEST_CASE("report: SARIF 2.1.0 structure") {
  auto v = ksm::parse_json(render_sarif(sample()));
  REQUIRE(v.ok());
  CHECK(v->get("version")->as_string() == "2.1.0");
  CHECK(v->get("$schema")->as_string().find("sarif-2.1.0") != std::string::npos);
  const auto& runs = v->get("runs")->as_list();
  REQUIRE(runs.size() == 1);
  const auto& run = runs[0];
  CHECK(run.get("tool")->get("driver")->get("name")->as_string() == "kubespray-migrate");
  const auto& rules = run.get("tool")->get("driver")->get("rules")->as_list();
  const auto& results = run.get("results")->as_list();
  // fail (blocking), unknown and the warning; the passed check is not a result.
  REQUIRE(results.size() == 3);
  REQUIRE(rules.size() == 3);
  const auto& first = results[0];
  CHECK(first.get("level")->as_string() == "error");
  CHECK(first.get("kind")->as_string() == "fail");
  int64_t idx = first.get("ruleIndex")->as_int();
  CHECK(rules[static_cast<size_t>(idx)].get("id")->as_string() == first.get("ruleId")->as_string());
  // Located where the operator sets the variable; the check is related.
  const auto& locs = first.get("locations")->as_list();
  REQUIRE(locs.size() == 1);
  const auto* pl = locs[0].get("physicalLocation");
  CHECK(pl->get("artifactLocation")->get("uri")->as_string() ==
        "group_vars/k8s_cluster/k8s-net-calico.yml");
  CHECK(pl->get("artifactLocation")->get("uriBaseId")->as_string() == "INVENTORY");
  CHECK(pl->get("region")->get("startLine")->as_int() == 88);
  const auto& rel = first.get("relatedLocations")->as_list();
  REQUIRE(rel.size() == 1);
  CHECK(rel[0].get("physicalLocation")->get("region")->get("startLine")->as_int() == 146);
  CHECK(run.get("originalUriBaseIds")->get("INVENTORY")->get("uri")->as_string() ==
        "file:///home/op/inventory/mycluster/");
  CHECK(results[1].get("level")->as_string() == "note");
  CHECK(results[1].get("kind")->as_string() == "review");
  CHECK(results[1].get("locations")->as_list().empty());  // neither variables nor a source
  // Without a variable in the operator's files, the check itself is the location.
  const auto& wl = results[2].get("locations")->as_list();
  REQUIRE(wl.size() == 1);
  CHECK(wl[0].get("physicalLocation")->get("artifactLocation")->get("uriBaseId")->as_string() ==
        "KUBESPRAY");
  CHECK(results[2].get("level")->as_string() == "warning");

  auto empty = ksm::parse_json(render_sarif(Report{}));
  REQUIRE(empty.ok());
  CHECK(empty->get("runs")->as_list()[0].get("results")->as_list().empty());
}

TEST_CASE("report: JUnit XML structure") {
  std::string x = render_junit(sample());
  std::string root;
  REQUIRE(balanced_xml(x, &root));
  CHECK(root == "testsuites");
  CHECK(x.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0) == 0);
  CHECK(x.find("<testsuites name=\"kubespray-migrate preflight\" tests=\"4\" failures=\"2\" "
               "errors=\"0\" skipped=\"1\">") != std::string::npos);
  CHECK(x.find("<testsuite name=\"network_plugin/calico\" tests=\"1\" failures=\"1\"") !=
        std::string::npos);
  CHECK(x.find("file=\"roles/network_plugin/calico/tasks/check.yml\" line=\"146\"") !=
        std::string::npos);
  CHECK(x.find("<failure type=\"error\" message=\"Your inventory doesn&apos;t match the current "
               "cluster configuration &lt;ipip &amp; vxlan&gt;\">") != std::string::npos);
  CHECK(x.find("<skipped message=\"unknown: needs the fact ansible_distribution\"/>") !=
        std::string::npos);
  std::string eroot;
  REQUIRE(balanced_xml(render_junit(Report{}), &eroot));
  CHECK(eroot == "testsuites");
}

TEST_CASE("report: text groups by severity, colour only when asked") {
  Report r = sample();
  std::string plain = render_text(r);
  CHECK(plain.find("\033[") == std::string::npos);
  size_t blocking = plain.find("Blocking (1)");
  size_t warnings = plain.find("Warnings (1)");
  size_t unknown = plain.find("Unknown");
  REQUIRE(blocking != std::string::npos);
  REQUIRE(warnings != std::string::npos);
  REQUIRE(unknown != std::string::npos);
  CHECK(blocking < warnings);
  CHECK(warnings < unknown);
  CHECK(plain.find("roles/network_plugin/calico/tasks/check.yml:146") != std::string::npos);
  CHECK(plain.find("calico_ipip_mode = 'Never'") != std::string::npos);
  CHECK(plain.find("hosts: node1") != std::string::npos);
  CHECK(plain.find("fix: set calico_ipip_mode: 'Always'") != std::string::npos);
  CHECK(plain.find("Passed") == std::string::npos);
  CHECK(plain.find("Findings: 1 blocking, 1 warnings, 1 unknown, 1 passed") != std::string::npos);
  TextOptions o;
  o.colour = true;
  o.show_passed = true;
  std::string coloured = render_text(r, o);
  CHECK(coloured.find("\033[1;31m") != std::string::npos);
  CHECK(coloured.find("Passed (1)") != std::string::npos);
}
