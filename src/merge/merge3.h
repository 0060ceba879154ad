// Three-way merge of an operator's inventory file with Kubespray's sample:
// base = inventory/sample at the old tag, ours = the operator's file,
// theirs = the sample at the new tag. The line merge is libgit2's
// git_merge_file (diff3 markers that git and editors recognise). For YAML
// vars files a per-key resolution runs first: each file is split into
// blocks (a run of comment lines and the entry of one key, live or a
// commented `# key:` line documenting it), blocks are aligned by key and
// decided by meaning, one by one:
//   - a sample change to a block the operator did not touch is taken;
//   - a value the operator set stays, whatever the sample's new default
//     (the decision is recorded with both values);
//   - a default line the operator deleted or commented out stays so;
//   - differences of whitespace, quoting, comments and filter spelling
//     (`ipaddr` / `ansible.utils.ipaddr`) never conflict, and a sample's
//     respelling of filters is carried over to the operator's expression;
//   - a file the operator trimmed to a few keys gets no new sample keys;
//   - only a template both sides rewrote differently is a conflict, left
//     with diff3 markers and counted with its line.
// The operator's own keys, comments, order, BOM and line endings are kept.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/value.h"

namespace ksm::merge {

struct MergeLabels {
  std::string ours = "ours";
  std::string base = "base";
  std::string theirs = "theirs";
};

struct MergeConflict {
  int line = 0;     // 1-based line of the `<<<<<<<` marker in the result
  int lines = 0;    // lines from `<<<<<<<` to `>>>>>>>` inclusive
  std::string key;  // the key in conflict ("" for a plain text conflict)
  std::string reason;
};

// Whether `line` (without its "\n") opens a conflict block as merge3 and
// git write one: "<<<<<<< label", or "<<<<<<<" alone.
bool is_conflict_start(std::string_view line);
// The offset of the first line of `text` that opens a conflict block; npos
// when there is none. The one scanner for markers left in a file.
size_t first_conflict_start(std::string_view text);

enum class Taken {
  Sample,       // the sample's change applied
  Ours,         // comments or documentation: the operator's kept
  Merged,       // comments changed on both sides, merged line by line
  KeptValue,    // the operator's value kept; the sample changed its default
  KeptRemoved,  // a default line the operator removed stays removed; the sample changed it
  Respelled,    // the operator's expression respelled as the sample now spells its filters
  NotAdded,     // a new sample key not added to a file the operator trimmed
};

// A decision the merge took that the operator may want to read about.
struct MergeTaken {
  int line = 0;     // 1-based line in the result (0: nothing written)
  std::string key;  // "" for comment runs without a key
  Taken kind = Taken::Sample;
  std::string note;
  // The key's values where they parse (undefined where a side has none, or
  // only documents it): at the old sample, the operator's, at the new sample.
  Value base = Value::undefined(), ours = Value::undefined(), theirs = Value::undefined();
};

struct MergeResult {
  std::string text;
  std::vector<MergeConflict> conflicts;
  std::vector<MergeTaken> taken;
  bool semantic = false;  // true when the per-key YAML resolution was used
  bool clean() const { return conflicts.empty(); }
};

struct MergeOptions {
  // Resolve YAML vars files per key (falls back to the line merge when a
  // file is not a map of top-level keys the scanner can classify).
  bool yaml = true;
};

// The line merge alone (git_merge_file, diff3 style). Inputs may have a BOM
// and CRLF endings; the result uses ours'.
Result<MergeResult> merge_lines(std::string_view base, std::string_view ours,
                                std::string_view theirs, const MergeLabels& labels = {});

// The merge upgrade uses for sample-derived files.
Result<MergeResult> merge3(std::string_view base, std::string_view ours, std::string_view theirs,
                           const MergeLabels& labels = {}, const MergeOptions& opt = {});

}  // namespace ksm::merge
