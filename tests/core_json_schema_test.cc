// Tests of src/core/json_schema: the JSON Schema subset the data files use
// (schemas/schema.json, schemas/kubespray.schema.json) refuses keywords it
// would skip, types scalars as Ansible's YAML 1.1 loader does, and places
// every problem at its file:line:col.
#include <doctest/doctest.h>

#include "core/json.h"
#include "core/json_schema.h"

using namespace ksm;

namespace {

JsonSchema parse_schema(const std::string& json) {
  auto v = parse_json(json, "inline.json");
  REQUIRE_MESSAGE(v, v.error().str());
  auto js = JsonSchema::parse(*v, "inline.json");
  REQUIRE_MESSAGE(js, js.error().str());
  return *js;
}

}  // namespace

TEST_CASE("json_schema: the subset refuses unknown keywords") {
  Value s = Value(Map{{"type", Value("object")}, {"oneOf", Value(List{})}});
  auto js = JsonSchema::parse(s, "inline");
  REQUIRE(!js);
  CHECK(js.error().message.find("oneOf") != std::string::npos);
}

TEST_CASE("json_schema: problems in document order, each at file:line:col") {
  JsonSchema js = parse_schema(R"({
    "type": "object", "additionalProperties": false, "required": ["steps", "name"],
    "properties": {
      "steps": {"type": "integer"},
      "name": {"type": "string", "pattern": "^[a-z]+$"},
      "on": {"type": "boolean"}
    }})");
  auto doc = load_yaml_node("steps: '1'\nname: Bad\non: yes\nextra: 1\n", "d.yml");
  REQUIRE(doc);
  auto errors = js.validate(*doc, "d.yml");
  REQUIRE(errors.size() == 3);
  // a quoted '1' is a string; an unquoted yes is a YAML 1.1 boolean
  CHECK(errors[0].str() == "d.yml:1:8: steps: expected integer, found string");
  CHECK(errors[1].where.line == 2);
  CHECK(errors[1].message.find("does not match") != std::string::npos);
  CHECK(errors[2].str().rfind("d.yml:4:1: extra: unknown key 'extra'", 0) == 0);

  auto ok = load_yaml_node("steps: 1\nname: good\n", "d.yml");
  REQUIRE(ok);
  CHECK(js.validate(*ok, "d.yml").empty());
  auto bad = load_yaml_node("name: [unclosed\n", "d.yml");
  REQUIRE(!bad);
  CHECK(bad.error().where.file == "d.yml");
}

TEST_CASE("json_schema: first_problem says how many more there are") {
  std::vector<Error> one{Error("a", Location{"f", 1, 2})};
  CHECK(first_problem(one).str() == "f:1:2: a");
  std::vector<Error> three{Error("a", Location{"f", 1, 2}), Error("b"), Error("c")};
  CHECK(first_problem(three).str() == "f:1:2: a (and 2 more problems)");
  three.pop_back();
  CHECK(first_problem(three).message == "a (and 1 more problem)");
}

TEST_CASE("json_schema: each string is checked against its own pattern (compiled once per walk)") {
  JsonSchema js = parse_schema(R"({
    "type": "object",
    "properties": {
      "names": {"type": "array", "items": {"type": "string", "pattern": "^[a-z]+$"}},
      "ids": {"type": "array", "items": {"type": "string", "pattern": "^[0-9]+$"}}
    }})");
  auto doc = load_yaml_node("names: [abc, '12', def, X]\nids: ['12', abc, '34']\n", "p.yml");
  REQUIRE(doc);
  auto errors = js.validate(*doc, "p.yml");
  REQUIRE(errors.size() == 3);
  CHECK(errors[0].message.find("names[1]: '12' does not match ^[a-z]+$") != std::string::npos);
  CHECK(errors[1].message.find("names[3]: 'X' does not match ^[a-z]+$") != std::string::npos);
  CHECK(errors[2].message.find("ids[1]: 'abc' does not match ^[0-9]+$") != std::string::npos);
}
