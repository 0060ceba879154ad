// Tests of src/cli/complete: the candidates the shell scripts show come from
// the definitions (every subcommand, every option of the command typed, an
// option's choices), release tags from versions/ or from the clone the
// command would read (--kubespray, KUBESPRAY_DIR where the command reads it,
// not with --offline), and file names for the other values.
#include <doctest/doctest.h>

#include <set>

#include "cli/app.h"
#include "cli/complete.h"
#include "core/paths.h"
#include "schema/facts.h"
#include "test_support.h"

using namespace ksm;
using namespace ksm::cli;

namespace {

std::vector<std::string> words_of(const Completion& c) {
  std::vector<std::string> out;
  for (const auto& [w, d] : c.candidates) out.push_back(w);
  return out;
}

// A tag lister that records which clone it was asked about.
struct FakeTags {
  std::vector<std::string> asked;
  TagLister lister() {
    return [this](const std::string& clone) {
      asked.push_back(clone);
      return std::vector<std::string>{"v2.18.0", "v2.18.1", "v2.30.0", "v2.31.0"};
    };
  }
};

struct Fixture {
  Action action;
  std::unique_ptr<CLI::App> app = make_app(action);
  test::ScopedEnv no_clone{"KUBESPRAY_DIR", ""};
};

}  // namespace

TEST_CASE("complete: the subcommands, from the definitions") {
  Fixture f;
  std::set<std::string> expected;
  for (const CLI::App* s : f.app->get_subcommands([](const CLI::App*) { return true; }))
    expected.insert(s->get_name());
  auto all = words_of(complete(*f.app, {""}));
  CHECK(std::set<std::string>(all.begin(), all.end()) == expected);
  CHECK(expected.count("upgrade"));
  CHECK(expected.size() >= 10);
  CHECK(words_of(complete(*f.app, {"up"})) == std::vector<std::string>{"upgrade"});
  // zsh shows each with its description.
  auto up = complete(*f.app, {"up"});
  CHECK(up.candidates[0].second.rfind("Produce the inventory", 0) == 0);
  CHECK(words_of(complete(*f.app, {"--v"})) == std::vector<std::string>{"--version"});
}

TEST_CASE("complete: the options of the command typed, an option given once not offered again") {
  Fixture f;
  auto opts = words_of(complete(*f.app, {"upgrade", "--"}));
  std::set<std::string> got(opts.begin(), opts.end());
  for (const CLI::Option* o : f.app->get_subcommand("upgrade")->get_options())
    for (const auto& l : o->get_lnames()) CHECK_MESSAGE(got.count("--" + l), l);
  CHECK(got.count("--hosts-format"));
  CHECK_FALSE(got.count("--list-assertions"));  // preflight's
  auto after = words_of(complete(*f.app, {"upgrade", "-i", "inv", "--to", "v2.18.0", "--"}));
  std::set<std::string> rest(after.begin(), after.end());
  CHECK_FALSE(rest.count("--inventory"));
  CHECK_FALSE(rest.count("--to"));
  CHECK(rest.count("--schemas"));
  // repeatable: offered again
  auto twice = words_of(complete(*f.app, {"plan", "--schemas", "a", "--sch"}));
  CHECK(twice == std::vector<std::string>{"--schemas"});
  // After the command, an empty word with no argument to fill: its options.
  CHECK(words_of(complete(*f.app, {"status", ""})).size() >= 4);
}

TEST_CASE("complete: values: choices, tags, file names") {
  Fixture f;
  CHECK(words_of(complete(*f.app, {"upgrade", "--hosts-format", ""})) ==
        std::vector<std::string>{"keep", "ini", "yaml"});
  // upgrade's review formats, from its definition.
  CHECK(words_of(complete(*f.app, {"upgrade", "--format", ""})) ==
        std::vector<std::string>{"text", "json", "markdown", "sarif", "junit"});
  // convert --to is a format (its choices), not a tag.
  CHECK(words_of(complete(*f.app, {"convert", "--to", ""})) ==
        std::vector<std::string>{"ini", "yaml"});
  for (const char* opt : {"-i", "--inventory", "-o", "--kubespray", "--schemas"}) {
    auto c = complete(*f.app, {"upgrade", opt, ""});
    CHECK_MESSAGE(c.files, opt);
    CHECK(c.candidates.empty());
  }
  CHECK(completion_text(complete(*f.app, {"upgrade", "-i", "inv"})) == ":files\n");

  FakeTags t;
  CHECK(words_of(complete(*f.app, {"upgrade", "--to", "v2.3"}, t.lister())) ==
        std::vector<std::string>{"v2.30.0", "v2.31.0"});
  CHECK(words_of(complete(*f.app, {"plan", "--from", "v2.18"}, t.lister())) ==
        std::vector<std::string>{"v2.18.0", "v2.18.1"});
  CHECK(words_of(complete(*f.app, {"vars", "--tag", "v2.31"}, t.lister())) ==
        std::vector<std::string>{"v2.31.0"});
  CHECK(words_of(complete(*f.app, {"upgrade", "--to=v2.31"}, t.lister())) ==
        std::vector<std::string>{"--to=v2.31.0"});
  // explain's FROM and TO arguments.
  CHECK(words_of(complete(*f.app, {"explain", "v2.18.1", "v2.3"}, t.lister())) ==
        std::vector<std::string>{"v2.30.0", "v2.31.0"});
  // catalog --tags is a comma-separated list: its last item.
  CHECK(words_of(complete(*f.app, {"catalog", "--tags", "v2.18.0,v2.3"}, t.lister())) ==
        std::vector<std::string>{"v2.18.0,v2.30.0", "v2.18.0,v2.31.0"});
  CHECK(std::set<std::string>(t.asked.begin(), t.asked.end()) == std::set<std::string>{""});
}

TEST_CASE("complete: tags from the clone the command would read") {
  Fixture f;
  FakeTags t;
  complete(*f.app, {"upgrade", "--kubespray", "/src/ks", "--to", ""}, t.lister());
  complete(*f.app, {"plan", "--kubespray=/src/ks2", "--to", ""}, t.lister());
  CHECK(t.asked == std::vector<std::string>{"/src/ks", "/src/ks2"});
  t.asked.clear();
  test::ScopedEnv env("KUBESPRAY_DIR", "/env/ks");
  complete(*f.app, {"upgrade", "--to", ""}, t.lister());     // reads KUBESPRAY_DIR
  complete(*f.app, {"plan", "--to", ""}, t.lister());        // reads versions/
  complete(*f.app, {"upgrade", "--offline", "--to", ""}, t.lister());
  REQUIRE(t.asked.size() == 3);
  CHECK(t.asked[0] == "/env/ks");
  CHECK(t.asked[1] == "");
  CHECK(t.asked[2] == "");
}

TEST_CASE("complete: the real tag lists (versions/, and a clone when there is one)") {
  Fixture f;
  auto facts = schema::ReleaseFacts::from_versions(versions_dir());
  REQUIRE(facts);
  auto tags = words_of(complete(*f.app, {"upgrade", "--to", ""}));
  REQUIRE(tags.size() == facts->tags().size());
  CHECK(tags.back() == facts->tags().back().name);
  CHECK(std::find(tags.begin(), tags.end(), "v2.18.0") != tags.end());
  CHECK(known_tags("/nonexistent/kubespray").empty());
  auto clone = test::kubespray_clone();
  if (clone.empty()) return;
  auto from_clone =
      words_of(complete(*f.app, {"upgrade", "--kubespray", clone.string(), "--to", "v2.18"}));
  CHECK(std::find(from_clone.begin(), from_clone.end(), "v2.18.0") != from_clone.end());
}
