// Tests of src/sources/kubespray_tree: the sample inventory and the role
// variables of real tags, read through libgit2, and the sample scanner.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>

#include <yaml-cpp/yaml.h>

#include "core/yaml.h"
#include "sources/kubespray_tree.h"
#include "test_support.h"

using namespace ksm;

TEST_CASE("kubespray_tree: every file of inventory/sample at all 57 tags, read and parsed") {
  KSM_REQUIRE_SHARED_DATA();
  auto repo = open_kubespray(test::kubespray_data());
  REQUIRE(repo);
  auto tags = repo->tags();
  REQUIRE(tags);
  REQUIRE(tags->size() == 57);
  auto t0 = std::chrono::steady_clock::now();
  size_t files = 0, yaml_files = 0, bytes = 0;
  for (const auto& tag : *tags) {
    auto src = repo->at(tag.name);
    REQUIRE(src);
    auto list = (*src)->list("inventory/sample", true);
    REQUIRE(list);
    CHECK_MESSAGE(list->size() >= 10, tag.name);
    for (const auto& path : *list) {
      auto text = (*src)->read(path);
      REQUIRE_MESSAGE(text, path);
      ++files;
      bytes += text->size();
      if (path.ends_with(".yml") || path.ends_with(".yaml")) {
        ++yaml_files;
        auto v = parse_yaml(*text, path);
        CHECK_MESSAGE(v, tag.name << " " << (v ? "" : v.error().str()));
        // Group vars files hold a mapping or nothing (all commented).
        if (v && path.find("group_vars/") != std::string::npos)
          CHECK_MESSAGE((v->is_map() || v->is_null()), tag.name << " " << path);
      }
    }
  }
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  MESSAGE("read " << files << " sample files (" << yaml_files << " YAML, " << bytes << " bytes) of "
                  << tags->size() << " tags in " << ms << " ms");
  CHECK(yaml_files > 57 * 10);
}

TEST_CASE("kubespray_tree: the tree of v2.18.0") {
  KSM_REQUIRE_SHARED_DATA();
  auto repo = GitRepo::open(test::kubespray_data());
  REQUIRE(repo);
  auto src = repo->at("v2.18.0");
  REQUIRE(src);
  auto t = KubesprayTree::load(**src);
  REQUIRE_MESSAGE(t, (t ? "" : t.error().str()));

  const Sample& s = t->sample();
  CHECK(s.root == "inventory/sample");
  CHECK(s.hosts_file == "inventory.ini");
  CHECK(s.groups == std::vector<std::string>{"all", "kube_control_plane", "etcd", "kube_node",
                                             "calico_rr", "k8s_cluster"});
  CHECK(std::find(s.files.begin(), s.files.end(), "group_vars/k8s_cluster/k8s-cluster.yml") !=
        s.files.end());
  CHECK(s.var_files.size() + 1 == s.files.size());  // all but inventory.ini

  const Role* kd = t->kubespray_defaults();
  REQUIRE(kd);
  CHECK(kd->path == "roles/kubespray-defaults");
  REQUIRE(!kd->files.empty());
  CHECK(kd->files[0].file.path == "roles/kubespray-defaults/defaults/main.yaml");
  CHECK(kd->files[0].layer == Layer::Defaults);
  CHECK(kd->files[0].auto_loaded);
  const VarDef* kv = kd->files[0].file.find("kube_version");
  REQUIRE(kv);
  CHECK(kv->value == Value("v1.22.5"));
  CHECK(kv->line == 18);
  CHECK(kd->files[0].file.text.find("kube_version: v1.22.5") != std::string::npos);

  // Nested roles, and vars files only read by include_vars.
  const Role* docker = t->find_role("container-engine/docker");
  REQUIRE(docker);
  bool has_os_vars = false;
  for (const auto& f : docker->files)
    if (f.layer == Layer::Vars && !f.auto_loaded && f.file.path.ends_with("/ubuntu.yml"))
      has_os_vars = true;
  CHECK(has_os_vars);
  CHECK(t->find_role("kubernetes-apps/metallb"));
  const Role* dl = t->find_role("download");
  REQUIRE(dl);
  const VarDef* ck = nullptr;
  for (const auto& f : dl->files)
    if (!ck) ck = f.file.find("kubelet_checksums");
  REQUIRE(ck);
  REQUIRE(ck->value.get("amd64"));
  CHECK(ck->value.get("amd64")->get("v1.22.5"));
  REQUIRE(t->requirements_txt());
  // In Kubespray v2.18 requirements.txt is a symlink to requirements-2.10.txt; the
  // shared data holds only the link text.
  CHECK(t->requirements_txt()->find("requirements-2.10.txt") != std::string::npos);
  REQUIRE(t->ansible_cfg());
}

TEST_CASE("kubespray_tree: defaults/main/ folders and the kubespray_defaults rename") {
  KSM_REQUIRE_SHARED_DATA();
  auto repo = GitRepo::open(test::kubespray_data());
  REQUIRE(repo);
  auto src = repo->at("v2.31.0");
  REQUIRE(src);
  auto t = KubesprayTree::load(**src);
  REQUIRE(t);
  const Role* kd = t->kubespray_defaults();
  REQUIRE(kd);
  CHECK(kd->path == "roles/kubespray_defaults");
  std::vector<std::string> paths;
  for (const auto& f : kd->files) paths.push_back(f.file.path);
  CHECK(paths == std::vector<std::string>{"roles/kubespray_defaults/defaults/main/download.yml",
                                          "roles/kubespray_defaults/defaults/main/main.yml",
                                          "roles/kubespray_defaults/vars/main/checksums.yml",
                                          "roles/kubespray_defaults/vars/main/main.yml"});
  CHECK(kd->files[2].layer == Layer::Vars);
  const VarDef* ck = kd->files[2].file.find("kubelet_checksums");
  REQUIRE(ck);
  REQUIRE(ck->value.get("amd64"));
  REQUIRE(ck->value.get("amd64")->is_map());
  // From v2.28 the checksum keys have no leading v.
  CHECK(ck->value.get("amd64")->as_map().entries().front().first.front() != 'v');
  CHECK(t->sample().groups == std::vector<std::string>{"kube_control_plane", "etcd", "kube_node"});
  const Role* cp = t->find_role("kubernetes/control-plane");
  REQUIRE(cp);
  REQUIRE(cp->files.size() == 5);
  CHECK(cp->files[0].file.path == "roles/kubernetes/control-plane/defaults/main/etcd.yml");
  CHECK(cp->files[3].file.path == "roles/kubernetes/control-plane/defaults/main/main.yml");
  CHECK(cp->files[4].file.path == "roles/kubernetes/control-plane/vars/main.yaml");
  CHECK(cp->files[4].layer == Layer::Vars);
}

TEST_CASE("kubespray_tree: every tag loads, with a kubespray-defaults role") {
  KSM_REQUIRE_SHARED_DATA();
  auto repo = GitRepo::open(test::kubespray_data());
  REQUIRE(repo);
  auto tags = repo->tags();
  REQUIRE(tags);
  for (const auto& tag : *tags) {
    auto src = repo->at(tag.name);
    REQUIRE(src);
    auto t = KubesprayTree::load(**src);
    REQUIRE_MESSAGE(t, tag.name << ": " << (t ? "" : t.error().str()));
    CHECK_MESSAGE(t->kubespray_defaults(), tag.name);
    CHECK_MESSAGE(!t->sample().hosts_file.empty(), tag.name);
    CHECK_MESSAGE(t->roles().size() > 20, tag.name);
  }
}

TEST_CASE("kubespray_tree: sample variables, set and commented") {
  auto f = parse_var_file("group_vars/all/all.yml",
                          "---\n"
                          "## Prose: not a variable\n"
                          "# calico_ipip_mode: 'Always'  # a comment\n"
                          "kube_proxy_mode: ipvs\n"
                          "#upstream_dns_servers:\n"
                          "#  - 8.8.8.8\n"
                          "#  - 8.8.4.4\n"
                          "# docker_options: [a, {b\n"
                          "# enable_thing: yes\n"
                          "# http_proxy: \"\"\n"
                          "#   nested_key: 1\n");
  REQUIRE(f);
  auto vars = scan_sample_variables(*f);
  REQUIRE(vars.size() == 6);
  CHECK(vars[0].name == "calico_ipip_mode");
  CHECK(vars[0].commented);
  CHECK(vars[0].line == 3);
  CHECK(vars[0].value == Value("Always"));
  CHECK(vars[1].name == "kube_proxy_mode");
  CHECK(!vars[1].commented);
  CHECK(vars[1].value == Value("ipvs"));
  CHECK(vars[2].name == "upstream_dns_servers");
  CHECK(vars[2].value == Value(List{Value("8.8.8.8"), Value("8.8.4.4")}));
  CHECK(vars[3].name == "docker_options");
  CHECK(!vars[3].parsed);
  CHECK(vars[3].value == Value("[a, {b"));
  CHECK(vars[4].value == Value(true));
  CHECK(vars[5].name == "http_proxy");
  CHECK(vars[5].value == Value(""));
}

TEST_CASE("kubespray_tree: vars file errors and duplicates") {
  auto bad = parse_var_file("roles/x/defaults/main.yml", "a: 1\nb: [\n");
  REQUIRE(!bad);
  CHECK(bad.error().where.file == "roles/x/defaults/main.yml");
  CHECK(bad.error().where.line > 0);
  auto list = parse_var_file("roles/x/defaults/main.yml", "- a\n- b\n");
  REQUIRE(!list);
  CHECK(list.error().message.find("mapping at top level") != std::string::npos);
  auto dup = parse_var_file("f.yml", "a: 1\nb: 2\na: 3\n");
  REQUIRE(dup);
  REQUIRE(dup->vars.size() == 2);
  CHECK(dup->find("a")->value == Value(3));
  CHECK(dup->find("a")->line == 3);
  REQUIRE(dup->warnings.size() == 1);
  auto empty = parse_var_file("f.yml", "# only comments\n");
  REQUIRE(empty);
  CHECK(empty->vars.empty());
}

namespace {

// parse_var_file as it read before the YamlTree (YAML::Load's node graph),
// as text: each variable with its value and position, the warnings, or the
// error.
std::string var_file_by_node_graph(const std::string& path, const std::string& text) {
  std::string out;
  try {
    YAML::Node doc = YAML::Load(std::string(strip_bom(text)));
    if (doc.IsNull() || !doc.IsDefined()) return out;
    if (!doc.IsMap())
      return "error " +
             Error("a variables file must hold a mapping at top level", yaml_location(doc, path))
                 .str();
    std::vector<Error> warnings;
    std::vector<std::pair<std::string, std::string>> vars;
    for (const auto& kv : doc) {
      Location at = yaml_location(kv.first, path);
      if (!kv.first.IsScalar())
        return "error " + Error("a variable name must be a scalar", at).str();
      auto v = yaml_node_to_value(kv.second, path, &warnings);
      if (!v) return "error " + v.error().str();
      std::string name = kv.first.Scalar();
      auto dup =
          std::find_if(vars.begin(), vars.end(), [&](const auto& d) { return d.first == name; });
      std::string line =
          to_python_repr(*v) + " @" + std::to_string(at.line) + ":" + std::to_string(at.column);
      if (dup != vars.end()) {
        warnings.push_back(Error("duplicate variable '" + name + "'", at));
        dup->second = line;
      } else {
        vars.emplace_back(name, line);
      }
    }
    for (const auto& [n, l] : vars) out += n + "=" + l + "\n";
    for (const auto& w : warnings) out += "warning " + w.where.str() + "\n";
  } catch (const YAML::Exception& e) {
    return "error " + Error(e.msg, Location{path, e.mark.is_null() ? 0 : e.mark.line + 1,
                                            e.mark.is_null() ? 0 : e.mark.column + 1})
                          .str();
  }
  return out;
}

std::string var_file_text(const std::string& path, const std::string& text) {
  auto f = parse_var_file(path, text);
  if (!f) return "error " + f.error().str();
  std::string out;
  for (const auto& d : f->vars)
    out += d.name + "=" + to_python_repr(d.value) + " @" + std::to_string(d.line) + ":" +
           std::to_string(d.column) + "\n";
  for (const auto& w : f->warnings) out += "warning " + w.where.str() + "\n";
  return out;
}

}  // namespace

TEST_CASE("kubespray_tree: a vars file read from the YamlTree is what the node graph gave") {
  for (const char* text :
       {"", "# c\n", "---\n", "a: 1\n",
        "\xEF\xBB\xBF"
        "a: yes\n",
        "a: 1\nb: 2\na: 3\n", "- a\n", "plain\n",
        "a: [1, {b: c}]\nd: 'q'\ne: !!str 1\nf: !vault x\n",
        "base: &b {x: 1}\ncopy: *b\nm:\n  <<: *b\n  y: 2\n", "[a]: 1\n", "~: 1\n", "a: [\n",
        "a: *missing\n", "a:\n  b: 1\n c: 2\n", "a: &x [*x]\n", "a: 1\n--- \nb: 2\n",
        "k8s_var: 1\nkube_version: v1.29.5\nempty:\nnested:\n  x: {}\n  y: []\n"}) {
    CAPTURE(text);
    CHECK(var_file_text("roles/x/defaults/main.yml", text) ==
          var_file_by_node_graph("roles/x/defaults/main.yml", text));
  }
}

TEST_CASE("kubespray_tree: hosts file groups, INI and YAML") {
  CHECK(hosts_file_groups(
            "inventory.ini",
            "[all]\nnode1 ansible_host=1.2.3.4\n[kube-master]\nnode1\n[k8s-cluster:children]\n"
            "kube-master\nkube-node # c\n[k8s-cluster:vars]\nx=1\n") ==
        std::vector<std::string>{"all", "kube-master", "k8s-cluster", "kube-node"});
  CHECK(hosts_file_groups("hosts.yaml",
                          "all:\n  hosts: {node1: {}}\n  children:\n    kube_control_plane:\n      "
                          "hosts: {node1: {}}\n"
                          "    k8s_cluster:\n      children:\n        kube_node: {}\n") ==
        std::vector<std::string>{"all", "kube_control_plane", "k8s_cluster", "kube_node"});
}
