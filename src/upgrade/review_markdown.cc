// The review document of `upgrade --format markdown` (see review_markdown.h).
#include "upgrade/review_markdown.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace ksm::upgrade {

namespace {

std::string where_of(const std::string& file, int line) {
  return line > 0 ? fmt::format("{}:{}", file, line) : file;
}

// The longest run of backticks in `s`.
size_t backtick_run(const std::string& s) {
  size_t best = 0, run = 0;
  for (char c : s) {
    run = c == '`' ? run + 1 : 0;
    best = std::max(best, run);
  }
  return best;
}

// A unified diff cut at its "diff --git" headers: one piece per file.
std::vector<std::pair<std::string, std::string>> per_file(const std::string& diff) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t at = 0;
  while (at < diff.size()) {
    size_t next = diff.find("\ndiff --git ", at);
    size_t end = next == std::string::npos ? diff.size() : next + 1;
    std::string piece = diff.substr(at, end - at);
    // "diff --git a/X b/Y": the file is Y.
    std::string name;
    size_t nl = piece.find('\n');
    std::string head = piece.substr(0, nl);
    if (size_t b = head.rfind(" b/"); b != std::string::npos) name = head.substr(b + 3);
    out.emplace_back(name.empty() ? head : name, std::move(piece));
    at = end;
  }
  return out;
}

void diff_section(std::string& out, const std::string& diff, bool whole_run) {
  auto files = per_file(diff);
  out += "\n### Diff\n\n";
  if (whole_run)
    out +=
        "The inventories of the stops before this one were not kept (--diff, --in-place): "
        "this is the diff of the whole run against the input.\n\n";
  if (files.empty()) {
    out += "No file changed.\n";
    return;
  }
  out += fmt::format("<details><summary>{} file{} changed</summary>\n", files.size(),
                     files.size() == 1 ? "" : "s");
  for (const auto& [name, piece] : files) {
    std::string fence(std::max<size_t>(3, backtick_run(piece) + 1), '`');
    out += "\n" + md_code(name) + "\n\n" + fence + "diff\n" + piece;
    if (!piece.ends_with('\n')) out += "\n";
    out += fence + "\n";
  }
  out += "\n</details>\n";
}

void hop_section(std::string& out, const Hop& h, size_t index, const std::string* diff,
                 bool whole_run) {
  size_t pins = std::count_if(h.changes.begin(), h.changes.end(),
                              [](const Change& c) { return c.kind == ChangeKind::Pin; });
  out += fmt::format("\n## Hop {}: {} → {}\n\n", index + 1, h.from, h.to);
  out += fmt::format("{} change{}, {} pin{}, {} conflict{}{}.\n", h.changes.size() - pins,
                     h.changes.size() - pins == 1 ? "" : "s", pins, pins == 1 ? "" : "s",
                     h.conflicts.size(), h.conflicts.size() == 1 ? "" : "s",
                     h.blocked ? "; the run is blocked here" : "");
  if (h.changes.size() > pins) {
    out += "\n### Changes\n\n| kind | file:line | what | why | source |\n|---|---|---|---|---|\n";
    for (const auto& c : h.changes) {
      if (c.kind == ChangeKind::Pin) continue;
      out += fmt::format("| {} | {} | {} | {} | {} |\n", change_kind_name(c.kind),
                         md_code(where_of(c.file, c.line)), md_escape(change_what(c, h.to)),
                         md_escape(c.reason), md_escape(c.source));
    }
  }
  if (pins > 0) {
    out += "\n### Pinned\n\n";
    for (const auto& c : h.changes) {
      if (c.kind != ChangeKind::Pin) continue;
      out += "- " + md_code(where_of(c.file, c.line)) + ": " + md_escape(change_what(c, h.to));
      if (!c.reason.empty()) out += ". Why: " + md_escape(c.reason);
      if (!c.source.empty()) out += " (source: " + md_escape(c.source) + ")";
      out += "\n";
    }
  }
  std::string decide, info;
  for (const auto& c : h.conflicts)
    decide += "- [ ] **conflict** " + md_code(where_of(c.file, c.line)) + ": " + md_escape(c.what) +
              "; resolve the <<<<<<< markers\n";
  for (const auto& n : h.notes) {
    std::string src = n.source.empty() ? "" : " (source: " + md_escape(n.source) + ")";
    if (n.level == NoteLevel::Info)
      info += "- " + md_escape(n.message) + src + "\n";
    else
      decide += std::string("- [ ] **") + note_level_name(n.level) + "** " + md_escape(n.message) +
                src + "\n";
  }
  if (!decide.empty()) out += "\n### To decide\n\n" + decide;
  if (!info.empty()) out += "\n### Notes\n\n" + info;
  if (diff) diff_section(out, *diff, whole_run);
}

void preflight_section(std::string& out, const report::Report& p, const std::string& tag) {
  out += "\n## Preflight of the produced inventory" + (tag.empty() ? "" : " for " + tag) + "\n\n";
  report::Summary s = report::summarize(p);
  out += fmt::format("{} blocking, {} warning{}, {} passed, {} unknown.\n", s.blocking, s.warnings,
                     s.warnings == 1 ? "" : "s", s.passed, s.unknown);
  std::string items;
  for (const auto& f : p.findings) {
    if (f.status != report::Status::Fail && f.status != report::Status::Unknown) continue;
    std::string at;
    for (const auto& v : f.variables)
      if (v.operator_file && !v.where.file.empty()) {
        at = " at " + md_code(v.where.str());
        break;
      }
    if (at.empty() && !f.source.file.empty())
      at = " (check: " + md_code(f.source.str()) +
           (f.source_label.empty() ? "" : " in " + md_escape(f.source_label)) + ")";
    const char* level =
        f.status == report::Status::Unknown ? "unknown" : report::severity_name(f.severity);
    items += fmt::format("- [ ] **{}** {}: {}{}", level,
                         md_escape(f.title.empty() ? f.id : f.title), md_escape(f.message), at);
    if (!f.fix.empty()) items += ". Fix: " + md_escape(f.fix);
    items += "\n";
  }
  if (!items.empty()) out += "\n" + items;
}

void summary_section(std::string& out, const report::SummaryBlock& s) {
  out += "\n## Summary\n\n";
  if (!s.counts.empty()) {
    std::string head = "|", rule = "|", row = "|";
    for (const auto& [name, n] : s.counts) {
      head += " " + md_escape(name) + " |";
      rule += "---|";
      row += fmt::format(" {} |", n);
    }
    out += head + "\n" + rule + "\n" + row + "\n\n";
  }
  for (const auto& o : s.outputs)
    if (!o.empty()) out += "- output: " + md_escape(o) + "\n";
  for (const auto& n : s.next) out += "- next: " + md_escape(n) + "\n";
  std::string ex = report::exit_words(s.exit_status, s.exit_why);
  out += "- " + (ex.empty() ? std::string("exit 0: clean") : md_escape(ex)) + "\n";
}

}  // namespace

std::string md_escape(const std::string& s) {
  auto word = [&](size_t i) {
    return i < s.size() && std::isalnum(static_cast<unsigned char>(s[i]));
  };
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    switch (c) {
      case '_':  // inside a word (kube_version) it never emphasises
        if (i > 0 && word(i - 1) && word(i + 1)) {
          out += c;
          break;
        }
        [[fallthrough]];
      case '\\':
      case '|':
      case '`':
      case '*':
      case '[':
      case ']':
        out += '\\';
        out += c;
        break;
      case '<':
        out += "&lt;";
        break;
      case '\n':
      case '\r':
        out += ' ';
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string md_code(const std::string& s) {
  std::string body;
  for (char c : s) {
    if (c == '|')
      body += "\\|";
    else if (c == '\n' || c == '\r')
      body += ' ';
    else
      body += c;
  }
  std::string fence(backtick_run(body) + 1, '`');
  bool pad = !body.empty() && (body.front() == '`' || body.back() == '`');
  return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
}

HopDiffs hop_diffs(const UpgradeResult& u) {
  HopDiffs d;
  size_t hops = u.report.hops.size();
  bool kept = u.stops.size() == hops && hops > 0;
  for (size_t i = 0; kept && i + 1 < hops; ++i) kept = u.stops[i].workspace.has_value();
  if (!kept) {
    d.per_hop.assign(hops, "");
    if (hops > 0) d.per_hop.back() = u.workspace.diff();
    d.whole_run_in_last = hops > 1;
    return d;
  }
  const Workspace* before = nullptr;
  for (size_t i = 0; i < hops; ++i) {
    const Workspace& now = i + 1 < hops ? *u.stops[i].workspace : u.workspace;
    d.per_hop.push_back(before ? now.diff_since(*before) : now.diff());
    before = &now;
  }
  return d;
}

std::string render_markdown(const ReviewDocument& d) {
  const Report& r = *d.report;
  std::string from = r.hops.empty() ? "" : r.hops.front().from;
  std::string to = r.hops.empty() ? "" : r.hops.back().to;
  std::string out = r.hops.empty() ? "# Kubespray upgrade: review\n"
                                   : fmt::format("# Kubespray upgrade {} → {}: review\n", from, to);
  out += "\nInventory " + md_code(r.input) + ", upgraded to " + md_code(r.output) +
         fmt::format(", in {} hop{} (one minor each).\n", r.hops.size(),
                     r.hops.size() == 1 ? "" : "s");
  if (!r.manifests.empty())
    out += "Manifests to apply, beside the inventory (not in it): " + md_code(r.manifests) + ".\n";
  if (d.summary) summary_section(out, *d.summary);
  for (size_t i = 0; i < r.hops.size(); ++i) {
    const std::string* diff =
        d.diffs && i < d.diffs->per_hop.size() ? &d.diffs->per_hop[i] : nullptr;
    bool whole = d.diffs && d.diffs->whole_run_in_last && i + 1 == r.hops.size();
    // Without the stops' inventories only the last hop has a diff.
    if (d.diffs && d.diffs->whole_run_in_last && !whole) diff = nullptr;
    hop_section(out, r.hops[i], i, diff, whole);
  }
  if (d.preflight) preflight_section(out, *d.preflight, d.preflight_tag);
  return out;
}

}  // namespace ksm::upgrade
