// Tests of src/inventory/hostpattern: ranges and ports as Ansible expands them.
#include <doctest/doctest.h>

#include "inventory/hostpattern.h"

using ksm::inventory::expand_host_pattern;
using V = std::vector<std::string>;

TEST_CASE("hostpattern: plain names and ports") {
  auto p = expand_host_pattern("node1");
  REQUIRE(p);
  CHECK(p->hosts == V{"node1"});
  CHECK(!p->port);
  p = expand_host_pattern("bastion.example.net:2222");
  REQUIRE(p);
  CHECK(p->hosts == V{"bastion.example.net"});
  CHECK(*p->port == 2222);
  p = expand_host_pattern("10.0.0.1:22");
  CHECK(p->hosts == V{"10.0.0.1"});
  CHECK(*p->port == 22);
  p = expand_host_pattern("[fe80::1]:2022");
  CHECK(p->hosts == V{"fe80::1"});
  CHECK(*p->port == 2022);
  p = expand_host_pattern("fe80::1");  // a bare IPv6 address has no port
  CHECK(p->hosts == V{"fe80::1"});
  CHECK(!p->port);
  // not a valid host name: parse_address fails, the whole text is the host
  p = expand_host_pattern("user@host:22");
  CHECK(p->hosts == V{"user@host:22"});
  CHECK(!p->port);
}

TEST_CASE("hostpattern: numeric, padded, alphabetic and stepped ranges") {
  CHECK(expand_host_pattern("node[1:3]")->hosts == V{"node1", "node2", "node3"});
  CHECK(expand_host_pattern("node[01:03]")->hosts == V{"node01", "node02", "node03"});
  CHECK(expand_host_pattern("w[1:10:4]")->hosts == V{"w1", "w5", "w9"});
  CHECK(expand_host_pattern("edge-[a:c]")->hosts == V{"edge-a", "edge-b", "edge-c"});
  CHECK(expand_host_pattern("[:2]x")->hosts == V{"0x", "1x", "2x"});
  CHECK(expand_host_pattern("r[1:2]-[a:b]")->hosts == V{"r1-a", "r1-b", "r2-a", "r2-b"});
  auto p = expand_host_pattern("10.0.0.[5:6]:2022");
  CHECK(p->hosts == V{"10.0.0.5", "10.0.0.6"});
  CHECK(*p->port == 2022);
  p = expand_host_pattern("cp[1:2].lab:2200");
  CHECK(p->hosts == V{"cp1.lab", "cp2.lab"});
  CHECK(*p->port == 2200);
}

TEST_CASE("hostpattern: malformed ranges are errors") {
  CHECK(!expand_host_pattern("node[1]"));
  CHECK(!expand_host_pattern("node[1:]"));
  CHECK(!expand_host_pattern("node[01:100]"));  // unequal widths
  CHECK(!expand_host_pattern("node[c:a]"));
  CHECK(!expand_host_pattern("node[1:5:0]"));
  CHECK(!expand_host_pattern("node[x:10]"));
  CHECK(expand_host_pattern("node[1:3:2:1]").error().message.find("begin:end") !=
        std::string::npos);
}

TEST_CASE("hostpattern: hostile patterns are bounded errors") {
  // std::regex recurses per character: a megabyte host:port once overflowed the stack
  std::string huge(3'000'000, 'a');
  auto p = expand_host_pattern(huge + ":22");
  REQUIRE(!p);
  CHECK(p.error().message.find("bytes (a host name is at most 255)") != std::string::npos);
  CHECK(expand_host_pattern(std::string(1000, 'b') + ":22"));   // long, but within bounds
  CHECK(!expand_host_pattern(std::string(1100, 'b') + ":22"));  // four DNS names long: no host
  // nested ranges multiply: 10^12 names once ran for ever
  p = expand_host_pattern("n[1:999999]x[1:999999]");
  REQUIRE(!p);
  CHECK(p.error().message.find("expands to more than 100000 hosts") != std::string::npos);
  CHECK(expand_host_pattern("n[1:100]x[1:1000]")->hosts.size() == 100'000);
}
