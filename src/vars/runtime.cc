// Names tasks set at run time (see runtime.h).
#include "vars/runtime.h"

#include <yaml-cpp/yaml.h>

#include "core/yaml.h"

namespace ksm::vars {

namespace {

void walk(const YAML::Node& n, const std::string& file,
          std::unordered_map<std::string, Location>& out, int depth) {
  if (depth > 50) return;
  if (n.IsSequence()) {
    for (const auto& e : n) walk(e, file, out, depth + 1);
    return;
  }
  if (!n.IsMap()) return;
  auto add = [&](const std::string& name, const YAML::Node& at) {
    if (name.empty() || out.count(name)) return;
    out.emplace(name, yaml_location(at, file));
  };
  for (const auto& kv : n) {
    if (!kv.first.IsScalar()) continue;
    const std::string key = kv.first.Scalar();
    if ((key == "set_fact" || key == "ansible.builtin.set_fact") && kv.second.IsMap()) {
      for (const auto& f : kv.second)
        if (f.first.IsScalar() && f.first.Scalar() != "cacheable") add(f.first.Scalar(), f.first);
    } else if (key == "register" && kv.second.IsScalar()) {
      add(kv.second.Scalar(), kv.second);
    } else if (key == "block" || key == "rescue" || key == "always" || key == "tasks" ||
               key == "pre_tasks" || key == "post_tasks" || key == "handlers") {
      walk(kv.second, file, out, depth + 1);
    }
  }
}

}  // namespace

std::unordered_map<std::string, Location> runtime_names(
    const Source& src, std::unordered_map<std::string, YAML::Node>* parsed) {
  std::unordered_map<std::string, Location> out;
  for (const char* dir : {"roles", "playbooks"}) {
    if (!src.is_dir(dir)) continue;
    auto files = src.list(dir, true);
    if (!files) continue;
    for (const auto& f : *files) {
      bool yaml = f.ends_with(".yml") || f.ends_with(".yaml");
      bool tasks = std::string_view(dir) == "playbooks" || f.find("/tasks/") != std::string::npos ||
                   f.find("/handlers/") != std::string::npos;
      if (!yaml || !tasks) continue;
      auto text = src.read(f);
      if (!text) continue;
      try {
        YAML::Node doc = YAML::Load(std::string(strip_bom(*text)));
        walk(doc, f, out, 0);
        if (parsed) parsed->emplace(f, std::move(doc));
      } catch (const std::exception&) {
        // not ours to report
      }
    }
  }
  return out;
}

}  // namespace ksm::vars
