// Checks a YAML document against a JSON Schema, reporting file:line:col for
// every problem. schemas/schema.json describes the curated rule files (and
// the operator's own, given with --schemas), schemas/kubespray.schema.json
// the facts about Kubespray itself (sources/knowledge.h, below schema/: so
// the validator lives in core). It implements the subset of JSON Schema those
// files use: type, properties, required,
// additionalProperties (boolean), items, enum, pattern, minItems, minLength
// and "$ref": "#/definitions/NAME". Scalars are typed as Ansible's YAML 1.1
// loader types them (unquoted `true` is a boolean, `"true"` a string).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/error.h"
#include "core/value.h"

namespace ksm {

class JsonSchema {
 public:
  // Parses a schema; refuses keywords outside the supported subset so a
  // schema change that this validator would silently skip is caught.
  static Result<JsonSchema> parse(const Value& schema, const std::string& name);
  static Result<JsonSchema> load(const std::filesystem::path& path);

  // Every problem of `doc` (parsed from `file`), in document order.
  std::vector<Error> validate(const YAML::Node& doc, const std::string& file) const;

 private:
  Value root_;
  std::string name_;
};

// The first of `errors` (not empty), its message saying how many more
// there are: "... (and 2 more problems)".
Error first_problem(const std::vector<Error>& errors);

// Parses YAML text for validation (yaml-cpp keeps the marks); a syntax error
// is an Error with its location.
Result<YAML::Node> load_yaml_node(const std::string& text, const std::string& file);

}  // namespace ksm
