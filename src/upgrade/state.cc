// Reading and writing the state file (see state.h).
#include "upgrade/state.h"

#include "core/yaml.h"

namespace ksm::upgrade {

Result<std::optional<State>> parse_state(const std::string* text, const std::string& filename) {
  if (!text) return std::optional<State>{};
  auto v = parse_yaml(*text, filename);
  if (!v) return v.error();
  const Value* tag = v->get("kubespray_tag");
  if (!tag || !tag->is_string() || tag->as_string().empty())
    return Error("state file has no 'kubespray_tag'", Location{filename, 1, 1});
  State s;
  s.tag = tag->as_string();
  if (const Value* d = v->get("date"); d && d->is_string()) s.date = d->as_string();
  if (const Value* t = v->get("tool_version"); t && t->is_string()) s.tool_version = t->as_string();
  return std::optional<State>{s};
}

std::string render_state(const State& s) {
  return "# Written by kubespray-migrate: the Kubespray release this inventory is for.\n"
         "kubespray_tag: \"" + s.tag + "\"\n" +
         "date: \"" + s.date + "\"\n" +
         "tool_version: \"" + s.tool_version + "\"\n";
}

}  // namespace ksm::upgrade
