// The ansible.utils ipaddr family as Kubespray uses it (service and pod
// networks, the Nth address of a network, ipwrap for IPv6 endpoints) and
// the ip tests. Expectations were checked against ansible.utils 2.10.
#include <doctest/doctest.h>

#include "jinja_helpers.h"

using namespace ksm;
using namespace ksm::jinja;
using namespace ksm::jinja::test;

TEST_CASE("jinja ipaddr: Kubespray's service network addresses") {
  const std::string v = R"({"svc": "10.233.0.0/18", "pods6": "fd85:ee78:d8a6:8607::1:0000/112"})";
  CHECK(ev("svc | ansible.utils.ipaddr('net')", v) == "\"10.233.0.0/18\"");
  CHECK(ev("svc | ansible.utils.ipaddr('net') | ansible.utils.ipaddr(1) | "
           "ansible.utils.ipaddr('address')",
           v) == "\"10.233.0.1\"");
  CHECK(ev("svc | ipaddr('net') | ipaddr(3) | ipaddr('address')", v) == "\"10.233.0.3\"");
  CHECK(ev("svc | ipaddr(1)", v) == "\"10.233.0.1/18\"");
  CHECK(ev("svc | ipaddr(-1)", v) == "\"10.233.63.255/18\"");
  CHECK(ev("svc | ipaddr(99999)", v) == "false");
  CHECK(ev("svc | ipaddr('netmask')", v) == "\"255.255.192.0\"");
  CHECK(ev("svc | ipaddr('network')", v) == "\"10.233.0.0\"");
  CHECK(ev("svc | ipaddr('prefix')", v) == "18");
  CHECK(ev("svc | ipaddr('broadcast')", v) == "\"10.233.63.255\"");
  CHECK(ev("svc | ipaddr('size')", v) == "16384");
  CHECK(ev("pods6 | ansible.utils.ipaddr('net')", v) == "\"fd85:ee78:d8a6:8607::1:0/112\"");
  CHECK(ev("pods6 | ipaddr('net') | ipaddr(1) | ipaddr('address')", v) ==
        "\"fd85:ee78:d8a6:8607::1:1\"");
}

TEST_CASE("jinja ipaddr: addresses, networks and non-addresses") {
  CHECK(ev("'10.0.0.1' | ipaddr") == "\"10.0.0.1\"");
  CHECK(ev("'10.0.0.1' | ipaddr('net')") == "null");
  CHECK(ev("'10.0.0.1/24' | ipaddr('net')") == "null");  // host bits set
  CHECK(ev("'10.0.0.1/24' | ipaddr('address')") == "\"10.0.0.1\"");
  CHECK(ev("'10.0.0.0/24' | ipaddr('address')") == "null");
  CHECK(ev("'10.0.0.1/24' | ipaddr('host')") == "\"10.0.0.1/24\"");
  CHECK(ev("'10.0.0.1/24' | ipaddr('subnet')") == "\"10.0.0.0/24\"");
  CHECK(ev("'10.0.0.1/24' | ipaddr('int')") == "\"167772161/24\"");
  CHECK(ev("'10.0.0.5/24' | ipaddr('type')") == "\"address\"");
  CHECK(ev("'10.0.0.0/24' | ipaddr('first_usable')") == "\"10.0.0.1\"");
  CHECK(ev("'10.0.0.0/24' | ipaddr('last_usable')") == "\"10.0.0.254\"");
  CHECK(ev("'10.0.0.0/24' | ipaddr('size_usable')") == "254");
  CHECK(ev("'167772161' | ipaddr") == "\"10.0.0.1\"");
  CHECK(ev("'not-an-ip' | ipaddr") == "false");
  CHECK(ev("'' | ipaddr") == "false");
  CHECK(ev("'256.0.0.1' | ipaddr") == "false");
  CHECK(starts_with(ev("'10.1' | ipaddr"), "unknown"));      // inet_aton forms: not guessed
  CHECK(starts_with(ev("'010.0.0.1' | ipaddr"), "unknown"));
  CHECK(ev("['10.0.0.1', 'fd00::1', 'x', '192.168.1.0/24'] | ipaddr") ==
        "[\"10.0.0.1\", \"fd00::1\", \"192.168.1.0/24\"]");
  CHECK(ev("['10.0.0.1', 'fd00::1'] | ipv4") == "[\"10.0.0.1\"]");
  CHECK(ev("['10.0.0.1', 'fd00::1'] | ipv6") == "[\"fd00::1\"]");
  CHECK(ev("'10.0.0.1' | ipv6") == "false");
  CHECK(ev("'fd00:0:0:0::1' | ipv6('address')") == "\"fd00::1\"");
}

TEST_CASE("jinja ipaddr: membership query, ipwrap, ipmath, nthhost") {
  CHECK(ev("'10.233.1.5' | ipaddr('10.233.0.0/18')") == "\"10.233.1.5\"");
  CHECK(ev("'10.240.1.5' | ipaddr('10.233.0.0/18')") == "null");
  CHECK(ev("'10.233.0.0/24' | ipaddr('10.233.0.0/18')") == "\"10.233.0.0/24\"");
  CHECK(ev("'fd00::1' | ipwrap") == "\"[fd00::1]\"");
  CHECK(ev("'fd00::/64' | ipwrap") == "\"[fd00::]/64\"");
  CHECK(ev("'10.0.0.1' | ipwrap") == "\"10.0.0.1\"");
  CHECK(ev("'name' | ipwrap") == "\"name\"");
  CHECK(ev("['fd00::1', 'x'] | ansible.utils.ipwrap") == "[\"[fd00::1]\", \"x\"]");
  CHECK(ev("'10.0.0.1' | ipmath(5)") == "\"10.0.0.6\"");
  CHECK(ev("'10.0.0.1' | ipmath(-2)") == "\"9.255.255.255\"");
  CHECK(ev("'0.0.0.1' | ipmath(-1)") == "\"0.0.0.0\"");
  CHECK(starts_with(ev("'0.0.0.1' | ipmath(-2)"), "unknown: ipmath: result out of range"));
  CHECK(starts_with(ev("'10.0.0.1' | ipmath(-9223372036854775807 - 1)"),
                    "unknown: ipmath: result out of range"));
  CHECK(ev("'10.0.0.0/8' | nthhost(300)") == "\"10.0.1.44\"");
}

TEST_CASE("jinja ipaddr: ip tests use Python's strict ipaddress") {
  CHECK(ev("'10.0.0.1' is ansible.utils.ipv4") == "true");
  CHECK(ev("'10.0.0.0/8' is ansible.utils.ipv4") == "true");
  CHECK(ev("'10.0.0.1/8' is ansible.utils.ipv4") == "false");  // host bits set: not a network
  CHECK(ev("'fd00::1' is ansible.utils.ipv6") == "true");
  CHECK(ev("'fd00::1' is ansible.utils.ipv4") == "false");
  CHECK(ev("'x' is ansible.utils.ip") == "false");
  CHECK(ev("'10.0.0.1' is ansible.utils.ipv4_address") == "true");
  CHECK(ev("'10.0.0.0/8' is ansible.utils.ipv4_address") == "false");
  CHECK(ev("'10.1.2.3' is ansible.utils.in_network('10.1.0.0/16')") == "true");
  CHECK(ev("'10.2.2.3' is ansible.utils.in_network('10.1.0.0/16')") == "false");
  CHECK(ev("'10.1.0.0/24' is ansible.utils.subnet_of('10.1.0.0/16')") == "true");
  CHECK(ev("'10.1.0.0/16' is ansible.utils.supernet_of('10.1.0.0/24')") == "true");
}
