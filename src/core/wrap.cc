// Wrapping report text to a width (see wrap.h).
#include "core/wrap.h"

#include <algorithm>
#include <vector>

namespace ksm {

namespace {

// A labelled line ("why: ", "review: ", "source: ") hangs its continuation
// under the text after the label when the label is at most this wide.
constexpr size_t kMaxLabel = 12;
// Continuation lines keep at least this many columns for their text.
constexpr size_t kMinText = 20;

struct Word {
  size_t gap;  // spaces before it
  std::string_view text;
};

// `s` without ANSI colour sequences.
std::string visible(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\033' && i + 1 < s.size() && s[i + 1] == '[') {
      i += 2;
      while (i < s.size() && !(s[i] >= 0x40 && s[i] <= 0x7E)) ++i;
      continue;
    }
    out += s[i];
  }
  return out;
}

std::vector<Word> words_of(std::string_view line) {
  std::vector<Word> out;
  size_t i = 0;
  while (i < line.size()) {
    size_t gap = 0;
    while (i < line.size() && line[i] == ' ') ++i, ++gap;
    size_t start = i;
    while (i < line.size() && line[i] != ' ') ++i;
    if (i > start) out.push_back({gap, line.substr(start, i - start)});
  }
  return out;
}

void wrap_line(std::string_view line, size_t width, std::string& out) {
  if (width == 0 || display_width(line) <= width) {
    out += line;
    return;
  }
  const size_t indent = hanging_indent(line, width);
  size_t lead = 0;
  while (lead < line.size() && line[lead] == ' ') ++lead;
  std::string cur;
  size_t cur_w = 0;
  bool has_word = false;
  for (const Word& w : words_of(line)) {
    size_t ww = display_width(w.text);
    if (has_word && cur_w + w.gap + ww > width) {
      // Continuation lines hang under the text; a break before that column
      // (the first words are longer than the columns) indents by the line's
      // own indentation and 4. No break where the word fits on no line.
      size_t at = cur_w >= indent ? indent : std::min(lead + 4, indent);
      if (at + ww > width) at = lead;
      if (at + ww <= width) {
        out += cur + "\n";
        cur.assign(at, ' ');
        cur += w.text;
        cur_w = at + ww;
        continue;
      }
    }
    cur.append(w.gap, ' ');
    cur += w.text;
    cur_w += w.gap + ww;
    has_word = true;
  }
  out += cur;
}

}  // namespace

std::string verbatim(std::string_view text) {
  std::string out;
  bool at_start = true;
  for (char c : text) {
    if (at_start && c != '\n') out += kVerbatimMark;
    at_start = c == '\n';
    out += c;
  }
  return out;
}

std::string strip_verbatim(std::string_view text) {
  std::string out;
  for (char c : text)
    if (c != kVerbatimMark) out += c;
  return out;
}

size_t display_width(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '\033' && i + 1 < s.size() && s[i + 1] == '[') {
      i += 2;
      while (i < s.size() && !(s[i] >= 0x40 && s[i] <= 0x7E)) ++i;
      continue;
    }
    if (c == static_cast<unsigned char>(kVerbatimMark)) continue;
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

size_t hanging_indent(std::string_view line, size_t width) {
  size_t lead = 0;
  while (lead < line.size() && line[lead] == ' ') ++lead;
  std::vector<Word> words = words_of(line);
  size_t indent = lead;
  // A first word ending in ':' is a label, a one-character first word a
  // bullet ("-", "!", "x", "?"): hang under the text after it.
  if (words.size() > 1) {
    size_t lw = display_width(words[0].text);
    if ((lw <= kMaxLabel && visible(words[0].text).ends_with(':')) || lw == 1)
      indent = lead + lw + words[1].gap;
  }
  // Columns ("kind  file:line  text"): hang under the text after the last
  // run of two or more spaces in the first half of the line.
  size_t col = lead;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) col += words[i].gap;
    if (i > 0 && words[i].gap >= 2 && col <= width / 2 && col > indent) indent = col;
    col += display_width(words[i].text);
  }
  if (indent + kMinText > width) indent = lead + kMinText <= width ? lead : 0;
  return indent;
}

std::string wrap_text(std::string_view text, size_t width) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line =
        text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    if (line.find(kVerbatimMark) != std::string_view::npos)
      out += strip_verbatim(line);
    else
      wrap_line(line, width, out);
    if (nl == std::string_view::npos) break;
    out += '\n';
    pos = nl + 1;
  }
  return out;
}

}  // namespace ksm
