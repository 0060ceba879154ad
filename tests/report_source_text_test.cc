// Tests of src/report/source_text.h: a source's short form, the first and
// most specific reference and one public reference (the rest behind -v).
#include <doctest/doctest.h>

#include "report/source_text.h"

using namespace ksm::report;

TEST_CASE("short source: the schema's file:line and one public reference") {
  CHECK(short_source(
            "schemas/v2.16.0.yml:7:5 (kubernetes-sigs/kubespray#7256 (commit 486b223e0: Replace "
            "kube-master with kube_control_plane); legacy_groups.yml:4-10 (v2.16.0: group_by))") ==
        "schemas/v2.16.0.yml:7, kubernetes-sigs/kubespray#7256");
  CHECK(short_source("schemas/v2.27.0.yml:84:5 (docs/operations/upgrades.md (v2.27.0); "
                     "roles/kubespray-defaults/tasks/main.yaml:16 'Set fallback_ip')") ==
        "schemas/v2.27.0.yml:84, docs/operations/upgrades.md");
}

TEST_CASE("short source: without a public reference, the Kubespray file:line at its tag") {
  CHECK(
      short_source("schemas/sticky.yml:11:5 (roles/etcd/tasks/main.yml:37 (v2.18.2: installs "
                   "install_{{ etcd_deployment_type }}.yml; no task migrates a running member))") ==
      "schemas/sticky.yml:11, roles/etcd/tasks/main.yml:37 @ v2.18.2");
}

TEST_CASE("short source: one reference stays as it is") {
  CHECK(short_source("roles/kubespray-defaults/defaults/main.yaml:18 @ v2.18.2") ==
        "roles/kubespray-defaults/defaults/main.yaml:18 @ v2.18.2");
  CHECK(short_source("schemas/manifests/metallb-config.yml") ==
        "schemas/manifests/metallb-config.yml");
  CHECK(short_source("schemas/v2.22.0.yml:29:5") == "schemas/v2.22.0.yml:29");
  CHECK(short_source("ansible.cfg @ v2.27.0") == "ansible.cfg @ v2.27.0");
  CHECK(short_source("") == "");
}

TEST_CASE("short source: a public reference first is enough on its own") {
  CHECK(short_source(
            "kubernetes-sigs/kubespray#9120 (commit 709ae1d24); roles/kubernetes-apps/metallb/"
            "templates/metallb-config.yml.j2 (v2.21.0)") == "kubernetes-sigs/kubespray#9120");
}

TEST_CASE("short source: -v keeps the whole text") {
  std::string full = "schemas/v2.22.0.yml:29:5 (kubernetes-sigs/kubespray#9120 (commit 709ae1d24))";
  CHECK(source_text(full, true) == full);
  CHECK(source_text(full, false) == "schemas/v2.22.0.yml:29, kubernetes-sigs/kubespray#9120");
}
