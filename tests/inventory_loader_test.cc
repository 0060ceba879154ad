// Tests of src/inventory/loader: sources, folders, plugin choice,
// group_vars/host_vars discovery, ansible.cfg lookup, bad input.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>

#include "inventory/loader.h"
#include "inventory/render.h"
#include "sources/memory_source.h"
#include "test_support.h"

using namespace ksm;
using namespace ksm::inventory;
namespace fs = std::filesystem;

namespace {

using ksm::test::TempDir;

fs::path inventories() { return ksm::test::testdata() / "inventories"; }

}  // namespace

TEST_CASE("loader: builder-style hosts.yaml with group_vars and host_vars") {
  auto inv = load_inventory({(inventories() / "builder-yaml" / "hosts.yaml").string()});
  REQUIRE(inv);
  CHECK(inv->hosts().size() == 4);
  CHECK(inv->files.size() == 1);
  CHECK(inv->files[0].format == Format::Yaml);
  const Group* k8s = inv->group("k8s_cluster");
  REQUIRE(k8s);
  CHECK(k8s->group_vars_files.size() == 2);  // k8s-cluster.yml, k8s-net-calico.yml (sorted)
  CHECK(inv->vars_files[k8s->group_vars_files[0]].path.find("k8s-cluster.yml") !=
        std::string::npos);
  CHECK(inv->host_vars_files(*inv->host_index("node1")).size() == 1);
  CHECK(inv->group("etcd")->group_vars_files.size() == 1);
}

TEST_CASE("loader: a folder of hosts files skips *.ini and *.md; vars files by Ansible's rules") {
  auto inv = load_inventory({(inventories() / "folder").string()});
  REQUIRE(inv);
  CHECK(inv->files.size() == 3);
  CHECK(inv->files[1].format == Format::Ini);  // 02-workers: no extension, INI content
  CHECK(!inv->group("should_not_appear"));
  CHECK(inv->group("kube_node")->priority == 10);
  CHECK(inv->group("all")->group_vars_files.size() == 1);  // all.json
}

TEST_CASE("loader: vars folders, sorted, recursive, hidden and foreign files skipped") {
  auto dir = inventories() / "vars-folders";
  ksm::DirSource src(dir);
  auto files = find_vars_files(src, "group_vars", "all");
  CHECK(files ==
        std::vector<std::string>{"group_vars/all/00-base.yml", "group_vars/all/10-override.yaml",
                                 "group_vars/all/empty.yml", "group_vars/all/nested/zz.yml"});
  auto inv = load_inventory({(dir / "hosts.yaml").string()});
  REQUIRE(inv);
  // group_vars/k8s-cluster names no group of this inventory: reported, not read
  bool stale = false;
  for (const auto& u : inv->unused_vars_entries)
    if (u.find("k8s-cluster") != std::string::npos) stale = true;
  CHECK(stale);
}

TEST_CASE("loader: a file named plainly is YAML first, then INI") {
  TempDir t;
  t.write("hosts", "[g]\nh1\n");
  auto inv = load_inventory({(t.path / "hosts").string()});
  REQUIRE(inv);
  CHECK(inv->files[0].format == Format::Ini);
  t.write("h2", "g:\n  hosts:\n    h2:\n");
  inv = load_inventory({(t.path / "h2").string()});
  REQUIRE(inv);
  CHECK(inv->files[0].format == Format::Yaml);
}

TEST_CASE("loader: vars files: JSON, empty files, non-mapping content, whole-file vault") {
  TempDir t;
  t.write("hosts.yml", "g:\n  hosts:\n    h:\n");
  t.write("group_vars/g.json", "{\"n\": 1e3}");
  t.write("host_vars/h/a.yml", "");
  t.write("host_vars/h/b.yml", "$ANSIBLE_VAULT;1.1;AES256\n3132\n");
  auto inv = load_inventory({(t.path / "hosts.yml").string()});
  REQUIRE(inv);
  const auto& gv = inv->vars_files[inv->group("g")->group_vars_files[0]];
  CHECK(gv.data.get("n")->is_float());  // JSON typing, not YAML 1.1's string
  const Host* h = inv->host("h");
  const auto& hv = inv->host_vars_files(*inv->host_index(h->name));
  REQUIRE(hv.size() == 2);
  CHECK(inv->vars_files[hv[0]].data.is_null());
  CHECK(inv->vars_files[hv[1]].vault_encrypted);
  CHECK(!inv->warnings.empty());
  t.write("group_vars/g.json", "[1, 2]");
  auto bad = load_inventory({(t.path / "hosts.yml").string()});
  REQUIRE(!bad);
  CHECK(bad.error().message.find("expected dicts") != std::string::npos);
}

TEST_CASE("loader: bad input is an error with a location") {
  TempDir t;
  auto missing = load_inventory({(t.path / "nope.ini").string()});
  REQUIRE(!missing);
  CHECK(missing.error().where.file.find("nope.ini") != std::string::npos);
  t.write("bad.yaml", "all:\n  hosts:\n    a: [\n");
  auto bad = load_inventory({(t.path / "bad.yaml").string()});
  REQUIRE(!bad);
  CHECK(bad.error().where.line == 4);
  t.write("bad.ini", "[g]\nh x\n");
  bad = load_inventory({(t.path / "bad.ini").string()});
  REQUIRE(!bad);
  CHECK(bad.error().where.str() == (t.path / "bad.ini").string() + ":2:3");
  // A template with no hosts is no error: ansible-inventory lists it.
  t.write("empty.ini", "# nothing\n[g]\n");
  auto empty = load_inventory({(t.path / "empty.ini").string()});
  REQUIRE(empty.ok());
  CHECK(empty->hosts().empty());
  CHECK(empty->warnings.empty());
  t.write("x.toml", "[all]\n");
  bad = load_inventory({(t.path / "x.toml").string()});
  REQUIRE(!bad);
  CHECK(bad.error().message.find("unsupported") != std::string::npos);
  t.write("group_vars/g.yml", "a: [\n");
  t.write("ok.ini", "[g]\nh\n");
  bad = load_inventory({(t.path / "ok.ini").string()});
  REQUIRE(!bad);
  CHECK(bad.error().where.file.find("g.yml") != std::string::npos);
}

TEST_CASE("loader: default sources from ANSIBLE_INVENTORY and ansible.cfg") {
  TempDir t;
  t.write("cfg/ansible.cfg",
          "[defaults]\ninventory = inventory/mycluster/hosts.yaml, /abs/x ; comment\n");
  const char* old_inv = std::getenv("ANSIBLE_INVENTORY");
  const char* old_cfg = std::getenv("ANSIBLE_CONFIG");
  std::string save_inv = old_inv ? old_inv : "", save_cfg = old_cfg ? old_cfg : "";
  ::unsetenv("ANSIBLE_INVENTORY");
  ::setenv("ANSIBLE_CONFIG", (t.path / "cfg").c_str(), 1);
  auto d = default_sources();
  REQUIRE(d);
  CHECK(d->sources == std::vector<std::string>{
                          (t.path / "cfg/inventory/mycluster/hosts.yaml").string(), "/abs/x"});
  CHECK(d->origin.find("ansible.cfg") != std::string::npos);
  ::setenv("ANSIBLE_INVENTORY", "a.ini,b.yaml", 1);
  d = default_sources();
  REQUIRE(d);
  CHECK(d->sources == std::vector<std::string>{"a.ini", "b.yaml"});
  if (old_inv) ::setenv("ANSIBLE_INVENTORY", save_inv.c_str(), 1);
  else ::unsetenv("ANSIBLE_INVENTORY");
  if (old_cfg) ::setenv("ANSIBLE_CONFIG", save_cfg.c_str(), 1);
  else ::unsetenv("ANSIBLE_CONFIG");
}

TEST_CASE("loader: binary, invalid UTF-8 and NUL bytes are errors at line:col") {
  TempDir t;
  t.write("bin", std::string("\x7f" "ELF\x02\x01\x01\0\0\0", 10));
  auto bad = load_inventory({(t.path / "bin").string()});
  REQUIRE(!bad);
  CHECK(bad.error().str() ==
        (t.path / "bin").string() +
            ":1:8: unsupported inventory file: NUL byte: binary content, not a text file");
  t.write("latin1.ini", "[all]\nnode1 owner=Jos\xE9\n");
  bad = load_inventory({(t.path / "latin1.ini").string()});
  REQUIRE(!bad);
  CHECK(bad.error().where.str() == (t.path / "latin1.ini").string() + ":2:16");
  CHECK(bad.error().message.find("invalid UTF-8") != std::string::npos);
  t.write("h.yml", "all:\n  hosts:\n    node1:\n");
  t.write("group_vars/all.yml", std::string("a: 1\nb: x\0y\n", 12));
  bad = load_inventory({(t.path / "h.yml").string()});
  REQUIRE(!bad);
  CHECK(bad.error().where.str() == (t.path / "group_vars/all.yml").string() + ":2:5");
  t.write("group_vars/all.yml", "a: \"\xC3\x28\"\n");
  bad = load_inventory({(t.path / "h.yml").string()});
  REQUIRE(!bad);
  CHECK(bad.error().message.find("invalid UTF-8") != std::string::npos);
  t.write("group_vars/all.yml", "a: caf\xC3\xA9\n");  // valid UTF-8 is fine
  CHECK(load_inventory({(t.path / "h.yml").string()}));
}

TEST_CASE("loader: nesting thousands deep and endless files are bounded errors") {
  TempDir t;
  t.write("deep.yml", "all:\n  hosts:\n    node1:\n      x: " + std::string(100000, '[') +
                          std::string(100000, ']') + "\n");
  auto bad = load_inventory({(t.path / "deep.yml").string()});
  REQUIRE(!bad);
  CHECK(bad.error().message.find("nested too deeply") != std::string::npos);
  CHECK(bad.error().where.line == 4);
  t.write("h.yml", "all:\n  hosts:\n    node1:\n");
  t.write("group_vars/all.json",
          "{\"a\": " + std::string(100000, '[') + std::string(100000, ']') + "}");
  bad = load_inventory({(t.path / "h.yml").string()});
  REQUIRE(!bad);
  CHECK(bad.error().message.find("nested too deeply") != std::string::npos);
  CHECK(bad.error().where.file.find("all.json") != std::string::npos);
  // Ansible allows group chains of any length: thousands deep load and reconcile.
  TempDir c;
  std::string chain = "[g0]\nnode1\n";
  for (int i = 1; i <= 3000; ++i)
    chain += "[g" + std::to_string(i) + ":children]\ng" + std::to_string(i - 1) + "\n";
  c.write("chain.ini", chain);
  auto inv = load_inventory({(c.path / "chain.ini").string()});
  REQUIRE(inv);
  CHECK(inv->host_groups(*inv->host_index("node1")).size() == 3002);  // g0..g3000 and all
}

TEST_CASE("loader: an inventory with the journal of an interrupted in-place upgrade is refused") {
  TempDir d;
  d.write("hosts.ini", "[all]\nn1\n");
  REQUIRE(load_inventory({(d.path / "hosts.ini").string()}).ok());
  d.write(".kubespray-migrate.journal", "{\"renames\": []}\n");
  for (const auto& src : {d.path / "hosts.ini", d.path}) {
    auto inv = load_inventory({src.string()});
    REQUIRE_FALSE(inv.ok());
    CHECK(inv.error().message.find("upgrade --in-place") != std::string::npos);
    CHECK(inv.error().where.file.ends_with(".kubespray-migrate.journal"));
  }
}

TEST_CASE("loader: an inventory read through a Source in memory, as from a folder") {
  ksm::MemorySource mem(
      "mem", {{"mycluster/hosts.yaml",
               "all:\n  hosts:\n    node1: {ansible_host: 10.0.0.1}\n  children:\n"
               "    kube_control_plane:\n      hosts: {node1: }\n"},
              {"mycluster/inventory.ini", "# [all]\n# node1 ansible_host=10.0.0.1\n"},
              {"mycluster/group_vars/all/all.yml", "---\nbin_dir: /usr/local/bin\n"},
              {"mycluster/group_vars/k8s-cluster/k8s-cluster.yml", "kube_version: v1.19.9\n"},
              {"mycluster/host_vars/node1.yml", "ip: 10.0.0.1\n"}});
  // The folder, as Ansible reads it: inventory.ini is skipped (.ini in a folder).
  auto inv = load_inventory(mem, "mycluster");
  REQUIRE_MESSAGE(inv, (inv ? "" : inv.error().str()));
  REQUIRE(inv->files.size() == 1);
  CHECK(inv->files[0].path == "mycluster/hosts.yaml");
  CHECK(inv->files[0].disk_path.empty());  // not on disk
  REQUIRE(inv->host("node1"));
  CHECK(inv->host_vars_files(*inv->host_index("node1")).size() == 1);
  REQUIRE(inv->group("all")->group_vars_files.size() == 1);
  const auto& vf = inv->vars_files[inv->group("all")->group_vars_files[0]];
  CHECK(vf.path == "mycluster/group_vars/all/all.yml");
  CHECK(vf.where.at("bin_dir").str() == "mycluster/group_vars/all/all.yml:2:1");
  CHECK(inv->unused_vars_entries == std::vector<std::string>{"mycluster/group_vars/k8s-cluster"});
  CHECK(inv->vars_dirs.at(0) == "mycluster");

  // The hosts file named: the same inventory, the same group_vars beside it.
  auto file = load_inventory(mem, "mycluster/hosts.yaml");
  REQUIRE(file);
  CHECK(file->vars_files.size() == inv->vars_files.size());

  // Errors carry the Source's names.
  auto missing = load_inventory(mem, "mycluster/nope.yaml");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().where.file == "mycluster/nope.yaml");
  ksm::MemorySource bad(ksm::MemorySource::Files{{"h.yml", "all:\n  hosts:\n    a: {x: [}\n"}});
  auto b = load_inventory(bad, "h.yml");
  REQUIRE_FALSE(b);
  CHECK(b.error().where.file == "h.yml");
  CHECK(b.error().where.line == 3);
}

TEST_CASE("loader: a Source's disk path gives inventory_file, its display path the locations") {
  test::TempDir t;
  t.write("inv/hosts.ini", "[kube_node]\nn1\n");
  t.write("inv/group_vars/all.yml", "a: 1\n");
  ksm::DirSource src(t.path / "inv");
  auto inv = load_inventory(src, "hosts.ini");
  REQUIRE(inv);
  CHECK(inv->files[0].path == (t.path / "inv/hosts.ini").string());
  CHECK(inv->files[0].disk_path == (t.path / "inv/hosts.ini").string());
  CHECK(inv->file((t.path / "inv/hosts.ini").string()) == &inv->files[0]);
  CHECK(inv->file("hosts.ini") == nullptr);
}

TEST_CASE(
    "loader: a hosts file memo serves a parse of the same text, and only into a fresh inventory") {
  const std::string hosts =
      "all:\n  hosts:\n    node1: {ansible_host: 10.0.0.1}\n  children:\n"
      "    kube_control_plane:\n      hosts: {node1: }\n";
  ksm::MemorySource mem(ksm::MemorySource::Files{{"inv/hosts.yaml", hosts}});
  HostsFileMemo memo;
  auto first = load_hosts({{&mem, "inv/hosts.yaml"}}, &memo);
  REQUIRE_MESSAGE(first, (first ? "" : first.error().str()));
  const Inventory* kept = memo.find("inv/hosts.yaml", hosts);
  REQUIRE(kept != nullptr);
  CHECK(kept->sources.empty());  // the caller's -i sources are not the parse's
  CHECK(memo.find("inv/hosts.yaml", hosts + "\n") == nullptr);
  CHECK(memo.find("other/hosts.yaml", hosts) == nullptr);

  SUBCASE("a hit is the stored parse, with the caller's sources") {
    // A stored parse that differs from what the text says proves it is served.
    Inventory marked = *kept;
    marked.add_host("from-the-memo", std::nullopt, std::nullopt);
    memo.put("inv/hosts.yaml", hosts, marked);
    auto again = load_hosts({{&mem, "inv/hosts.yaml"}}, &memo);
    REQUIRE(again);
    CHECK(again->host("from-the-memo") != nullptr);
    CHECK(again->sources == first->sources);
  }
  SUBCASE("a loaded result equals a parse without the memo") {
    auto again = load_hosts({{&mem, "inv/hosts.yaml"}}, &memo);
    auto plain = load_hosts({{&mem, "inv/hosts.yaml"}});
    REQUIRE(again);
    REQUIRE(plain);
    CHECK(again->hosts().size() == plain->hosts().size());
    CHECK(again->groups().size() == plain->groups().size());
    CHECK(list_document(*again) == list_document(*plain));  // what ansible-inventory --list shows
    CHECK(again->files.size() == 1);
    CHECK(again->files[0].yaml_keys.size() == plain->files[0].yaml_keys.size());
    CHECK(again->sources == plain->sources);
  }
  SUBCASE("changed text is parsed again and replaces the path's entry") {
    mem.put("inv/hosts.yaml", hosts + "    etcd:\n      hosts: {node1: }\n");
    auto changed = load_hosts({{&mem, "inv/hosts.yaml"}}, &memo);
    REQUIRE(changed);
    CHECK(changed->group("etcd") != nullptr);
    CHECK(memo.find("inv/hosts.yaml", hosts) == nullptr);
  }
  SUBCASE("into an inventory that already holds another file, the file is parsed") {
    Inventory marked = *kept;
    marked.add_host("from-the-memo", std::nullopt, std::nullopt);
    memo.put("inv/hosts.yaml", hosts, marked);
    mem.put("inv/more.yaml", "all:\n  hosts:\n    node2:\n");
    auto both = load_hosts({{&mem, "inv/more.yaml"}, {&mem, "inv/hosts.yaml"}}, &memo);
    REQUIRE(both);
    CHECK(both->host("node2") != nullptr);
    CHECK(both->host("from-the-memo") == nullptr);
  }
}

TEST_CASE("loader: a vars file keeps the position of each top-level key") {
  auto vf = parse_vars_file("group_vars/all.yml", "a: 1\nb:\n  c: 2\na: 3\n[x]: 4\n");
  REQUIRE(vf);
  CHECK(vf->where.at("a").str() == "group_vars/all.yml:4:1");  // a repeated key: the last one
  CHECK(vf->where.at("b").str() == "group_vars/all.yml:2:1");
  CHECK(vf->where.at("").str() == "group_vars/all.yml:5:1");  // a key that is not a scalar
  CHECK(!vf->where.count("c"));
  CHECK(to_python_repr(vf->data) == "{'a': 3, 'b': {'c': 2}, \"['x']\": 4}");
  auto json = parse_vars_file("host_vars/h.json", "{\"a\": 1,\n \"b\": [2]}\n");
  REQUIRE(json);
  CHECK(json->where.at("b").str() == "host_vars/h.json:2:2");
  CHECK(to_python_repr(json->data) == "{'a': 1, 'b': [2]}");
  auto bad = parse_vars_file("group_vars/all.yml", "a: 1\nb: [\n");
  REQUIRE(!bad);
  CHECK(bad.error().message.rfind("invalid YAML: ", 0) == 0);
  CHECK(bad.error().where.file == "group_vars/all.yml");
  auto alias = parse_vars_file("group_vars/all.yml", "a: &x {k: 1}\nb: *x\n");
  REQUIRE(alias);
  CHECK(to_python_repr(alias->data) == "{'a': {'k': 1}, 'b': {'k': 1}}");
}
