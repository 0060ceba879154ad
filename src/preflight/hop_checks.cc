// Checks of the hop itself (see hop_checks.h).
#include "preflight/hop_checks.h"

#include <cctype>
#include <sstream>

#include "core/text.h"
#include "inventory/model.h"
#include "sources/knowledge.h"

namespace ksm::preflight {

namespace {

using report::Finding;
using report::Severity;
using report::Status;

// `when`: which side of the hop ("v2.18.2", "after the hop").
report::Variable variable(const std::string& name, const vars::Resolved& r, const std::string& host,
                          const std::string& when) {
  report::Variable v;
  v.name = name;
  v.value = r.value;
  v.host = host;
  v.where = r.from.where;
  v.operator_file = r.defined && r.from.kind == vars::LayerKind::Inventory;
  v.provenance = when + ": " + (r.defined ? r.from.layer : "not set");
  return v;
}

std::optional<std::pair<int, int>> minor_of(const std::string& s) {
  return Version::parse_minor(s);
}

std::optional<std::pair<int, int>> minor_of(const Value& v) {
  if (!v.is_string()) return std::nullopt;
  return minor_of(v.as_string());
}

std::string str(std::pair<int, int> m) {
  return std::to_string(m.first) + "." + std::to_string(m.second);
}

}  // namespace

std::vector<Finding> etcd_member_names(vars::Resolver& to, vars::Resolver& from,
                                       const Version& to_tag, const Version& from_tag) {
  std::vector<Finding> out;
  const inventory::Inventory* inv = to.inventory();
  const inventory::Inventory* was = from.inventory();
  if (!inv || !was) return out;
  // etcd_member_name defaults to etcd<N> by position in group etcd.
  const std::string& name_var = kubespray().etcd_member_variable();
  auto g = inv->group_index(kubespray().etcd_member_group());
  if (!g) return out;
  for (size_t h : inv->group_hosts(*g)) {
    const std::string& host = inv->hosts()[h].name;
    if (!was->host_index(host)) continue;  // a new member: nothing to keep
    auto tv = to.host(host);
    auto fv = from.host(host);
    if (!tv || !fv) continue;
    vars::Resolved now = (*tv)->resolve(name_var);
    vars::Resolved before = (*fv)->resolve(name_var);
    to.release(host);
    from.release(host);
    if (!now.known() || !before.known() || now.value == before.value) continue;
    std::string a = to_python_str(before.value), b = to_python_str(now.value);
    Finding f;
    f.id = "ksm/etcd-member-name/" + host;
    f.group = "etcd";
    f.title = "etcd member " + host + " would be renamed (" + a + " -> " + b + ")";
    f.severity = Severity::Error;
    f.status = Status::Fail;
    f.source = now.from.where;
    f.source_label = now.from.kind == vars::LayerKind::Inventory ? "" : "kubespray " + to_tag.str();
    f.message = "etcd on " + host + " runs as member " + a + " (" + from_tag.str() + "), and " +
                to_tag.str() + " would configure it as " + b +
                ": etcd refuses a member whose name changed, and the upgrade stops at the etcd "
                "role with the cluster half done.";
    f.fix = "set " + name_var + ": " + a + " for " + host + " (host_vars), or keep the " +
            kubespray().etcd_member_group() + " group's order as it was deployed";
    f.hosts.push_back(host);
    f.variables.push_back(variable(name_var, before, host, from_tag.str()));
    f.variables.push_back(variable(name_var, now, host, to_tag.str()));
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<Finding> removed_apis(const vars::Resolved& from_kv, const vars::Resolved& to_kv,
                                  const RemovedApis& table) {
  std::vector<Finding> out;
  if (!from_kv.known() || !to_kv.known()) return out;
  auto a = minor_of(from_kv.value), b = minor_of(to_kv.value);
  if (!a || !b || !(*a < *b)) return out;
  for (const auto& r : table.removals) {
    auto minor = minor_of(r.minor);
    if (!minor || !(*a < *minor) || *b < *minor) continue;
    Finding f;
    f.id = "ksm/removed-apis/" + str(*minor);
    f.group = "kubernetes";
    f.title = "Kubernetes " + str(*minor) + " stops serving " + std::to_string(r.apis.size()) +
              " API versions";
    f.severity = Severity::Warning;
    f.status = Status::Fail;
    f.source = Location{"versions/kubernetes-removed-apis.yaml", 0, 0};
    f.source_label = "kubespray-migrate versions";
    f.message = "The hop upgrades Kubernetes from " + from_kv.value.as_string() + " to " +
                to_kv.value.as_string() + ", through " + str(*minor) +
                ", which removes these API versions: objects, manifests and Helm releases still "
                "written in them fail after the upgrade.";
    for (const auto& api : r.apis) {
      std::string ks;
      for (const auto& k : api.kinds) ks += (ks.empty() ? "" : ", ") + k;
      f.details.push_back(api.api + " " + ks + (api.use.empty() ? "" : " -> " + api.use));
    }
    f.fix =
        "before the upgrade: `kubectl get --raw /metrics | grep "
        "apiserver_requested_deprecated_apis` "
        "for clients still calling them; re-render Helm releases (helm mapkubeapis); check "
        "`kubectl get crd -o custom-columns=NAME:.metadata.name,STORED:.status.storedVersions`";
    if (!table.source.empty()) f.details.push_back("source: " + table.source);
    f.variables.push_back(variable("kube_version", from_kv, "", "the cluster now"));
    f.variables.push_back(variable("kube_version", to_kv, "", "after the hop"));
    out.push_back(std::move(f));
  }
  return out;
}

std::optional<std::string> pinned_core(const std::string& requirements,
                                       const AnsibleCoreTable& core_table, std::string* pin_line) {
  std::istringstream in(requirements);
  std::string line, community, core, community_line, core_line;
  while (std::getline(in, line)) {
    std::string l = trim(line.substr(0, line.find('#')));
    auto eq = l.find("==");
    if (eq == std::string::npos) continue;
    std::string name = trim(l.substr(0, eq)), ver = trim(l.substr(eq + 2));
    if (name == "ansible-core" || name == "ansible-base") {
      core = ver;
      core_line = l;
    } else if (name == "ansible") {
      community = ver;
      community_line = l;
    }
  }
  if (!core.empty()) {
    if (auto m = minor_of(core)) {
      if (pin_line) *pin_line = core_line;
      return str(*m);
    }
  }
  if (community.empty()) return std::nullopt;
  auto m = minor_of(community);
  if (!m) return std::nullopt;
  if (pin_line) *pin_line = community_line;
  if (m->first < 3) return str(*m);  // before 3.0 the package was Ansible itself
  auto c = core_table.community.find(m->first);
  if (c == core_table.community.end()) return std::nullopt;
  return c->second;
}

std::vector<Finding> ansible_version(const std::string& version_output,
                                     const std::optional<std::string>& requirements,
                                     const AnsibleCoreTable& core_table, const Version& to_tag) {
  std::vector<Finding> out;
  Finding f;
  f.id = "ksm/ansible-version";
  f.group = "controller";
  f.source = Location{"requirements.txt", 0, 0};
  f.source_label = "kubespray " + to_tag.str();
  f.status = Status::Unknown;
  f.severity = Severity::Warning;
  std::string pin_line;
  std::optional<std::string> pinned =
      requirements ? pinned_core(*requirements, core_table, &pin_line) : std::nullopt;
  // "ansible [core 2.14.18]" (2.10+) or "ansible 2.9.27"
  std::string first = version_output.substr(0, version_output.find('\n'));
  std::optional<std::pair<int, int>> have;
  if (first.rfind("ansible", 0) == 0)
    if (size_t i = first.find_first_of("0123456789"); i != std::string::npos)
      have = minor_of(first.substr(i, first.find_first_not_of("0123456789.", i) - i));
  if (!pinned) {
    f.title = "Ansible version: " + to_tag.str() + " pins none that is known";
    f.message = !requirements ? to_tag.str() + " has no requirements.txt here"
                              : "requirements.txt of " + to_tag.str() +
                                    " pins no ansible or ansible-core version known to "
                                    "versions/ansible-core.yaml";
    f.details.push_back("unknown: no pin to compare with");
    out.push_back(std::move(f));
    return out;
  }
  f.details.push_back("pinned: " + pin_line + " (ansible-core " + *pinned + ")");
  if (!have) {
    f.title = "Ansible version: no `ansible` on PATH";
    f.message = to_tag.str() + " pins ansible-core " + *pinned +
                "; no `ansible --version` could be read, so the controller was not checked.";
    f.fix =
        "run preflight where the playbooks will run, or `pip install -r requirements.txt` there";
    f.details.push_back("unknown: `ansible --version` gave nothing");
    out.push_back(std::move(f));
    return out;
  }
  auto want = minor_of(*pinned);
  if (!want || *want == *have) return out;
  f.status = Status::Fail;
  bool older = *have < *want;
  f.severity = older ? Severity::Error : Severity::Warning;
  f.title =
      "Ansible on PATH is ansible-core " + str(*have) + ", " + to_tag.str() + " pins " + *pinned;
  f.message = older
                  ? "The controller's Ansible is older than the one " + to_tag.str() +
                        " is tested with: its playbooks use modules, filters and syntax the older "
                        "release lacks, and Kubespray's own version assertion stops the run."
                  : "The controller's Ansible is newer than the one " + to_tag.str() +
                        " is tested with: deprecations removed in between break tasks part-way "
                        "through the run.";
  f.fix = "in a virtualenv: pip install -r requirements.txt of " + to_tag.str();
  f.details.push_back("found: " + first);
  out.push_back(std::move(f));
  return out;
}

}  // namespace ksm::preflight
