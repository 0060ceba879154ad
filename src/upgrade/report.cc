// Rendering of the upgrade report (see report.h).
#include "upgrade/report.h"

#include <fmt/format.h>

#include "core/exit_status.h"
#include "core/json.h"
#include "report/source_text.h"

namespace ksm::upgrade {

size_t Report::conflict_count() const {
  size_t n = 0;
  for (const auto& h : hops) n += h.conflicts.size();
  return n;
}

void Report::place_beside(const std::string& dir) {
  manifests = dir;
  for (auto& h : hops)
    for (auto& c : h.changes)
      if (c.kind == ChangeKind::Write) c.file = dir + (dir.ends_with('/') ? "" : "/") + c.file;
}

int Report::exit_status() const {
  bool review = false;
  for (const auto& h : hops) {
    if (!h.conflicts.empty()) return kExitBlocking;
    for (const auto& n : h.notes) {
      if (n.level == NoteLevel::Blocking) return kExitBlocking;
      if (n.level == NoteLevel::Review) review = true;
    }
  }
  return review ? kExitWarnings : kExitClean;
}

namespace {

Value opt(const Value& v) {
  return v.is_undefined() ? Value() : v;
}

}  // namespace

const char* note_level_name(NoteLevel l) {
  switch (l) {
    case NoteLevel::Info: return "info";
    case NoteLevel::Review: return "review";
    case NoteLevel::Blocking: return "blocking";
  }
  return "?";
}

std::string show_value(const Value& v) {
  if (v.is_undefined()) return "(unset)";
  if (v.is_vault()) return "(vault-encrypted)";
  if (v.is_string()) return v.as_string();
  return to_json(v, {true, 0});
}

std::string change_what(const Change& c, const std::string& to) {
  std::string what = c.variable.empty() ? "" : c.variable + ": ";
  // A value kept (a pin, the operator's setting): "keep X (vX.Y would change it to Y)".
  bool kept =
      c.kind == ChangeKind::Pin || (!c.new_value.is_undefined() && c.old_value == c.new_value);
  if (kept && !c.tag_value.is_undefined())
    return fmt::format("keep {}{} ({} would change it to {})", what, show_value(c.new_value), to,
                       show_value(c.tag_value));
  if (kept) return "keep " + what + show_value(c.new_value);
  if (!c.old_value.is_undefined() || !c.new_value.is_undefined())
    what += show_value(c.old_value) + " -> " + show_value(c.new_value) +
            (c.tag_value.is_undefined()
                 ? ""
                 : fmt::format(" ({} would give {})", to, show_value(c.tag_value)));
  return what;
}

const char* change_kind_name(ChangeKind k) {
  switch (k) {
    case ChangeKind::Sample:
      return "sample";
    case ChangeKind::AddFile:
      return "add-file";
    case ChangeKind::RenameGroup:
      return "rename-group";
    case ChangeKind::Move:
      return "move";
    case ChangeKind::RenameVariable:
      return "rename-variable";
    case ChangeKind::Restructure:
      return "restructure";
    case ChangeKind::Write:
      return "write";
    case ChangeKind::ObjectName:
      return "object-name";
    case ChangeKind::Pin:
      return "pin";
    case ChangeKind::KubeVersion:
      return "kube-version";
    case ChangeKind::Respell:
      return "respell";
    case ChangeKind::Convert:
      return "convert";
    case ChangeKind::AnsibleCfg:
      return "ansible-cfg";
  }
  return "?";
}

Value to_value(const Report& r) {
  List hops;
  for (const auto& h : r.hops) {
    List changes, conflicts, notes;
    for (const auto& c : h.changes) {
      Map m;
      m.set("kind", change_kind_name(c.kind));
      m.set("file", c.file);
      m.set("line", static_cast<int64_t>(c.line));
      m.set("variable", c.variable);
      // Vault values never appear in a report.
      m.set("old", c.old_value.is_vault() ? Value("(vault-encrypted)") : opt(c.old_value));
      m.set("new", c.new_value.is_vault() ? Value("(vault-encrypted)") : opt(c.new_value));
      m.set("reason", c.reason);
      m.set("source", c.source);
      if (!c.tag_value.is_undefined())
        m.set("tag_value", c.tag_value.is_vault() ? Value("(vault-encrypted)") : c.tag_value);
      changes.push_back(Value(std::move(m)));
    }
    for (const auto& c : h.conflicts)
      conflicts.push_back(
          Value(Map{{"file", c.file}, {"line", static_cast<int64_t>(c.line)}, {"what", c.what}}));
    for (const auto& n : h.notes)
      notes.push_back(Value(
          Map{{"level", note_level_name(n.level)}, {"message", n.message}, {"source", n.source}}));
    hops.push_back(Value(Map{{"from", h.from},
                             {"to", h.to},
                             {"changes", Value(std::move(changes))},
                             {"conflicts", Value(std::move(conflicts))},
                             {"notes", Value(std::move(notes))}}));
  }
  Map root{{"input", r.input},
           {"output", r.output},
           {"manifests", r.manifests},
           {"hops", Value(std::move(hops))},
           {"conflicts", static_cast<int64_t>(r.conflict_count())},
           {"exit_status", static_cast<int64_t>(r.exit_status())}};
  return Value(std::move(root));
}

std::string render_json(const Report& r) {
  return to_json(to_value(r), {false, 2}) + "\n";
}

std::string render_text(const Report& r, bool colour, bool verbose) {
  auto paint = [&](const char* ansi, const std::string& s) {
    return colour ? fmt::format("\033[{}m{}\033[0m", ansi, s) : s;
  };
  bool shortened = false;
  auto source = [&](const std::string& s) {
    std::string t = report::source_text(s, verbose);
    shortened = shortened || t != s;
    return t;
  };
  std::string out;
  for (const auto& h : r.hops) {
    out += paint("1", fmt::format("== {} -> {}", h.from, h.to)) +
           fmt::format("  ({} changes, {} conflicts)\n", h.changes.size(), h.conflicts.size());
    for (const auto& c : h.changes) {
      std::string where = c.file + (c.line > 0 ? fmt::format(":{}", c.line) : "");
      std::string what = change_what(c, h.to);
      out += fmt::format("  {:<16} {}  {}\n", paint("36", change_kind_name(c.kind)), where, what);
      if (!c.reason.empty()) out += fmt::format("  {:<16} why: {}\n", "", c.reason);
      if (!c.source.empty()) out += fmt::format("  {:<16} source: {}\n", "", source(c.source));
    }
    for (const auto& c : h.conflicts)
      out += fmt::format("  {} {}:{}  {}\n", paint("1;31", "CONFLICT"), c.file, c.line, c.what);
    for (const auto& n : h.notes) {
      const char* ansi = n.level == NoteLevel::Blocking ? "1;31"
                         : n.level == NoteLevel::Review ? "33"
                                                        : "2";
      out += fmt::format("  {} {}{}\n", paint(ansi, std::string(note_level_name(n.level)) + ":"),
                         n.message, n.source.empty() ? "" : "  [" + source(n.source) + "]");
    }
  }
  out += fmt::format("{} hop(s), {} conflict(s); output: {}\n", r.hops.size(), r.conflict_count(),
                     r.output);
  if (!r.manifests.empty())
    out += fmt::format("manifests (beside the inventory, not in it): {}\n", r.manifests);
  if (shortened) out += "sources show their first references; -v shows them in full\n";
  return out;
}

}  // namespace ksm::upgrade
