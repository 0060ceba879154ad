// Tests of src/merge/merge3: the line merge (git_merge_file, diff3 markers)
// and the per-key resolution of vars files, rule by rule, then on real
// Kubespray samples: every consecutive pair of tags v2.11.0..v2.31.0 with an
// operator's customizations applied to each vars file.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "core/fs.h"
#include "core/yaml.h"
#include "merge/merge3.h"
#include "merge/yaml_edit.h"
#include "sources/source.h"
#include "test_support.h"

using namespace ksm;
using namespace ksm::merge;

namespace {

Value yaml(const std::string& text) {
  auto v = parse_yaml(strip_bom(text), "merged.yml");
  REQUIRE_MESSAGE(v.ok(), (v.ok() ? "" : v.error().str()) << "\n" << text);
  return *v;
}

MergeResult must_merge(const std::string& b, const std::string& o, const std::string& t) {
  auto r = merge3(b, o, t);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().str()));
  return *r;
}

std::string crlf(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

// The calico part of the sample at v2.18.2 and v2.19.0 (seed 004).
const std::string kCalicoBase =
    "# see roles/network_plugin/calico/defaults/main.yml\n"
    "\n"
    "# add default ippool blockSize (defaults kube_network_node_prefix)\n"
    "# calico_pool_blocksize: 24\n"
    "\n"
    "# Set calico network backend: \"bird\", \"vxlan\" or \"none\"\n"
    "# bird enable BGP routing, required for ipip mode.\n"
    "# calico_network_backend: bird\n"
    "\n"
    "# IP in IP and VXLAN is mutualy exclusive modes.\n"
    "# set IP in IP encapsulation mode: \"Always\", \"CrossSubnet\", \"Never\"\n"
    "# calico_ipip_mode: 'Always'\n"
    "\n"
    "# set VXLAN encapsulation mode: \"Always\", \"CrossSubnet\", \"Never\"\n"
    "# calico_vxlan_mode: 'Never'\n"
    "\n"
    "calico_cni_name: k8s-pod-network\n";

const std::string kCalicoTheirs =
    "# see roles/network_plugin/calico/defaults/main.yml\n"
    "\n"
    "# add default ippool blockSize (defaults kube_network_node_prefix)\n"
    "# calico_pool_blocksize: 26\n"
    "\n"
    "# Set calico network backend: \"bird\", \"vxlan\" or \"none\"\n"
    "# bird enable BGP routing, required for ipip and no encapsulation modes\n"
    "# calico_network_backend: vxlan\n"
    "\n"
    "# IP in IP and VXLAN is mutualy exclusive modes.\n"
    "# set IP in IP encapsulation mode: \"Always\", \"CrossSubnet\", \"Never\"\n"
    "# calico_ipip_mode: 'Never'\n"
    "\n"
    "# set VXLAN encapsulation mode: \"Always\", \"CrossSubnet\", \"Never\"\n"
    "# calico_vxlan_mode: 'Always'\n"
    "\n"
    "# set VXLAN port and VNI\n"
    "# calico_vxlan_vni: 4096\n"
    "\n"
    "calico_cni_name: k8s-pod-network\n";

}  // namespace

TEST_CASE("merge3: identical sides give ours back byte-exact") {
  std::string ours = "\xEF\xBB\xBF" + crlf(kCalicoBase + "# mine\nmy_key: 1\n");
  auto r = must_merge(kCalicoBase, ours, kCalicoBase);
  CHECK(r.semantic);
  CHECK(r.clean());
  CHECK(r.text == ours);
  auto l = merge_lines(kCalicoBase, ours, kCalicoBase);
  REQUIRE(l.ok());
  CHECK(l->text == ours);
}

TEST_CASE(
    "merge3: the operator's uncommented defaults win over the sample's new documented defaults") {
  // The operator pinned the pre-v2.19 calico settings by uncommenting them
  // (one with a changed value, one with a reason above), the sample changed
  // the documented defaults and reworded the comment above one of them.
  std::string ours = kCalicoBase;
  ours.replace(ours.find("# calico_network_backend: bird"), 30, "calico_network_backend: bird");
  ours.replace(ours.find("# calico_ipip_mode: 'Always'"), 28,
               "# pinned: the cluster runs IPIP\ncalico_ipip_mode: 'Always'");
  ours.replace(ours.find("# calico_vxlan_mode: 'Never'"), 28, "calico_vxlan_mode: Never");
  auto r = must_merge(kCalicoBase, ours, kCalicoTheirs);
  CHECK(r.clean());
  Value v = yaml(r.text);
  CHECK(*v.get("calico_network_backend") == Value("bird"));
  CHECK(*v.get("calico_ipip_mode") == Value("Always"));
  CHECK(*v.get("calico_vxlan_mode") == Value("Never"));
  // The sample's reworded comment, the operator's reason and the sample's new
  // documented key are all there; untouched documentation follows the sample.
  CHECK(r.text.find("# bird enable BGP routing, required for ipip and no encapsulation modes\n"
                    "calico_network_backend: bird\n") != std::string::npos);
  CHECK(r.text.find("# pinned: the cluster runs IPIP\ncalico_ipip_mode: 'Always'\n") !=
        std::string::npos);
  CHECK(r.text.find("# calico_vxlan_vni: 4096\n") != std::string::npos);
  CHECK(r.text.find("# calico_pool_blocksize: 26\n") != std::string::npos);
  // The decisions are reported.
  int kept = 0;
  for (const auto& t : r.taken)
    if (t.kind == ksm::merge::Taken::Ours && t.note.find("documented default") != std::string::npos)
      ++kept;
  CHECK(kept == 3);
}

TEST_CASE("merge3: a sample change to a setting the operator did not touch is taken") {
  std::string base =
      "---\n# version\nkube_version: v1.22.5\n# c\ncontainer_manager: docker\nold_key: 1\n";
  std::string theirs =
      "---\n# version\nkube_version: v1.23.7\n# c\ncontainer_manager: containerd\nnew_key: 2\n";
  std::string ours =
      "---\n# version\nkube_version: v1.22.5\n# my comment\n# c\ncontainer_manager: "
      "docker\nold_key: 1\nmine: x\n";
  auto r = must_merge(base, ours, theirs);
  CHECK(r.clean());
  CHECK(r.text ==
        "---\n# version\nkube_version: v1.23.7\n# my comment\n# c\ncontainer_manager: containerd\n"
        "mine: x\nnew_key: 2\n");  // the operator's key stays after the block it followed
}

TEST_CASE("merge3: whitespace- and comment-only differences never conflict") {
  std::string base = "# Enables the thing\n# thing_enabled: false\nport: 80\nlist:\n  - a\n";
  std::string ours =
      "# Enables the thing (we checked)\n#  thing_enabled:   false\nport:   80   # http\nlist: "
      "[a]\n";
  std::string theirs =
      "# Enables the thing, see docs\n# thing_enabled: false\nport: 80  # default port\nlist:\n- "
      "a\n";
  auto r = must_merge(base, ours, theirs);
  CHECK(r.clean());
  CHECK(r.text == ours);  // both sides touched only comments and layout: the operator's text stays
  Value v = yaml(r.text);
  CHECK(*v.get("port") == Value(80));
}

TEST_CASE("merge3: the operator's value stays when the sample changes its default") {
  std::string base = "a: 1\n# mode\nkube_proxy_mode: ipvs\nz: 1\n";
  std::string ours = "a: 1\n# mode\nkube_proxy_mode: iptables\nz: 1\n";
  std::string theirs = "a: 1\n# mode\nkube_proxy_mode: nftables\nz: 2\n";
  auto r = must_merge(base, ours, theirs);
  CHECK(r.clean());
  CHECK(r.text == "a: 1\n# mode\nkube_proxy_mode: iptables\nz: 2\n");
  REQUIRE(r.taken.size() == 2);  // z taken, kube_proxy_mode kept
  const auto& kept = r.taken[0].key == "kube_proxy_mode" ? r.taken[0] : r.taken[1];
  CHECK(kept.kind == ksm::merge::Taken::KeptValue);
  CHECK(kept.line == 3);
  CHECK(kept.base == Value("ipvs"));
  CHECK(kept.ours == Value("iptables"));
  CHECK(kept.theirs == Value("nftables"));
  // A sample that newly sets a key the operator set differently: kept too.
  auto r2 = must_merge("# k: 1\n", "k: 2\n", "k: 3\n");
  CHECK(r2.clean());
  CHECK(r2.text == "k: 2\n");
}

TEST_CASE(
    "merge3: a template both sides rewrote differently is the one conflict, with both meanings") {
  std::string base =
      "a: 1\nskydns_server: \"{{ kube_service_addresses|ipaddr('net')|ipaddr(3)|ipaddr('address') "
      "}}\"\n";
  std::string ours =
      "a: 1\nskydns_server: \"{{ kube_service_addresses|ipaddr('net')|ipaddr(10)|ipaddr('address') "
      "}}\"\n";
  std::string theirs =
      "a: 1\nskydns_server: \"{{ kube_service_addresses | ansible.utils.ipaddr('net') | "
      "ansible.utils.ipaddr(3) | ansible.utils.ipaddr('address') | default('') }}\"\n";
  auto r = must_merge(base, ours, theirs);
  REQUIRE(r.conflicts.size() == 1);
  CHECK(r.conflicts[0].line == 2);
  CHECK(r.conflicts[0].lines == 7);
  CHECK(r.conflicts[0].key == "skydns_server");
  CHECK(r.conflicts[0].reason.find("ipaddr(10)") != std::string::npos);
  CHECK(r.conflicts[0].reason.find("default('')") != std::string::npos);
  CHECK(r.text.find("<<<<<<< ours\nskydns_server:") != std::string::npos);
}

TEST_CASE(
    "merge3: spacing, quoting and filter spelling never conflict; the sample's spelling carries "
    "over") {
  std::string base = "net: \"{{ kube_service_addresses|ipaddr('net') }}\"\nport: 80\n";
  // The operator changed the expression; the sample only respelled its filter.
  std::string ours = "net: \"{{ kube_pods_subnet|ipaddr('net') }}\"\nport: '80'\n";
  std::string theirs =
      "net: \"{{ kube_service_addresses | ansible.utils.ipaddr('net') }}\"\nport: 81\n";
  auto r = must_merge(base, ours, theirs);
  CHECK(r.clean());
  CHECK(r.text == "net: \"{{ kube_pods_subnet|ansible.utils.ipaddr('net') }}\"\nport: '80'\n");
  bool respelled = false;
  for (const auto& t : r.taken)
    respelled =
        respelled || (t.kind == ksm::merge::Taken::Respelled && t.key == "net" && t.line == 1);
  CHECK(respelled);
  // The operator only requoted the old expression: it means what the
  // sample's new one means, so it stays in the operator's quoting, respelled.
  auto r2 =
      must_merge(base, "net: '{{ kube_service_addresses | ipaddr(\"net\") }}'\nport: 80\n", theirs);
  CHECK(r2.clean());
  CHECK(r2.text ==
        "net: '{{ kube_service_addresses | ansible.utils.ipaddr(\"net\") }}'\nport: 81\n");
}

TEST_CASE(
    "merge3: a default line the operator removed stays removed, with the sample's new value "
    "reported") {
  std::string base = "# DNS\nresolvconf_mode: docker_dns\nx: 1\n";
  std::string theirs = "# DNS\nresolvconf_mode: host_resolvconf\nx: 1\n";
  for (const std::string& ours : {std::string("# DNS\nx: 1\n"),
                                  std::string("# DNS\n# resolvconf_mode: docker_dns\nx: 1\n")}) {
    auto r = must_merge(base, ours, theirs);
    CHECK(r.clean());
    CHECK(r.text == ours);
    REQUIRE(r.taken.size() == 1);
    CHECK(r.taken[0].kind == ksm::merge::Taken::KeptRemoved);
    CHECK(r.taken[0].key == "resolvconf_mode");
    CHECK(r.taken[0].theirs == Value("host_resolvconf"));
  }
}

TEST_CASE("merge3: a file the operator trimmed gets no new sample keys") {
  std::string base = "a: 1\nb: 2\nc: 3\nd: 4\ne: 5\n";
  std::string ours = "# ours\nb: 7\n";
  std::string theirs = "a: 1\nb: 2\nc: 3\nd: 4\ne: 5\n# new\nf: 6\n";
  auto r = must_merge(base, ours, theirs);
  CHECK(r.clean());
  CHECK(r.text == ours);
  REQUIRE(r.taken.size() == 1);
  CHECK(r.taken[0].kind == ksm::merge::Taken::NotAdded);
  CHECK(r.taken[0].key == "f");
  // A full copy of the sample gets it.
  auto full = must_merge(base, "a: 1\nb: 7\nc: 3\nd: 4\ne: 5\n", theirs);
  CHECK(full.text == "a: 1\nb: 7\nc: 3\nd: 4\ne: 5\n# new\nf: 6\n");
}

TEST_CASE("merge3: the operator's setting of a key the sample dropped or commented out is kept") {
  std::string base = "# doc\nold_var: 1\nx: 1\n";
  std::string ours = "# doc\nold_var: 5\nx: 1\n";
  auto r = must_merge(base, ours, "x: 1\n");
  CHECK(r.clean());
  CHECK(*yaml(r.text).get("old_var") == Value(5));
  auto r2 = must_merge(base, ours, "# doc\n# old_var: 1\nx: 1\n");
  CHECK(r2.clean());
  CHECK(*yaml(r2.text).get("old_var") == Value(5));
  // A setting the operator did not touch follows the sample out.
  auto r3 = must_merge(base, base, "x: 1\n");
  CHECK(r3.text == "x: 1\n");
}

TEST_CASE("merge3: vault blocks, BOM and CRLF of ours survive") {
  std::string base = "a: 1\nb: 2\n";
  std::string ours = "\xEF\xBB\xBF" + crlf(
      "a: 1\n"
      "secret: !vault |\n"
      "  $ANSIBLE_VAULT;1.1;AES256\n"
      "  3132\n"
      "b: 2\n");
  std::string theirs = "a: 1\nb: 3\n# c: documented\n";
  auto r = must_merge(base, ours, theirs);
  CHECK(r.clean());
  CHECK(r.text ==
        "\xEF\xBB\xBF" + crlf("a: 1\nsecret: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  3132\n"
                              "b: 3\n# c: documented\n"));
  // Without a final newline in ours, none in the result.
  auto r2 = must_merge("a: 1\n", "a: 1", "a: 2\n");
  CHECK(r2.text == "a: 2");
}

TEST_CASE("merge3: files that are not a map of keys fall back to the line merge") {
  std::string base = "[all]\nnode1\n\n[kube-master]\nnode1\n";
  std::string ours = "[all]\nnode1\nnode2\n\n[kube-master]\nnode1\n";
  std::string theirs = "[all]\nnode1\n\n[kube_control_plane]\nnode1\n";
  auto r = merge3(base, ours, theirs, {}, {.yaml = false});
  REQUIRE(r.ok());
  CHECK(!r->semantic);
  CHECK(r->clean());
  CHECK(r->text == "[all]\nnode1\nnode2\n\n[kube_control_plane]\nnode1\n");
  // A YAML list at the top level is not classified per key either.
  auto l = merge3("- a\n- b\n", "- a\n- c\n", "- a\n- d\n", {"mine", "old", "new"});
  REQUIRE(l.ok());
  CHECK(!l->semantic);
  REQUIRE(l->conflicts.size() == 1);
  CHECK(l->conflicts[0].line == 2);
  CHECK(l->text == "- a\n<<<<<<< mine\n- c\n||||||| old\n- b\n=======\n- d\n>>>>>>> new\n");
}

// ---- Real data: every consecutive pair of release tags ----------------------

namespace {

Value as_map(const std::string& text) {
  auto v = parse_yaml(strip_bom(text), "sample.yml");
  if (!v.ok() || v->is_null()) return Value(Map{});
  return *v;
}

bool strict_eq(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  if (a.is_list()) {
    if (a.as_list().size() != b.as_list().size()) return false;
    for (size_t i = 0; i < a.as_list().size(); ++i)
      if (!strict_eq(a.as_list()[i], b.as_list()[i])) return false;
    return true;
  }
  if (a.is_map()) {
    if (a.as_map().size() != b.as_map().size()) return false;
    for (const auto& [k, v] : a.as_map()) {
      const Value* w = b.as_map().find(k);
      if (!w || !strict_eq(v, *w)) return false;
    }
    return true;
  }
  return a == b;
}

// The operator's customizations of one sample file, and what the merged
// file must then hold.
struct Customized {
  std::string text;
  std::vector<std::pair<std::string, Value>> settings;  // key -> value the operator set
  std::vector<std::string> comments;                    // comment lines the operator wrote
};

// `next`: the sample at the new tag; when given, the operator also sets one
// key the new sample changes to a third value (a real conflict).
Customized customize(const std::string& sample, const std::string* next = nullptr) {
  Customized c;
  YamlDoc d = YamlDoc::parse(sample);
  Value parsed = as_map(sample);
  // Documented defaults with a scalar value, not set in the file.
  std::vector<std::pair<std::string, Value>> documented;
  for (const auto& e : d.scan().entries) {
    if (!e.commented || parsed.get(e.key) || e.first != e.last) continue;
    auto v = parse_yaml(uncomment_line(d.text()[e.first]), "doc");
    if (!v.ok() || !v->is_map()) continue;
    const Value* x = v->get(e.key);
    if (!x || x->is_list() || x->is_map() || x->is_null()) continue;
    bool dup = false;
    for (const auto& [k, _] : documented) dup = dup || k == e.key;
    if (!dup) documented.emplace_back(e.key, *x);
  }
  // 1. Uncomment one default as it is documented (pin it, as seed 004 does)
  //    and one with a changed value, the latter with a reason above it.
  if (!documented.empty()) {
    auto [k, v] = documented.front();
    REQUIRE(d.insert(k, v).ok());
    c.settings.emplace_back(k, v);
  }
  if (documented.size() > 1) {
    auto [k, v] = documented.back();
    Value changed(std::string("ksm-custom-") + k);
    REQUIRE(
        d.insert(k, changed, {.after = "", .uncomment = true, .comment = "operator: changed " + k})
            .ok());
    c.settings.emplace_back(k, changed);
    c.comments.push_back("# operator: changed " + k);
  }
  // 2. Change a value the sample sets.
  for (const auto& e : d.scan().entries) {
    if (e.commented) continue;
    const Value* v = parsed.get(e.key);
    if (!v || v->is_list() || v->is_map()) continue;
    bool mine = false;
    for (const auto& [k, _] : c.settings) mine = mine || k == e.key;
    if (mine) continue;
    Value changed = v->is_bool() ? Value(!v->as_bool()) : Value(std::string("ksm-set-") + e.key);
    std::string key = e.key;  // set() re-scans: `e` does not outlive it
    REQUIRE(d.set(key, changed).ok());
    c.settings.emplace_back(key, changed);
    break;
  }
  // 3. A key the new sample changes, set by the operator to a third value.
  if (next) {
    Value nv = as_map(*next);
    for (const auto& e : d.scan().entries) {
      if (e.commented) continue;
      const Value* was = parsed.get(e.key);
      const Value* now = nv.get(e.key);
      if (!was || !now || strict_eq(*was, *now) || was->is_list() || was->is_map()) continue;
      bool mine = false;
      for (const auto& [k, _] : c.settings) mine = mine || k == e.key;
      if (mine) continue;
      std::string key = e.key;
      Value changed(std::string("ksm-collide-") + key);
      REQUIRE(d.set(key, changed).ok());
      c.settings.emplace_back(key, changed);
      break;
    }
  }
  // 4. The operator's own key with a comment, after the last live key.
  std::string anchor;
  for (const auto& e : d.scan().entries)
    if (!e.commented) anchor = e.key;
  Value own(List{Value("10.0.0.1"), Value("yes")});
  REQUIRE(d.insert("ksm_operator_servers", own,
                   {.after = anchor, .uncomment = true, .comment = "operator: our own servers"})
              .ok());
  c.settings.emplace_back("ksm_operator_servers", own);
  c.comments.push_back("# operator: our own servers");
  // 5. A comment of the operator's above the first entry.
  if (!d.scan().entries.empty()) {
    REQUIRE(d.add_comment(d.scan().entries.front().key, "operator: reviewed for our cluster").ok());
    c.comments.push_back("# operator: reviewed for our cluster");
  }
  c.text = d.render();
  return c;
}

}  // namespace

TEST_CASE("merge3: real samples, every consecutive pair of tags v2.11.0..v2.31.0") {
  KSM_REQUIRE_SHARED_DATA();
  auto repo = GitRepo::open(ksm::test::kubespray_data());
  REQUIRE(repo.ok());
  auto tags = repo->tags();
  REQUIRE(tags.ok());
  REQUIRE(tags->size() == 57);
  const std::string dir = "inventory/sample/group_vars";
  int pairs = 0, files = 0, customizations = 0, expected_collisions = 0, kept_values = 0,
      conflicts = 0;
  int taken_from_sample = 0, line_merge_conflicted = 0, untouched_identical = 0;
  for (size_t i = 0; i + 1 < tags->size(); ++i) {
    const std::string& from = (*tags)[i].name;
    const std::string& to = (*tags)[i + 1].name;
    auto a = repo->at(from);
    auto b = repo->at(to);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    auto listed = (*a)->list(dir, true);
    REQUIRE(listed.ok());
    ++pairs;
    for (const auto& path : *listed) {
      if (path.size() < 4 || path.substr(path.size() - 4) != ".yml") continue;
      std::string bpath = path;
      if (!(*b)->exists(bpath)) {
        size_t p = bpath.find("/k8s-cluster/");
        if (p != std::string::npos) bpath.replace(p, 13, "/k8s_cluster/");
      }
      if (!(*b)->exists(bpath)) continue;
      auto base = (*a)->read(path);
      auto theirs = (*b)->read(bpath);
      REQUIRE(base.ok());
      REQUIRE(theirs.ok());
      CAPTURE(from);
      CAPTURE(to);
      CAPTURE(path);
      ++files;
      Value va = as_map(*base), vb = as_map(*theirs);

      // The operator who changed nothing gets the new sample's settings.
      auto plain = merge3(*base, *base, *theirs);
      REQUIRE(plain.ok());
      CHECK(plain->semantic);
      CHECK(plain->clean());
      CHECK(strict_eq(as_map(plain->text), vb));
      if (plain->text == *theirs) ++untouched_identical;

      Customized c = customize(*base, &*theirs);
      customizations += static_cast<int>(c.settings.size());
      auto r = merge3(*base, c.text, *theirs);
      REQUIRE(r.ok());
      CHECK(r->semantic);
      // The same operator file with a BOM and CRLF endings: same merge, in its style.
      auto rc = merge3(*base, "\xEF\xBB\xBF" + crlf(c.text), *theirs);
      REQUIRE(rc.ok());
      CHECK(rc->text == "\xEF\xBB\xBF" + crlf(r->text));
      auto lm = merge_lines(*base, c.text, *theirs);
      REQUIRE(lm.ok());
      if (!lm->clean()) ++line_merge_conflicted;
      for (const auto& t : r->taken) taken_from_sample += t.kind == ksm::merge::Taken::Sample;

      // What the result must hold: the new sample's settings, overridden by
      // each customization, also where the sample set that key to another
      // value (a collision): the operator's value is kept and the decision
      // is reported with both values, no marker.
      Value expected = vb;
      std::vector<std::string> collisions;
      for (const auto& [k, v] : c.settings) {
        const Value* nb = vb.get(k);
        const Value* ob = va.get(k);
        bool sample_changed = nb && !(ob && strict_eq(*ob, *nb));
        if (sample_changed && !strict_eq(*nb, v)) collisions.push_back(k);
        expected.map_mut().set(k, v);
      }
      expected_collisions += static_cast<int>(collisions.size());
      conflicts += static_cast<int>(r->conflicts.size());
      CHECK(r->conflicts.empty());
      CHECK(r->text.find("<<<<<<<") == std::string::npos);
      for (const auto& k : collisions) {
        const ksm::merge::MergeTaken* d = nullptr;
        for (const auto& t : r->taken)
          if (t.key == k && t.kind == ksm::merge::Taken::KeptValue) d = &t;
        CHECK_MESSAGE(d != nullptr, k);
        if (!d) continue;
        ++kept_values;
        CHECK(strict_eq(d->theirs, *vb.get(k)));
      }
      const std::string& resolved = r->text;
      auto merged = parse_yaml(resolved, bpath);
      REQUIRE_MESSAGE(merged.ok(), (merged.ok() ? "" : merged.error().str()) << "\n" << r->text);
      Value got = merged->is_null() ? Value(Map{}) : *merged;
      std::string diff;
      for (const auto& [k, v] : expected.as_map()) {
        const Value* g = got.get(k);
        if (!g || !strict_eq(*g, v))
          diff += k + ": expected " + to_python_repr(v) + ", got " +
                  (g ? to_python_repr(*g) : "nothing") + "\n";
      }
      for (const auto& [k, v] : got.as_map())
        if (!expected.get(k)) diff += k + ": unexpected " + to_python_repr(v) + "\n";
      CHECK_MESSAGE(diff.empty(), diff << "merged:\n" << resolved);
      for (const auto& line : c.comments)
        CHECK_MESSAGE(resolved.find(line + "\n") != std::string::npos, line);
    }
  }
  MESSAGE(
      "real samples: " << pairs << " tag pairs, " << files << " files, " << customizations
                       << " customizations; " << expected_collisions
                       << " collide with a sample change, " << kept_values
                       << " kept as the operator's; conflicts " << conflicts
                       << "; line merge alone conflicted in " << line_merge_conflicted << " files; "
                       << taken_from_sample
                       << " sample changes taken; untouched merges identical to the new sample: "
                       << untouched_identical << "/" << files);
  CHECK(pairs == 56);
  CHECK(expected_collisions > 30);  // the sweep exercises the decision, not only the easy cases
  CHECK(kept_values == expected_collisions);
  CHECK(conflicts == 0);
}

// Micro-benchmark (skipped unless asked: bench/merge.sh runs it with
// --no-skip): merge every vars file of all 56 tag pairs with the
// customizations above, in process. With KSM_BENCH_OUT set, the triples are
// written there (NNNN.base / .ours / .theirs) so bench/merge.sh can time
// `git merge-file` on the same inputs.
TEST_CASE("merge3 bench: all sample vars files of all tag pairs" * doctest::skip()) {
  KSM_REQUIRE_SHARED_DATA();
  auto repo = GitRepo::open(ksm::test::kubespray_data());
  REQUIRE(repo.ok());
  auto tags = repo->tags();
  REQUIRE(tags.ok());
  struct Triple {
    std::string base, ours, theirs;
  };
  std::vector<Triple> triples;
  const std::string dir = "inventory/sample/group_vars";
  for (size_t i = 0; i + 1 < tags->size(); ++i) {
    auto a = repo->at((*tags)[i].name);
    auto b = repo->at((*tags)[i + 1].name);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    auto listed = (*a)->list(dir, true);
    REQUIRE(listed.ok());
    for (const auto& path : *listed) {
      if (path.size() < 4 || path.substr(path.size() - 4) != ".yml") continue;
      std::string bpath = path;
      if (!(*b)->exists(bpath)) {
        size_t p = bpath.find("/k8s-cluster/");
        if (p != std::string::npos) bpath.replace(p, 13, "/k8s_cluster/");
      }
      if (!(*b)->exists(bpath)) continue;
      auto base = (*a)->read(path);
      auto theirs = (*b)->read(bpath);
      REQUIRE(base.ok());
      REQUIRE(theirs.ok());
      triples.push_back({*base, customize(*base, &*theirs).text, *theirs});
    }
  }
  if (const char* out = std::getenv("KSM_BENCH_OUT"); out && *out) {
    for (size_t i = 0; i < triples.size(); ++i) {
      char name[32];
      std::snprintf(name, sizeof name, "%04zu", i);
      std::filesystem::path p = std::filesystem::path(out) / name;
      REQUIRE(write_file_atomic(p.string() + ".base", triples[i].base).ok());
      REQUIRE(write_file_atomic(p.string() + ".ours", triples[i].ours).ok());
      REQUIRE(write_file_atomic(p.string() + ".theirs", triples[i].theirs).ok());
    }
  }
  int rounds = 5;
  if (const char* r = std::getenv("KSM_BENCH_ROUNDS"); r && *r) rounds = std::max(1, std::atoi(r));
  auto time = [&](auto&& fn) {
    double best = 1e18;
    for (int k = 0; k < rounds; ++k) {
      auto t0 = std::chrono::steady_clock::now();
      for (const auto& t : triples) fn(t);
      best = std::min(
          best,
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    return best;
  };
  size_t conflicts = 0;
  double semantic = time([&](const Triple& t) {
    auto r = merge3(t.base, t.ours, t.theirs);
    REQUIRE(r.ok());
    conflicts += r->conflicts.size();
  });
  size_t line_conflicted = 0;
  double lines = time([&](const Triple& t) {
    auto r = merge_lines(t.base, t.ours, t.theirs);
    REQUIRE(r.ok());
    line_conflicted += !r->clean();
  });
  MESSAGE("bench: " << triples.size() << " merges; merge3 (per key) " << semantic
                    << " ms, merge_lines (git_merge_file) " << lines << " ms (best of " << rounds
                    << "); per merge " << semantic * 1000 / static_cast<double>(triples.size())
                    << " us; conflicts left by merge3: " << conflicts / static_cast<size_t>(rounds)
                    << "; files the line merge alone conflicted: "
                    << line_conflicted / static_cast<size_t>(rounds));
  CHECK(conflicts > 0);  // the customizations collide with the sample somewhere
  CHECK(line_conflicted > conflicts);
}

TEST_CASE("merge3: a default the operator annotated with a comment is their choice, kept") {
  std::string base = "# runtime\ncontainer_manager: docker\n";
  std::string ours =
      "# runtime\ncontainer_manager: docker  # stays on docker until the OS upgrade\n";
  std::string theirs = "# runtime\ncontainer_manager: containerd\n";
  auto r = must_merge(base, ours, theirs);
  CHECK(r.clean());
  CHECK(r.text == ours);
  REQUIRE(r.taken.size() == 1);
  CHECK(r.taken[0].kind == ksm::merge::Taken::KeptValue);
  CHECK(r.taken[0].theirs == Value("containerd"));
  // Without the comment, a line the operator only reformatted follows the sample.
  auto plain = must_merge(base, "# runtime\ncontainer_manager:   docker\n", theirs);
  CHECK(plain.text == theirs);
}

TEST_CASE("merge3: the one scanner for conflict markers left in a file") {
  CHECK(is_conflict_start("<<<<<<< ours"));
  CHECK(is_conflict_start("<<<<<<<"));
  CHECK(!is_conflict_start("<<<<<<<< eight"));
  CHECK(!is_conflict_start(" <<<<<<< indented"));
  CHECK(!is_conflict_start("# <<<<<<< in a comment"));
  CHECK(first_conflict_start("a: 1\n") == std::string_view::npos);
  CHECK(first_conflict_start("<<<<<<< ours\na\n") == 0);
  std::string text = "a: 1\n<<<<<<< ours\nb: 1\n=======\nb: 2\n>>>>>>> theirs\n";
  CHECK(first_conflict_start(text) == 5);
  CHECK(first_conflict_start("a\n<<<<<<<") == 2);  // a bare marker on the last line
}
