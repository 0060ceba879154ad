// Tests of src/jinja/spelling: spellings Kubespray's samples and operators
// use for one expression share a key; different expressions do not; a
// sample's filter respelling carries over to another expression.
#include <doctest/doctest.h>

#include "jinja/spelling.h"

using ksm::jinja::filter_respellings;
using ksm::jinja::respell_filters;
using ksm::jinja::spelling_key;

TEST_CASE("spelling: one expression, several spellings") {
  // v2.18.2 -> v2.19.0 kubespray-defaults respelled ipaddr as ansible.utils.ipaddr.
  std::string old_s = "{{ kube_service_addresses|ipaddr('net')|ipaddr(1)|ipaddr('address') }}";
  std::string new_s =
      "{{ kube_service_addresses | ansible.utils.ipaddr('net') | ansible.utils.ipaddr(1) | "
      "ansible.utils.ipaddr('address') }}";
  CHECK(spelling_key(old_s) == spelling_key(new_s));
  CHECK(spelling_key("{{ a|default(\"x\") }}") == spelling_key("{{ a | default('x') }}"));
  CHECK(spelling_key("{%- if a is defined %}x{% endif %}") ==
        spelling_key("{%- if a  is  defined%}x{%endif%}"));
}

TEST_CASE("spelling: different expressions differ") {
  CHECK(spelling_key("{{ a|ipaddr(1) }}") != spelling_key("{{ a|ipaddr(2) }}"));
  // Keywords keep their separating space.
  CHECK(spelling_key("{{ a is defined }}") != spelling_key("{{ ais defined }}"));
  CHECK(spelling_key("{{ a not in b }}") == spelling_key("{{ a  not in  b }}"));
  // Text outside the delimiters is compared as it is.
  CHECK(spelling_key("x {{ a }}") != spelling_key("x  {{ a }}"));
  // A string's content is not respelled.
  CHECK(spelling_key("{{ 'a | b' }}") != spelling_key("{{ 'a|b' }}"));
  // A dotted attribute that is not a filter keeps its path.
  CHECK(spelling_key("{{ hostvars.x.ip }}") != spelling_key("{{ x.ip }}"));
}

TEST_CASE("spelling: a sample's respelling carried to the operator's expression") {
  auto map = filter_respellings("{{ a|ipaddr('net')|ipaddr(1) }}",
                                "{{ a | ansible.utils.ipaddr('net') | ansible.utils.ipaddr(1) }}");
  REQUIRE(map.size() == 1);
  CHECK(map.at("ipaddr") == "ansible.utils.ipaddr");
  // The operator's own expression: only filter positions change.
  CHECK(respell_filters("{{ kube_pods_subnet|ipaddr('net')|ipaddr(3)|ipaddr('address') }} ipaddr",
                        map) ==
        "{{ kube_pods_subnet|ansible.utils.ipaddr('net')|ansible.utils.ipaddr(3)|"
        "ansible.utils.ipaddr('address') }} ipaddr");
  CHECK(respell_filters("{{ 'x|ipaddr' }}", map) == "{{ 'x|ipaddr' }}");
  // Nothing to carry when both sides spell it the same.
  CHECK(filter_respellings("{{ a|ipaddr }}", "{{ b|ipaddr }}").empty());
}
