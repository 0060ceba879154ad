// A file as lines, keeping every byte needed to write it back unchanged: the
// UTF-8 BOM, each line's own ending (LF, CRLF or none on a last line without
// a final newline). The in-place editors (yaml_edit, ini_edit) and the merge
// work on lines; new lines take the file's dominant ending, so an operator's
// CRLF file stays CRLF after an edit.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ksm::merge {

struct Line {
  std::string text;  // without its ending
  std::string eol;   // "\n", "\r\n", or "" (last line without a final newline)
};

class Text {
 public:
  Text() = default;
  // Splits bytes into lines. render() of the result returns the same bytes.
  static Text parse(std::string_view bytes);

  std::string render() const;

  bool bom() const { return bom_; }
  void set_bom(bool b) { bom_ = b; }
  // The ending most lines use ("\r\n" when CRLF lines outnumber LF ones).
  const std::string& eol() const { return eol_; }
  void set_eol(std::string eol) { eol_ = std::move(eol); }
  bool final_newline() const { return lines_.empty() || !lines_.back().eol.empty(); }
  void set_final_newline(bool yes);

  size_t size() const { return lines_.size(); }
  bool empty() const { return lines_.empty(); }
  const std::string& operator[](size_t i) const { return lines_[i].text; }
  const Line& line(size_t i) const { return lines_[i]; }
  const std::vector<Line>& lines() const { return lines_; }

  // Replaces a line's text, keeping its ending.
  void replace(size_t i, std::string text);
  // Inserts before line i (i == size() appends) with the dominant ending; a
  // line appended after a last line without a final newline keeps the file
  // without one.
  void insert(size_t i, std::string text);
  void insert(size_t i, const std::vector<std::string>& texts);
  void erase(size_t i, size_t n = 1);

  // The lines i..j (inclusive) joined with "\n" (no trailing newline).
  std::string join(size_t i, size_t j) const;
  // The content without BOM, every ending as "\n" (what merges and parsers see).
  std::string normalized() const;

 private:
  bool bom_ = false;
  std::string eol_ = "\n";
  std::vector<Line> lines_;
};

}  // namespace ksm::merge
