// Tests of src/catalog: the identifier scan of templates, the rule for a
// name defined by several roles, the facts of real tags, and versions/
// regenerated from the shared data without drift.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <cstdlib>
#include <fstream>

#include "catalog/catalog.h"
#include "sources/version.h"
#include "core/fs.h"
#include "core/json.h"
#include "test_support.h"
#include "vars/layers.h"

using namespace ksm;

namespace {

std::filesystem::path fresh_tmp(const std::string& name) {
  auto p =
      std::filesystem::temp_directory_path() / ("ksm-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p;
}

void put(const std::filesystem::path& root, const std::string& rel, const std::string& text) {
  std::filesystem::create_directories((root / rel).parent_path());
  std::ofstream(root / rel) << text;
}

using Names = std::vector<std::string>;

}  // namespace

TEST_CASE("catalog: names a template reads") {
  CHECK(catalog::template_names("{{ kube_network_node_prefix }}") ==
        Names{"kube_network_node_prefix"});
  CHECK(catalog::template_names("{{ kube_image_repo }}/pause:{{ pod_infra_version }}") ==
        Names{"kube_image_repo", "pod_infra_version"});
  // Attributes, filters, tests, string literals and keyword arguments are not names.
  CHECK(catalog::template_names("{{ (kubelet_checksums['amd64'] | dict2items)[0].key }}") ==
        Names{"kubelet_checksums"});
  CHECK(catalog::template_names("{{ foo.bar | default(baz, true) | regex_replace('x', \"y\") }}") ==
        Names{"baz", "foo"});
  CHECK(catalog::template_names("{{ x is defined and y is not none }}") == Names{"x", "y"});
  CHECK(catalog::template_names("{{ lookup('env', 'HOME') ~ a }}") == Names{"a"});
  // Loop and set variables are bound; the iterated names are read.
  CHECK(
      catalog::template_names("{% for host in groups['etcd'] %}{% if host == inventory_hostname %}"
                              "etcd{{ loop.index }}{% endif %}{% endfor %}") ==
      Names{"groups", "inventory_hostname"});
  CHECK(catalog::template_names("{% set p = a | int %}{{ p + b }}") == Names{"a", "b"});
  CHECK(catalog::template_names("{{- padded -}} {# comment_name #}") == Names{"padded"});
  CHECK(catalog::template_names("no template here") == Names{});
  CHECK(catalog::holds_template(Value(List{Value("a"), Value(Map{{"k", Value("{{ x }}")}})})));
  CHECK(!catalog::holds_template(Value(Map{{"k", Value("plain")}})));
}

TEST_CASE("catalog: a name defined by several roles") {
  auto tmp = fresh_tmp("catalog-rule");
  put(tmp, "roles/network/defaults/main.yml",
      "shared: from-network\nonly_network: 1\nboth_layers: d\n");
  put(tmp, "roles/network/vars/main.yml", "both_layers: v\n");
  put(tmp, "roles/network/vars/ubuntu.yml", "os_only: u\nshared: from-os-vars\n");
  put(tmp, "roles/kubespray-defaults/defaults/main/a.yml", "shared: from-a\nsplit: a\n");
  put(tmp, "roles/kubespray-defaults/defaults/main/b.yml",
      "split: b\nprefix: 24\ntemplated: \"{{ prefix }}\"\n");
  put(tmp, "roles/aaa/defaults/main.yml",
      "shared: from-aaa\ntwice: a\nreads_shared_elsewhere: \"{{ twice }}-{{ only_network }}\"\n"
      "from_fact: \"{{ ansible_default_ipv4.address }}\"\n");
  put(tmp, "roles/bbb/defaults/main.yml", "twice: b\n");
  put(tmp, "inventory/sample/inventory.ini",
      "[kube_control_plane]\n[etcd:children]\nkube_control_plane\n");
  put(tmp, "inventory/sample/group_vars/all/all.yml", "# shared: sample-commented\nset_here: 3\n");
  put(tmp, "inventory/sample/group_vars/k8s_cluster/x.yml", "shared: sample-set\n");
  DirSource src(tmp);
  auto tree = KubesprayTree::load(src);
  REQUIRE(tree);
  auto defs = catalog::collect_definitions(*tree);
  // kubespray-defaults wins over other roles; the later file of a main/ folder wins.
  REQUIRE(defs["shared"].size() == 4);
  CHECK(defs["shared"][0].role == "kubespray-defaults");
  CHECK(defs["shared"][0].raw == Value("from-a"));
  CHECK(defs["shared"][1].role == "aaa");
  CHECK(defs["shared"][2].role == "network");
  CHECK(defs["shared"][3].file == "roles/network/vars/ubuntu.yml");  // include_vars only: last
  CHECK(!defs["shared"][3].auto_loaded);
  CHECK(defs["split"][0].raw == Value("b"));
  CHECK(defs["split"][0].file == "roles/kubespray-defaults/defaults/main/b.yml");
  // Within a role, vars/ beats defaults/.
  CHECK(defs["both_layers"][0].raw == Value("v"));
  CHECK(defs["both_layers"][0].layer == Layer::Vars);

  auto facts = catalog::tag_facts(*tree, catalog::TagInfo{"v9.9.9", "abc", "2030-01-01"});
  REQUIRE(facts);
  const Value* shared = facts->get("defaults")->get("shared");
  REQUIRE(shared);
  CHECK(*shared->get("value") == Value("from-a"));
  CHECK(*shared->get("role") == Value("kubespray-defaults"));
  CHECK(*shared->get("line") == Value(1));
  REQUIRE(shared->get("also"));
  CHECK(shared->get("also")->as_list().size() == 3);
  CHECK(*shared->get("also")->as_list()[2].get("include_vars") == Value(true));
  const Value* templ = facts->get("defaults")->get("templated");
  REQUIRE(templ);
  CHECK(*templ->get("template") == Value(true));
  CHECK(*templ->get("depends") == Value(List{Value("prefix")}));
  // Evaluated from the defaults alone: a lone {{ name }} of a number stays a number.
  CHECK(*templ->get("known") == Value(true));
  CHECK(*templ->get("value") == Value(24));
  // A template over a name two roles define differently is not guessed.
  const Value* amb = facts->get("defaults")->get("reads_shared_elsewhere");
  REQUIRE(amb);
  CHECK(*amb->get("known") == Value(false));
  CHECK(!amb->get("value"));
  CHECK(*amb->get("depends") == Value(List{Value("only_network"), Value("twice")}));
  // A template over facts or the inventory stays unknown.
  CHECK(*facts->get("defaults")->get("from_fact")->get("known") == Value(false));
  CHECK(*facts->get("sample")->get("groups") ==
        Value(List{Value("kube_control_plane"), Value("etcd")}));
  // The sample: a set line wins over a commented one, which stays under "also".
  const Value* sv = facts->get("sample")->get("variables")->get("shared");
  REQUIRE(sv);
  CHECK(*sv->get("commented") == Value(false));
  CHECK(*sv->get("file") == Value("group_vars/k8s_cluster/x.yml"));
  CHECK(*sv->get("value") == Value("sample-set"));
  REQUIRE(sv->get("also"));
  CHECK(*sv->get("also")->as_list()[0].get("commented") == Value(true));
  CHECK(*sv->get("also")->as_list()[0].get("value") == Value("sample-commented"));
  std::filesystem::remove_all(tmp);
}

TEST_CASE("catalog: facts of real tags") {
  KSM_REQUIRE_SHARED_DATA();
  auto repo = open_kubespray(test::kubespray_data());
  REQUIRE(repo);
  auto facts_of = [&](const std::string& tag) -> Value {
    auto rev = repo->resolve(tag);
    auto src = repo->at(tag);
    auto tree = KubesprayTree::load(**src);
    REQUIRE(tree);
    auto f = catalog::tag_facts(*tree, catalog::TagInfo{tag, rev->commit_id, rev->date});
    REQUIRE(f);
    return *f;
  };
  auto default_of = [](const Value& f, const char* name) -> Value {
    const Value* d = f.get("defaults")->get(name);
    REQUIRE_MESSAGE(d, name);
    const Value* v = d->get("value");
    return v ? *v : Value::undefined();
  };

  Value v218 = facts_of("v2.18.0");
  CHECK(*v218.get("date") == Value("2022-01-04"));
  CHECK(*v218.get("kube_version") == Value("v1.22.5"));
  const auto& kv = v218.get("kube_versions")->as_list();
  CHECK(std::find(kv.begin(), kv.end(), Value("v1.22.5")) != kv.end());
  CHECK(kv.front() == Value("v1.20.0"));
  CHECK(*v218.get("kube_version_prefix") == Value("v"));
  CHECK(*v218.get("sample")->get("hosts_file") == Value("inventory.ini"));
  CHECK(default_of(v218, "container_manager") == Value("containerd"));
  CHECK(*v218.get("defaults")->get("kube_version")->get("file") ==
        Value("roles/kubespray-defaults/defaults/main.yaml"));

  // Templates evaluated from the defaults alone, or unknown with what they read.
  const Value* kav = v218.get("defaults")->get("kubeadm_version");
  REQUIRE(kav);
  CHECK(*kav->get("template") == Value(true));
  CHECK(*kav->get("value") == Value("v1.22.5"));
  CHECK(*kav->get("depends") == Value(List{Value("kube_version")}));
  CHECK(default_of(v218, "kube_apiserver_ip") == Value("10.233.0.1"));
  const Value* emn = v218.get("defaults")->get("etcd_member_name");
  REQUIRE(emn);
  CHECK(*emn->get("known") == Value(false));
  CHECK(!emn->get("value"));
  const auto& emn_deps = emn->get("depends")->as_list();
  CHECK(std::find(emn_deps.begin(), emn_deps.end(), Value("groups")) != emn_deps.end());

  Value v217 = facts_of("v2.17.1");
  CHECK(default_of(v217, "container_manager") == Value("docker"));

  Value v216 = facts_of("v2.16.0");
  CHECK(*v216.get("ansible_requirement") == Value("ansible==2.9.20"));
  // The v2.16 group rename is visible in the sample.
  Value v215 = facts_of("v2.15.1");
  const auto& g215 = v215.get("sample")->get("groups")->as_list();
  CHECK(std::find(g215.begin(), g215.end(), Value("kube-master")) != g215.end());
  const auto& g216 = v216.get("sample")->get("groups")->as_list();
  CHECK(std::find(g216.begin(), g216.end(), Value("kube_control_plane")) != g216.end());

  Value v220 = facts_of("v2.20.0");
  CHECK(default_of(v220, "calico_pool_blocksize") == Value(26));
  CHECK(default_of(v220, "calico_ipip_mode") == Value("Never"));
  // A commented sample line, with its literal.
  const Value* ipip = v220.get("sample")->get("variables")->get("calico_ipip_mode");
  REQUIRE(ipip);
  CHECK(*ipip->get("commented") == Value(true));

  // v2.28 writes versions without the v; the catalog normalises to v.
  Value v228 = facts_of("v2.28.0");
  CHECK(*v228.get("kube_version_prefix") == Value(""));
  // kube_version is a template from v2.28: the first amd64 kubelet checksum key.
  CHECK(*v228.get("defaults")->get("kube_version")->get("template") == Value(true));
  CHECK(*v228.get("kube_version") == Value("v1.32.5"));
  const auto& kv228 = v228.get("kube_versions")->as_list();
  REQUIRE(!kv228.empty());
  CHECK(kv228.front().as_string().starts_with("v1."));
  CHECK(*v228.get("ansible_requirement") == Value("ansible==9.13.0"));
  // Checksum tables keep the versions that have a digest, not the digests.
  const Value* ck = v228.get("defaults")->get("kubelet_checksums");
  REQUIRE(ck);
  CHECK(!ck->get("value"));
  REQUIRE(ck->get("checksums"));
  CHECK(ck->get("checksums")->get("amd64")->is_list());

  // Every tag whose kube_version is a template (v2.28 on, in the renamed
  // roles/kubespray_defaults) has it evaluated, and can install it; the
  // installable versions start at the tag's kube_version_min_required.
  for (const char* tag : {"v2.28.1", "v2.29.0", "v2.30.0", "v2.31.0"}) {
    CAPTURE(tag);
    Value f = facts_of(tag);
    REQUIRE(f.get("kube_version")->is_string());
    const auto& kvs = f.get("kube_versions")->as_list();
    CHECK(std::find(kvs.begin(), kvs.end(), *f.get("kube_version")) != kvs.end());
    CHECK(*f.get("defaults")->get("kube_version")->get("role") == Value("kubespray_defaults"));
    Value min = default_of(f, "kube_version_min_required");
    REQUIRE(min.is_string());
    CHECK(kvs.front() == Value(with_v_prefix(min.as_string())));
  }
  CHECK(*facts_of("v2.31.0").get("kube_version") == Value("v1.35.4"));
  // v2.13.0 has checksums from v1.15.0 but requires v1.16.0.
  Value v213 = facts_of("v2.13.0");
  CHECK(default_of(v213, "kube_version_min_required") == Value("v1.16.0"));
  CHECK(v213.get("kube_versions")->as_list().front() == Value("v1.16.0"));
}

TEST_CASE("catalog: defaults evaluated on demand are the entries tag_facts writes, in any order") {
  KSM_REQUIRE_SHARED_DATA();
  auto repo = open_kubespray(test::kubespray_data());
  REQUIRE(repo);
  for (const char* tag : {"v2.18.0", "v2.27.0"}) {
    CAPTURE(tag);
    auto rev = repo->resolve(tag);
    auto src = repo->at(tag);
    REQUIRE(rev);
    REQUIRE(src);
    auto loaded = KubesprayTree::load(**src);
    REQUIRE(loaded);
    auto tree = std::make_shared<const KubesprayTree>(std::move(*loaded));
    const catalog::TagInfo info{tag, rev->commit_id, rev->date};
    auto eager = catalog::tag_facts(*tree, info);
    REQUIRE(eager);
    const Value& want = *eager->get("defaults");
    // Asked for last name first (the reverse of the eager order), then all.
    auto lazy = catalog::tag_facts_lazy(tree, info, nullptr);
    REQUIRE(lazy);
    Value rest = *eager;
    rest.map_mut().erase("defaults");
    CHECK(lazy->facts == rest);
    auto names = lazy->defaults->names();
    REQUIRE(names.size() == want.as_map().size());
    size_t differ = 0;
    for (auto it = names.rbegin(); it != names.rend(); ++it) {
      const Value* got = lazy->defaults->entry(*it);
      REQUIRE(got != nullptr);
      if (!(*got == *want.get(*it))) ++differ;
    }
    CHECK(differ == 0);
    CHECK(lazy->defaults->entry("no_such_default_anywhere") == nullptr);
    CHECK(lazy->defaults->all() == want);
    // Through the typed view, as ReleaseFacts gives it.
    auto typed = catalog::TagFacts::from_value(lazy->facts, lazy->defaults);
    REQUIRE(typed);
    CHECK(typed->has_default("kube_version"));
    CHECK(typed->default_value("kube_version") == *want.get("kube_version")->get("value"));
    CHECK(typed->default_names() == names);
  }
}

TEST_CASE("catalog: versions/ regenerates from the shared data without drift") {
  KSM_REQUIRE_SHARED_DATA();
  auto committed = std::filesystem::path(KSM_SOURCE_DIR) / "versions";
  if (!std::filesystem::exists(committed / "index.json")) {
    MESSAGE("skipped: " << committed.string() << " has no index.json");
    return;
  }
  auto repo = open_kubespray(test::kubespray_data());
  REQUIRE(repo);
  auto tmp = fresh_tmp("catalog-drift");
  auto stats = catalog::write_catalog(*repo, tmp, {});
  REQUIRE_MESSAGE(stats, (stats ? "" : stats.error().str()));
  CHECK(stats->written.size() == 58);
  size_t compared = 0;
  for (const auto& name : stats->written) {
    auto fresh = read_file(tmp / name);
    auto old = read_file(committed / name);
    REQUIRE(fresh);
    REQUIRE_MESSAGE(old, "versions/" << name << " is missing: run kubespray-migrate catalog");
    CHECK_MESSAGE(*fresh == *old, "versions/" << name << " differs from a fresh catalog run");
    // Facts, never template text.
    CHECK_MESSAGE(fresh->find("{{") == std::string::npos, name);
    CHECK_MESSAGE(fresh->find("{%") == std::string::npos, name);
    ++compared;
  }
  CHECK(compared == 58);
  // Nothing stale: every committed file is one a run writes.
  for (const auto& e : std::filesystem::directory_iterator(committed)) {
    auto n = e.path().filename().string();
    if (n.ends_with(".json"))
      CHECK_MESSAGE(
          std::find(stats->written.begin(), stats->written.end(), n) != stats->written.end(), n);
  }
  std::filesystem::remove_all(tmp);
}

TEST_CASE("catalog: the index lists tags in version order") {
  auto tmp = fresh_tmp("catalog-index");
  for (const char* t : {"v2.12.10", "v2.12.9", "v2.9.0"})
    REQUIRE(write_file_atomic(tmp / (std::string(t) + ".json"),
                              "{\"tag\": \"" + std::string(t) +
                                  "\", \"date\": \"2020-01-01\", \"kube_version\": \"v1.1.1\"}"));
  REQUIRE(write_file_atomic(tmp / "README.json", "{}"));
  auto idx = catalog::build_index(tmp);
  REQUIRE(idx);
  const auto& tags = idx->get("tags")->as_list();
  REQUIRE(tags.size() == 3);
  CHECK(*tags[0].get("tag") == Value("v2.9.0"));
  CHECK(*tags[1].get("tag") == Value("v2.12.9"));
  CHECK(*tags[2].get("tag") == Value("v2.12.10"));
  CHECK(tags[0].get("commit")->is_null());
  auto text = catalog::facts_json(*idx);
  auto back = parse_json(text);
  REQUIRE(back);
  CHECK(*back == *idx);
  std::filesystem::remove_all(tmp);
}

// Differential test against Ansible: every templated default the catalog
// reports as known evaluates to the same value under ansible-playbook, given
// the same defaults (as extra vars).
TEST_CASE("catalog: evaluated defaults agree with Ansible") {
  KSM_REQUIRE_SHARED_DATA();
  if (std::system("command -v ansible-playbook >/dev/null 2>&1") != 0) {
    MESSAGE("skipped: ansible-playbook is not installed");
    return;
  }
  if (std::system(
          "\"$(head -1 \"$(command -v ansible-playbook)\" | sed -e 's/^#! *//' -e 's/ .*$//')\" -c "
          "'import ansible_collections.ansible.posix, ansible_collections.ansible.utils' "
          "2>/dev/null") != 0) {
    // The json stdout callback and the ipaddr filters Kubespray's defaults use.
    MESSAGE("skipped: the Ansible collections are not installed (apt-get install ansible)");
    return;
  }
  auto repo = open_kubespray(test::kubespray_data());
  REQUIRE(repo);
  auto tmp = fresh_tmp("catalog-ansible");
  for (std::string tag : {"v2.18.0", "v2.29.1"}) {
    auto src = repo->at(tag);
    REQUIRE(src);
    auto tree = KubesprayTree::load(**src);
    REQUIRE(tree);
    auto facts = catalog::tag_facts(*tree, catalog::TagInfo{tag, "", ""});
    REQUIRE(facts);
    // The defaults as the catalog evaluates them (vars::Resolver's global
    // view: role vars over role defaults, names two roles define
    // differently left out), given to Ansible as extra vars.
    auto layers = vars::RoleLayers::build(*tree);
    REQUIRE(layers);
    Map raw;
    for (const auto& name : layers->names()) {
      const vars::Definition* d = layers->vars(name);
      if (!d) d = layers->defaults(name);
      if (d && !d->value.is_unknown()) raw.set(name, d->value);
    }
    // Compared: templates the catalog evaluated whose recorded definition is
    // the one that global view uses.
    auto defs = catalog::collect_definitions(*tree);
    List names;
    size_t other_winner = 0;
    for (const auto& [name, e] : facts->get("defaults")->as_map()) {
      if (*e.get("template") != Value(true) || !e.get("value")) continue;
      const Value* r = raw.find(name);
      if (!r || !(*r == defs[name].front().raw)) {
        ++other_winner;
        continue;
      }
      names.push_back(Value(name));
    }
    MESSAGE(tag << ": " << other_winner
                << " evaluated templates not compared (another definition wins)");
    REQUIRE(names.size() > 100);
    REQUIRE(write_file_atomic(tmp / "raw.json", to_json(Value(raw), JsonStyle{false, 0})));
    REQUIRE(write_file_atomic(tmp / "names.json", to_json(Value(names), JsonStyle{false, 0})));
    REQUIRE(write_file_atomic(tmp / "pb.yml",
                              "- hosts: localhost\n  gather_facts: false\n  tasks:\n"
                              "    - debug: msg=\"{{ lookup('vars', item) }}\"\n"
                              "      loop: \"{{ lookup('file', '" + (tmp / "names.json").string() +
                                  "') | from_json }}\"\n"));
    std::string cmd =
        "cd " + tmp.string() +
        " && ANSIBLE_STDOUT_CALLBACK=json ANSIBLE_LOCALHOST_WARNING=false "
        "ANSIBLE_INVENTORY_UNPARSED_WARNING=false ansible-playbook -i localhost, -c local "
        "-e @raw.json pb.yml > out.json 2> err.txt";
    REQUIRE_MESSAGE(std::system(cmd.c_str()) == 0,
                    tag << ": ansible-playbook failed (see " << tmp.string() << ")");
    auto out = read_file(tmp / "out.json");
    REQUIRE(out);
    auto parsed = parse_json(*out);
    REQUIRE(parsed);
    const Value& results = *parsed->get("plays")
                                ->as_list()[0]
                                .get("tasks")
                                ->as_list()[0]
                                .get("hosts")
                                ->get("localhost")
                                ->get("results");
    REQUIRE(results.as_list().size() == names.size());
    size_t agreed = 0;
    for (const auto& r : results.as_list()) {
      const std::string& name = r.get("item")->as_string();
      const Value& ours = *facts->get("defaults")->get(name)->get("value");
      const Value& theirs = *r.get("msg");
      // debug prints strings as strings; a native number or bool from Ansible compares as itself.
      bool same = ours == theirs || (theirs.is_string() && !ours.is_list() && !ours.is_map() &&
                                     to_python_str(ours) == theirs.as_string());
      CHECK_MESSAGE(same, tag << " " << name << ": ours " << to_json(ours, JsonStyle{true, 0})
                              << ", Ansible " << to_json(theirs, JsonStyle{true, 0}));
      agreed += same;
    }
    MESSAGE(tag << ": " << agreed << " of " << names.size()
                << " evaluated templates agree with Ansible");
  }
  std::filesystem::remove_all(tmp);
}
