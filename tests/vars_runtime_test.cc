// Names tasks set at run time: found in task files, and Unknown (not
// undefined) in the resolver, in hostvars too.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "inventory/loader.h"
#include "sources/kubespray_tree.h"
#include "sources/source.h"
#include "vars/resolver.h"
#include "vars/runtime.h"

namespace fs = std::filesystem;
using namespace ksm;

namespace {
void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}
}  // namespace

TEST_CASE("vars runtime: set_fact and register names, and what the resolver makes of them") {
  fs::path root = fs::temp_directory_path() / ("ksm-vars-runtime-" + std::to_string(::getpid()));
  fs::remove_all(root);
  write(root / "ks/roles/network_facts/tasks/main.yml",
        "---\n"
        "- name: Set main_ip\n"
        "  set_fact:\n"
        "    cacheable: true\n"
        "    main_ip: \"{{ ip | default(ansible_default_ipv4.address) }}\"\n"  // line 5
        "- block:\n"
        "    - command: uname -m\n"
        "      register: uname_out\n"
        "  rescue:\n"
        "    - ansible.builtin.set_fact:\n"
        "        rescued: true\n");
  write(root / "ks/roles/network_facts/tasks/broken.yml", "- [unclosed\n");
  write(root / "ks/roles/kubespray-defaults/defaults/main.yml",
        "---\n"
        "bind: \"{{ main_ip | default('::') }}\"\n"
        "peer: \"{{ hostvars['n2']['main_ip'] | default('none') }}\"\n"
        "plain: \"{{ nothing_sets_this | default('d') }}\"\n");
  write(root / "inv/hosts.ini", "n1\nn2\n");

  DirSource src(root / "ks");
  auto names = vars::runtime_names(src);
  REQUIRE(names.count("main_ip") == 1);
  CHECK(names["main_ip"].file == "roles/network_facts/tasks/main.yml");
  CHECK(names["main_ip"].line == 5);
  CHECK(names.count("uname_out") == 1);
  CHECK(names.count("rescued") == 1);
  CHECK(names.count("cacheable") == 0);

  auto tree = KubesprayTree::load(src);
  REQUIRE(tree.ok());
  auto inv = inventory::load_inventory({(root / "inv/hosts.ini").string()});
  REQUIRE(inv.ok());
  vars::ResolverOptions o;
  o.runtime_names = names;
  auto r = vars::Resolver::create(*tree, &*inv, o);
  REQUIRE(r.ok());
  auto h = (*r)->host("n1");
  REQUIRE(h.ok());
  auto bind = (*h)->resolve("bind");
  CHECK_FALSE(bind.known());
  CHECK(bind.reason().find("main_ip is set at run time") != std::string::npos);
  CHECK_FALSE((*h)->resolve("peer").known());
  CHECK((*h)->resolve("plain").value == Value("d"));

  // without the list, the static view: undefined, so default() applies
  auto bare = vars::Resolver::create(*tree, &*inv, {});
  REQUIRE(bare.ok());
  CHECK((*(*bare)->host("n1"))->resolve("bind").value == Value("::"));
  fs::remove_all(root);
}
