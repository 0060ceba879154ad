// Tests of src/core: Value semantics, JSON in and out, YAML 1.1 typing as
// Ansible's loader does it, atomic writes.
#include <cmath>

#include <doctest/doctest.h>

#include <unistd.h>

#include <fstream>

#include "core/fs.h"
#include "core/json.h"
#include "core/value.h"
#include "core/yaml.h"
#include "core/yaml_tree.h"

#include <yaml-cpp/yaml.h>

namespace fs = std::filesystem;

using namespace ksm;

TEST_CASE("value: python equality and str") {
  CHECK(Value(1) == Value(1.0));
  CHECK(Value(true) == Value(1));
  CHECK(Value("1") != Value(1));
  CHECK(Value() != Value::undefined());
  CHECK(to_python_str(Value(List{Value("a"), Value(1), Value(true), Value()})) ==
        "['a', 1, True, None]");
  CHECK(to_python_str(Value(Map{{"k", Value("v")}})) == "{'k': 'v'}");
  CHECK(to_python_str(Value(2.0)) == "2.0");
  CHECK(!(Value::unknown("x") == Value::unknown("x")));
}

TEST_CASE("value: copy on write keeps the original") {
  Value a(List{Value(1)});
  Value b = a;
  b.list_mut().push_back(Value(2));
  CHECK(a.as_list().size() == 1);
  CHECK(b.as_list().size() == 2);
}

TEST_CASE("map: keeps insertion order, replaces in place") {
  Map m;
  for (int i = 0; i < 20; ++i) m.set("k" + std::to_string(i), Value(i));
  m.set("k3", Value("x"));
  CHECK(m.entries()[3].second == Value("x"));
  CHECK(m.find("k19")->as_int() == 19);
  CHECK(m.erase("k0"));
  CHECK(m.find("k19")->as_int() == 19);
  CHECK(m.find("k0") == nullptr);
}

TEST_CASE("json: round trip and python-style output") {
  auto v = parse_json(R"({"b": [1, 2.5, "x\u00e9", null, true], "a": {"c": -3}})");
  REQUIRE(v.ok());
  CHECK(to_json(*v, {true, 0}) == "{\"a\":{\"c\":-3},\"b\":[1,2.5,\"x\xc3\xa9\",null,true]}");
  CHECK(to_json(Value(1000.0), {true, 0}) == "1000.0");
  CHECK(to_json(Value(VaultText{"$ANSIBLE_VAULT;1.1"}), {true, 0}) ==
        R"({"__ansible_vault": "$ANSIBLE_VAULT;1.1"})");
  auto bad = parse_json("{\n  \"a\": }", "f.json");
  REQUIRE(!bad.ok());
  CHECK(bad.error().where.line == 2);
}

TEST_CASE("yaml: YAML 1.1 scalar typing as PyYAML does it") {
  CHECK(yaml11_scalar("yes") == Value(true));
  CHECK(yaml11_scalar("Off") == Value(false));
  CHECK(yaml11_scalar("y").is_string());
  CHECK(yaml11_scalar("0755").as_int() == 493);
  CHECK(yaml11_scalar("0x1F").as_int() == 31);
  CHECK(yaml11_scalar("1_000").as_int() == 1000);
  CHECK(yaml11_scalar("1e3").is_string());
  CHECK(yaml11_scalar("1.0e+3").as_float() == 1000.0);
  CHECK(yaml11_scalar("~").is_null());
  CHECK(yaml11_scalar("").is_null());
  CHECK(yaml11_scalar("1:30").as_int() == 90);
  CHECK(yaml11_scalar("v1.20.7").is_string());
  CHECK(yaml11_scalar("10.233.64.0/18").is_string());
  // Every first character a type can start with, and look-alikes that stay strings
  // (typed as PyYAML 6 types them: yaml.safe_load of the bare scalar).
  CHECK(yaml11_scalar("null").is_null());
  CHECK(yaml11_scalar("NULL").is_null());
  CHECK(yaml11_scalar("Null").is_null());
  CHECK(yaml11_scalar("nil").is_string());
  CHECK(yaml11_scalar("No") == Value(false));
  CHECK(yaml11_scalar("n").is_string());
  CHECK(yaml11_scalar("ON") == Value(true));
  CHECK(yaml11_scalar("o").is_string());
  CHECK(yaml11_scalar("TRUE") == Value(true));
  CHECK(yaml11_scalar("tRUE").is_string());
  CHECK(yaml11_scalar("FALSE") == Value(false));
  CHECK(yaml11_scalar("Yes") == Value(true));
  CHECK(yaml11_scalar("+12").as_int() == 12);
  CHECK(yaml11_scalar("-0x1F").as_int() == -31);
  CHECK(yaml11_scalar("-0b101").as_int() == -5);
  CHECK(yaml11_scalar(".5").as_float() == 0.5);
  CHECK(yaml11_scalar("-.inf").as_float() < 0);
  CHECK(std::isnan(yaml11_scalar(".NaN").as_float()));
  CHECK(yaml11_scalar("+.5").is_string());  // PyYAML's float pattern has no sign before a bare '.'
  CHECK(yaml11_scalar("node1").is_string());
  CHECK(yaml11_scalar("ubuntu").is_string());
  CHECK(yaml11_scalar("-").is_string());
  CHECK(yaml11_scalar(".").is_string());
  // Past int64 the text is kept (PyYAML makes a big integer; a cast would wrap)
  CHECK(yaml11_scalar("9223372036854775807").as_int() == INT64_MAX);
  CHECK(yaml11_scalar("-9223372036854775808").as_int() == INT64_MIN);
  CHECK(yaml11_scalar("9223372036854775808") == Value("9223372036854775808"));
  CHECK(yaml11_scalar("18446744073709551615") == Value("18446744073709551615"));
  CHECK(yaml11_scalar("0xFFFFFFFFFFFFFFFF") == Value("0xFFFFFFFFFFFFFFFF"));
  CHECK(yaml11_scalar("-0x8000000000000000").as_int() == INT64_MIN);
  CHECK(yaml11_scalar("1:99999999999999999999999") == Value("1:99999999999999999999999"));
  CHECK(yaml11_scalar("-1:30").as_int() == -90);
}

TEST_CASE("yaml: quoted strings stay strings, vault stays opaque, duplicates warn") {
  std::vector<Error> warns;
  auto v = parse_yaml(
      "\xEF\xBB\xBF"
      "a: 'yes'\nb: yes\nc: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6162\na: 2\n",
      "x.yml", &warns);
  REQUIRE(v.ok());
  CHECK(v->get("a")->as_int() == 2);
  CHECK(v->get("b")->as_bool());
  REQUIRE(v->get("c")->is_vault());
  CHECK(v->get("c")->vault_text() == "$ANSIBLE_VAULT;1.1;AES256\n6162\n");
  REQUIRE(warns.size() == 1);
  CHECK(warns[0].where.line == 6);
}

TEST_CASE("yaml: non-string keys keep their type (Python dict semantics)") {
  auto v = parse_yaml("m:\n  1: one\n  '2': two\n  1.17: f\n  false: t\n  ~: n\n  20240305: g\n",
                      "x.yml");
  REQUIRE(v.ok());
  const Map& m = v->get("m")->as_map();
  // entries are named by Python's str() of the key, in file order
  std::vector<std::string> names;
  for (const auto& [k, e] : m) names.push_back(k);
  CHECK(names == std::vector<std::string>{"1", "2", "1.17", "False", "None", "20240305"});
  // ...and remember the original key
  REQUIRE(m.key_type("1") != nullptr);
  CHECK(m.key_type("1")->as_int() == 1);
  CHECK(m.key_type("2") == nullptr);  // a quoted key is a string
  REQUIRE(m.key_type("1.17") != nullptr);
  CHECK(m.key_type("1.17")->is_float());
  REQUIRE(m.key_type("False") != nullptr);
  CHECK(m.key_type("False")->is_bool());
  REQUIRE(m.key_type("None") != nullptr);
  CHECK(m.key_type("None")->is_null());
  CHECK(m.key_value("1") == Value(1));
  CHECK(m.key_value("2") == Value("2"));
  // lookups as Python does them: by type, 1 == 1.0 == True
  REQUIRE(m.find_key(Value(1)) != nullptr);
  CHECK(m.find_key(Value(1))->as_string() == "one");
  CHECK(m.find_key(Value(1.0))->as_string() == "one");
  CHECK(m.find_key(Value(true))->as_string() == "one");
  CHECK(m.find_key(Value("1")) == nullptr);
  CHECK(m.find_key(Value("2"))->as_string() == "two");
  CHECK(m.find_key(Value(2)) == nullptr);
  CHECK(m.find_key(Value(1.17))->as_string() == "f");
  CHECK(m.find_key(Value(int64_t{20240305}))->as_string() == "g");
  CHECK(m.find_key(Value(nullptr))->as_string() == "n");
  CHECK(m.find_key(Value(0))->as_string() == "t");  // False == 0
  CHECK(to_python_repr(*v->get("m")) ==
        "{1: 'one', '2': 'two', 1.17: 'f', False: 't', None: 'n', 20240305: 'g'}");
  // Python: {1: a, True: b} is {1: b}
  auto t = parse_yaml("{1: a, true: b}", "t.yml");
  REQUIRE(t.ok());
  CHECK(to_python_repr(*t) == "{1: 'b'}");
  // {1: x} and {'1': x} differ
  auto w = parse_yaml(
      "m:\n  '1': one\n  '2': two\n  '1.17': f\n  'False': t\n  'None': n\n  '20240305': g\n",
      "y.yml");
  REQUIRE(w.ok());
  CHECK(*w->get("m") != *v->get("m"));
  Map copy = m;
  CHECK(copy.erase("1"));
  CHECK(copy.key_type("1") == nullptr);
  CHECK(copy.find_key(Value(1)) == nullptr);
}

TEST_CASE("map: set_typed merges keys Python considers equal") {
  Map m;
  m.set_typed(Value(1), Value("a"));
  m.set_typed(Value(1.0), Value("b"));  // same key as 1: value replaced, key stays 1
  m.set_typed(Value("x"), Value("c"));
  CHECK(m.size() == 2);
  CHECK(m.find_key(Value(1))->as_string() == "b");
  CHECK(m.key_value("1") == Value(1));
  CHECK(m.key_type("1")->is_int());
  CHECK(m.key_type("x") == nullptr);
  Map n;
  n.copy_key_type(m, "1");
  n.set("1", Value("z"));
  CHECK(n.find_key(Value(1))->as_string() == "z");
}

TEST_CASE("yaml: errors carry file:line:col; alias bombs are bounded") {
  auto bad = parse_yaml("a: [1, 2\nb: c\n", "bad.yml");
  REQUIRE(!bad.ok());
  CHECK(bad.error().where.file == "bad.yml");
  CHECK(bad.error().where.line >= 1);
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n";
  std::string prev = "a";
  for (int i = 0; i < 9; ++i) {
    std::string n = "l" + std::to_string(i);
    bomb += n + ": &" + n + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" +
            prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n";
    prev = n;
  }
  auto b = parse_yaml(bomb, "bomb.yml");
  REQUIRE(!b.ok());
  CHECK(b.error().message.find("alias bomb") != std::string::npos);
}

namespace {

// parse_yaml (a YamlTree from the parser's events) against YAML::Load's node
// graph converted by yaml_node_to_value, as parse_yaml read before: the same
// value, the same warnings and the same error, each at the same position.
void same_as_node_graph(const std::string& text, YamlLoadOptions opts = {}) {
  CAPTURE(text);
  std::vector<Error> tree_warnings, graph_warnings;
  auto tree = parse_yaml(text, "f.yml", &tree_warnings, opts);
  Result<Value> graph = [&]() -> Result<Value> {
    try {
      return yaml_node_to_value(YAML::Load(std::string(strip_bom(text))), "f.yml", &graph_warnings,
                                opts);
    } catch (const YAML::Exception& e) {
      return yaml_error(e, "f.yml");
    }
  }();
  REQUIRE(tree.ok() == graph.ok());
  if (tree.ok()) {
    CHECK(tree->kind() == graph->kind());
    CHECK(to_python_repr(*tree) == to_python_repr(*graph));
    CHECK(to_json(*tree) == to_json(*graph));
  } else {
    CHECK(tree.error().str() == graph.error().str());
  }
  REQUIRE(tree_warnings.size() == graph_warnings.size());
  for (size_t i = 0; i < tree_warnings.size(); ++i)
    CHECK(tree_warnings[i].str() == graph_warnings[i].str());
}

}  // namespace

TEST_CASE("yaml: parse_yaml from parser events gives what YAML::Load's node graph gave") {
  for (const char* text : {
           "",
           "# only a comment\n",
           "---\n",
           "...\n",
           "--- a\n--- b\n",
           "a: 1\n---\nb: 2\n",
           "~\n",
           "plain\n",
           "a: yes\nb: 'yes'\nc: \"no\"\nd: 0755\ne: 1e3\nf: 1.5e+3\ng: .inf\nh: -.Inf\ni: "
           "1:30\nj: 0x1F\nk: 0b101\n",
           "a: !!str 12\nb: !!int '12'\nc: !!float '1.5'\nd: !!bool 'yes'\ne: !!null ''\nf: "
           "!unsafe '{{ x }}'\n",
           "a: !custom x\nb: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  3132\nc: !!binary aGk=\nd: "
           "!!map {x: 1}\n",
           "a: !!str\nb: !vault\nc: !!seq []\nd: !!str []\n",
           "base: &b {x: 1, y: 2}\nother: *b\nlist: [*b, *b]\n",
           "s: &s hello\nk: {*s : v}\nq: *s\n",
           "base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n",
           "a: &a {x: 1}\nb: &b {y: 2}\nm:\n  <<: [*a, *b]\n  z: 3\n",
           "m:\n  '<<': {x: 1}\n  <<: 5\n",
           "a: 1\nb: 2\na: 3\nb: {c: 1, c: 2}\n",
           "1: a\n1.0: b\ntrue: c\n~: d\nnull: e\n? [x, y]\n: f\n? {k: v}\n: g\n",
           "- a\n-\n- - b\n  - c\n- {x: , : y}\n",
           "a: &x\nb: *x\n",
           "a: &x [*x]\n",
           "a: &x {k: *x}\n",
           "a: &x 1\na: 2\nb: *x\n",
           "key: >\n  folded\n  text\nlit: |-\n  kept\n",
           "\xEF\xBB\xBF"
           "bom: true\n",
           "a: [1, 2\nb: c\n",
           "a: *missing\n",
           "a: b: c\n",
           "a: 1\n b: 2\n",
           "a:\n\t- tab\n",
           "{a: 1\n",
           "a: &x 1\na: &x 2\nb: *x\n",
           "a: !<tag:yaml.org,2002:str> 5\n",
           "%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n",
       })
    same_as_node_graph(text);
  same_as_node_graph(std::string(600, '[') + std::string(600, ']'));
  same_as_node_graph("a: " + std::string(300, '[') + std::string(300, ']') + "\n",
                     YamlLoadOptions{5'000'000, 100});
  same_as_node_graph("a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b]\n",
                     YamlLoadOptions{20, 1000});
}

TEST_CASE("yaml: anchors, aliases, merge keys, tags, documents") {
  // an alias is a copy of the anchored value
  auto a = parse_yaml("base: &b {x: 1}\nother: *b\nlist: [*b]\n", "a.yml");
  REQUIRE(a.ok());
  CHECK(*a->get("other") == *a->get("base"));
  CHECK(a->get("list")->as_list()[0] == *a->get("base"));
  // a merge key fills the keys not set yet (whatever their place); `<<` of a
  // non-mapping or quoted is an ordinary key
  auto m = parse_yaml(
      "base: &b {x: 1, y: 2}\nm:\n  y: 3\n  <<: *b\nq:\n  '<<': {z: 1}\nn:\n  <<: 5\n", "m.yml");
  REQUIRE(m.ok());
  CHECK(to_python_repr(*m->get("m")) == "{'y': 3, 'x': 1}");
  CHECK(to_python_repr(*m->get("q")) == "{'<<': {'z': 1}}");
  CHECK(to_python_repr(*m->get("n")) == "{'<<': 5}");
  // tags: !!str and other tags are strings, !!int and friends are typed, !vault opaque
  auto t = parse_yaml("a: !!str 12\nb: !!int '12'\nc: !unsafe yes\nd: !vault x\ne: !!bool 'no'\n",
                      "t.yml");
  REQUIRE(t.ok());
  CHECK(*t->get("a") == Value("12"));
  CHECK(*t->get("b") == Value(12));
  CHECK(*t->get("c") == Value("yes"));
  CHECK(t->get("d")->is_vault());
  CHECK(*t->get("e") == Value(false));
  // an empty document is null; only the first document is read
  for (const char* empty : {"", "# c\n", "---\n", "\xEF\xBB\xBF"}) {
    auto e = parse_yaml(empty, "e.yml");
    REQUIRE(e.ok());
    CHECK(e->is_null());
  }
  auto first = parse_yaml("a: 1\n---\nb: [\n", "d.yml");
  REQUIRE(first.ok());
  CHECK(to_python_repr(*first) == "{'a': 1}");
}

TEST_CASE("yaml: errors are yaml-cpp's words at file:line:col; bounds on nodes and depth") {
  auto bad = parse_yaml("a: 1\nb: *missing\n", "bad.yml");
  REQUIRE(!bad.ok());
  CHECK(bad.error().str().find("bad.yml:2:4") != std::string::npos);
  CHECK(bad.error().message == "invalid YAML: the referenced anchor is not defined");
  auto flow = parse_yaml("a: [1, 2\nb: c\n", "flow.yml");
  REQUIRE(!flow.ok());
  CHECK(flow.error().message.rfind("invalid YAML: ", 0) == 0);
  CHECK(flow.error().where.line >= 1);
  auto nul = parse_yaml(std::string("a: 1\nb: \0\n", 10), "nul.yml");
  REQUIRE(!nul.ok());
  CHECK(nul.error().message == "NUL byte in YAML file");
  CHECK(nul.error().where.line == 2);
  // an alias to the collection it is in: a cycle, stopped by the depth bound
  auto cyc = parse_yaml("a: &x [*x]\n", "cyc.yml");
  REQUIRE(!cyc.ok());
  CHECK(cyc.error().message == "YAML nested too deeply");
  CHECK(cyc.error().where.str() == "cyc.yml:1:4");
  auto nodes =
      parse_yaml("a: &a [x, x, x]\nb: [*a, *a, *a]\n", "n.yml", nullptr, YamlLoadOptions{10, 1000});
  REQUIRE(!nodes.ok());
  CHECK(nodes.error().message.find("more than 10 nodes") != std::string::npos);
  auto depth = parse_yaml("a: [[[[1]]]]\n", "d.yml", nullptr, YamlLoadOptions{5'000'000, 3});
  REQUIRE(!depth.ok());
  CHECK(depth.error().str().find("d.yml:1:7") != std::string::npos);
}

namespace {

// A YamlTree as text: every node's type, tag, scalar and position, children
// indented below it (an alias cycle stops at depth 40).
void dump_tree(const YamlTree& t, YamlTree::Id n, int depth, std::string& out) {
  static const char* kinds[] = {"null", "scalar", "seq", "map"};
  out += std::string(static_cast<size_t>(depth) * 2, ' ') + kinds[static_cast<int>(t.type(n))] +
         " tag=" + t.tag(n) + " '" + t.scalar(n) + "' @" + t.location(n, "f").str() + "\n";
  if (depth > 40) return;
  if (t.type(n) == YamlTree::Type::Sequence)
    for (size_t i = 0; i < t.size(n); ++i) dump_tree(t, t.item(n, i), depth + 1, out);
  if (t.type(n) == YamlTree::Type::Map)
    for (size_t i = 0; i < t.size(n); ++i) {
      dump_tree(t, t.key(n, i), depth + 1, out);
      dump_tree(t, t.value(n, i), depth + 1, out);
    }
}

// The fast block-mapping scan against yaml-cpp's parser on the same text.
void fast_same_as_parser(const std::string& text) {
  CAPTURE(text);
  auto fast = load_yaml_tree(text, "f", true);
  auto slow = load_yaml_tree(text, "f", false);
  REQUIRE(fast.ok() == slow.ok());
  if (!fast.ok()) {
    CHECK(fast.error().str() == slow.error().str());
    return;
  }
  std::string a, b;
  dump_tree(*fast, fast->root(), 0, a);
  dump_tree(*slow, slow->root(), 0, b);
  CHECK(a == b);
  CHECK(fast->has_alias() == slow->has_alias());
}

// A random document of block mappings: keys and values from small pools
// (YAML 1.1 words, numbers, nulls, paths, `{}`, `[]`), random indentation
// steps, blank and comment lines, trailing comments and spaces, and now and
// then something the fast scan leaves to yaml-cpp.
std::string random_block_doc(unsigned seed) {
  static const char* keys[] = {"a",   "node1", "ansible_host", "null", "~",  "yes",
                               "1",   "0755",  "k8s-cluster",  "x.y",  "/p", "NULL",
                               "1.5", "+1",    "a=b",          "~x"};
  static const char* values[] = {"v",    "10.0.0.1", "null",    "~",  "Null", "true", "off",
                                 "0x1F", "1e3",      "{}",      "[]", "",     "",     "",
                                 "a_b",  "/var/lib", "v1.29.5", "+1", "~x"};
  // what the fast scan leaves to yaml-cpp, now and then
  static const char* others[] = {"1:20", "'q'", "a b", "&x", "{a: 1}", "- x",
                                 "-1",   "*x",  "!t",  "|",  "a#b",    ".5"};
  unsigned r = seed * 2654435761u + 12345;
  auto next = [&r](unsigned n) {
    r = r * 1103515245u + 12345;
    return (r >> 16) % n;
  };
  std::string out;
  std::vector<int> indents{static_cast<int>(next(3))};
  int lines = 1 + static_cast<int>(next(30));
  bool pending = false;
  for (int i = 0; i < lines; ++i) {
    if (next(8) == 0) out += next(2) ? "\n" : std::string(next(6), ' ') + "# comment\n";
    if (pending && next(3) != 0)
      indents.push_back(indents.back() + 1 + static_cast<int>(next(4)));
    else
      while (indents.size() > 1 && next(3) == 0) indents.pop_back();
    std::string v = next(40) == 0 ? others[next(sizeof others / sizeof *others)]
                                  : values[next(sizeof values / sizeof *values)];
    out += std::string(static_cast<size_t>(indents.back()), ' ') +
           keys[next(sizeof keys / sizeof *keys)] + ":";
    if (!v.empty()) out += " " + v;
    pending = v.empty();
    if (next(6) == 0) out += "   ";
    if (next(6) == 0) out += " # trailing";
    out += "\n";
  }
  if (next(4) == 0 && !out.empty()) out.pop_back();  // no final newline
  return out;
}

}  // namespace

TEST_CASE("yaml: the fast scan of block mappings gives the tree yaml-cpp's parser gives") {
  for (const char* text : {"",
                           "\n\n",
                           "# c\n",
                           "a:\n",
                           "a:",
                           "a: 1",
                           "a:\nb:\n",
                           "a:\n  b:\n",
                           "a:\n  b:\nc:\n",
                           "a:\n  b:\n\n# c\n",
                           "a:\n  b:\n    c:\n",
                           "a:\n  b:\n    c:\nd: 1\n",
                           "  a: 1\n  b:\n",
                           "a: {}\nb: []\n",
                           "a:   {}   # c\n",
                           "a: 1 # c\nb: # c\n  c: 2\n",
                           "a: 1\n  b: 2\n",
                           "a:\n    b: 1\n  c: 2\n",
                           "a: 1\n b: 2\n",
                           "a:b\n",
                           "a :\n",
                           "a:\tb\n",
                           "a: b\r\n",
                           "- a\n",
                           "a: b c\n",
                           "a: 'b'\n",
                           "a: b#c\n",
                           "a: &x b\n",
                           "---\na: 1\n",
                           "a: 1\n---\nb: 2\n",
                           "...\n",
                           "a: 1\n...\n",
                           "null: ~\n~: null\n",
                           "a:\n  - b\n",
                           "a:\nb:\n  c:\n\n\n",
                           "a:\n  b:\n  # c\n",
                           "a:\n  b: 1\n  # c\n    # d\n"})
    fast_same_as_parser(text);
  size_t fast = 0;
  for (unsigned seed = 0; seed < 3000; ++seed) {
    std::string doc = random_block_doc(seed);
    fast_same_as_parser(doc);
    if (yaml_fast_scan_applies(doc)) ++fast;
  }
  CHECK(fast > 1000);  // most of them go the fast way, some through yaml-cpp
  CHECK(fast < 2900);
  CHECK(yaml_fast_scan_applies("all:\n  hosts:\n    node1:\n      ip: 10.0.0.1\n"));
  CHECK(!yaml_fast_scan_applies("all:\n  hosts: [a]\n"));
}

TEST_CASE("fs: atomic write keeps a backup and the file mode") {
  fs::path dir = fs::temp_directory_path() / "ksm_core_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::path f = dir / "a.yml";
  { std::ofstream(f) << "old\n"; }
  fs::permissions(f, fs::perms::owner_read | fs::perms::owner_write);
  REQUIRE(write_file_atomic(f, "new\n", ".bak").ok());
  CHECK(*read_file(f) == "new\n");
  CHECK(*read_file(dir / "a.yml.bak") == "old\n");
  CHECK((fs::status(f).permissions() & fs::perms::group_read) == fs::perms::none);
  CHECK(!read_file(dir / "missing").ok());
  fs::remove_all(dir);
}

TEST_CASE("yaml: nesting thousands deep is an error with its position, not a crash") {
  std::string deep = "a: " + std::string(5000, '[') + std::string(5000, ']') + "\n";
  auto r = parse_yaml(deep, "deep.yml");
  REQUIRE(!r.ok());
  CHECK(r.error().message.find("nested too deeply") != std::string::npos);
  CHECK(r.error().where.file == "deep.yml");
  CHECK(r.error().where.line == 1);
  std::string fine = "a: " + std::string(200, '[') + std::string(200, ']') + "\n";
  CHECK(parse_yaml(fine, "fine.yml").ok());
  std::string json = std::string(100000, '[') + std::string(100000, ']');
  auto j = parse_json(json, "deep.json");
  REQUIRE(!j.ok());
  CHECK(j.error().message.find("nested too deeply") != std::string::npos);
}

TEST_CASE("fs: read_file is bounded even when the size is unknown") {
  auto z = read_file("/dev/zero", 1u << 20);  // a character device: no size, endless
  REQUIRE(!z.ok());
  CHECK(z.error().message.find("too large") != std::string::npos);
  fs::path dir = fs::temp_directory_path() / ("ksm_core_read_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  { std::ofstream(dir / "big") << std::string(3000, 'x'); }
  auto big = read_file(dir / "big", 2048);
  REQUIRE(!big.ok());
  CHECK(big.error().where.file == (dir / "big").string());
  CHECK(read_file(dir / "big", 4096)->size() == 3000);
  fs::remove_all(dir);
}

TEST_CASE("fs: check_text refuses NUL bytes and invalid UTF-8 at line:col") {
  CHECK(check_text("", "f").ok());
  CHECK(check_text("\xEF\xBB\xBF"
                   "a: 1\r\nb: caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\n",
                   "f")
            .ok());
  auto at = [](std::string_view text) {
    auto s = check_text(text, "f");
    return s.ok() ? std::string("ok") : s.error().where.str() + " " + s.error().message;
  };
  CHECK(at(std::string_view("a\nbb\0c", 6)) == "f:2:3 NUL byte: binary content, not a text file");
  CHECK(at("a: 1\nb: \xFF\xFE\n") == "f:2:4 invalid UTF-8");
  CHECK(at("\xC0\xAF") == "f:1:1 invalid UTF-8");          // overlong '/'
  CHECK(at("x\xED\xA0\x80") == "f:1:2 invalid UTF-8");      // UTF-16 surrogate
  CHECK(at("x\xE2\x82") == "f:1:2 invalid UTF-8");          // truncated
  CHECK(at("\xF4\x90\x80\x80") == "f:1:1 invalid UTF-8");   // over U+10FFFF
  CHECK(at("\xC3\x28") == "f:1:1 invalid UTF-8");           // bad continuation
}

TEST_CASE("json: one string escaping, with Python's ensure_ascii and tojson's html") {
  CHECK(json_quote("a\"b\\c\n\x01") == "\"a\\\"b\\\\c\\n\\u0001\"");
  CHECK(json_quote("h\xc3\xa9 <a>") == "\"h\xc3\xa9 <a>\"");  // our output keeps UTF-8
  CHECK(json_quote("h\xc3\xa9", {.ensure_ascii = true}) == "\"h\\u00e9\"");
  CHECK(json_quote("\xf0\x9f\x98\x80", {.ensure_ascii = true}) == "\"\\ud83d\\ude00\"");
  CHECK(json_quote("<a & 'b'>", {.html = true}) == "\"\\u003ca \\u0026 \\u0027b\\u0027\\u003e\"");
  std::string out = "x=";
  append_json_quoted(out, "y");
  CHECK(out == "x=\"y\"");
}
