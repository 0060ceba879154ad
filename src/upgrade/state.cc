// Reading and writing the state file (see state.h).
#include "upgrade/state.h"

#include <fmt/format.h>

#include "core/json.h"
#include "core/yaml.h"

namespace ksm::upgrade {

namespace {

// A non-empty string field of `m`, or "".
std::string string_field(const Value& m, const char* name) {
  const Value* v = m.get(name);
  return v && v->is_string() ? v->as_string() : std::string();
}

Result<ConflictMark> parse_mark(const Value& v, const std::string& filename) {
  const Value* line = v.is_map() ? v.get("line") : nullptr;
  ConflictMark c;
  if (v.is_map()) c.file = string_field(v, "file");
  if (c.file.empty() || !line || !line->is_int())
    return Error("state file: 'stopped': each entry of 'conflicts' needs 'file' and 'line'",
                 Location{filename, 1, 1});
  c.line = static_cast<int>(line->as_int());
  c.what = string_field(v, "what");
  return c;
}

Result<Stop> parse_stop(const Value& v, const std::string& filename) {
  auto bad = [&](const std::string& why) {
    return Error("state file: 'stopped' " + why, Location{filename, 1, 1});
  };
  if (!v.is_map()) return bad("is not a mapping");
  Stop s;
  s.target = string_field(v, "target");
  if (s.target.empty()) return bad("has no 'target'");
  std::string hop = string_field(v, "hop");
  size_t arrow = hop.find(" -> ");
  if (arrow == std::string::npos || arrow == 0 || arrow + 4 >= hop.size())
    return bad("has no 'hop' of the form 'vA -> vB'");
  s.hop_from = hop.substr(0, arrow);
  s.hop_to = hop.substr(arrow + 4);
  if (const Value* cs = v.get("conflicts")) {
    if (!cs->is_list()) return bad("'conflicts' is not a list");
    for (const auto& c : cs->as_list()) {
      auto m = parse_mark(c, filename);
      if (!m) return m.error();
      s.conflicts.push_back(std::move(*m));
    }
  }
  return s;
}

}  // namespace

Result<std::optional<State>> parse_state(const std::string* text, const std::string& filename) {
  if (!text) return std::optional<State>{};
  auto v = parse_yaml(*text, filename);
  if (!v) return v.error();
  const Value* tag = v->get("kubespray_tag");
  if (!tag || !tag->is_string() || tag->as_string().empty())
    return Error("state file has no 'kubespray_tag'", Location{filename, 1, 1});
  State s;
  s.tag = tag->as_string();
  s.date = string_field(*v, "date");
  s.tool_version = string_field(*v, "tool_version");
  if (const Value* st = v->get("stopped"); st && !st->is_null()) {
    auto stop = parse_stop(*st, filename);
    if (!stop) return stop.error();
    s.stopped = std::move(*stop);
  }
  return std::optional<State>{s};
}

std::string render_state(const State& s) {
  std::string out = fmt::format(
      "# Written by kubespray-migrate: the Kubespray release this inventory is for.\n"
      "kubespray_tag: {}\ndate: {}\ntool_version: {}\n",
      json_quote(s.tag), json_quote(s.date), json_quote(s.tool_version));
  if (!s.stopped) return out;
  const Stop& st = *s.stopped;
  out += fmt::format(
      "# The run towards {} stopped here: the hop {} {}.\n"
      "# {}, then: kubespray-migrate upgrade --continue -i <this folder>\n"
      "stopped:\n"
      "  target: {}\n"
      "  hop: {}\n",
      st.target, st.hop(),
      st.conflicts.empty() ? "is blocked (see its report)" : "left conflict markers",
      st.conflicts.empty() ? "Do what its blocking note says" : "Resolve them",
      json_quote(st.target), json_quote(st.hop()));
  if (st.conflicts.empty()) return out;
  out += "  conflicts:\n";
  for (const auto& c : st.conflicts)
    out += fmt::format("    - {{file: {}, line: {}, what: {}}}\n", json_quote(c.file), c.line,
                       json_quote(c.what));
  return out;
}

}  // namespace ksm::upgrade
