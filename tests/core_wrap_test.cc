// Tests of src/core/wrap.h: report text wrapped to a width, continuation
// lines hanging under their text, long tokens whole, verbatim lines
// (commands, diffs) never broken.
#include <doctest/doctest.h>

#include <string>

#include "core/text.h"
#include "core/wrap.h"

using namespace ksm;

namespace {

size_t longest(const std::string& text) {
  size_t n = 0;
  for (const auto& l : split_lines(text)) n = std::max(n, display_width(l));
  return n;
}

}  // namespace

TEST_CASE("wrap: a short line is left alone, a final newline kept") {
  CHECK(wrap_text("short line\n", 80) == "short line\n");
  CHECK(wrap_text("a\n\nb", 80) == "a\n\nb");
  CHECK(wrap_text("", 80) == "");
  CHECK(wrap_text("one two three four", 0) == "one two three four");  // 0: no wrapping
}

TEST_CASE("wrap: breaks at spaces, keeping the line's indentation") {
  std::string out = wrap_text("    alpha beta gamma delta epsilon zeta eta theta iota kappa", 30);
  CHECK(out ==
        "    alpha beta gamma delta\n"
        "    epsilon zeta eta theta\n"
        "    iota kappa");
  CHECK(longest(out) <= 30);
}

TEST_CASE("wrap: a label hangs its continuation under the text after it") {
  std::string out =
      wrap_text("                   why: one two three four five six seven eight nine ten", 50);
  CHECK(out ==
        "                   why: one two three four five\n"
        "                        six seven eight nine ten");
  CHECK(wrap_text("  review: aaaa bbbb cccc dddd eeee ffff gggg hhhh", 30) ==
        "  review: aaaa bbbb cccc dddd\n"
        "          eeee ffff gggg hhhh");
}

TEST_CASE("wrap: a report line hangs under the text after its kind and file:line columns") {
  std::string line =
      "  rename-group     hosts.yaml:43  kube-master -> kube_control_plane and then more words to "
      "wrap";
  CHECK(hanging_indent(line, 80) == 34);
  std::string out = wrap_text(line, 80);
  CHECK(out ==
        "  rename-group     hosts.yaml:43  kube-master -> kube_control_plane and then\n"
        "                                  more words to wrap");
}

TEST_CASE("wrap: a token longer than the room left stays whole") {
  std::string url =
      "https://github.com/kubernetes-sigs/kubespray/blob/v2.22.0/roles/kubernetes-apps/x.yml";
  std::string out = wrap_text("  see: " + url + " for more", 40);
  // Never broken before the text the continuation lines hang under.
  CHECK(out == "  see: " + url + "\n       for more");
  CHECK(out.find(url) != std::string::npos);
  // Alone on its line it is not broken either.
  CHECK(wrap_text(url, 20) == url);
}

TEST_CASE("wrap: verbatim lines are never broken and lose their mark") {
  std::string cmd =
      "        kubespray-migrate preflight -i inventory/mycluster-v2.27.0 --kubespray ~/kubespray "
      "--from v2.26.1";
  std::string text = "  next: fix the findings above, then check again:\n" + verbatim(cmd) + "\n";
  std::string out = wrap_text(text, 60);
  CHECK(out == "  next: fix the findings above, then check again:\n" + cmd + "\n");
  CHECK(out.find(kVerbatimMark) == std::string::npos);
  CHECK(verbatim("a\nb\n") ==
        "\x1f"
        "a\n\x1f"
        "b\n");
  CHECK(strip_verbatim(verbatim("a\nb\n")) == "a\nb\n");
  // A diff passed as a whole block stays as it is.
  std::string diff =
      "--- a/group_vars/all/all.yml\n+++ b/group_vars/all/all.yml\n"
      "@@ -1,3 +1,3 @@\n-" +
      std::string(100, 'x') + "\n";
  CHECK(wrap_text(verbatim(diff), 40) == diff);
}

TEST_CASE("wrap: colour sequences and UTF-8 take no extra columns") {
  CHECK(display_width("\033[36mpin\033[0m") == 3);
  CHECK(display_width("kube-master \xe2\x86\x92 kube_control_plane") == 32);
  std::string painted = "  \033[33mreview:\033[0m aaaa bbbb cccc dddd eeee ffff gggg hhhh";
  std::string out = wrap_text(painted, 30);
  CHECK(longest(out) <= 30);
  CHECK(out.find("\n          eeee") != std::string::npos);
}

TEST_CASE("wrap: an indentation too deep for the width falls back to the line's own") {
  std::string line =
      std::string(6, ' ') + "x:" + std::string(50, ' ') + "a b c d e f g h i j k l m n o p";
  size_t ind = hanging_indent(line, 40);
  CHECK(ind + 20 <= 40);
}

TEST_CASE("wrap: first words longer than their column break under the line's indentation and 4") {
  std::string line =
      "  disable_swap -> kubelet_fail_swap_on  roles/kubespray-defaults/defaults/main.yaml:15";
  CHECK(wrap_text(line, 80) ==
        "  disable_swap -> kubelet_fail_swap_on\n"
        "      roles/kubespray-defaults/defaults/main.yaml:15");
}

TEST_CASE("wrap: a bullet hangs its continuation under the text after it") {
  CHECK(wrap_text("   - removed (3): aaaa bbbb cccc dddd eeee ffff", 30) ==
        "   - removed (3): aaaa bbbb\n"
        "     cccc dddd eeee ffff");
  CHECK(wrap_text("  x Check something long enough to wrap here", 30) ==
        "  x Check something long\n"
        "    enough to wrap here");
}
