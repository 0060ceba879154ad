// Tests of src/merge/text: a file's bytes survive the line model (BOM, LF,
// CRLF, mixed endings, no final newline), and edits use the file's ending.
#include <doctest/doctest.h>

#include "merge/text.h"

using ksm::merge::Text;

TEST_CASE("merge text: round trip is byte-exact") {
  const char* cases[] = {
      "",
      "a",
      "a\n",
      "a\r\nb\r\n",
      "a\r\nb",
      "\xEF\xBB\xBFk: v\r\n# c\r\n",  // a BOM, then text
      "a\nb\r\nc",
      "\n\n\n",
      "x\r\r\n",  // a stray CR stays in the text
  };
  for (const char* c : cases) {
    Text t = Text::parse(c);
    CHECK(t.render() == std::string(c));
  }
}

TEST_CASE("merge text: BOM, dominant ending, final newline") {
  Text t = Text::parse("\xEF\xBB\xBF" "a\r\nb\r\nc\n");
  CHECK(t.bom());
  CHECK(t.eol() == "\r\n");
  CHECK(t.size() == 3);
  CHECK(t[0] == "a");
  CHECK(t.final_newline());
  CHECK(t.normalized() == "a\nb\nc\n");
  Text u = Text::parse("a\nb");
  CHECK(!u.final_newline());
  CHECK(u.eol() == "\n");
}

TEST_CASE("merge text: inserted lines take the file's ending") {
  Text t = Text::parse("a\r\nb\r\n");
  t.insert(1, "x");
  CHECK(t.render() == "a\r\nx\r\nb\r\n");
  t.insert(t.size(), "z");
  CHECK(t.render() == "a\r\nx\r\nb\r\nz\r\n");
  t.replace(0, "A");
  CHECK(t.render() == "A\r\nx\r\nb\r\nz\r\n");
  t.erase(1, 2);
  CHECK(t.render() == "A\r\nz\r\n");
}

TEST_CASE("merge text: appending to a file without a final newline keeps it without one") {
  Text t = Text::parse("a\nb");
  t.insert(2, "c");
  CHECK(t.render() == "a\nb\nc");
  t.erase(2);
  CHECK(t.render() == "a\nb");
  t.set_final_newline(true);
  CHECK(t.render() == "a\nb\n");
}
