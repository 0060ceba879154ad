// The data preflight reads beside the clone, typed (see release_data.h).
#include "preflight/release_data.h"

#include <charconv>

#include "core/json.h"
#include "core/yaml.h"

namespace ksm::preflight {

namespace {

std::string string_at(const Value& m, const char* key) {
  const Value* v = m.is_map() ? m.get(key) : nullptr;
  return v && v->is_string() ? v->as_string() : std::string();
}

Error shape_error(const std::string& file, const std::string& what) {
  return Error(what, Location{file, 0, 0});
}

}  // namespace

Result<RemovedApis> parse_removed_apis(const std::string& text, const std::string& file) {
  auto doc = parse_yaml(text, file);
  if (!doc) return doc.error();
  const Value* removals = doc->is_map() ? doc->get("removals") : nullptr;
  if (!removals || !removals->is_list()) return shape_error(file, "expected a 'removals' list");
  RemovedApis out;
  out.source = string_at(*doc, "source");
  for (const auto& r : removals->as_list()) {
    const Value* apis = r.is_map() ? r.get("apis") : nullptr;
    ApiRemoval removal{string_at(r, "minor"), {}};
    if (removal.minor.empty() || !apis || !apis->is_list())
      return shape_error(file, "each removal needs a 'minor' string and an 'apis' list");
    for (const auto& a : apis->as_list()) {
      RemovedApi api{string_at(a, "api"), {}, string_at(a, "use")};
      if (api.api.empty()) return shape_error(file, "an API of " + removal.minor + " has no 'api'");
      if (const Value* kinds = a.get("kinds"); kinds && kinds->is_list())
        for (const auto& k : kinds->as_list())
          if (k.is_string()) api.kinds.push_back(k.as_string());
      removal.apis.push_back(std::move(api));
    }
    out.removals.push_back(std::move(removal));
  }
  return out;
}

Result<AnsibleCoreTable> parse_ansible_core(const std::string& text, const std::string& file) {
  auto doc = parse_yaml(text, file);
  if (!doc) return doc.error();
  const Value* community = doc->is_map() ? doc->get("community") : nullptr;
  if (!community || !community->is_map()) return shape_error(file, "expected a 'community' map");
  AnsibleCoreTable out;
  out.source = string_at(*doc, "source");
  for (const auto& [major, core] : community->as_map()) {
    int m = 0;
    auto [end, ec] = std::from_chars(major.data(), major.data() + major.size(), m);
    if (ec != std::errc() || end != major.data() + major.size() || !core.is_string())
      return shape_error(file,
                         "community: '" + major + "' must map a package major to a core minor");
    out.community[m] = core.as_string();
  }
  return out;
}

Result<ReleaseData> load_release_data(const Source& data, const std::string& to_tag) {
  ReleaseData out;
  if (auto text = data.read("versions/" + to_tag + ".json")) {
    auto v = parse_json(*text, "versions/" + to_tag + ".json");
    auto facts =
        v ? catalog::TagFacts::from_value(std::move(*v)) : Result<catalog::TagFacts>(v.error());
    if (facts) out.to_facts = std::move(*facts);
  }
  if (!out.to_facts)
    out.notes.push_back("versions/ has no facts for " + to_tag +
                        ": whether kube_version can be installed was not checked");
  auto curated = [&](const char* name, auto parse, auto& slot) {
    std::string path = std::string("versions/") + name;
    auto text = data.read(path);
    auto parsed = text ? parse(*text, path) : decltype(parse(*text, path))(text.error());
    if (parsed)
      slot = std::move(*parsed);
    else
      out.notes.push_back(path + " unreadable (" + parsed.error().str() +
                          "): its check was skipped");
  };
  curated("kubernetes-removed-apis.yaml", parse_removed_apis, out.removed_apis);
  curated("ansible-core.yaml", parse_ansible_core, out.ansible_core);
  const std::string rules = "schemas/preflight/live_values.yml";
  auto text = data.read(rules);
  if (!text) return text.error();
  auto parsed = parse_live_value_rules(*text, rules);
  if (!parsed) return parsed.error();
  out.live_rules = std::move(*parsed);
  return out;
}

}  // namespace ksm::preflight
