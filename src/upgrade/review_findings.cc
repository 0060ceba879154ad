// The upgrade report as findings for SARIF and JUnit (see review_findings.h).
#include "upgrade/review_findings.h"

#include <algorithm>
#include <cctype>

#include "inventory/var_lines.h"

namespace ksm::upgrade {

namespace {

// The lines of a text, without their newlines.
std::vector<std::string_view> lines_of(const std::string& text) {
  std::vector<std::string_view> out;
  std::string_view rest = text;
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    out.push_back(rest.substr(0, nl));
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
  return out;
}

// Does `message` name `word` as a whole word (variable characters around it)?
bool names(const std::string& message, const std::string& word) {
  if (word.empty()) return false;
  auto ident = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (size_t at = message.find(word); at != std::string::npos; at = message.find(word, at + 1)) {
    bool left = at == 0 || !ident(message[at - 1]);
    size_t end = at + word.size();
    bool right = end >= message.size() || !ident(message[end]);
    if (left && right) return true;
  }
  return false;
}

// A note's own id, the advisory it comes from ("calico-encapsulation-default: ..."), or "".
std::string note_id(const std::string& message) {
  size_t colon = message.find(": ");
  if (colon == std::string::npos || colon == 0) return "";
  for (size_t i = 0; i < colon; ++i) {
    char c = message[i];
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.'))
      return "";
  }
  return message.substr(0, colon);
}

std::string shorten(const std::string& s, size_t n) {
  return s.size() <= n ? s : s.substr(0, n - 3) + "...";
}

report::Severity note_severity(NoteLevel l) {
  switch (l) {
    case NoteLevel::Info:
      return report::Severity::Info;
    case NoteLevel::Review:
      return report::Severity::Warning;
    case NoteLevel::Blocking:
      return report::Severity::Error;
  }
  return report::Severity::Warning;
}

std::string where_str(const std::string& file, int line) {
  return line > 0 ? file + ":" + std::to_string(line) : file;
}

report::Finding change_finding(const Change& c, const Hop& h, const std::string& group,
                               const Location& at) {
  report::Finding f;
  std::string subject = c.variable.empty() ? c.file : c.variable;
  f.id = std::string("ksm/upgrade/") + change_kind_name(c.kind) + "/" + subject;
  f.title = std::string(change_kind_name(c.kind)) + " " + subject;
  f.group = group;
  f.severity = report::Severity::Info;
  f.status = report::Status::Fail;
  std::string what = change_what(c, h.to);
  f.message = what.empty() ? c.reason : c.reason.empty() ? what : what + ". Why: " + c.reason;
  f.details.push_back("reported at " + where_str(c.file, c.line) + " (" + h.to + ")");
  if (!c.source.empty()) f.details.push_back("source: " + c.source);
  if (c.variable.empty()) {
    f.where = at;
  } else {
    report::Variable v;
    v.name = c.variable;
    v.value = c.new_value.is_vault() ? Value("(vault-encrypted)") : c.new_value;
    v.provenance = "inventory";
    v.where = at;
    v.operator_file = true;
    f.variables.push_back(std::move(v));
  }
  return f;
}

}  // namespace

Location locate_in(const Workspace& out, const std::string& hosts_file, const std::string& file,
                   int line, const std::string& variable) {
  std::string name = variable.substr(0, variable.find('.'));
  if (!name.empty()) {
    if (const std::string* t = out.text(file))
      if (int n = inventory::variable_line(*t, name, false)) return Location{file, n, 0};
    for (const auto& rel : out.files())
      if (int n = inventory::variable_line(*out.text(rel), name, false)) return Location{rel, n, 0};
  }
  if (const std::string* t = out.text(file)) {
    int count = std::max<int>(1, static_cast<int>(lines_of(*t).size()));
    return Location{file, std::clamp(line, 1, count), 0};
  }
  if (!file.empty())
    if (auto under = out.files_under(file); !under.empty()) return Location{under.front(), 1, 0};
  if (out.has_file(hosts_file)) return Location{hosts_file, 1, 0};
  auto all = out.files();
  return all.empty() ? Location{} : Location{all.front(), 1, 0};
}

report::Report review_findings(const Report& r, const Workspace& out, const std::string& hosts_file,
                               const report::Report* preflight, const ReviewFindingsOptions& o) {
  report::Report rep;
  rep.command = "upgrade";
  rep.target = Value(Map{{"inventory", Value(r.input)}, {"output", Value(r.output)}});
  rep.inventory_root = o.inventory_root;
  std::string last_group;
  for (const auto& h : r.hops) {
    std::string group = h.from + " -> " + h.to;
    last_group = group;
    std::vector<Location> change_at;
    for (const auto& c : h.changes) {
      change_at.push_back(locate_in(out, hosts_file, c.file, c.line, c.variable));
      rep.findings.push_back(change_finding(c, h, group, change_at.back()));
    }
    for (const auto& c : h.conflicts) {
      report::Finding f;
      f.id = "ksm/upgrade/conflict";
      f.title = "conflict in " + where_str(c.file, c.line);
      f.group = group;
      f.severity = report::Severity::Error;
      f.message = c.what + ". Resolve its <<<<<<< markers, then run upgrade --continue.";
      f.where = locate_in(out, hosts_file, c.file, c.line, "");
      rep.findings.push_back(std::move(f));
    }
    for (const auto& n : h.notes) {
      if (n.level == NoteLevel::Info && !o.info_notes) continue;
      report::Finding f;
      std::string id = note_id(n.message);
      f.id = std::string("ksm/upgrade/") + note_level_name(n.level) + (id.empty() ? "" : "/" + id);
      f.title = id.empty() ? shorten(n.message, 80) : id;
      f.group = group;
      f.severity = note_severity(n.level);
      f.message = n.message;
      if (!n.source.empty()) f.details.push_back("source: " + n.source);
      // At the first change of the hop whose variable the note names.
      for (size_t i = 0; i < h.changes.size() && f.where.file.empty(); ++i)
        if (names(n.message, h.changes[i].variable)) f.where = change_at[i];
      if (f.where.file.empty()) f.where = locate_in(out, hosts_file, hosts_file, 1, "");
      rep.findings.push_back(std::move(f));
    }
  }
  if (preflight) {
    rep.source_root = preflight->source_root;
    for (report::Finding f : preflight->findings) {
      f.group = last_group.empty() ? "preflight" : last_group;
      // Only the upgraded inventory's files locate a result (not the stop before it).
      for (auto& v : f.variables) {
        if (!v.operator_file) continue;
        if (!out.has_file(v.where.file))
          v.operator_file = false;
        else if (v.where.line <= 0)  // the file, not the line: the line that sets it
          v.where = locate_in(out, hosts_file, v.where.file, 0, v.name);
      }
      bool located = std::any_of(
          f.variables.begin(), f.variables.end(),
          [](const report::Variable& v) { return v.operator_file && !v.where.file.empty(); });
      // Not set in the operator's files: where the sample has it commented out, else the hosts
      // file.
      for (size_t i = 0; !located && i < f.variables.size() && f.where.file.empty(); ++i)
        f.where = inventory::find_variable_line(out, "group_vars", f.variables[i].name, true);
      if (!located && f.where.file.empty()) f.where = locate_in(out, hosts_file, hosts_file, 1, "");
      rep.findings.push_back(std::move(f));
    }
  }
  return rep;
}

}  // namespace ksm::upgrade
