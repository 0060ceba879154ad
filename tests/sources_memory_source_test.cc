// Tests of src/sources/memory_source: the listing rules every in-memory
// tree (tests, fuzzing, upgrade's Workspace) shares with a folder on disk.
#include <doctest/doctest.h>

#include "sources/memory_source.h"
#include "sources/source.h"
#include "test_support.h"

using namespace ksm;

TEST_CASE("memory source: files, folders and listings as a folder on disk gives them") {
  MemorySource m({{"hosts.yaml", "all: {}\n"},
                  {"group_vars/all/all.yml", "a: 1\n"},
                  {"group_vars/all/nested/z.yml", "z: 1\n"},
                  {"group_vars/all.yml.bak", "x\n"},
                  {"group_vars/b-c/x.yml", "x: 1\n"},
                  {"group_vars/b/y.yml", "y: 1\n"}});
  CHECK(m.exists("hosts.yaml"));
  CHECK(m.exists("group_vars"));
  CHECK(m.is_dir("group_vars/all"));
  CHECK_FALSE(m.is_dir("hosts.yaml"));
  CHECK_FALSE(m.exists("group_vars/al"));
  CHECK(m.is_dir(""));
  REQUIRE(m.read("./group_vars/all/all.yml"));
  CHECK(*m.read("group_vars/all/all.yml") == "a: 1\n");
  CHECK_FALSE(m.read("group_vars").ok());
  CHECK_FALSE(m.read("../etc/passwd").ok());

  auto dirs = m.list_dirs("group_vars");
  REQUIRE(dirs);
  // byte order, although "b-c/x.yml" sorts before "b/y.yml"
  CHECK(*dirs == std::vector<std::string>{"group_vars/all", "group_vars/b", "group_vars/b-c"});
  auto files = m.list("group_vars", false);
  REQUIRE(files);
  CHECK(*files == std::vector<std::string>{"group_vars/all.yml.bak"});
  auto all = m.list("group_vars/all", true);
  REQUIRE(all);
  CHECK(all->size() == 2);
  CHECK_FALSE(m.list("nope", false).ok());

  auto entries = list_entries(m, "group_vars");
  REQUIRE(entries);
  std::vector<std::string> names;
  for (const auto& e : *entries) names.push_back(e.name + (e.folder ? "/" : ""));
  CHECK(names == std::vector<std::string>{"all/", "all.yml.bak", "b/", "b-c/"});

  m.put("group_vars/a/new.yml", "n: 1\n");
  CHECK(m.is_dir("group_vars/a"));
  CHECK(m.list_dirs("group_vars")->front() == "group_vars/a");
}

TEST_CASE("memory source: the same listings as a DirSource of the same files") {
  test::TempDir t;
  MemorySource::Files files{{"inv/hosts.ini", "[all]\nn1\n"},
                            {"inv/group_vars/all/a.yml", "a: 1\n"},
                            {"inv/group_vars/k8s_cluster.yml", "b: 1\n"},
                            {"inv/host_vars/n1/x.yaml", "c: 1\n"}};
  for (const auto& [k, v] : files) t.write(k, v);
  MemorySource mem(files);
  DirSource disk(t.path);
  for (const char* dir : {"", "inv", "inv/group_vars", "inv/host_vars/n1"}) {
    INFO(dir);
    CHECK(*mem.list(dir, false) == *disk.list(dir, false));
    CHECK(*mem.list(dir, true) == *disk.list(dir, true));
    CHECK(*mem.list_dirs(dir) == *disk.list_dirs(dir));
  }
  CHECK(disk.display_path("inv/hosts.ini") == (t.path / "inv/hosts.ini").string());
  CHECK(DirSource(".").display_path("hosts.ini") == "hosts.ini");
  CHECK(mem.display_path("inv/hosts.ini") == "inv/hosts.ini");
  CHECK_FALSE(mem.disk_path("inv/hosts.ini").has_value());
  CHECK(disk.disk_path("inv/hosts.ini") == t.path / "inv/hosts.ini");
}
