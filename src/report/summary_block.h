// The block every command ends with. A report can be hundreds of lines; an
// operator reads its last lines first: what was counted (changes, pins,
// notes to review, conflicts, blocking findings), where the output is, the
// next command to run, and the exit status in words when it is not 0. One
// module renders it for every command, as text (the last lines of the
// output) and as the "summary" object of the JSON reports.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "core/value.h"

namespace ksm::report {

struct SummaryBlock {
  std::vector<std::pair<std::string, size_t>> counts;  // in order: {"changes", 37}, ...
  std::vector<std::string> outputs;  // where the output is, one line each ("" none)
  std::vector<std::string> next;     // the next steps, in order: commands or what to do
  int exit_status = 0;
  std::string exit_why;  // words for a non-zero status ("" = the usual words for it)
};

// "exit 3: conflicts or blocking findings" (the words of the contract when
// `why` is empty); "" for exit 0.
[[nodiscard]] std::string exit_words(int status, const std::string& why);

// Whether a next step is a command to copy ("kubespray-migrate ...",
// "ansible-playbook ...", "git ..."): its line is marked verbatim, never wrapped.
[[nodiscard]] bool is_command(const std::string& step);
// The text block, starting with an empty line; colour for the headings;
// command lines marked verbatim (core/wrap.h) for the wrapping of print_text.
[[nodiscard]] std::string render_summary_block(const SummaryBlock& s, bool colour);
// {"counts": {...}, "outputs": [...], "next": [...], "exit_status": N, "exit": "..."}
[[nodiscard]] Value summary_block_value(const SummaryBlock& s);

}  // namespace ksm::report
