// Tests of src/cli/manpage and src/cli/app: the man pages say what --help
// says (every option, its description, the examples, the environment), pick
// up an option added to a command with no other change, and --version names
// the newest tag of the data folder.
#include <doctest/doctest.h>

#include <regex>
#include <set>

#include "cli/app.h"
#include "cli/manpage.h"
#include "core/paths.h"
#include "schema/facts.h"

using namespace ksm;
using namespace ksm::cli;

namespace {

std::vector<const CLI::App*> subcommands(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); });
}

// The option names an --help text lists: "  -i,--inventory TEXT REQUIRED".
std::set<std::string> help_option_names(const std::string& help) {
  std::set<std::string> out;
  static const std::regex line(R"(^  (-[^ ]+))");
  static const std::regex name(R"(--?[A-Za-z0-9][A-Za-z0-9-]*)");
  std::istringstream in(help);
  for (std::string l; std::getline(in, l);) {
    std::smatch m;
    if (!std::regex_search(l, m, line)) continue;
    std::string names = m[1];
    for (auto it = std::sregex_iterator(names.begin(), names.end(), name);
         it != std::sregex_iterator(); ++it)
      out.insert(it->str());
  }
  return out;
}

const ManPage* find_page(const std::vector<ManPage>& pages, const std::string& name) {
  for (const auto& p : pages)
    if (p.name == name) return &p;
  return nullptr;
}

}  // namespace

TEST_CASE(
    "manpage: every option of every subcommand's --help is in its page, with its description") {
  Action action;
  auto app = make_app(action);
  auto pages = man_pages(*app, "9.9.9");
  REQUIRE(pages.size() == subcommands(*app).size() + 1);
  CHECK(pages.front().name == "kubespray-migrate");
  std::size_t checked = 0;
  for (const CLI::App* sub : subcommands(*app)) {
    const ManPage* page = find_page(pages, "kubespray-migrate-" + sub->get_name());
    REQUIRE_MESSAGE(page, sub->get_name());
    auto names = help_option_names(sub->help());
    CHECK_MESSAGE(names.count("--help"), sub->get_name());
    for (const auto& n : names) {
      CHECK_MESSAGE(page->roff.find(roff_escape(n)) != std::string::npos, page->name, " ", n);
      ++checked;
    }
    for (const CLI::Option* o : sub->get_options()) {
      // The description's first line, as the page escapes it.
      std::string d = o->get_description().substr(0, o->get_description().find('\n'));
      CHECK_MESSAGE(page->roff.find(roff_escape(d)) != std::string::npos, page->name, " ", d);
    }
    std::string title = sub->get_name();
    for (auto& c : title) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    CHECK(page->roff.find("\n.TH KUBESPRAY\\-MIGRATE\\-" + roff_escape(title) + " 1 ") !=
          std::string::npos);
    CHECK(page->roff.find(".SH ENVIRONMENT") != std::string::npos);
    CHECK(page->roff.find("\\fBkubespray\\-migrate\\fR(1)") != std::string::npos);
  }
  // upgrade's own options, named: the page is not merely non-empty.
  const ManPage* up = find_page(pages, "kubespray-migrate-upgrade");
  REQUIRE(up);
  for (const char* n : {"\\-\\-inventory", "\\-\\-to", "\\-\\-offline", "\\-\\-continue",
                        "\\-\\-hosts\\-format", "\\-\\-backup\\-suffix"})
    CHECK_MESSAGE(up->roff.find(n) != std::string::npos, n);
  CHECK(up->roff.find("One of: keep, ini, yaml.") != std::string::npos);
  CHECK(up->roff.find("Default: .orig.") != std::string::npos);
  CHECK(up->roff.find("kubespray\\-migrate\\-upgrade \\- Produce the inventory for a target "
                      "Kubespray tag, one minor at a time\n") != std::string::npos);
  CHECK(checked > 60);
}

TEST_CASE("manpage: the footer's examples and environment become sections") {
  Action action;
  auto app = make_app(action);
  auto pages = man_pages(*app, "9.9.9");
  const ManPage* plan = find_page(pages, "kubespray-migrate-plan");
  REQUIRE(plan);
  CHECK(plan->roff.find(".SH EXAMPLES\n.RS 4\n.nf\nkubespray\\-migrate plan \\-\\-from v2.15.1 "
                        "\\-\\-to v2.27.0\n") != std::string::npos);
  // plan reads versions/, not KUBESPRAY_DIR; upgrade reads it, and says so.
  CHECK(plan->roff.find("KUBESPRAY_DIR") == std::string::npos);
  CHECK(plan->roff.find(".TP\n\\fBKSM_DATA_DIR\\fR\n") != std::string::npos);
  CHECK(plan->roff.find(".TP\n\\fBNO_COLOR\\fR\n") != std::string::npos);
  const ManPage* up = find_page(pages, "kubespray-migrate-upgrade");
  REQUIRE(up);
  CHECK(up->roff.find(".TP\n\\fBKUBESPRAY_DIR\\fR\n") != std::string::npos);
  // The root page lists every command and points at its page.
  const ManPage& root = pages.front();
  for (const CLI::App* sub : subcommands(*app))
    CHECK(root.roff.find(".TP\n\\fB" + roff_escape(sub->get_name()) + "\\fR\n") !=
          std::string::npos);
  CHECK(root.roff.find("\\fBkubespray\\-migrate\\-upgrade\\fR(1).") != std::string::npos);
  CHECK(root.roff.find(".SH NAME\nkubespray\\-migrate \\- carry a Kubespray inventory from one "
                       "release tag to the next") != std::string::npos);
}

TEST_CASE("manpage: an option added to a command is in its page with no other change") {
  Action action;
  auto app = make_app(action);
  std::string value;
  CLI::App* up = app->get_subcommand("upgrade");
  up->add_option("--brand-new", value, "a setting nobody wrote a page for")
      ->check(CLI::IsMember({"one", "two"}));
  auto page = man_page(*app, *up, "9.9.9");
  CHECK(page.roff.find("\\fB\\-\\-brand\\-new\\fR \\fITEXT\\fR\na setting nobody wrote a page "
                       "for\n.br\nOne of: one, two.\n") != std::string::npos);
}

TEST_CASE("manpage: roff escaping") {
  CHECK(roff_escape("--to v2.18.0") == "\\-\\-to v2.18.0");
  CHECK(roff_escape(".orig") == "\\&.orig");
  CHECK(roff_escape("a\\b 'c' `d` ~/e") == "a\\eb \\(aqc\\(aq \\(gad\\(ga \\(ti/e");
}

TEST_CASE("app: --help of every command documents the environment") {
  Action action;
  auto app = make_app(action);
  std::string root = app->help();
  for (const char* v : {"KUBESPRAY_DIR", "KSM_DATA_DIR", "NO_COLOR"})
    CHECK_MESSAGE(root.find(v) != std::string::npos, v);
  // The commands that read KUBESPRAY_DIR are named from their own options.
  CHECK(root.find("(preflight, catalog, upgrade, vars)") != std::string::npos);
  for (const CLI::App* sub : subcommands(*app)) {
    std::string h = sub->help();
    CHECK_MESSAGE(h.find("KSM_DATA_DIR") != std::string::npos, sub->get_name());
    CHECK_MESSAGE(h.find("NO_COLOR") != std::string::npos, sub->get_name());
    CHECK_MESSAGE((h.find("  KUBESPRAY_DIR") != std::string::npos) == reads_kubespray_dir(*sub),
                  sub->get_name());
  }
  CHECK(reads_kubespray_dir(*app->get_subcommand("upgrade")));
  CHECK_FALSE(reads_kubespray_dir(*app->get_subcommand("plan")));
}

TEST_CASE("app: --version names the newest tag of the data folder") {
  auto facts = schema::ReleaseFacts::from_versions(versions_dir());
  REQUIRE(facts);
  REQUIRE(!facts->tags().empty());
  CHECK(version_text() == std::string("kubespray-migrate ") + KSM_VERSION +
                              " (Kubespray data up to " + facts->tags().back().name + ")");
  CHECK(facts->tags().back().name == "v2.31.0");
}
