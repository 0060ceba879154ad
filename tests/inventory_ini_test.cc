// Tests of src/inventory/ini: the INI hosts-file reader (sections, ranges,
// typing, pending children, comments, line numbers in errors).
#include <doctest/doctest.h>

#include "inventory/ini.h"

using namespace ksm;
using namespace ksm::inventory;

namespace {

Inventory parse_ok(const std::string& text) {
  Inventory inv;
  auto st = parse_ini(inv, "t.ini", text);
  if (!st) FAIL(st.error().str());
  inv.reconcile();
  return inv;
}

Error parse_err(const std::string& text) {
  Inventory inv;
  auto st = parse_ini(inv, "t.ini", text);
  REQUIRE(!st);
  return st.error();
}

}  // namespace

TEST_CASE("ini: shlex splitting with comments and quotes") {
  std::string comment;
  auto t = shlex_split("node1 a=1 b='x y' c=\"q\\\"s\" d=e#f # tail", &comment);
  REQUIRE(t);
  REQUIRE(t->size() == 5);
  CHECK((*t)[0].text == "node1");
  CHECK((*t)[2].text == "b=x y");
  CHECK((*t)[3].text == "c=q\"s");
  CHECK((*t)[4].text == "d=e");  // '#' inside a word ends it
  CHECK((*t)[4].start == 27);
  CHECK(comment == "f # tail");
  CHECK((*shlex_split("a=''"))[0].text == "a=");
  CHECK((*shlex_split("a=\"\\x\""))[0].text == "a=\\x");  // only \" and \\ escape in "..."
  CHECK((*shlex_split("a\\ b"))[0].text == "a b");
  CHECK(!shlex_split("a='open"));
}

TEST_CASE("ini: groups, children, vars and ungrouped hosts") {
  auto inv = parse_ok(
      "loose1\n"
      "; comment\n"
      "[kube_control_plane]\n"
      "node1 ansible_host=10.0.0.1 ip=10.0.0.1   # first\n"
      "[etcd:children]\n"
      "kube_control_plane\n"
      "[kube_node]\n"
      "node[2:3]\n"
      "[kube_node:vars]\n"
      "x = 1\n"
      "y=True # py comment\n"
      "z=a # kept\n"
      "[k8s_cluster:children]\n"
      "kube_control_plane\n"
      "kube_node\n");
  CHECK(inv.hosts().size() == 4);
  const Group* kn = inv.group("kube_node");
  REQUIRE(kn);
  CHECK(kn->hosts.size() == 2);
  CHECK(kn->vars.find("x")->as_int() == 1);
  CHECK(kn->vars.find("y")->as_bool());
  CHECK(*kn->vars.find("z") == Value("a # kept"));
  CHECK(kn->var_where.at("x").line == 10);
  const Group* etcd = inv.group("etcd");
  REQUIRE(etcd->children.size() == 1);
  CHECK(inv.groups()[etcd->children[0]].name == "kube_control_plane");
  CHECK(inv.groups()[Inventory::kUngrouped].hosts.size() == 1);
  const Host* n1 = inv.host("node1");
  CHECK(*n1->vars.find("ansible_host") == Value("10.0.0.1"));
  CHECK(n1->var_where.at("ip").line == 4);
  CHECK(n1->var_where.at("ip").column == 29);
  // depths: all 0, k8s_cluster/etcd 1, kube_control_plane 2
  CHECK(inv.group("kube_control_plane")->depth == 2);
  // the recorded lines: section headers, hosts with their comment
  const auto& lines = inv.files[0].ini_lines;
  CHECK(lines[0].kind == IniLine::Host);
  CHECK(lines[0].line == 1);
  CHECK(lines[1].kind == IniLine::Section);
  CHECK(lines[1].line == 3);
  CHECK(lines[2].comment == " first");
  CHECK(lines[6].hosts == std::vector<std::string>{"node2", "node3"});
}

TEST_CASE("ini: host line values are literal-evaluated after shlex") {
  auto inv = parse_ok("[g]\nh a=\"1\" b=\"'1'\" c='[1, 2]' d=0755 e=1e3 f=None g=\n");
  const Host* h = inv.host("h");
  CHECK(*h->vars.find("a") == Value(1));
  CHECK(h->vars.find("a")->is_int());
  CHECK(*h->vars.find("b") == Value("1"));
  CHECK(h->vars.find("c")->is_list());
  CHECK(*h->vars.find("d") == Value("0755"));
  CHECK(h->vars.find("e")->is_float());
  CHECK(h->vars.find("f")->is_null());
  CHECK(*h->vars.find("g") == Value(""));
}

TEST_CASE("ini: ports, first declaration wins; later lines add groups and vars") {
  auto inv = parse_ok("[a]\nh1:2222 x=1\n[b]\nh1:3333 x=2\n");
  const Host* h = inv.host("h1");
  CHECK(h->vars.find("ansible_port")->as_int() == 2222);
  CHECK(h->vars.find("x")->as_int() == 2);
  CHECK(inv.direct_groups(*inv.host_index(h->name)).size() == 2);
}

TEST_CASE("ini: children declared before their group") {
  auto inv = parse_ok("[parent:children]\nchild\n[child]\nh\n");
  CHECK(inv.group("parent")->children.size() == 1);
  CHECK(inv.group("child")->depth == 2);
}

TEST_CASE("ini: group priority is not a variable") {
  auto inv = parse_ok("[g]\nh\n[g:vars]\nansible_group_priority=7\n");
  CHECK(inv.group("g")->priority == 7);
  CHECK(!inv.group("g")->vars.contains("ansible_group_priority"));
}

TEST_CASE("ini: errors carry the line") {
  auto e = parse_err("[g]\nh\n[g:bogus]\n");
  CHECK(e.where.line == 3);
  CHECK(e.message.find("unknown type") != std::string::npos);
  e = parse_err("[g]\n\nh a\n");
  CHECK(e.where.line == 3);
  CHECK(e.message.find("Expected key=value") != std::string::npos);
  e = parse_err("[g:vars]\nnovalue\n");
  CHECK(e.where.line == 2);
  e = parse_err("[p:children]\nmissing\n");
  CHECK(e.where.line == 2);
  CHECK(e.message.find("undefined group: missing") != std::string::npos);
  e = parse_err("[nogroup:vars]\nx=1\n");
  CHECK(e.message.find("not valid for undefined group") != std::string::npos);
  e = parse_err("[g]\nh[1:]\n");
  CHECK(e.where.str() == "t.ini:2:1");
  e = parse_err("[bad group]\n");
  CHECK(e.message.find("Invalid section entry") != std::string::npos);
  e = parse_err("[g]\nh x='open\n");
  CHECK(e.message.find("No closing quotation") != std::string::npos);
  e = parse_err("[a:children]\nb\n[b:children]\na\n");
  CHECK(e.message.find("recursive dependency loop") != std::string::npos);
  CHECK(e.where.line == 4);
}

TEST_CASE("ini: a byte order mark is refused (Ansible cannot read it), CRLF is fine") {
  auto e = parse_err("\xef\xbb\xbf[g]\nh\n");
  CHECK(e.where.str() == "t.ini:1:1");
  CHECK(e.message.find("byte order mark") != std::string::npos);
  auto inv = parse_ok("[g]\r\nh x=1\r\n");
  CHECK(inv.host("h")->vars.find("x")->as_int() == 1);
  CHECK(inv.files[0].crlf);
}

TEST_CASE("ini: python whitespace and line breaks") {
  CHECK(split_lines("a\r\nb\rc\nd").size() == 4);
  CHECK(py_strip(" \t x \xc2\xa0") == "x");
}

TEST_CASE("ini: an inventory of more than 100,000 hosts is refused at the line that crosses it") {
  // Each line within the per-pattern bound; together over the inventory's.
  Error e = parse_err("[a]\nn[1:60000]\n[b]\nm[1:60000]\n");
  CHECK(e.where.line == 4);
  CHECK(e.message.find("more than 100000 hosts") != std::string::npos);
  // The same hosts in a second group are no new hosts.
  Inventory inv = parse_ok("[a]\nn[1:60000]\n[b]\nn[1:60000]\n");
  CHECK(inv.hosts().size() == 60000);
}
