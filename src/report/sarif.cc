// SARIF 2.1.0 output (see report.h): what code-scanning UIs read. Results
// point at the operator's files, where the fix is made (where a variable is
// set, else the finding's place in the inventory); the check itself is a
// related location.
#include <map>

#include "core/json.h"
#include "report/report.h"

namespace ksm::report {

namespace {

const char* level_of(const Finding& f) {
  if (f.status == Status::Unknown) return "note";
  switch (f.severity) {
    case Severity::Error:
      return "error";
    case Severity::Warning:
      return "warning";
    case Severity::Info:
      return "note";
  }
  return "error";
}

std::string file_uri(std::string path) {
  if (path.empty()) return "";
  if (path.back() != '/') path += '/';
  std::string out = "file://";
  for (char c : path) {
    if (c == ' ')
      out += "%20";
    else if (c == '%')
      out += "%25";
    else
      out += c;
  }
  return out;
}

Value physical(const Location& l, const char* base) {
  Map art;
  art.set("uri", l.file);
  art.set("uriBaseId", base);
  Map phys;
  phys.set("artifactLocation", Value(std::move(art)));
  if (l.line > 0) {
    Map region;
    region.set("startLine", static_cast<int64_t>(l.line));
    if (l.column > 0) region.set("startColumn", static_cast<int64_t>(l.column));
    phys.set("region", Value(std::move(region)));
  }
  Map loc;
  loc.set("physicalLocation", Value(std::move(phys)));
  return Value(std::move(loc));
}

}  // namespace

std::string render_sarif(const Report& r) {
  List rules;
  std::map<std::string, int64_t> rule_index;
  List results;
  for (const auto& f : r.findings) {
    if (f.status != Status::Fail && f.status != Status::Unknown) continue;
    auto it = rule_index.find(f.id);
    if (it == rule_index.end()) {
      Map rule;
      rule.set("id", f.id);
      rule.set("name", f.title.empty() ? f.id : f.title);
      rule.set("shortDescription", Value(Map{{"text", Value(f.title.empty() ? f.id : f.title)}}));
      if (!f.fix.empty()) rule.set("help", Value(Map{{"text", Value(f.fix)}}));
      rule.set("defaultConfiguration",
               Value(Map{{"level", Value(f.severity == Severity::Error     ? "error"
                                         : f.severity == Severity::Warning ? "warning"
                                                                           : "note")}}));
      it = rule_index.emplace(f.id, static_cast<int64_t>(rules.size())).first;
      rules.push_back(Value(std::move(rule)));
    }
    Map res;
    res.set("ruleId", f.id);
    res.set("ruleIndex", it->second);
    res.set("level", level_of(f));
    res.set("kind", f.status == Status::Unknown ? "review" : "fail");
    std::string text = f.message.empty() ? f.title : f.message;
    if (!f.hosts.empty()) {
      text += " (hosts: ";
      for (size_t i = 0; i < f.hosts.size() && i < 10; ++i) text += (i ? ", " : "") + f.hosts[i];
      if (f.hosts.size() > 10) text += ", ...";
      text += ")";
    }
    if (!f.fix.empty()) text += " Fix: " + f.fix;
    res.set("message", Value(Map{{"text", Value(text)}}));
    List locations;
    for (const auto& v : f.variables)
      if (v.operator_file && !v.where.file.empty())
        locations.push_back(physical(v.where, "INVENTORY"));
    if (locations.empty() && !f.where.file.empty())
      locations.push_back(physical(f.where, "INVENTORY"));
    List related;
    if (!f.source.file.empty()) {
      Value rel = physical(f.source, "KUBESPRAY");
      rel.map_mut().set("id", static_cast<int64_t>(0));
      rel.map_mut().set("message",
                        Value(Map{{"text", Value("the check" + (f.source_label.empty()
                                                                    ? std::string()
                                                                    : " in " + f.source_label))}}));
      related.push_back(rel);
      if (locations.empty()) locations.push_back(physical(f.source, "KUBESPRAY"));
    }
    res.set("locations", Value(std::move(locations)));
    if (!related.empty()) res.set("relatedLocations", Value(std::move(related)));
    Map props;
    List hosts;
    for (const auto& h : f.hosts) hosts.push_back(Value(h));
    props.set("hosts", Value(std::move(hosts)));
    List vars;
    for (const auto& v : f.variables) {
      Map vm;
      vm.set("name", v.name);
      vm.set("value", v.value.is_undefined() || v.value.is_unknown() ? Value() : v.value);
      vm.set("provenance", v.provenance);
      vars.push_back(Value(std::move(vm)));
    }
    props.set("variables", Value(std::move(vars)));
    List details;
    for (const auto& d : f.details) details.push_back(Value(d));
    props.set("details", Value(std::move(details)));
    props.set("status", status_name(f.status));
    res.set("properties", Value(std::move(props)));
    results.push_back(Value(std::move(res)));
  }

  Map driver;
  driver.set("name", "kubespray-migrate");
  driver.set("version", KSM_VERSION);
  driver.set("informationUri", "https://github.com/kubernetes-sigs/kubespray");
  driver.set("rules", Value(std::move(rules)));
  Map run;
  run.set("tool", Value(Map{{"driver", Value(std::move(driver))}}));
  Map bases;
  if (!r.inventory_root.empty())
    bases.set("INVENTORY", Value(Map{{"uri", Value(file_uri(r.inventory_root))}}));
  if (!r.source_root.empty())
    bases.set("KUBESPRAY", Value(Map{{"uri", Value(file_uri(r.source_root))}}));
  if (!bases.empty()) run.set("originalUriBaseIds", Value(std::move(bases)));
  run.set("results", Value(std::move(results)));
  Map inv;
  inv.set("executionSuccessful", true);
  run.set("invocations", Value(List{Value(std::move(inv))}));
  Map root;
  root.set("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
  root.set("version", "2.1.0");
  root.set("runs", Value(List{Value(std::move(run))}));
  return to_json(Value(std::move(root)), {false, 2}) + "\n";
}

}  // namespace ksm::report
