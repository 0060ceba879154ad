// Wrapping report text to a width (issue 17: text output wraps to the
// terminal). One function for every command's text: a long line breaks at
// spaces, its continuation lines indented under the text it belongs to (the
// line's own indentation, after a "label: " such as "why: " or "review: ",
// or after the "kind  file:line  " columns of a report line). A word, path
// or URL longer than the room left stays whole on a line of its own.
//
// Lines meant to be copied as they are (commands, diffs, code) are marked
// with verbatim(): the marker is dropped and the line is never broken.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ksm {

// The first character of a line that wrap_text must not break (removed from
// the output). An ASCII control character no report text contains.
inline constexpr char kVerbatimMark = '\x1f';

// `text` with every one of its lines marked verbatim.
[[nodiscard]] std::string verbatim(std::string_view text);
// `text` without the verbatim marks (for a reader that does not wrap).
[[nodiscard]] std::string strip_verbatim(std::string_view text);

// Columns `s` takes on a terminal: UTF-8 code points, ANSI colour
// sequences ("\033[...m") counting for none.
[[nodiscard]] size_t display_width(std::string_view s);

// The column continuation lines of `line` start at, for `width` columns.
[[nodiscard]] size_t hanging_indent(std::string_view line, size_t width);

// `text` with every line longer than `width` columns broken at spaces;
// verbatim lines unbroken, without their mark. A final "\n" is kept.
[[nodiscard]] std::string wrap_text(std::string_view text, size_t width);

}  // namespace ksm
