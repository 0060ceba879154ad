// Tests of src/report/summary_block: the block every command ends with.
#include <doctest/doctest.h>

#include "core/exit_status.h"
#include "core/json.h"
#include "core/wrap.h"
#include "report/summary_block.h"

using namespace ksm;
using namespace ksm::report;

TEST_CASE("summary block: counts, outputs, next steps in order, the exit status in words") {
  SummaryBlock b;
  b.counts = {{"hops", 3}, {"changes", 12}, {"pins", 2}, {"conflicts", 1}};
  b.outputs = {"the inventory for v2.18.2: out", ""};
  b.next = {"resolve the 1 conflict marker (<<<<<<<) in out",
            "kubespray-migrate upgrade --continue -i out"};
  b.exit_status = kExitBlocking;
  b.exit_why = "conflicts left in the inventory";
  std::string text = render_summary_block(b, false);
  CHECK(strip_verbatim(text) ==
        "\nSummary\n"
        "  3 hops, 12 changes, 2 pins, 1 conflicts\n"
        "  the inventory for v2.18.2: out\n"
        "  next: resolve the 1 conflict marker (<<<<<<<) in out\n"
        "        kubespray-migrate upgrade --continue -i out\n"
        "  exit 3: conflicts left in the inventory\n");
  // The command is marked verbatim: wrapping never breaks it.
  CHECK(text.find(verbatim("        kubespray-migrate upgrade --continue -i out")) !=
        std::string::npos);
  Value v = summary_block_value(b);
  CHECK(to_json(v, {true, 0}) ==
        R"({"counts":{"changes":12,"conflicts":1,"hops":3,"pins":2},)"
        R"("exit":"exit 3: conflicts left in the inventory","exit_status":3,)"
        R"("next":["resolve the 1 conflict marker (<<<<<<<) in out",)"
        R"("kubespray-migrate upgrade --continue -i out"],)"
        R"("outputs":["the inventory for v2.18.2: out"]})");
}

TEST_CASE("summary block: exit 0 says nothing, other statuses have default words") {
  CHECK(exit_words(kExitClean, "") == "");
  CHECK(exit_words(kExitWarnings, "") == "exit 2: notes to review, nothing blocking");
  CHECK(exit_words(kExitBlocking, "").starts_with("exit 3: conflicts or blocking findings"));
  SummaryBlock b;
  b.counts = {{"blocking", 0}};
  std::string text = render_summary_block(b, false);
  CHECK(text.find("exit") == std::string::npos);
  CHECK(render_summary_block(b, true).find("\033[1mSummary\033[0m") != std::string::npos);
}

TEST_CASE("summary block: commands to copy are never wrapped, words are") {
  SummaryBlock b;
  std::string cmd =
      "kubespray-migrate preflight -i inventory/mycluster-v2.27.0 --kubespray ~/kubespray "
      "--from v2.26.1 --to v2.27.0";
  b.next = {
      "fix the 2 blocking findings of preflight above, then check again, and read what each says",
      cmd, "git checkout t_v2.27.0   (in the repository of inventory/mycluster)"};
  CHECK(is_command(cmd));
  CHECK_FALSE(is_command(b.next[0]));
  std::string out = wrap_text(render_summary_block(b, false), 60);
  CHECK(out.find("\n        " + cmd + "\n") != std::string::npos);
  CHECK(
      out.find("\n        git checkout t_v2.27.0   (in the repository of inventory/mycluster)\n") !=
      std::string::npos);
  CHECK(out.find(
            "  next: fix the 2 blocking findings of preflight above, then\n        check again") !=
        std::string::npos);
}
