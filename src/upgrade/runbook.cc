// The runbook of a multi-stop upgrade (see runbook.h).
#include "upgrade/runbook.h"

#include <fmt/format.h>

#include <filesystem>

#include "sources/knowledge.h"
#include "sources/version.h"

namespace ksm::upgrade {

namespace {

// The control-plane group at a tag (kube-master before v2.16.0).
std::string control_plane_group(const std::string& tag) {
  auto v = Version::parse_release(tag);
  return v ? kubespray().control_plane_group(*v) : kubespray().control_plane_groups().front();
}

// The shell variable a stop's paths start at.
std::string root_var(const RunbookStop& s) {
  if (s.branch.empty()) return "STOPS";
  return s.branch_in_kubespray ? "KUBESPRAY" : "INVENTORY_REPO";
}

std::string quoted(const RunbookStop& s, const std::string& path) {
  return "\"$" + root_var(s) + "/" + path + "\"";
}

// etcd's own client on the first etcd host, with the certificates and
// endpoints Kubespray writes to /etc/etcd.env.
std::string etcd_members(const RunbookStop& s) {
  return "ansible -i " + quoted(s, s.inventory) +
         " 'etcd[0]' -b -m shell -a 'set -a; . /etc/etcd.env; /usr/local/bin/etcdctl member list'";
}

// What the tag's requirements.txt pins, in the operator's words. A
// requirements.txt that only names another file (v2.18 .. v2.22:
// requirements-2.10.txt) is followed by pip in the checkout.
std::string ansible_text(const std::string& ansible) {
  if (ansible.empty()) return "";
  if (ansible.find("==") != std::string::npos || ansible.find(">=") != std::string::npos)
    return " (it pins " + ansible + ")";
  const std::string refers = "requirements.txt refers to ";
  if (ansible.starts_with(refers)) {
    std::string file = ansible.substr(refers.size());
    file = file.substr(0, file.find(','));
    return " (it names " + file + ", the same tag's list with its Ansible pin)";
  }
  return " (" + ansible + ")";
}

// What to read before any command of the stop.
void read_first(const RunbookStop& s, std::vector<RunbookStep>& out) {
  for (const auto& p : s.preflight) out.push_back({"preflight", p, {}});
  for (const auto& b : s.blocking) out.push_back({"blocking", b, {}});
  if (s.conflicts > 0)
    out.push_back(
        {"conflicts",
         fmt::format(
             "the hop to {} left {} conflict marker{} in this inventory: resolve them, "
             "then run upgrade --continue on the output, which writes the runbook from there",
             s.tag, s.conflicts, s.conflicts == 1 ? "" : "s"),
         {}});
  for (const auto& r : s.review) out.push_back({"review", r, {}});
}

}  // namespace

std::vector<RunbookStep> runbook_steps(const RunbookStop& s) {
  std::vector<RunbookStep> out;
  read_first(s, out);
  if (s.conflicts > 0) return out;  // the inventory is not readable until they are resolved
  if (s.kube_version.empty()) {
    out.push_back(
        {"blocked",
         "no Kubernetes version " + s.tag +
             " installs is allowed from what the cluster runs: do what the blocking note says "
             "on the previous stop first; nothing below it can run",
         {}});
    return out;
  }
  if (s.branch_in_kubespray) {
    out.push_back({"checkout",
                   "check out the branch " + s.branch + " in the Kubespray clone: " + s.tag +
                       " with this stop's inventory, as upgrade --commit recorded it",
                   {"git -C \"$KUBESPRAY\" checkout " + s.branch}});
  } else {
    const std::string branch = "t_" + s.tag;
    out.push_back({"checkout",
                   "check out " + s.tag + " in the Kubespray clone, on a branch of its own",
                   {"git -C \"$KUBESPRAY\" checkout refs/tags/" + s.tag + " -b " + branch}});
    if (!s.branch.empty())
      out.push_back({"checkout-inventory",
                     "check out the branch " + s.branch +
                         " of the inventory's repository: this stop's inventory, as upgrade "
                         "--commit recorded it",
                     {"git -C \"$INVENTORY_REPO\" checkout " + s.branch}});
  }
  out.push_back(
      {"venv",
       "a fresh virtualenv with " + s.tag + "'s requirements.txt" + ansible_text(s.ansible),
       {"rm -rf \"$KUBESPRAY/venv\"", "python3 -m venv \"$KUBESPRAY/venv/k8s\"",
        ". \"$KUBESPRAY/venv/k8s/bin/activate\"",
        "pip install -r \"$KUBESPRAY/requirements.txt\""}});
  out.push_back({"etcd-before",
                 "note the etcd member names before the upgrade",
                 {etcd_members(s)}});
  for (const auto& m : s.manifests)
    out.push_back({"manifest",
                   "apply " + std::filesystem::path(m.path).filename().string() + ": " + m.why,
                   {"kubectl apply -f " + quoted(s, m.path)}});
  out.push_back(
      {"playbook",
       "upgrade the cluster to " + s.tag + " and Kubernetes " + s.kube_version +
           " (from the clone's folder: " + kubespray().upgrade_playbook() + " is Kubespray's)",
       {"cd \"$KUBESPRAY\"", "ansible-playbook -i " + quoted(s, s.inventory) + " " +
                                 kubespray().upgrade_playbook() + " -b -e kube_version=" +
                                 s.kube_version}});
  out.push_back({"check-nodes",
                 "every node is Ready and its VERSION is " + s.kube_version,
                 {"ansible -i " + quoted(s, s.inventory) + " '" + control_plane_group(s.tag) +
                  "[0]' -b -m command -a 'kubectl get nodes -o wide'"}});
  out.push_back({"check-etcd",
                 "the etcd members have the same names as before the upgrade",
                 {etcd_members(s)}});
  return out;
}

std::string render_runbook(const std::vector<RunbookStop>& stops) {
  std::string out;
  if (stops.empty()) return out;
  out += fmt::format("# Upgrade runbook: {} -> {}, {} stop{}\n\n", stops.front().from,
                     stops.back().tag, stops.size(), stops.size() == 1 ? "" : "s");
  out +=
      "Kubespray upgrades one minor release at a time (its docs/upgrades.md, later\n"
      "docs/operations/upgrades.md: \"v2.22.0 -> v2.23.2 -> v2.24.0\", never a skipped minor),\n"
      "and kubeadm upgrades Kubernetes one minor at a time. Each stop has its own inventory,\n"
      "valid for that tag only: run the stops in order, each to its end.\n\n"
      "Set the shell variables first:\n\n"
      "    KUBESPRAY=~/kubespray   # your Kubespray clone (a work tree)\n";
  const RunbookStop& first = stops.front();
  if (first.branch.empty())
    out += "    STOPS=\"$PWD\"            # run from this folder, the one holding RUNBOOK.md\n";
  else if (!first.branch_in_kubespray)
    out += "    INVENTORY_REPO=...      # the work tree of your inventory's repository\n";
  size_t n = 0;
  for (const auto& s : stops) {
    ++n;
    out += fmt::format("\n## Stop {} of {}: {} -> {}{}\n\n", n, stops.size(), s.from, s.tag,
                       s.kube_version.empty() ? "" : ", Kubernetes " + s.kube_version);
    out += "Inventory: `" + s.inventory + "`\n";
    size_t k = 0;
    bool notes = false;
    for (const auto& step : runbook_steps(s)) {
      if (step.commands.empty()) {
        const char* head = step.kind == "review"      ? "Review"
                           : step.kind == "preflight" ? "Preflight"
                           : step.kind == "conflicts" ? "Conflicts"
                           : step.kind == "blocked"   ? "Blocked"
                                                      : "Blocking";
        out += fmt::format("{}- **{}**: {}\n", notes ? "" : "\n", head, step.text);
        notes = true;
        continue;
      }
      out += fmt::format("\n{}. {}:\n\n", ++k, step.text);
      for (const auto& c : step.commands) out += "       " + c + "\n";
    }
  }
  return out;
}

Value runbook_value(const std::vector<RunbookStop>& stops) {
  List out;
  size_t n = 0;
  for (const auto& s : stops) {
    List steps;
    for (const auto& step : runbook_steps(s)) {
      List commands;
      for (const auto& c : step.commands) commands.push_back(Value(c));
      steps.push_back(Value(Map{
          {"kind", Value(step.kind)}, {"text", Value(step.text)}, {"commands", Value(commands)}}));
    }
    out.push_back(Value(Map{{"stop", Value(static_cast<int64_t>(++n))},
                            {"from", Value(s.from)},
                            {"to", Value(s.tag)},
                            {"inventory", Value(s.inventory)},
                            {"kube_version", Value(s.kube_version)},
                            {"ansible", Value(s.ansible)},
                            {"steps", Value(steps)}}));
  }
  return Value(out);
}

std::vector<RunbookStop> runbook_stops(const UpgradeResult& r,
                                       const std::vector<std::string>& folders) {
  std::vector<RunbookStop> out;
  for (size_t i = 0; i < r.stops.size() && i < folders.size() && i < r.report.hops.size(); ++i) {
    const StopRecord& st = r.stops[i];
    const Hop& hop = r.report.hops[i];
    const Workspace& ws = st.workspace ? *st.workspace : r.workspace;
    RunbookStop s{
        st.from, st.tag, folders[i] + "/" + st.hosts_file, st.kube_version, st.ansible, {}, {},
        {},      0,  {}, {}, false};
    for (const auto& c : hop.changes) {
      if (c.kind != ChangeKind::Write) continue;
      std::string name = std::filesystem::path(c.file).filename().string();
      std::string path =
          ws.has_file(c.file) ? folders[i] + "/" + c.file : folders[i] + ".manifests/" + name;
      s.manifests.push_back({path, c.reason});
    }
    for (const auto& note : hop.notes) {
      if (note.level == NoteLevel::Review) s.review.push_back(note.message);
      if (note.level == NoteLevel::Blocking) s.blocking.push_back(note.message);
    }
    s.conflicts = hop.conflicts.size();
    s.preflight = st.preflight;
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace ksm::upgrade
