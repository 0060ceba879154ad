// Byte-preserving line model (see text.h).
#include "merge/text.h"

namespace ksm::merge {

Text Text::parse(std::string_view bytes) {
  Text t;
  if (bytes.size() >= 3 && static_cast<unsigned char>(bytes[0]) == 0xEF &&
      static_cast<unsigned char>(bytes[1]) == 0xBB &&
      static_cast<unsigned char>(bytes[2]) == 0xBF) {
    t.bom_ = true;
    bytes.remove_prefix(3);
  }
  size_t crlf = 0, lf = 0;
  size_t pos = 0;
  while (pos < bytes.size()) {
    size_t nl = bytes.find('\n', pos);
    if (nl == std::string_view::npos) {
      t.lines_.push_back({std::string(bytes.substr(pos)), ""});
      break;
    }
    if (nl > pos && bytes[nl - 1] == '\r') {
      t.lines_.push_back({std::string(bytes.substr(pos, nl - 1 - pos)), "\r\n"});
      ++crlf;
    } else {
      t.lines_.push_back({std::string(bytes.substr(pos, nl - pos)), "\n"});
      ++lf;
    }
    pos = nl + 1;
  }
  t.eol_ = crlf > lf ? "\r\n" : "\n";
  return t;
}

std::string Text::render() const {
  std::string out;
  size_t n = bom_ ? 3 : 0;
  for (const auto& l : lines_) n += l.text.size() + l.eol.size();
  out.reserve(n);
  if (bom_) out += "\xEF\xBB\xBF";
  for (const auto& l : lines_) {
    out += l.text;
    out += l.eol;
  }
  return out;
}

void Text::set_final_newline(bool yes) {
  if (lines_.empty()) return;
  lines_.back().eol = yes ? (lines_.back().eol.empty() ? eol_ : lines_.back().eol) : "";
}

void Text::replace(size_t i, std::string text) { lines_.at(i).text = std::move(text); }

void Text::insert(size_t i, std::string text) {
  if (i > lines_.size()) i = lines_.size();
  if (i == lines_.size() && !lines_.empty() && lines_.back().eol.empty()) {
    // Appending after an unterminated last line: it gets an ending, the new
    // line becomes the unterminated one.
    lines_.back().eol = eol_;
    lines_.push_back({std::move(text), ""});
    return;
  }
  lines_.insert(lines_.begin() + static_cast<std::ptrdiff_t>(i), Line{std::move(text), eol_});
}

void Text::insert(size_t i, const std::vector<std::string>& texts) {
  for (size_t k = 0; k < texts.size(); ++k) insert(i + k, texts[k]);
}

void Text::erase(size_t i, size_t n) {
  if (i >= lines_.size()) return;
  n = std::min(n, lines_.size() - i);
  bool last_unterminated = lines_.back().eol.empty();
  lines_.erase(lines_.begin() + static_cast<std::ptrdiff_t>(i),
               lines_.begin() + static_cast<std::ptrdiff_t>(i + n));
  if (last_unterminated && !lines_.empty()) lines_.back().eol = "";
}

std::string Text::join(size_t i, size_t j) const {
  std::string out;
  for (size_t k = i; k <= j && k < lines_.size(); ++k) {
    if (k > i) out += '\n';
    out += lines_[k].text;
  }
  return out;
}

std::string Text::normalized() const {
  std::string out;
  for (const auto& l : lines_) {
    out += l.text;
    if (!l.eol.empty()) out += '\n';
  }
  return out;
}

}  // namespace ksm::merge
