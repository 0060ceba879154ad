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

namespace fs = std::filesystem;

using namespace ksm;

TEST_CASE("value: python equality and str") {
  CHECK(Value(1) == Value(1.0));
  CHECK(Value(true) == Value(1));
  CHECK(Value("1") != Value(1));
  CHECK(Value() != Value::undefined());
  CHECK(to_python_str(Value(List{Value("a"), Value(1), Value(true), Value()})) == "['a', 1, True, None]");
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
  CHECK(to_json(Value(VaultText{"$ANSIBLE_VAULT;1.1"}), {true, 0}) == R"({"__ansible_vault": "$ANSIBLE_VAULT;1.1"})");
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
  auto v = parse_yaml("\xEF\xBB\xBF" "a: 'yes'\nb: yes\nc: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6162\na: 2\n",
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
  auto v = parse_yaml("m:\n  1: one\n  '2': two\n  1.17: f\n  false: t\n  ~: n\n  20240305: g\n", "x.yml");
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
  auto w = parse_yaml("m:\n  '1': one\n  '2': two\n  '1.17': f\n  'False': t\n  'None': n\n  '20240305': g\n",
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
    bomb += n + ": &" + n + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev +
            ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n";
    prev = n;
  }
  auto b = parse_yaml(bomb, "bomb.yml");
  REQUIRE(!b.ok());
  CHECK(b.error().message.find("alias bomb") != std::string::npos);
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
  CHECK(check_text("\xEF\xBB\xBF" "a: 1\r\nb: caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\n", "f").ok());
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
