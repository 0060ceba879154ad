// Tests of src/merge/yaml_edit: the scanner finds each top-level entry and
// documenting comment, edits change only their lines (comments, quoting,
// vault blocks, BOM and CRLF of the rest survive byte-exact), and values
// are written so YAML 1.1 reads them back as they were.
#include <doctest/doctest.h>

#include "core/yaml.h"
#include "merge/yaml_edit.h"

using namespace ksm;
using namespace ksm::merge;

namespace {

const char* kVars =
    "---\n"
    "# Sample header\n"
    "\n"
    "## With calico it is possible to distribute routes\n"
    "# peer_with_router: false\n"
    "\n"
    "# add default ippool blockSize (defaults kube_network_node_prefix)\n"
    "# calico_pool_blocksize: 24\n"
    "\n"
    "kube_version: v1.22.5  # pinned\n"
    "upstream_dns_servers:\n"
    "- 8.8.8.8\n"
    "# the other one\n"
    "- 8.8.4.4\n"
    "\n"
    "secret: !vault |\n"
    "  $ANSIBLE_VAULT;1.1;AES256\n"
    "  6162636465\n"
    "\n"
    "  3132\n"
    "# after vault\n"
    "docker_options: >-\n"
    "  --insecure-registry={{ kube_service_addresses }}\n"
    "flow: [a, b,\n"
    "  c]\n"
    "quoted: \"multi\n"
    "  line # not a comment\"\n"
    "# calico_advertise_service_external_ips:\n"
    "# - x.x.x.x/24\n"
    "# - y.y.y.y/32\n"
    "nested:\n"
    "  a: 1\n"
    "  b:\n"
    "    c: 2\n"
    "  d: x   # keep me\n"
    "'quoted key': 3\n"
    "last: 1\n";

std::vector<std::string> keys(const YamlScan& s, bool commented) {
  std::vector<std::string> out;
  for (const auto& e : s.entries)
    if (e.commented == commented) out.push_back(e.key);
  return out;
}

Value parsed(const std::string& text) {
  auto v = parse_yaml(text, "t.yml");
  REQUIRE_MESSAGE(v.ok(), (v.ok() ? "" : v.error().str()) << "\n" << text);
  return *v;
}

}  // namespace

TEST_CASE("yaml scan: spans of live keys and documenting lines") {
  YamlDoc d = YamlDoc::parse(kVars);
  CHECK(d.scan().ok());
  CHECK(keys(d.scan(), false) ==
        std::vector<std::string>{"kube_version", "upstream_dns_servers", "secret", "docker_options",
                                 "flow", "quoted", "nested", "quoted key", "last"});
  CHECK(keys(d.scan(), true) == std::vector<std::string>{"peer_with_router",
                                                         "calico_pool_blocksize",
                                                         "calico_advertise_service_external_ips"});
  auto kv = d.find("kube_version");
  REQUIRE(kv);
  CHECK(d.value_text(*kv) == "v1.22.5");
  CHECK(d.text()[kv->first].substr(kv->comment_col) == "# pinned");
  auto dns = d.find("upstream_dns_servers");
  REQUIRE(dns);
  CHECK(d.text()[dns->last] == "- 8.8.4.4");  // compact list across a comment
  auto sec = d.find("secret");
  REQUIRE(sec);
  CHECK(sec->block_scalar);
  CHECK(d.text()[sec->last] ==
        "  3132");  // vault block across a blank line, ends at "# after vault"
  auto flow = d.find("flow");
  REQUIRE(flow);
  CHECK(flow->last == flow->first + 1);
  auto q = d.find("quoted");
  REQUIRE(q);
  CHECK(q->last == q->first + 1);
  auto ips = d.find_commented("calico_advertise_service_external_ips");
  REQUIRE(ips);
  CHECK(ips->last == ips->first + 2);
  auto n = d.find("nested");
  REQUIRE(n);
  CHECK(d.text()[n->last] == "  d: x   # keep me");
  CHECK(d.find("quoted key"));
}

TEST_CASE("yaml scan: prose is not a documenting line; a top-level list is unclassified") {
  CHECK(commented_key("# calico_ipip_mode: 'Always'") ==
        std::optional<std::string>("calico_ipip_mode"));
  CHECK(commented_key("#kube_proxy_strict_arp: false") ==
        std::optional<std::string>("kube_proxy_strict_arp"));
  CHECK(commented_key("# foo:") == std::optional<std::string>("foo"));
  CHECK(!commented_key("# Note: ensure that you've enough disk space"));
  CHECK(!commented_key("#   nested: 1"));
  CHECK(!commented_key("# see http://x"));
  CHECK(!commented_key("## foo: bar"));
  CHECK(!scan_yaml(Text::parse("- a\n- b\n")).ok());
}

TEST_CASE("yaml edit: set keeps position, spelling and trailing comment") {
  YamlDoc d = YamlDoc::parse(kVars);
  auto r = d.set("kube_version", Value("v1.23.7"));
  REQUIRE(r.ok());
  CHECK(r->line == 10);
  CHECK(r->old_text == "kube_version: v1.22.5  # pinned");
  CHECK(r->new_text == "kube_version: v1.23.7  # pinned");
  std::string expect = kVars;
  expect.replace(expect.find("v1.22.5"), 7, "v1.23.7");
  CHECK(d.render() == expect);
  // A block value replaced by a scalar and back.
  REQUIRE(d.set("upstream_dns_servers", Value(List{Value("1.1.1.1")})).ok());
  Value v = parsed(d.render());
  CHECK(*v.get("upstream_dns_servers") == Value(List{Value("1.1.1.1")}));
  CHECK(v.get("secret")->is_vault());
  CHECK(!d.set("not_there", Value(1)).ok());
}

TEST_CASE("yaml edit: values are quoted where YAML 1.1 would retype them") {
  for (const char* s : {"yes", "no", "on", "off", "0755", "1.5", "12", "~", "null", "", "1e3",
                        "{{ kube_version }}", "a: b", "x #y", " lead", "it's", "tab\there",
                        "0x1F", "1:20", ".inf", "y", "- item", "@at"}) {
    auto in = render_inline(Value(s));
    REQUIRE(in);
    Value back = parsed("k: " + *in + "\n");
    CHECK_MESSAGE(*back.get("k") == Value(s), s << " -> " << *in);
    CHECK(back.get("k")->is_string());
  }
  CHECK(*render_inline(Value("v1.22.5")) == "v1.22.5");
  CHECK(*render_inline(Value("Always")) == "Always");
  CHECK(*render_inline(Value("yes")) == "'yes'");
  CHECK(*render_inline(Value("0755")) == "'0755'");
  CHECK(*render_inline(Value(true)) == "true");
  CHECK(*render_inline(Value(2.0)) == "2.0");
  CHECK(*render_inline(Value(1e20)) == "1.0e+20");
  CHECK(*render_inline(Value()) == "null");
  CHECK(*render_inline(Value(List{})) == "[]");
}

TEST_CASE("yaml edit: lists, maps, multi-line strings and vault in block style") {
  Map inner{{"name", Value("pool")}, {"cidr", Value("10.0.0.0/24")}, {"auto", Value(false)}};
  Value v(Map{{"address_pools", Value(List{Value(inner), Value("plain"), Value(List{Value(1)})})},
              {"layer2", Value(List{Value("primary")})},
              {"script", Value("line 1\n  indented\n\nlast\n")},
              {"octal", Value("0644")},
              {"empty", Value(Map{})},
              {"secret", Value(VaultText{"$ANSIBLE_VAULT;1.1;AES256\n6162\n"})}});
  auto lines = render_entry("metallb_config:", v, 2);
  REQUIRE(lines.ok());
  std::string text;
  for (const auto& l : *lines) text += l + "\n";
  CHECK(lines->at(1) == "  address_pools:");
  CHECK(lines->at(2) == "    - name: pool");
  CHECK(lines->at(3) == "      cidr: 10.0.0.0/24");
  Value back = parsed(text);
  CHECK(*back.get("metallb_config") == v);
  CHECK(!render_entry("k:", Value::unknown("x"), 2).ok());
}

TEST_CASE("yaml edit: insert by uncommenting the documenting line, with a reason") {
  YamlDoc d = YamlDoc::parse(kVars);
  auto r =
      d.insert("calico_pool_blocksize", Value(24),
               {.after = "", .uncomment = true, .comment = "kept at 24: blockSize is immutable"});
  REQUIRE(r.ok());
  CHECK(r->what == "uncomment");
  CHECK(r->line == 8);
  CHECK(r->old_text == "# calico_pool_blocksize: 24");
  CHECK(r->new_text == "# kept at 24: blockSize is immutable\ncalico_pool_blocksize: 24");
  Value v = parsed(d.render());
  CHECK(*v.get("calico_pool_blocksize") == Value(24));
  // The documentation comment above is untouched.
  CHECK(d.render().find("# add default ippool blockSize (defaults kube_network_node_prefix)\n"
                        "# kept at 24") != std::string::npos);
  // A list documented over several commented lines is replaced whole.
  auto r2 = d.insert("calico_advertise_service_external_ips", Value(List{Value("10.0.0.0/24")}));
  REQUIRE(r2.ok());
  CHECK(r2->old_text == "# calico_advertise_service_external_ips:\n# - x.x.x.x/24\n# - y.y.y.y/32");
  CHECK(*parsed(d.render()).get("calico_advertise_service_external_ips") ==
        Value(List{Value("10.0.0.0/24")}));
  CHECK(!d.insert("kube_version", Value("x")).ok());
}

TEST_CASE("yaml edit: insert after an anchor or at the end") {
  YamlDoc d = YamlDoc::parse(kVars);
  auto r = d.insert("my_key", Value("yes"), {.after = "upstream_dns_servers", .uncomment = true,
                                             .comment = "operator's own"});
  REQUIRE(r.ok());
  CHECK(r->what == "insert");
  CHECK(d.text()[static_cast<size_t>(r->line - 1)] == "# operator's own");
  CHECK(d.text()[static_cast<size_t>(r->line)] == "my_key: 'yes'");
  CHECK(d.text()[static_cast<size_t>(r->line - 2)] == "- 8.8.4.4");
  auto r2 = d.insert("at_end", Value(1));
  REQUIRE(r2.ok());
  CHECK(d.render().substr(d.render().size() - 10) == "at_end: 1\n");
  CHECK(!d.insert("x", Value(1), {.after = "nope", .uncomment = true, .comment = ""}).ok());
}

TEST_CASE("yaml edit: rename and remove") {
  YamlDoc d = YamlDoc::parse(kVars);
  auto r = d.rename("kube_version", "kube_version_pinned");
  REQUIRE(r.ok());
  CHECK(r->new_text == "kube_version_pinned: v1.22.5  # pinned");
  CHECK(!d.rename("last", "nested").ok());
  auto rm = d.remove("secret", {.comment_out = true, .note = "moved to vault.yml by upgrade"});
  REQUIRE(rm.ok());
  CHECK(rm->new_text.rfind(
            "# moved to vault.yml by upgrade\n# secret: !vault |\n#   $ANSIBLE_VAULT", 0) == 0);
  Value v = parsed(d.render());
  CHECK(!v.get("secret"));
  CHECK(*v.get("kube_version_pinned") == Value("v1.22.5"));
  auto del = d.remove("last", {.comment_out = false, .note = ""});
  REQUIRE(del.ok());
  CHECK(del->new_text.empty());
  CHECK(!parsed(d.render()).get("last"));
}

TEST_CASE("yaml edit: nested keys of simple block maps") {
  YamlDoc d = YamlDoc::parse(kVars);
  REQUIRE(d.set_nested({"nested", "d"}, Value("z")).ok());
  CHECK(d.render().find("  d: z   # keep me\n") != std::string::npos);
  REQUIRE(d.set_nested({"nested", "b", "c"}, Value(3)).ok());
  REQUIRE(d.set_nested({"nested", "e"}, Value(List{Value("p")})).ok());
  REQUIRE(d.rename_nested({"nested", "a"}, "a2").ok());
  Value v = parsed(d.render());
  Value expect(Map{{"a2", Value(1)}, {"b", Value(Map{{"c", Value(3)}})}, {"d", Value("z")},
                   {"e", Value(List{Value("p")})}});
  CHECK(*v.get("nested") == expect);
  CHECK(!d.set_nested({"nested", "zz", "q"}, Value(1)).ok());
}

TEST_CASE("yaml edit: BOM, CRLF, comments and vault blocks survive edits byte-exact") {
  std::string crlf;
  for (char c : std::string(kVars)) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  std::string file = "\xEF\xBB\xBF" + crlf;
  YamlDoc d = YamlDoc::parse(file);
  CHECK(d.render() == file);
  REQUIRE(d.set("last", Value(2)).ok());
  REQUIRE(
      d.insert("added", Value("on"), {.after = "kube_version", .uncomment = true, .comment = "why"})
          .ok());
  std::string expect = file;
  expect.replace(expect.find("last: 1"), 7, "last: 2");
  size_t after = expect.find("kube_version: v1.22.5  # pinned\r\n") + 33;
  expect.insert(after, "# why\r\nadded: 'on'\r\n");
  CHECK(d.render() == expect);
  Value v = parsed(std::string(strip_bom(d.render())));
  CHECK(*v.get("added") == Value("on"));
  CHECK(v.get("secret")->vault_text().find("$ANSIBLE_VAULT;1.1;AES256") == 0);
}

TEST_CASE("yaml edit: a file without a final newline") {
  YamlDoc d = YamlDoc::parse("a: 1\nb: 2");
  REQUIRE(d.set("b", Value(3)).ok());
  CHECK(d.render() == "a: 1\nb: 3");
  REQUIRE(d.insert("c", Value(4)).ok());
  CHECK(d.render() == "a: 1\nb: 3\nc: 4");
}
