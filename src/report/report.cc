// The findings model, the exit status rule, JSON and text (see report.h).
#include "report/report.h"

#include <map>

#include "core/exit_status.h"
#include "core/json.h"
#include "report/source_text.h"

namespace ksm::report {

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::Error:
      return "error";
    case Severity::Warning:
      return "warning";
    case Severity::Info:
      return "info";
  }
  return "error";
}

const char* status_name(Status s) {
  switch (s) {
    case Status::Fail:
      return "fail";
    case Status::Pass:
      return "pass";
    case Status::Unknown:
      return "unknown";
    case Status::Skipped:
      return "skipped";
  }
  return "fail";
}

int status_rank(Status s) {
  switch (s) {
    case Status::Fail:
      return 3;
    case Status::Unknown:
      return 2;
    case Status::Pass:
      return 1;
    case Status::Skipped:
      return 0;
  }
  return 0;
}

Summary summarize(const Report& r) {
  Summary s;
  for (const auto& f : r.findings) {
    ++s.total;
    switch (f.status) {
      case Status::Fail:
        if (f.severity == Severity::Error)
          ++s.blocking;
        else if (f.severity == Severity::Warning)
          ++s.warnings;
        else
          ++s.info;
        break;
      case Status::Pass:
        ++s.passed;
        break;
      case Status::Unknown:
        ++s.unknown;
        break;
      case Status::Skipped:
        ++s.skipped;
        break;
    }
  }
  return s;
}

int exit_status(const Report& r) {
  Summary s = summarize(r);
  if (s.blocking) return kExitBlocking;
  if (s.warnings) return kExitWarnings;
  return kExitClean;
}

Result<Format> parse_format(const std::string& name) {
  if (name == "text") return Format::Text;
  if (name == "json") return Format::Json;
  if (name == "sarif") return Format::Sarif;
  if (name == "junit") return Format::Junit;
  return Error("unknown output format '" + name + "' (text, json, sarif or junit)");
}

namespace {

Value location_value(const Location& l) {
  if (l.file.empty()) return Value();
  Map m;
  m.set("file", l.file);
  if (l.line) m.set("line", static_cast<int64_t>(l.line));
  if (l.column) m.set("column", static_cast<int64_t>(l.column));
  return Value(std::move(m));
}

Value strings(const std::vector<std::string>& v) {
  List l;
  for (const auto& s : v) l.push_back(Value(s));
  return Value(std::move(l));
}

// Undefined and unknown values have no JSON form of their own.
Value json_safe(const Value& v) {
  if (v.is_undefined()) return Value();
  if (v.is_unknown()) return Value(Map{{"unknown", Value(v.unknown_reason())}});
  if (v.is_list()) {
    List l;
    for (const auto& e : v.as_list()) l.push_back(json_safe(e));
    return Value(std::move(l));
  }
  if (v.is_map()) {
    Map m;
    for (const auto& [k, e] : v.as_map()) m.set(k, json_safe(e));
    return Value(std::move(m));
  }
  return v;
}

std::string show_value(const Value& v) {
  if (v.is_undefined()) return "(not set)";
  if (v.is_unknown()) return "(unknown: " + v.unknown_reason() + ")";
  if (v.is_vault()) return "(vault-encrypted)";
  return to_python_repr(v);
}

}  // namespace

Value to_value(const Report& r) {
  Map root;
  root.set("command", r.command);
  root.set("target", json_safe(r.target));
  List fs;
  for (const auto& f : r.findings) {
    Map m;
    m.set("id", f.id);
    m.set("title", f.title);
    if (!f.group.empty()) m.set("group", f.group);
    m.set("severity", severity_name(f.severity));
    m.set("status", status_name(f.status));
    Value src = location_value(f.source);
    if (src.is_map() && !f.source_label.empty()) src.map_mut().set("in", f.source_label);
    m.set("source", src);
    m.set("message", f.message);
    m.set("fix", f.fix.empty() ? Value() : Value(f.fix));
    m.set("details", strings(f.details));
    m.set("hosts", strings(f.hosts));
    List vs;
    for (const auto& v : f.variables) {
      Map vm;
      vm.set("name", v.name);
      vm.set("set", !v.value.is_undefined());
      vm.set("value", json_safe(v.value));
      vm.set("provenance", v.provenance);
      vm.set("location", location_value(v.where));
      vm.set("operator_file", v.operator_file);
      if (!v.host.empty()) vm.set("host", v.host);
      vs.push_back(Value(std::move(vm)));
    }
    m.set("variables", Value(std::move(vs)));
    fs.push_back(Value(std::move(m)));
  }
  root.set("findings", Value(std::move(fs)));
  Summary s = summarize(r);
  Map sm;
  sm.set("total", static_cast<int64_t>(s.total));
  sm.set("blocking", static_cast<int64_t>(s.blocking));
  sm.set("warnings", static_cast<int64_t>(s.warnings));
  sm.set("info", static_cast<int64_t>(s.info));
  sm.set("passed", static_cast<int64_t>(s.passed));
  sm.set("unknown", static_cast<int64_t>(s.unknown));
  sm.set("skipped", static_cast<int64_t>(s.skipped));
  sm.set("exit_status", static_cast<int64_t>(exit_status(r)));
  root.set("summary", Value(std::move(sm)));
  root.set("notes", strings(r.notes));
  return Value(std::move(root));
}

std::string render_json(const Report& r) {
  return to_json(to_value(r), {false, 2}) + "\n";
}

std::string render_text(const Report& r, const TextOptions& o) {
  auto paint = [&](const char* ansi, const std::string& s) {
    return o.colour ? std::string("\033[") + ansi + "m" + s + "\033[0m" : s;
  };
  std::string out;
  // Header: what was checked.
  std::string head = r.command.empty() ? "report" : r.command;
  if (r.target.is_map()) {
    std::string t;
    for (const auto& [k, v] : r.target.as_map()) {
      if (v.is_undefined() || v.is_null()) continue;
      t += (t.empty() ? "" : ", ") + k + " " + (v.is_string() ? v.as_string() : to_python_str(v));
    }
    if (!t.empty()) head += ": " + t;
  }
  out += paint("1", head) + "\n";

  struct Section {
    const char* title;
    const char* ansi;
    const char* mark;
    bool brief;  // title line only, and only with show_passed
    bool (*match)(const Finding&);
  };
  const Section sections[] = {
      {"Blocking", "1;31", "x", false,
       [](const Finding& f) { return f.status == Status::Fail && f.severity == Severity::Error; }},
      {"Warnings", "1;33", "!", false,
       [](const Finding& f) {
         return f.status == Status::Fail && f.severity == Severity::Warning;
       }},
      {"Notes", "1;36", "i", false,
       [](const Finding& f) { return f.status == Status::Fail && f.severity == Severity::Info; }},
      {"Unknown (not decidable before the run)", "1;35", "?", false,
       [](const Finding& f) { return f.status == Status::Unknown; }},
      {"Passed", "32", "ok", true, [](const Finding& f) { return f.status == Status::Pass; }},
      {"Skipped (conditions false)", "2", "-", true,
       [](const Finding& f) { return f.status == Status::Skipped; }},
  };
  for (const auto& sec : sections) {
    std::vector<const Finding*> in;
    for (const auto& f : r.findings)
      if (sec.match(f)) in.push_back(&f);
    if (in.empty()) continue;
    bool brief = sec.brief;
    if (brief && !o.show_passed) continue;
    out += "\n" + paint(sec.ansi, std::string(sec.title) + " (" + std::to_string(in.size()) + ")") +
           "\n";
    for (const Finding* f : in) {
      out +=
          "  " + paint(sec.ansi, sec.mark) + " " + paint("1", f->title.empty() ? f->id : f->title);
      if (!f->source.file.empty())
        out += "  " + paint("2", f->source.str() +
                                     (f->source_label.empty() ? "" : " (" + f->source_label + ")"));
      out += "\n";
      if (brief) continue;
      if (!f->message.empty()) out += "      " + f->message + "\n";
      if (!f->hosts.empty()) {
        std::string h;
        size_t shown = 0;
        for (const auto& x : f->hosts) {
          if (shown == 10) {
            h += ", ... (" + std::to_string(f->hosts.size()) + " hosts)";
            break;
          }
          h += (h.empty() ? "" : ", ") + x;
          ++shown;
        }
        out += "      hosts: " + h + "\n";
      }
      for (const auto& d : f->details)
        out +=
            "      " +
            (!o.verbose && d.starts_with("source: ") ? "source: " + short_source(d.substr(8)) : d) +
            "\n";
      for (const auto& v : f->variables) {
        out += "      " + paint("36", v.name) + (v.host.empty() ? "" : " (" + v.host + ")") +
               " = " + show_value(v.value);
        std::string from = v.provenance;
        if (!v.where.file.empty())
          from += (from.empty() ? "" : " ") + std::string("at ") + v.where.str();
        if (!from.empty()) out += "  " + paint("2", "[" + from + "]");
        out += "\n";
      }
      if (!f->fix.empty()) out += "      " + paint("32", "fix:") + " " + f->fix + "\n";
    }
  }
  for (const auto& n : r.notes) out += "\n" + paint("2", "note: " + n);
  if (!r.notes.empty()) out += "\n";
  Summary s = summarize(r);
  out += "\n" + paint("1", "Findings:") + " " + std::to_string(s.blocking) + " blocking, " +
         std::to_string(s.warnings) + " warnings, " + std::to_string(s.unknown) + " unknown, " +
         std::to_string(s.passed) + " passed, " + std::to_string(s.skipped) + " skipped\n";
  return out;
}

std::string render(const Report& r, Format f, const TextOptions& o) {
  switch (f) {
    case Format::Text:
      return render_text(r, o);
    case Format::Json:
      return render_json(r);
    case Format::Sarif:
      return render_sarif(r);
    case Format::Junit:
      return render_junit(r);
  }
  return render_text(r, o);
}

}  // namespace ksm::report
