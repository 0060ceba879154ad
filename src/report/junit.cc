// JUnit XML output (see report.h): what CI test dashboards read. Every
// finding is a test case; failures carry the message and details.
#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "report/report.h"

namespace ksm::report {

namespace {

// XML 1.0 text: escapes markup and drops characters XML cannot carry.
std::string xml(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') continue;
        out += static_cast<char>(c);
    }
  }
  return out;
}

std::string body(const Finding& f) {
  std::string b = f.message + "\n";
  if (!f.source.file.empty())
    b += "check: " + f.source.str() + (f.source_label.empty() ? "" : " (" + f.source_label + ")") +
         "\n";
  if (!f.hosts.empty()) {
    b += "hosts:";
    for (const auto& h : f.hosts) b += " " + h;
    b += "\n";
  }
  for (const auto& d : f.details) b += d + "\n";
  for (const auto& v : f.variables) {
    b += v.name + " = " +
         (v.value.is_undefined() ? std::string("(not set)")
          : v.value.is_unknown() ? "(unknown)"
                                 : to_python_repr(v.value));
    if (!v.provenance.empty()) b += " [" + v.provenance + "]";
    if (!v.where.file.empty()) b += " at " + v.where.str();
    b += "\n";
  }
  if (!f.fix.empty()) b += "fix: " + f.fix + "\n";
  return b;
}

}  // namespace

std::string render_junit(const Report& r, const JunitOptions& o) {
  // Groups by name, or in the order they first appear.
  std::vector<std::pair<std::string, std::vector<const Finding*>>> groups;
  std::map<std::string, size_t> group_at;
  for (const auto& f : r.findings) {
    std::string g = f.group.empty() ? r.command : f.group;
    auto [it, fresh] = group_at.emplace(g, groups.size());
    if (fresh) groups.push_back({g, {}});
    groups[it->second].second.push_back(&f);
  }
  if (!o.groups_in_order)
    std::sort(groups.begin(), groups.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string suite_name = "kubespray-migrate" + (r.command.empty() ? "" : " " + r.command);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  auto failed = [&o](const Finding* f) {
    return f->status == Status::Fail && (f->severity == Severity::Error ||
                                         (o.warnings_fail && f->severity == Severity::Warning));
  };
  auto skipped = [](const Finding* f) {
    return f->status == Status::Unknown || f->status == Status::Skipped;
  };
  size_t failures = 0, skips = 0;
  for (const auto& f : r.findings) {
    if (failed(&f)) ++failures;
    if (skipped(&f)) ++skips;
  }
  out += "<testsuites name=\"" + xml(suite_name) + "\" tests=\"" +
         std::to_string(r.findings.size()) + "\" failures=\"" + std::to_string(failures) +
         "\" errors=\"0\" skipped=\"" + std::to_string(skips) + "\">\n";
  for (const auto& [group, fs] : groups) {
    size_t gf = 0, gs = 0;
    for (const Finding* f : fs) {
      if (failed(f)) ++gf;
      if (skipped(f)) ++gs;
    }
    out += "  <testsuite name=\"" + xml(group) + "\" tests=\"" + std::to_string(fs.size()) +
           "\" failures=\"" + std::to_string(gf) + "\" errors=\"0\" skipped=\"" +
           std::to_string(gs) + "\">\n";
    for (const Finding* f : fs) {
      out += "    <testcase classname=\"" + xml(group) + "\" name=\"" +
             xml(f->title.empty() ? f->id : f->title + " [" + f->id + "]") + "\"";
      if (!f->source.file.empty()) {
        out += " file=\"" + xml(f->source.file) + "\"";
        if (f->source.line) out += " line=\"" + std::to_string(f->source.line) + "\"";
      }
      if (failed(f)) {
        out += ">\n      <failure type=\"" + std::string(severity_name(f->severity)) +
               "\" message=\"" + xml(f->message) + "\">" + xml(body(*f)) +
               "</failure>\n    </testcase>\n";
      } else if (skipped(f)) {
        std::string why = f->status == Status::Unknown ? "unknown" : "skipped";
        if (!f->details.empty()) why += ": " + f->details.front();
        out += ">\n      <skipped message=\"" + xml(why) + "\"/>\n    </testcase>\n";
      } else if (f->status == Status::Fail) {  // an info-level failure: reported, not failed
        out += ">\n      <system-out>" + xml(body(*f)) + "</system-out>\n    </testcase>\n";
      } else {
        out += "/>\n";
      }
    }
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

}  // namespace ksm::report
