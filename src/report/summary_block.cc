// The block every command ends with (see summary_block.h).
#include "report/summary_block.h"

#include <fmt/format.h>

#include "core/exit_status.h"
#include "core/wrap.h"

namespace ksm::report {

std::string exit_words(int status, const std::string& why) {
  if (status == 0) return "";
  std::string words = why;
  if (words.empty()) {
    switch (status) {
      case kExitError:
        words = "an error; nothing was written";
        break;
      case kExitWarnings:
        words = "notes to review, nothing blocking";
        break;
      case kExitBlocking:
        words = "conflicts or blocking findings: deal with them before the playbook runs";
        break;
      default:
        words = "unexpected status";
    }
  }
  return fmt::format("exit {}: {}", status, words);
}

bool is_command(const std::string& step) {
  for (const char* word : {"kubespray-migrate ", "ansible-playbook ", "git "})
    if (step.starts_with(word)) return true;
  return false;
}

std::string render_summary_block(const SummaryBlock& s, bool colour) {
  auto paint = [&](const char* ansi, const std::string& t) {
    return colour ? fmt::format("\033[{}m{}\033[0m", ansi, t) : t;
  };
  std::string out = "\n" + paint("1", "Summary") + "\n";
  if (!s.counts.empty()) {
    std::string line;
    for (const auto& [name, n] : s.counts)
      line += fmt::format("{}{} {}", line.empty() ? "" : ", ", n, name);
    out += "  " + line + "\n";
  }
  for (const auto& o : s.outputs)
    if (!o.empty()) out += "  " + o + "\n";
  for (size_t i = 0; i < s.next.size(); ++i) {
    std::string line = fmt::format("  {} {}", i == 0 ? paint("1", "next:") : "     ", s.next[i]);
    out += (is_command(s.next[i]) ? verbatim(line) : line) + "\n";
  }
  std::string ex = exit_words(s.exit_status, s.exit_why);
  if (!ex.empty())
    out +=
        "  " +
        paint(s.exit_status == kExitBlocking || s.exit_status == kExitError ? "1;31" : "33", ex) +
        "\n";
  return out;
}

Value summary_block_value(const SummaryBlock& s) {
  Map counts;
  for (const auto& [name, n] : s.counts) counts.set(name, Value(static_cast<int64_t>(n)));
  List outputs, next;
  for (const auto& o : s.outputs)
    if (!o.empty()) outputs.push_back(Value(o));
  for (const auto& n : s.next) next.push_back(Value(n));
  return Value(Map{{"counts", Value(std::move(counts))},
                   {"outputs", Value(std::move(outputs))},
                   {"next", Value(std::move(next))},
                   {"exit_status", Value(static_cast<int64_t>(s.exit_status))},
                   {"exit", Value(exit_words(s.exit_status, s.exit_why))}});
}

}  // namespace ksm::report
