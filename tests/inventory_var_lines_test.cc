// Tests of src/inventory/var_lines: the line that sets a variable, or the
// commented-out sample line where it would be set.
#include <doctest/doctest.h>

#include "inventory/var_lines.h"
#include "sources/memory_source.h"

using namespace ksm;
using namespace ksm::inventory;

TEST_CASE("var_lines: set, commented out, neither") {
  const char* text =
      "---\n"
      "# calico_ipip_mode: Always\n"
      "calico_mtu: 1440\n"
      "  calico_vxlan_mode : Never\n"
      "calico_ipip_mode_extra: x\n"
      "node1 calico_rr=true\n";
  CHECK(variable_line(text, "calico_mtu", false) == 3);
  CHECK(variable_line(text, "calico_vxlan_mode", false) == 4);
  CHECK(variable_line(text, "calico_ipip_mode", false) == 0);  // only commented out
  CHECK(variable_line(text, "calico_ipip_mode", true) == 2);
  CHECK(variable_line(text, "calico_mtu", true) == 0);
  CHECK(variable_line(text, "", false) == 0);
}

TEST_CASE("var_lines: the first YAML file under a folder, named as the source names it") {
  MemorySource m;
  m.put("inv/hosts.yaml", "# calico_ipip_mode: Always\n");
  m.put("inv/group_vars/k8s_cluster/k8s-net-calico.yml", "---\n# calico_ipip_mode: Always\n");
  m.put("inv/group_vars/all/all.yml", "a: 1\n");
  CHECK(find_variable_line(m, "inv/group_vars", "calico_ipip_mode", true).str() ==
        "inv/group_vars/k8s_cluster/k8s-net-calico.yml:2");
  CHECK(find_variable_line(m, "inv/group_vars", "a", false).str() ==
        "inv/group_vars/all/all.yml:1");
  CHECK(find_variable_line(m, "inv/group_vars", "b", false).file.empty());
  CHECK(find_variable_line(m, "nowhere", "a", false).file.empty());
}
