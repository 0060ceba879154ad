// In-place edits of an operator's YAML vars file (group_vars style: a map of
// top-level keys). The file is never re-emitted through a YAML emitter: a
// line scanner finds each top-level entry (key line through the last line of
// its value, understanding block scalars, `!vault |` blocks, flow
// collections and quoted scalars over several lines, compact sequences and
// interleaved comments) and each commented sample line that documents a key
// (`# key: value`, `#key:`), and an edit changes only the lines it must.
// Comments, order, quoting, BOM and line endings of the rest survive
// byte-exact. Every edit returns a record (line, old text, new text) for the
// upgrade report.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/value.h"
#include "merge/text.h"

namespace ksm::merge {

// ---- Scanner -------------------------------------------------------------

// One top-level entry: a live `key: value` or a commented documenting line
// (`# key: value` plus its commented continuation lines).
struct YamlEntry {
  std::string key;
  bool commented = false;
  size_t first = 0;  // 0-based line of the key line
  size_t last = 0;   // 0-based last line of the value (inclusive)
  // Live entries: the value's columns on the key line ([value_col, value_end),
  // empty when the value starts on the next line) and the key line's trailing
  // comment column (npos when none).
  size_t key_col = 0, key_end = 0;  // the key token (quotes included)
  size_t value_col = 0, value_end = 0;
  size_t comment_col = std::string::npos;
  bool block_scalar = false;  // `|`, `>`, `!vault |` ...
};

struct YamlScan {
  std::vector<YamlEntry> entries;  // in file order
  // Lines at column 0 that are neither keys, comments, blanks nor document
  // markers (a top-level list, a `? complex` key): the file is not a plain
  // map of top-level keys and should not be edited or merged per key.
  std::vector<size_t> unclassified;
  bool ok() const { return unclassified.empty(); }
};

YamlScan scan_yaml(const std::vector<std::string>& lines);
YamlScan scan_yaml(const Text& text);

// "# key: value" / "#key:" -> key (lower-case snake_case names only, so prose
// such as "# Note: ..." is not taken for a key); nullopt otherwise.
std::optional<std::string> commented_key(std::string_view line);
// Removes the comment marker of a documenting line: "# key: v" -> "key: v",
// "#   - x" -> "  - x".
std::string uncomment_line(std::string_view line);

// ---- Rendering values ------------------------------------------------------

// A scalar as plain YAML text, quoted when YAML 1.1 (Ansible) or 1.2 would
// read it as something else ('yes', '0755', 'on', '1.10', ''); nullopt for
// values that need block style (non-empty lists and maps, multi-line strings,
// vault blocks). Undefined and unknown values are not renderable.
std::optional<std::string> render_inline(const Value& v);
// `head` (e.g. "key:" or "  name:") followed by the value: one line for an
// inline value, else the head and block lines whose children are indented
// by `indent` spaces.
Result<std::vector<std::string>> render_entry(const std::string& head, const Value& v,
                                              int indent);
// A key as YAML text (quoted when needed).
std::string render_key(std::string_view key);

// ---- Editing ---------------------------------------------------------------

struct EditRecord {
  std::string what;      // "set", "uncomment", "insert", "rename", "comment-out", ...
  std::string key;       // dotted path for nested edits
  int line = 0;          // 1-based first line of the edit in the edited file
  std::string old_text;  // lines as they were ("\n"-joined, no endings)
  std::string new_text;  // lines as they are now
};

struct InsertOptions {
  std::string after;        // anchor key: insert after its entry (live or commented)
  bool uncomment = true;    // replace the key's documenting `# key:` line when there is one
  std::string comment;      // optional reason, written as a `# comment` line above the key
};

struct RemoveOptions {
  bool comment_out = true;  // comment the entry out (default) instead of deleting it
  std::string note;         // optional `# note` line written above the commented entry
};

class YamlDoc {
 public:
  static YamlDoc parse(std::string_view bytes);
  explicit YamlDoc(Text text);

  std::string render() const { return text_.render(); }
  const Text& text() const { return text_; }
  // Re-scans after edits; entries() reflects the current text.
  const YamlScan& scan() const { return scan_; }

  // The live entry of `key` (the last one when a key repeats, as the loader keeps it).
  std::optional<YamlEntry> find(std::string_view key) const;
  // The first commented line documenting `key`.
  std::optional<YamlEntry> find_commented(std::string_view key) const;
  // The value text of a live entry as written (key line part and following lines).
  std::string value_text(const YamlEntry& e) const;

  // Replaces the value of a live key, keeping the key's position, spelling
  // and trailing comment. An error when the key is not set.
  Result<EditRecord> set(std::string_view key, const Value& v);
  // Same with a YAML text written by the caller (one line, or block lines
  // indented for a top-level key).
  Result<EditRecord> set_text(std::string_view key, const std::string& yaml_value);
  // Adds a key that is not set: uncommenting its documenting line when
  // asked and present, else after `after`, else at the end of the file.
  Result<EditRecord> insert(std::string_view key, const Value& v, const InsertOptions& opt = {});
  // set() when the key is set, insert() otherwise.
  Result<EditRecord> upsert(std::string_view key, const Value& v, const InsertOptions& opt = {});
  // Renames a live key in place (value, comments untouched). An error when
  // `to` is already set.
  Result<EditRecord> rename(std::string_view from, std::string_view to);
  // Comments a live key out (with an optional note above) or deletes it.
  Result<EditRecord> remove(std::string_view key, const RemoveOptions& opt = {});
  // Adds a `# comment` line above a key's entry (or at the end when empty).
  Result<EditRecord> add_comment(std::string_view before_key, std::string_view comment);

  // Simple block maps: path {"metallb_config", "layer2"}; every path element
  // but the last must be a block map. set_nested adds a missing last key at
  // the end of its parent map.
  Result<EditRecord> set_nested(const std::vector<std::string>& path, const Value& v);
  Result<EditRecord> rename_nested(const std::vector<std::string>& path, std::string_view to);

 private:
  void rescan();
  Result<EditRecord> replace_lines(size_t first, size_t last, std::vector<std::string> repl,
                                   std::string what, std::string key);
  Text text_;
  YamlScan scan_;
};

}  // namespace ksm::merge
