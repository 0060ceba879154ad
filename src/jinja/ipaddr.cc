// The ansible.utils ipaddr family (ipaddr, ipv4, ipv6, ipwrap, ipmath,
// nthhost) and ip tests (ip, ipv4, ipv6, *_address, in_network, subnet_of,
// supernet_of), written after ansible.utils 2.10's ipaddr_utils.py over
// netaddr: network and address queries return strings, None or False as
// the Python does. Address forms netaddr reads but we do not (shortened
// IPv4 like "10.1", zone ids) are Unknown rather than a guess.
#include <arpa/inet.h>

#include <cstring>
#include <optional>

#include <fmt/format.h>

#include "jinja/internal.h"

namespace ksm::jinja {
namespace {

using u128 = unsigned __int128;

struct Net {
  int version = 4;
  u128 ip = 0;
  int prefix = 32;
  int width() const { return version == 4 ? 32 : 128; }
  u128 hostmask() const {
    int bits = width() - prefix;
    if (bits == 0) return 0;
    if (bits >= 128) return ~static_cast<u128>(0);
    return (static_cast<u128>(1) << bits) - 1;
  }
  u128 all() const { return version == 4 ? static_cast<u128>(0xFFFFFFFFu) : ~static_cast<u128>(0); }
  u128 netmask() const { return all() & ~hostmask(); }
  u128 network() const { return ip & netmask(); }
  u128 broadcast_raw() const { return ip | hostmask(); }
  // netaddr: broadcast is None when width - prefix <= 1
  bool has_broadcast() const { return width() - prefix > 1; }
  // size as u128; for /0 IPv6 this overflows to 0 — treated as huge
  bool size_is(u128 n) const {
    int bits = width() - prefix;
    if (bits >= 128) return false;
    return (static_cast<u128>(1) << bits) == n;
  }
  bool size_gt(u128 n) const {
    int bits = width() - prefix;
    if (bits >= 128) return true;
    return (static_cast<u128>(1) << bits) > n;
  }
};

struct Parsed {
  enum State { Ok, NotIp, Unsupported } state = NotIp;
  Net net;
  std::string vtype;  // "address" or "network"
};

std::string addr_str(int version, u128 v) {
  if (version == 4) {
    uint32_t x = static_cast<uint32_t>(v);
    return fmt::format("{}.{}.{}.{}", x >> 24, (x >> 16) & 255, (x >> 8) & 255, x & 255);
  }
  unsigned char b[16];
  for (int i = 15; i >= 0; --i) {
    b[i] = static_cast<unsigned char>(v & 0xFF);
    v >>= 8;
  }
  char buf[INET6_ADDRSTRLEN];
  if (!inet_ntop(AF_INET6, b, buf, sizeof buf)) return "?";
  return buf;
}

std::string net_str(const Net& n) {
  return addr_str(n.version, n.ip) + "/" + std::to_string(n.prefix);
}

std::optional<u128> parse_v4(const std::string& s, bool* unsupported) {
  int parts = 0;
  u128 v = 0;
  size_t i = 0;
  while (i <= s.size()) {
    size_t j = s.find('.', i);
    std::string part = s.substr(i, j == std::string::npos ? std::string::npos : j - i);
    if (part.empty() || part.size() > 3) {
      if (!part.empty() && std::all_of(part.begin(), part.end(), ::isdigit)) *unsupported = true;
      return std::nullopt;
    }
    for (char c : part)
      if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    if (part.size() > 1 && part[0] == '0') {
      *unsupported = true;  // netaddr may read this as octal
      return std::nullopt;
    }
    int n = std::stoi(part);
    if (n > 255) return std::nullopt;
    v = (v << 8) | static_cast<u128>(n);
    ++parts;
    if (j == std::string::npos) break;
    i = j + 1;
  }
  if (parts != 4) {
    *unsupported = true;  // "10.1" style: inet_aton forms
    return std::nullopt;
  }
  return v;
}

std::optional<u128> parse_v6(const std::string& s) {
  if (s.find('%') != std::string::npos) return std::nullopt;
  unsigned char b[16];
  if (inet_pton(AF_INET6, s.c_str(), b) != 1) return std::nullopt;
  u128 v = 0;
  for (int i = 0; i < 16; ++i) v = (v << 8) | b[i];
  return v;
}

std::optional<u128> parse_u128(const std::string& s) {
  if (s.empty() || s.size() > 39) return std::nullopt;
  u128 v = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    u128 nv = v * 10 + static_cast<u128>(c - '0');
    if (nv / 10 != v && v != 0) return std::nullopt;
    v = nv;
  }
  return v;
}

int mask_to_prefix(u128 mask, int width) {
  int p = 0;
  for (int i = width - 1; i >= 0; --i) {
    if ((mask >> i) & 1)
      ++p;
    else
      break;
  }
  u128 all = width == 32 ? static_cast<u128>(0xFFFFFFFFu) : ~static_cast<u128>(0);
  u128 expect = p == 0 ? 0
                       : (all & ~(p == width ? static_cast<u128>(0)
                                             : ((static_cast<u128>(1) << (width - p)) - 1)));
  return expect == mask ? p : -1;
}

// netaddr.IPNetwork(value) as ipaddr() reads it.
Parsed parse_ipnetwork(const Value& value) {
  Parsed r;
  std::string s;
  if (value.is_string())
    s = value.as_string();
  else if (value.is_int())
    s = std::to_string(value.as_int());
  else
    return r;
  // numbers: an integer address
  if (!s.empty() && std::all_of(s.begin(), s.end(), ::isdigit)) {
    auto n = parse_u128(s);
    if (!n) {
      r.state = Parsed::Unsupported;
      return r;
    }
    if (*n <= 0xFFFFFFFFu)
      r.net = Net{4, *n, 32};
    else
      r.net = Net{6, *n, 128};
    r.vtype = "address";
    r.state = Parsed::Ok;
    return r;
  }
  std::string addr = s, pfx;
  bool has_slash = false;
  if (auto k = s.find('/'); k != std::string::npos) {
    addr = s.substr(0, k);
    pfx = s.substr(k + 1);
    has_slash = true;
  }
  bool unsupported = false;
  Net n;
  if (addr.find(':') != std::string::npos) {
    auto v = parse_v6(addr);
    if (!v) {
      if (addr.find('%') != std::string::npos) r.state = Parsed::Unsupported;
      return r;
    }
    n = Net{6, *v, 128};
  } else {
    auto v = parse_v4(addr, &unsupported);
    if (!v) {
      if (unsupported) r.state = Parsed::Unsupported;
      return r;
    }
    n = Net{4, *v, 32};
  }
  if (has_slash) {
    if (pfx.empty()) return r;
    if (std::all_of(pfx.begin(), pfx.end(), ::isdigit)) {
      if (pfx.size() > 3) return r;
      int p = std::stoi(pfx);
      if (p > n.width()) return r;
      n.prefix = p;
    } else if (n.version == 4) {
      bool un = false;
      auto m = parse_v4(pfx, &un);
      if (!m) {
        if (un) r.state = Parsed::Unsupported;
        return r;
      }
      int p = mask_to_prefix(*m, 32);
      if (p < 0) {
        r.state = Parsed::Unsupported;
        return r;
      }  // hostmask forms
      n.prefix = p;
    } else {
      return r;
    }
    r.vtype = "network";
  } else {
    r.vtype = "address";
  }
  r.net = n;
  r.state = Parsed::Ok;
  return r;
}

// Python's ipaddress.ip_network(x) (strict) / ip_address(x) for the tests.
std::optional<Net> py_ip_network(const Value& v, bool address_only) {
  if (!v.is_string()) return std::nullopt;
  const std::string& s = v.as_string();
  std::string addr = s, pfx;
  bool slash = false;
  if (auto k = s.find('/'); k != std::string::npos) {
    if (address_only) return std::nullopt;
    addr = s.substr(0, k);
    pfx = s.substr(k + 1);
    slash = true;
  }
  Net n;
  bool un = false;
  if (addr.find(':') != std::string::npos) {
    auto x = parse_v6(addr);
    if (!x) return std::nullopt;
    n = Net{6, *x, 128};
  } else {
    auto x = parse_v4(addr, &un);
    if (!x) return std::nullopt;
    n = Net{4, *x, 32};
  }
  if (slash) {
    if (pfx.empty() || !std::all_of(pfx.begin(), pfx.end(), ::isdigit) || pfx.size() > 3) {
      if (n.version == 4 && pfx.find('.') != std::string::npos) {
        auto m = parse_v4(pfx, &un);
        if (!m) return std::nullopt;
        int p = mask_to_prefix(*m, 32);
        if (p < 0) return std::nullopt;
        n.prefix = p;
      } else {
        return std::nullopt;
      }
    } else {
      int p = std::stoi(pfx);
      if (p > n.width()) return std::nullopt;
      n.prefix = p;
    }
    if (n.ip & n.hostmask()) return std::nullopt;  // strict: host bits set
  }
  return n;
}

bool is_private(const Net& n) {
  // netaddr IPV4_PRIVATE / IPV6_PRIVATE-ish (is_private of IPNetwork)
  auto in = [&](const char* cidr) {
    Parsed p = parse_ipnetwork(Value(cidr));
    if (p.net.version != n.version) return false;
    return (n.ip & p.net.netmask()) == p.net.network() && n.prefix >= p.net.prefix;
  };
  if (n.version == 4)
    return in("10.0.0.0/8") || in("172.16.0.0/12") || in("192.168.0.0/16") || in("100.64.0.0/10") ||
           in("192.0.0.0/24") || in("198.18.0.0/15") || in("239.0.0.0/8") || in("169.254.0.0/16");
  return in("fc00::/7") || in("fec0::/10");
}

enum class R { Str, Int, None, False, Value };
struct QResult {
  Value v;
};

Value q_none() {
  return Value(nullptr);
}

// ipaddr(n) (or a numeric str): the nth address of the network, as
// address/prefix.
Value ipaddr_nth(const Net& v, const std::string& vtype, const std::string& q, bool q_is_int,
                 int64_t qi, const std::string& alias) {
  auto ip = [&]() { return addr_str(v.version, v.ip); };
  bool numeric = q_is_int || parse_py_float(q).has_value();
  if (!numeric) abort_unknown(fmt::format("{}: unknown filter type: {}", alias, q));
  if (v.size_is(1)) {
    if (vtype == "address") return Value(ip());
    return Value(net_str(v));
  }
  if (!q_is_int) return Value(false);  // netaddr indexing with a str/float fails
  u128 base = v.network();
  u128 size_minus_1 = v.hostmask();
  u128 addr;
  if (qi >= 0) {
    if (static_cast<u128>(qi) > size_minus_1) return Value(false);
    addr = base + static_cast<u128>(qi);
  } else {
    u128 back = static_cast<u128>(-(qi + 1));
    if (back > size_minus_1) return Value(false);
    addr = v.broadcast_raw() - back;
  }
  return Value(addr_str(v.version, addr) + "/" + std::to_string(v.prefix));
}

// ipaddr('name') of a parsed address or network: 'address', 'network',
// 'prefix', 'size', ... ('' gives the value as it is).
Value ipaddr_named(const Value& value, const Net& v, const std::string& vtype, const std::string& q,
                   const std::string& alias) {
  auto ip = [&]() { return addr_str(v.version, v.ip); };
  if (q.empty()) return Value(vtype == "address" ? ip() : net_str(v));
  if (q == "address" || q == "ip") {
    if (v.size_is(1)) return Value(ip());
    if (v.ip != v.network() || !v.has_broadcast()) return Value(ip());
    if (v.version == 6 && v.ip == v.network()) return Value(ip());
    return q_none();
  }
  if (q == "address/prefix" || q == "gateway" || q == "gw" || q == "host/prefix" ||
      q == "hostnet" || q == "router") {
    if (v.size_gt(2) && (v.ip == v.network() || (v.has_broadcast() && v.ip == v.broadcast_raw())))
      return Value(false);
    return Value(net_str(v));
  }
  if (q == "bool") return Value(true);
  if (q == "broadcast") {
    if (v.size_gt(2)) return Value(addr_str(v.version, v.broadcast_raw()));
    return q_none();
  }
  if (q == "cidr") return Value(net_str(v));
  if (q == "host") {
    if (v.size_is(1)) return Value(net_str(v));
    if (v.ip != v.network() || !v.has_broadcast()) return Value(net_str(v));
    return q_none();
  }
  if (q == "hostmask" || q == "wildcard") return Value(addr_str(v.version, v.hostmask()));
  if (q == "int") {
    if (v.ip > static_cast<u128>(INT64_MAX))
      return Value::unknown("ipaddr('int'): value exceeds 64 bits");
    if (vtype == "address") return Value(static_cast<int64_t>(v.ip));
    return Value(std::to_string(static_cast<int64_t>(v.ip)) + "/" + std::to_string(v.prefix));
  }
  if (q == "ip/prefix") {
    if (v.size_is(2)) return Value(net_str(v));
    if (v.size_gt(1) && v.ip != v.network()) return Value(net_str(v));
    return q_none();
  }
  if (q == "ip_netmask") {
    if (v.size_is(2) || (v.size_gt(1) && v.ip != v.network()))
      return Value(ip() + " " + addr_str(v.version, v.netmask()));
    return q_none();
  }
  if (q == "ipv4" || q == "v4") {
    if (v.version == 4) return value;
    return Value::unknown("ipaddr('ipv4') of an IPv6 value is not supported");
  }
  if (q == "ipv6" || q == "v6") {
    if (v.version == 6) return value;
    return Value::unknown("ipaddr('ipv6') of an IPv4 value is not supported");
  }
  if (q == "net") {
    if (v.size_gt(1) && v.ip == v.network()) return Value(net_str(v));
    return q_none();
  }
  if (q == "netmask") return Value(addr_str(v.version, v.netmask()));
  if (q == "network" || q == "network_id") return Value(addr_str(v.version, v.network()));
  if (q == "network/prefix" || q == "subnet")
    return Value(addr_str(v.version, v.network()) + "/" + std::to_string(v.prefix));
  if (q == "network_netmask")
    return Value(addr_str(v.version, v.network()) + " " + addr_str(v.version, v.netmask()));
  if (q == "network_wildcard")
    return Value(addr_str(v.version, v.network()) + " " + addr_str(v.version, v.hostmask()));
  if (q == "prefix") return Value(static_cast<int64_t>(v.prefix));
  if (q == "size") {
    int bits = v.width() - v.prefix;
    if (bits > 62) return Value::unknown("ipaddr('size'): value exceeds 64 bits");
    return Value(static_cast<int64_t>(1) << bits);
  }
  if (q == "size_usable") {
    int bits = v.width() - v.prefix;
    if (bits > 62) return Value::unknown("ipaddr('size_usable'): value exceeds 64 bits");
    int64_t size = static_cast<int64_t>(1) << bits;
    return Value(size == 1 ? 0 : size == 2 ? 2 : size - 2);
  }
  if (q == "type") {
    if (v.size_is(1)) return Value("address");
    return Value(v.ip != v.network() ? "address" : "network");
  }
  if (q == "version") return Value(static_cast<int64_t>(v.version));
  if (q == "wrap") {
    if (v.version == 6) {
      if (vtype == "address") return Value("[" + ip() + "]");
      return Value("[" + ip() + "]/" + std::to_string(v.prefix));
    }
    return value;
  }
  if (q == "private") return is_private(v) ? value : q_none();
  if (q == "first_usable" || q == "last_usable" || q == "next_usable" || q == "previous_usable" ||
      q == "range_usable") {
    if (vtype == "address") abort_unknown("AnsibleFilterError: Not a network address");
    if (!v.size_gt(1)) return q_none();
    u128 first = v.size_is(2) ? v.network() : v.network() + 1;
    u128 last = v.size_is(2) ? v.broadcast_raw() : v.broadcast_raw() - 1;
    if (q == "first_usable") return Value(addr_str(v.version, first));
    if (q == "last_usable") return Value(addr_str(v.version, last));
    if (q == "range_usable")
      return Value(addr_str(v.version, first) + "-" + addr_str(v.version, last));
    if (q == "next_usable") {
      u128 n = v.ip + 1;
      return (n >= first && n <= last) ? Value(addr_str(v.version, n)) : q_none();
    }
    u128 n = v.ip - 1;
    return (v.ip > 0 && n >= first && n <= last) ? Value(addr_str(v.version, n)) : q_none();
  }
  return Value::unknown(fmt::format("{}('{}') is not supported", alias, q));
}

// One ipaddr() call on a scalar; version 0 = any.
Value ipaddr_scalar(const Value& value, const Value& query, int version, const std::string& alias) {
  if (value.is_null() || (value.is_bool()) || (value.is_string() && value.as_string().empty()) ||
      (value.is_int() && value.as_int() == 0) || (value.is_list() && value.as_list().empty()))
    return Value(false);
  Parsed p = parse_ipnetwork(value);
  if (p.state == Parsed::Unsupported)
    abort_unknown(
        fmt::format("{}: address form of {} is not supported", alias, to_python_repr(value)));
  if (p.state == Parsed::NotIp) return Value(false);
  Net v = p.net;
  const std::string& vtype = p.vtype;
  std::string q;
  bool q_is_int = false;
  int64_t qi = 0;
  if (query.is_int()) {
    q_is_int = true;
    qi = query.as_int();
    q = std::to_string(qi);
  } else if (query.is_string()) {
    q = query.as_string();
  } else if (query.is_null()) {
    q = "";
  } else {
    abort_unknown(fmt::format("{}: unsupported query {}", alias, to_python_repr(query)));
  }
  static const char* known[] = {"",
                                "6to4",
                                "address",
                                "address/prefix",
                                "bool",
                                "broadcast",
                                "cidr",
                                "cidr_lookup",
                                "first_usable",
                                "gateway",
                                "gw",
                                "host",
                                "host/prefix",
                                "hostmask",
                                "hostnet",
                                "int",
                                "ip",
                                "ip/prefix",
                                "ip_netmask",
                                "ipv4",
                                "ipv6",
                                "last_usable",
                                "link-local",
                                "lo",
                                "loopback",
                                "multicast",
                                "net",
                                "next_usable",
                                "netmask",
                                "network",
                                "network_id",
                                "network/prefix",
                                "network_netmask",
                                "network_wildcard",
                                "peer",
                                "prefix",
                                "previous_usable",
                                "private",
                                "public",
                                "range_usable",
                                "revdns",
                                "router",
                                "size",
                                "size_usable",
                                "subnet",
                                "type",
                                "unicast",
                                "v4",
                                "v6",
                                "version",
                                "wildcard",
                                "wrap"};
  bool is_known = q_is_int ? false
                           : std::any_of(std::begin(known), std::end(known),
                                         [&](const char* k) { return q == k; });
  // a query that is itself a network/address: membership (cidr_lookup)
  if (!q.empty() && !q_is_int && !is_known && !std::all_of(q.begin(), q.end(), ::isdigit)) {
    Parsed qp = parse_ipnetwork(Value(q));
    if (qp.state == Parsed::Unsupported)
      abort_unknown(alias + ": query network form not supported");
    if (qp.state == Parsed::Ok) {
      if (version && v.version != version) return Value(false);
      const Net& set = qp.net;
      if (set.version != v.version) return q_none();
      bool inside = v.prefix >= set.prefix && (v.network() & set.netmask()) == set.network();
      return inside ? value : q_none();
    }
  }
  if (version && v.version != version) return Value(false);
  if (q_is_int || (!is_known && !q.empty())) return ipaddr_nth(v, vtype, q, q_is_int, qi, alias);
  return ipaddr_named(value, v, vtype, q, alias);
}

Value ipaddr_any(const Value& value, const Value& query, int version, const std::string& alias) {
  if (value.is_list()) {
    List out;
    for (const auto& e : value.as_list()) {
      Value r = ipaddr_scalar(e, query, version, alias);
      if (r.is_unknown()) return r;
      auto t = truthy(r);
      if (t && *t) out.push_back(r);
    }
    return Value(std::move(out));
  }
  return ipaddr_scalar(value, query, version, alias);
}

}  // namespace

bool is_ip_filter(const std::string& n) {
  return n == "ipaddr" || n == "ipv4" || n == "ipv6" || n == "ipwrap" || n == "ipmath" ||
         n == "nthhost" || n == "ipsubnet" || n == "network_in_usable" ||
         n == "network_in_network" || n == "next_nth_usable" || n == "previous_nth_usable" ||
         n == "cidr_merge" || n == "ip4_hex" || n == "reduce_on_network" || n == "hwaddr" ||
         n == "macaddr" || n == "slaac" || n == "usable_range" || n == "ipaddr_utils";
}

bool apply_ip_filter(const std::string& name, const Value& in, const CallArgs& a, Value& out) {
  Value query = a.get(0, "query") ? *a.get(0, "query") : Value("");
  if (name == "ipaddr" || name == "ipv4" || name == "ipv6") {
    int version = name == "ipv4" ? 4 : name == "ipv6" ? 6 : 0;
    if (const Value* vv = a.get(1, "version"); vv && vv->is_int())
      version = static_cast<int>(vv->as_int());
    out = ipaddr_any(in, query, version, name);
    return true;
  }
  if (name == "ipwrap") {
    auto wrap_one = [&](const Value& e) -> Value {
      try {
        Value r = ipaddr_scalar(e, query, 0, "ipwrap");
        if (r.is_unknown()) return r;
        auto t = truthy(r);
        if (t && *t) return ipaddr_scalar(r, Value("wrap"), 0, "ipwrap");
        return e;
      } catch (const EvalAbort& ab) {
        // Python swallows every exception here and returns the value; ours
        // may be "unsupported form", which must stay unknown.
        if (ab.reason.find("not supported") != std::string::npos) return Value::unknown(ab.reason);
        return e;
      }
    };
    if (in.is_list()) {
      List l;
      for (const auto& e : in.as_list()) l.push_back(wrap_one(e));
      out = Value(std::move(l));
    } else {
      out = wrap_one(in);
    }
    return true;
  }
  if (name == "ipmath") {
    const Value* amount = a.get(0, "amount");
    if (!in.is_string()) abort_unknown("ipmath: You must pass a valid IP address");
    if (!amount || !amount->is_int())
      abort_unknown("ipmath: You must pass an integer for arithmetic");
    std::string s = in.as_string();
    Parsed p = parse_ipnetwork(Value(s));
    if (p.state == Parsed::Unsupported) abort_unknown("ipmath: address form not supported");
    if (p.state != Parsed::Ok || (s.find('/') == std::string::npos && p.vtype != "address"))
      abort_unknown(fmt::format("ipmath: You must pass a valid IP address; {} is invalid", s));
    int64_t amt = amount->as_int();
    u128 r = p.net.ip + static_cast<u128>(amt);
    u128 all = p.net.version == 4 ? static_cast<u128>(0xFFFFFFFFu) : ~static_cast<u128>(0);
    if ((amt >= 0 && (r < p.net.ip || r > all)) ||
        (amt < 0 && static_cast<u128>(-(amt + 1)) + 1 > p.net.ip))
      abort_unknown("ipmath: result out of range");
    out = Value(addr_str(p.net.version, r));
    return true;
  }
  if (name == "nthhost") {
    Parsed p = parse_ipnetwork(in);
    if (p.state == Parsed::Unsupported) abort_unknown("nthhost: address form not supported");
    if (p.state != Parsed::Ok) {
      out = Value(false);
      return true;
    }
    if (!query.is_int()) {
      out = Value(false);
      return true;
    }
    int64_t qi = query.as_int();
    const Net& v = p.net;
    u128 size_m1 = v.hostmask();
    if (qi >= 0 && static_cast<u128>(qi) <= size_m1)
      out = Value(addr_str(v.version, v.network() + static_cast<u128>(qi)));
    else if (qi < 0 && static_cast<u128>(-(qi + 1)) <= size_m1)
      out = Value(addr_str(v.version, v.broadcast_raw() - static_cast<u128>(-(qi + 1))));
    else
      out = Value(false);
    return true;
  }
  out = Value::unknown(fmt::format("filter '{}' is not supported", name));
  return true;
}

bool apply_ip_test(const std::string& name, const Value& in, const CallArgs& a, Value& out) {
  if (name == "ip" || name == "ipv4" || name == "ipv6" || name == "ip_address" ||
      name == "ipv4_address" || name == "ipv6_address") {
    if (!in.is_string()) abort_unknown(fmt::format("{} test: argument must be a string", name));
    bool addr_only = name.find("address") != std::string::npos;
    auto n = py_ip_network(in, addr_only);
    int want = name.find("4") != std::string::npos   ? 4
               : name.find("6") != std::string::npos ? 6
                                                     : 0;
    out = Value(n.has_value() && (want == 0 || n->version == want));
    return true;
  }
  if (name == "in_network" || name == "subnet_of" || name == "supernet_of") {
    const Value* other = a.get(0, name == "in_network" ? "network" : "network_b");
    if (!other) abort_unknown(name + " test: missing network");
    auto x = py_ip_network(in, false);
    auto y = py_ip_network(*other, false);
    if (!x || !y || x->version != y->version) {
      out = Value(false);
      return true;
    }
    const Net& sub = name == "supernet_of" ? *y : *x;
    const Net& sup = name == "supernet_of" ? *x : *y;
    out = Value(sup.network() <= sub.network() && sup.broadcast_raw() >= sub.broadcast_raw());
    return true;
  }
  return false;
}

}  // namespace ksm::jinja
