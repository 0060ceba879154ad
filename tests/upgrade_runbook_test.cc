// Tests of src/upgrade/runbook: the commands of each stop, in order, as
// RUNBOOK.md and as the JSON report's "runbook" array (in memory).
#include <doctest/doctest.h>

#include "upgrade/runbook.h"

using namespace ksm::upgrade;

namespace {

RunbookStop stop(std::string from, std::string tag, std::string inventory, std::string kube) {
  RunbookStop s;
  s.from = std::move(from);
  s.tag = std::move(tag);
  s.inventory = std::move(inventory);
  s.kube_version = std::move(kube);
  s.ansible = "ansible==2.9.20";
  return s;
}

size_t at(const std::string& text, const std::string& what, size_t from = 0) {
  size_t p = text.find(what, from);
  CHECK_MESSAGE(p != std::string::npos, what);
  return p;
}

}  // namespace

TEST_CASE("runbook: a stop's commands in order, as seed 004 runs them") {
  RunbookStop s = stop("v2.15.1", "v2.16.0", "01-v2.16.0/hosts.yaml", "v1.20.7");
  auto steps = runbook_steps(s);
  std::vector<std::string> kinds;
  for (const auto& st : steps) kinds.push_back(st.kind);
  CHECK(kinds == std::vector<std::string>{"checkout", "venv", "etcd-before", "playbook",
                                          "check-nodes", "check-etcd"});
  CHECK(steps[0].commands ==
        std::vector<std::string>{"git -C \"$KUBESPRAY\" checkout refs/tags/v2.16.0 -b t_v2.16.0"});
  CHECK(steps[1].text.find("it pins ansible==2.9.20") != std::string::npos);
  CHECK(steps[1].commands.back() == "pip install -r \"$KUBESPRAY/requirements.txt\"");
  CHECK(steps[3].commands.back() ==
        "ansible-playbook -i \"$STOPS/01-v2.16.0/hosts.yaml\" upgrade-cluster.yml -b -e "
        "kube_version=v1.20.7");
  CHECK(steps[4].commands[0].find("'kube_control_plane[0]'") != std::string::npos);
  CHECK(steps[4].text.find("v1.20.7") != std::string::npos);
  CHECK(steps[5].commands[0].find("etcdctl member list") != std::string::npos);
}

TEST_CASE("runbook: manifests before the playbook, advisories first, kube-master before v2.16") {
  RunbookStop s = stop("v2.14.2", "v2.15.1", "01-v2.15.1/hosts.yaml", "v1.19.9");
  s.manifests.push_back(
      {"01-v2.15.1.manifests/metallb-crds.yaml", "MetalLB's configuration as CRDs"});
  s.review.push_back("calico_ipip_mode: check the running IPPool");
  s.blocking.push_back("something blocks");
  auto steps = runbook_steps(s);
  REQUIRE(steps.size() == 9);
  CHECK(steps[0].kind == "blocking");
  CHECK(steps[1].kind == "review");
  CHECK(steps[1].commands.empty());
  CHECK(steps[5].kind == "manifest");
  CHECK(steps[5].commands[0] ==
        "kubectl apply -f \"$STOPS/01-v2.15.1.manifests/metallb-crds.yaml\"");
  CHECK(steps[6].kind == "playbook");
  CHECK(steps[7].commands[0].find("'kube-master[0]'") != std::string::npos);
}

TEST_CASE("runbook: a blocked stop has no command, a conflicted one says to resolve first") {
  RunbookStop blocked = stop("v2.17.1", "v2.18.2", "02-v2.18.2/hosts.yaml", "");
  blocked.blocking.push_back("kube_version: v2.18.2 installs v1.20.0 to v1.23.5 ...");
  auto steps = runbook_steps(blocked);
  REQUIRE(steps.size() == 2);
  CHECK(steps.back().kind == "blocked");
  for (const auto& st : steps) CHECK(st.commands.empty());
  RunbookStop conflicted = stop("v2.17.1", "v2.18.2", "02-v2.18.2/hosts.yaml", "v1.22.8");
  conflicted.conflicts = 2;
  REQUIRE(runbook_steps(conflicted).size() == 1);
  CHECK(runbook_steps(conflicted).front().kind == "conflicts");
  CHECK(runbook_steps(conflicted).front().text.find("2 conflict markers") != std::string::npos);
}

TEST_CASE("runbook: RUNBOOK.md has every stop in order, no machine path; JSON has the same steps") {
  std::vector<RunbookStop> stops{stop("v2.15.1", "v2.16.0", "01-v2.16.0/hosts.yaml", "v1.20.7"),
                                 stop("v2.16.0", "v2.17.1", "02-v2.17.1/hosts.yaml", "v1.21.6")};
  std::string md = render_runbook(stops);
  size_t a = at(md, "# Upgrade runbook: v2.15.1 -> v2.17.1, 2 stops");
  size_t b = at(md, "KUBESPRAY=", a);
  size_t c = at(md, "## Stop 1 of 2: v2.15.1 -> v2.16.0, Kubernetes v1.20.7", b);
  size_t d = at(md, "checkout refs/tags/v2.16.0 -b t_v2.16.0", c);
  size_t e = at(md, "pip install -r", d);
  size_t f = at(md, "upgrade-cluster.yml -b -e kube_version=v1.20.7", e);
  size_t g = at(md, "## Stop 2 of 2: v2.16.0 -> v2.17.1, Kubernetes v1.21.6", f);
  at(md, "upgrade-cluster.yml -b -e kube_version=v1.21.6", g);
  CHECK(md.find("/work/") == std::string::npos);
  CHECK(md.find("schemas/") == std::string::npos);
  ksm::Value v = runbook_value(stops);
  REQUIRE(v.is_list());
  REQUIRE(v.as_list().size() == 2);
  const ksm::Value& first = v.as_list()[0];
  CHECK(first.get("to")->as_string() == "v2.16.0");
  CHECK(first.get("kube_version")->as_string() == "v1.20.7");
  CHECK(first.get("steps")->as_list().size() == runbook_steps(stops[0]).size());
  CHECK(first.get("steps")->as_list()[0].get("kind")->as_string() == "checkout");
}

TEST_CASE("runbook: preflight's findings at a stop head its section") {
  RunbookStop s = stop("v2.18.2", "v2.19.1", "04-v2.19.1/hosts.yaml", "v1.23.7");
  s.preflight = {
      "blocking: Check if inventory match current cluster configuration "
      "(roles/network_plugin/calico/tasks/check.yml:152, kubespray v2.19.1)"};
  s.review = {"calico-encapsulation-default: pin the IPIP settings"};
  auto steps = ksm::upgrade::runbook_steps(s);
  REQUIRE(steps.size() > 2);
  CHECK(steps[0].kind == "preflight");
  CHECK(steps[0].text.find("check.yml:152") != std::string::npos);
  CHECK(steps[1].kind == "review");
  std::string md = ksm::upgrade::render_runbook({s});
  CHECK(md.find("- **Preflight**: blocking: Check if inventory match") != std::string::npos);
  CHECK(md.find("- **Preflight**") < md.find("ansible-playbook"));
}

TEST_CASE("runbook: upgrade --commit, the stop's branch instead of a folder") {
  // In the Kubespray clone: the branch holds the tag and the inventory.
  RunbookStop s = stop("v2.15.1", "v2.16.0", "inventory/mycluster/hosts.yaml", "v1.20.7");
  s.branch = "t_v2.16.0";
  s.branch_in_kubespray = true;
  auto steps = runbook_steps(s);
  REQUIRE(steps.size() == 6);
  CHECK(steps[0].kind == "checkout");
  CHECK(steps[0].commands == std::vector<std::string>{"git -C \"$KUBESPRAY\" checkout t_v2.16.0"});
  CHECK(steps[3].commands.back() ==
        "ansible-playbook -i \"$KUBESPRAY/inventory/mycluster/hosts.yaml\" upgrade-cluster.yml "
        "-b -e kube_version=v1.20.7");
  std::string md = render_runbook({s});
  CHECK(md.find("$STOPS") == std::string::npos);
  CHECK(md.find("INVENTORY_REPO") == std::string::npos);

  // In a repository of its own: the tag in the clone, the branch in the inventory's repository.
  s.branch_in_kubespray = false;
  s.inventory = "mycluster/hosts.yaml";
  steps = runbook_steps(s);
  REQUIRE(steps.size() == 7);
  CHECK(steps[0].commands ==
        std::vector<std::string>{"git -C \"$KUBESPRAY\" checkout refs/tags/v2.16.0 -b t_v2.16.0"});
  CHECK(steps[1].kind == "checkout-inventory");
  CHECK(steps[1].commands ==
        std::vector<std::string>{"git -C \"$INVENTORY_REPO\" checkout t_v2.16.0"});
  CHECK(steps[4].commands.back().find("-i \"$INVENTORY_REPO/mycluster/hosts.yaml\"") !=
        std::string::npos);
  md = render_runbook({s});
  CHECK(md.find("    INVENTORY_REPO=") != std::string::npos);
  CHECK(md.find("$STOPS") == std::string::npos);
}
