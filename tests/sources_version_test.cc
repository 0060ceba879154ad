// Tests of src/sources/version: parsing, version order (not string or date
// order), v-prefix normalisation.
#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "sources/version.h"

using namespace ksm;

TEST_CASE("version: parses vX.Y.Z and X.Y.Z, refuses the rest") {
  auto v = Version::parse("v2.18.0");
  REQUIRE(v);
  CHECK(v->major == 2);
  CHECK(v->minor == 18);
  CHECK(v->patch == 0);
  CHECK(v->str() == "v2.18.0");
  CHECK(v->str(false) == "2.18.0");
  CHECK(v->minor_str() == "v2.18");
  auto k = Version::parse("1.32.5");
  REQUIRE(k);
  CHECK(k->str() == "v1.32.5");
  for (const char* bad : {"", "v", "v2.18", "2.18.0.1", "release-2.18", "v2.18.x", "v02.1.0",
                          "v2..0", "V2.18.0", "v2.18.0-", "2.18.0 "})
    CHECK_MESSAGE(!Version::parse(bad), bad);
  auto rc = Version::parse("v1.23.0-rc.1");
  REQUIRE(rc);
  CHECK(rc->pre == "rc.1");
  CHECK(!Version::parse_release("v1.23.0-rc.1"));
  CHECK(Version::parse_release("v1.23.0"));
}

TEST_CASE("version: order is numeric, pre-releases before their release") {
  auto P = [](const char* s) { return *Version::parse(s); };
  CHECK(P("v2.9.0") < P("v2.10.0"));
  CHECK(P("v2.12.10") > P("v2.12.9"));
  CHECK(P("v1.23.0-rc.1") < P("v1.23.0"));
  CHECK(P("v1.23.0-rc.2") < P("v1.23.0-rc.10"));
  CHECK(P("v1.23.0-alpha.1") < P("v1.23.0-beta.0"));
  CHECK(P("1.22.5") == P("v1.22.5"));
  CHECK(P("v2.24.2") < P("v2.25.0"));
  CHECK(P("v2.24.2").same_minor(P("v2.24.0")));
  CHECK(!P("v2.24.2").same_minor(P("v2.25.2")));

  std::vector<std::string> s = {"v2.12.10", "v2.9.1", "junk", "v2.12.9", "1.2.3", "v2.12.9-rc.1"};
  std::sort(s.begin(), s.end(),
            [](const std::string& a, const std::string& b) { return version_less(a, b); });
  CHECK(s ==
        std::vector<std::string>{"1.2.3", "v2.9.1", "v2.12.9-rc.1", "v2.12.9", "v2.12.10", "junk"});
}

TEST_CASE("version: v prefix normalisation") {
  CHECK(with_v_prefix("1.32.5") == "v1.32.5");
  CHECK(with_v_prefix("v1.32.5") == "v1.32.5");
  CHECK(with_v_prefix("latest") == "latest");
  CHECK(without_v_prefix("v1.32.5") == "1.32.5");
  CHECK(without_v_prefix("1.32.5") == "1.32.5");
  CHECK(without_v_prefix("vendor") == "vendor");
}

TEST_CASE("version: parse_minor takes the minor a looser string starts with") {
  using P = std::pair<int, int>;
  CHECK(Version::parse_minor("2.12") == P{2, 12});
  CHECK(Version::parse_minor("2.12.5") == P{2, 12});
  CHECK(Version::parse_minor("v1.25.6") == P{1, 25});
  CHECK(Version::parse_minor("1.25-rc.1") == P{1, 25});
  CHECK_FALSE(Version::parse_minor("v1"));
  CHECK_FALSE(Version::parse_minor(".25"));
  CHECK_FALSE(Version::parse_minor("1."));
  CHECK_FALSE(Version::parse_minor("x1.2"));
  CHECK_FALSE(Version::parse_minor("99999.1"));  // bounded, never overflows
  CHECK_FALSE(Version::parse_minor(""));
}
