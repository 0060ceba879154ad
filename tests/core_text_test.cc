// Tests of src/core/text.h: the one split on a character and the one
// split into "\n" lines that every line-oriented reader uses (the Kubespray
// tree, the merge, version parsing, group paths).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/text.h"

using namespace ksm;

TEST_CASE("text: split keeps empty pieces, n separators give n + 1") {
  using V = std::vector<std::string_view>;
  CHECK(split("a/b//c", '/') == V{"a", "b", "", "c"});
  CHECK(split("v2.18.0", '.') == V{"v2", "18", "0"});
  CHECK(split("", '/') == V{""});
  CHECK(split("/", '/') == V{"", ""});
  CHECK(split("all/children/kube-master", '/').back() == "kube-master");
}

TEST_CASE("text: split_lines on \\n, CR kept, no empty piece after the last \\n") {
  using V = std::vector<std::string>;
  CHECK(split_lines("a\nb\n") == V{"a", "b"});
  CHECK(split_lines("a\nb") == V{"a", "b"});
  CHECK(split_lines("a\n\nb\n\n") == V{"a", "", "b", ""});
  CHECK(split_lines("a\r\nb") == V{"a\r", "b"});  // a CRLF reader drops the "\r" itself
  CHECK(split_lines("x\ry") == V{"x\ry"});        // a lone "\r" is no line break here
  CHECK(split_lines("").empty());
  CHECK(split_lines("\n") == V{""});
}

TEST_CASE("text: trim and join") {
  CHECK(trim(" \t a b \r\n") == "a b");
  CHECK(trim(" \n ").empty());
  CHECK(join({"a", "b", "c"}, ", ") == "a, b, c");
  CHECK(join({}, ", ").empty());
}
