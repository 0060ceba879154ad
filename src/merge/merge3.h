// Three-way merge of an operator's inventory file with Kubespray's sample:
// base = inventory/sample at the old tag, ours = the operator's file,
// theirs = the sample at the new tag. The line merge is libgit2's
// git_merge_file (diff3 markers that git and editors recognise). For YAML
// vars files a per-key resolution runs first: each file is split into
// blocks (a run of comment lines and the entry of one key, live or a
// commented `# key:` line documenting it), blocks are aligned by key and
// decided one by one, so
//   - a default the operator uncommented or changed wins over a reworded
//     comment or a changed documented default in the sample;
//   - a sample change to a block the operator did not touch is taken;
//   - whitespace- and comment-only differences never conflict;
//   - only both sides setting the same key to different values is a
//     conflict, left with diff3 markers and counted with its line.
// The operator's own keys, comments, order, BOM and line endings are kept.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

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

// A decision the merge took that the operator may want to read about.
struct MergeTaken {
  int line = 0;      // 1-based line in the result (0: nothing written)
  std::string key;   // "" for comment runs without a key
  std::string from;  // "theirs" (sample change applied), "ours" (operator's kept), "merged"
  std::string note;
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
