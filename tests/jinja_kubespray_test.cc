// The engine on real Kubespray data: every template in every role's
// defaults/vars at every release tag must parse (with Ansible's backslash
// escaping), and the defaults of one tag evaluate, resolving each other
// lazily, with a throughput figure. Skips when ../shared/kubespray-data.git
// is absent.
#include <doctest/doctest.h>

#include <chrono>
#include <functional>

#include "jinja_helpers.h"
#include "sources/kubespray_tree.h"
#include "sources/source.h"
#include "test_support.h"

using namespace ksm;
using namespace ksm::jinja;

namespace {

void for_each_template(const Value& v, const std::function<void(const std::string&)>& f) {
  if (v.is_string()) {
    if (is_possibly_template(v.as_string())) f(v.as_string());
  } else if (v.is_list()) {
    for (const auto& e : v.as_list()) for_each_template(e, f);
  } else if (v.is_map()) {
    for (const auto& [k, e] : v.as_map()) for_each_template(e, f);
  }
}

}  // namespace

TEST_CASE("jinja kubespray: every role default template parses, at every tag") {
  KSM_REQUIRE_SHARED_DATA();
  auto repo = open_kubespray(ksm::test::kubespray_data());
  REQUIRE(repo.ok());
  auto tags = repo->tags();
  REQUIRE(tags.ok());
  size_t templates = 0, failures = 0;
  for (const auto& tag : *tags) {
    auto src = repo->at(tag.name);
    REQUIRE(src.ok());
    auto tree = KubesprayTree::load(**src);
    REQUIRE_MESSAGE(tree.ok(), tag.name);
    for (const auto& role : tree->roles()) {
      for (const auto& rf : role.files) {
        for (const auto& var : rf.file.vars) {
          for_each_template(var.value, [&](const std::string& s) {
            ++templates;
            auto t = parse_template(ansible_escape_backslashes(s), rf.file.path);
            if (!t.ok()) {
              ++failures;
              MESSAGE(tag.name << " " << rf.file.path << ":" << var.line << " " << var.name << ": "
                               << t.error().message);
            }
          });
        }
      }
    }
  }
  MESSAGE("parsed " << templates << " templates over " << tags->size() << " tags");
  CHECK(templates > 10000);
  CHECK(failures == 0);
}

TEST_CASE("jinja kubespray: the defaults of a tag evaluate against each other") {
  KSM_REQUIRE_SHARED_DATA();
  auto repo = open_kubespray(ksm::test::kubespray_data());
  REQUIRE(repo.ok());
  auto src = repo->at("v2.27.0");
  REQUIRE(src.ok());
  auto tree = KubesprayTree::load(**src);
  REQUIRE(tree.ok());
  // every auto-loaded default and var of every role, kubespray-defaults first
  // so a role's own value wins, as in a play that imports both
  Map all;
  auto add_role = [&](const Role& r) {
    for (const auto& rf : r.files)
      if (rf.auto_loaded)
        for (const auto& v : rf.file.vars) all.set(v.name, v.value);
  };
  if (const Role* d = tree->kubespray_defaults()) add_role(*d);
  for (const auto& r : tree->roles())
    if (!r.is_kubespray_defaults()) add_role(r);
  // a small inventory: the magic variables a host would see
  all.set("inventory_hostname", Value("node1"));
  all.set("groups", Value(Map{{"all", Value(List{Value("node1")})},
                              {"kube_control_plane", Value(List{Value("node1")})},
                              {"etcd", Value(List{Value("node1")})},
                              {"kube_node", Value(List{Value("node1")})},
                              {"k8s_cluster", Value(List{Value("node1")})}}));
  all.set("group_names",
          Value(List{Value("etcd"), Value("kube_control_plane"), Value("kube_node")}));
  size_t n = 0, known = 0, templates = 0;
  auto t0 = std::chrono::steady_clock::now();
  MapContext lazy(all, nullptr, true);  // no memo: each value resolved from scratch
  for (const auto& [name, raw] : all) {
    bool is_template = false;
    for_each_template(raw, [&](const std::string&) { is_template = true; });
    if (!is_template) continue;
    ++templates;
    Value v = lazy.lookup(name);
    ++n;
    if (!v.is_undefined() && !find_unknown(v)) ++known;
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  MESSAGE("v2.27.0: " << templates << " templated defaults, " << known << " known ("
                      << (100.0 * known / std::max<size_t>(n, 1)) << "%), "
                      << (n / std::max(secs, 1e-9)) << " variables/s (each resolved from scratch, "
                      << "with the variables it references)");
  CHECK(templates > 300);
  CHECK(known * 2 > templates);  // most defaults are knowable from other defaults
  // a few values every operator relies on
  MapContext ctx(all, nullptr, true);
  CHECK(ksm::jinja::test::show(ctx.lookup("kube_apiserver_ip")) == "\"10.233.0.1\"");
  CHECK(ksm::jinja::test::show(ctx.lookup("skydns_server")) == "\"10.233.0.3\"");
  CHECK(ksm::jinja::test::show(ctx.lookup("kube_cert_dir")) == "\"/etc/kubernetes/ssl\"");
}
