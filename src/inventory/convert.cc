// INI <-> YAML hosts-file conversion (see convert.h). The output is checked
// by reading it back with the same readers and comparing with the input
// (groups, members, hosts-file variables), so a conversion that would change
// what Ansible reads is an error, never a file.
#include "inventory/convert.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "core/json.h"
#include "core/yaml.h"
#include "inventory/ini.h"
#include "inventory/layers.h"
#include "inventory/literal.h"
#include "inventory/render.h"
#include "inventory/yaml.h"

namespace ksm::inventory {

namespace {

std::string py_quote(const std::string& s) {
  char q = (s.find('\'') != std::string::npos && s.find('"') == std::string::npos) ? '"' : '\'';
  std::string out(1, q);
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == static_cast<unsigned char>(q) || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x85) {
      out += "\\x85";
      ++i;
    } else if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
               (static_cast<unsigned char>(s[i + 2]) == 0xA8 || static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
      out += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + q;
}

std::string float_text(double d, bool yaml) {
  if (std::isnan(d)) return yaml ? ".nan" : "nan";
  if (std::isinf(d)) return yaml ? (d > 0 ? ".inf" : "-.inf") : (d > 0 ? "1e999" : "-1e999");
  std::string s = fmt::format("{}", d);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  // YAML 1.1 floats need a dot before the exponent.
  if (yaml && s.find('.') == std::string::npos) {
    size_t e = s.find('e');
    s.insert(e, ".0");
  }
  return s;
}

bool plain_yaml_ok(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::string_view("_./@%+=:-~^$").find(c) != std::string_view::npos ||
              static_cast<unsigned char>(c) >= 0x80;
    if (!ok) return false;
  }
  if (std::string_view("-:?@%`!&*|>'\"#,[]{}~^$").find(s[0]) != std::string_view::npos &&
      !(s[0] == '-' && s.size() > 1 && s[1] != ' ' && s[1] != '-'))
    return false;
  if (s.back() == ':' || s.find("::") != std::string::npos) return false;
  if (s == "<<" || s == "=") return false;
  Value typed = yaml11_scalar(s);
  return typed.is_string() && typed.as_string() == s;
}

std::string yaml_flow(const Value& v);

std::string yaml_string(const std::string& s) { return plain_yaml_ok(s) ? s : json_quote(s); }

std::string yaml_flow(const Value& v) {
  switch (v.kind()) {
    case Kind::Null:
    case Kind::Undefined: return "null";
    case Kind::Bool: return v.as_bool() ? "true" : "false";
    case Kind::Int: return std::to_string(v.as_int());
    case Kind::Float: return float_text(v.as_float(), true);
    case Kind::String: return yaml_string(v.as_string());
    case Kind::Vault: return "!vault " + json_quote(v.vault_text());
    case Kind::Unknown: return "null";
    case Kind::List: {
      std::string s = "[";
      for (size_t i = 0; i < v.as_list().size(); ++i) s += (i ? ", " : "") + yaml_flow(v.as_list()[i]);
      return s + "]";
    }
    case Kind::Map: {
      std::string s = "{";
      bool first = true;
      for (const auto& [k, e] : v.as_map()) {
        s += (first ? "" : ", ") + yaml_string(k) + ": " + yaml_flow(e);
        first = false;
      }
      return s + "}";
    }
  }
  return "null";
}

// Comments attached to a host or group line: the comment lines right above
// it (no blank line between) and a trailing comment.
struct Attached {
  std::vector<std::string> before;  // text after the '#' / ';'
  std::string trailing;
};

using CommentMap = std::unordered_map<std::string, Attached>;
std::string group_key(const std::string& g) { return "g:" + g; }
std::string host_key(const std::string& g, const std::string& h) { return "h:" + g + "/" + h; }

std::vector<std::string> comments_above(const std::vector<std::string_view>& lines, int line, bool ini) {
  std::vector<std::string> out;
  for (int i = line - 2; i >= 0; --i) {
    std::string_view t = py_strip(lines[static_cast<size_t>(i)]);
    if (t.empty() || !(t[0] == '#' || (ini && t[0] == ';'))) break;
    out.emplace_back(t.substr(1));
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::string trim_left(std::string s) {
  size_t b = s.find_first_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b);
}

void add(CommentMap& m, const std::string& key, std::vector<std::string> before, const std::string& trailing) {
  if (before.empty() && trailing.empty()) return;
  Attached& a = m[key];
  a.before.insert(a.before.end(), before.begin(), before.end());
  if (!trailing.empty()) a.trailing = a.trailing.empty() ? trailing : a.trailing + "; " + trailing;
}

CommentMap ini_comments(const InventoryFile& f) {
  CommentMap m;
  auto lines = split_lines(strip_bom(f.text));
  std::unordered_set<std::string> seen_groups;
  for (const auto& il : f.ini_lines) {
    if (il.kind == IniLine::Section) {
      add(m, group_key(il.group), comments_above(lines, il.line, true), trim_left(il.comment));
    } else if (il.kind == IniLine::Host && !il.hosts.empty()) {
      add(m, host_key(il.group, il.hosts[0]), comments_above(lines, il.line, true), trim_left(il.comment));
    }
  }
  return m;
}

// The trailing comment of a YAML line from `col` on ('#' after a space, outside quotes).
std::string yaml_trailing(std::string_view line, size_t col) {
  char quote = 0;
  for (size_t i = col; i < line.size(); ++i) {
    char c = line[i];
    if (quote) {
      if (c == quote) quote = 0;
      continue;
    }
    if ((c == '\'' || c == '"') && (i == 0 || line[i - 1] == ' ' || line[i - 1] == ':' || line[i - 1] == '{' || line[i - 1] == '[' || line[i - 1] == ','))
      quote = c;
    else if (c == '#' && i > 0 && (line[i - 1] == ' ' || line[i - 1] == '\t'))
      return trim_left(std::string(line.substr(i + 1)));
  }
  return "";
}

CommentMap yaml_comments(const InventoryFile& f) {
  CommentMap m;
  std::vector<std::string_view> lines;
  std::string_view body = strip_bom(f.text);
  size_t s = 0;
  while (s <= body.size()) {
    size_t nl = body.find('\n', s);
    std::string_view l = body.substr(s, nl == std::string_view::npos ? std::string_view::npos : nl - s);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    lines.push_back(l);
    if (nl == std::string_view::npos) break;
    s = nl + 1;
  }
  for (const auto& k : f.yaml_keys) {
    std::vector<std::string> seg;
    size_t p = 0;
    while (true) {
      size_t slash = k.path.find('/', p);
      seg.push_back(k.path.substr(p, slash == std::string::npos ? std::string::npos : slash - p));
      if (slash == std::string::npos) break;
      p = slash + 1;
    }
    if (k.line < 1 || static_cast<size_t>(k.line) > lines.size()) continue;
    std::string_view line = lines[static_cast<size_t>(k.line - 1)];
    auto before = comments_above(lines, k.line, false);
    std::string trailing = yaml_trailing(line, static_cast<size_t>(std::max(0, k.column - 1)));
    size_t n = seg.size();
    if (n == 1 || seg[n - 2] == "children") {
      add(m, group_key(seg[n - 1]), before, trailing);
    } else if (n >= 3 && seg[n - 2] == "hosts") {
      add(m, host_key(seg[n - 3], seg[n - 1]), before, trailing);
    }
  }
  return m;
}

// Removes the group `name` from a --list document (key and children lists).
void drop_group(Map& doc, const std::string& name) {
  // its children become children of `all` (redundant ones are dropped later)
  if (const Value* g = doc.find(name); g && g->as_map().contains("children")) {
    List kids = g->as_map().find("children")->as_list();
    Value& all = doc["all"];
    List ak = all.as_map().contains("children") ? all.as_map().find("children")->as_list() : List{};
    ak.insert(ak.end(), kids.begin(), kids.end());
    all.map_mut().set("children", Value(std::move(ak)));
  }
  doc.erase(name);
  for (auto& [k, v] : doc) {
    if (!v.is_map() || !v.as_map().contains("children")) continue;
    Map& g = v.map_mut();
    List kids;
    for (const auto& c : g.find("children")->as_list())
      if (c.as_string() != name) kids.push_back(c);
    if (kids.empty()) g.erase("children");
    else g.set("children", Value(std::move(kids)));
  }
}

// A group under `all` that also has another parent: being a direct child of
// `all` changes nothing Ansible does with it (depth is the longest path), and
// INI cannot say it without an [all:children] block; not a difference.
void drop_redundant_all_children(Value& doc) {
  std::unordered_set<std::string> nested;
  for (const auto& [k, v] : doc.as_map()) {
    if (k == "all" || !v.is_map() || !v.as_map().contains("children")) continue;
    for (const auto& c : v.as_map().find("children")->as_list()) nested.insert(c.as_string());
  }
  Value* all = doc.map_mut().find("all");
  if (!all || !all->as_map().contains("children")) return;
  List kids;
  std::unordered_set<std::string> once;
  for (const auto& c : all->as_map().find("children")->as_list())
    if (!nested.count(c.as_string()) && once.insert(c.as_string()).second) kids.push_back(c);
  all->map_mut().set("children", Value(std::move(kids)));
}

void sort_children(Value& doc) {
  drop_redundant_all_children(doc);
  for (auto& [k, v] : doc.map_mut()) {
    if (!v.is_map() || !v.as_map().contains("children")) continue;
    List kids = v.as_map().find("children")->as_list();
    std::sort(kids.begin(), kids.end(), [](const Value& a, const Value& b) { return a.as_string() < b.as_string(); });
    v.map_mut().set("children", Value(std::move(kids)));
  }
}

// The --list document of the hosts file alone (no group_vars/host_vars).
Value hosts_file_document(Inventory inv) {
  for (size_t g = 0; g < inv.groups().size(); ++g) inv.group_at(g).group_vars_files.clear();
  for (size_t h = 0; h < inv.hosts().size(); ++h) inv.host_at(h).host_vars_files.clear();
  inv.vars_files.clear();
  return list_document(inv);
}

struct Plan {
  std::unordered_set<size_t> omit;
  std::vector<std::string> omitted;
};

Plan plan_ini(const Inventory& inv) {
  Plan p;
  const auto& G = inv.groups();
  auto has_only_all_parent = [&](size_t g) {
    return G[g].parents.size() == 1 && G[g].parents[0] == Inventory::kAll;
  };
  // k8s_cluster: v2.27+ builds it at run time from kube_control_plane, kube_node, calico_rr.
  if (auto k = inv.group_index("k8s_cluster")) {
    const Group& g = G[*k];
    std::set<std::string> allowed{"kube_control_plane", "kube_node", "calico_rr"};
    bool ok = g.hosts.empty() && g.vars.empty() && g.priority == 1 && has_only_all_parent(*k) &&
              !g.children.empty();
    std::vector<std::string> names;
    for (size_t c : g.children) {
      if (!allowed.count(G[c].name)) ok = false;
      names.push_back(G[c].name);
    }
    if (ok) {
      std::set<size_t> mine, runtime;
      for (size_t h : inv.group_hosts(*k)) mine.insert(h);
      for (const auto& n : allowed)
        if (auto gi = inv.group_index(n))
          for (size_t h : inv.group_hosts(*gi)) runtime.insert(h);
      ok = mine == runtime;
    }
    if (ok) {
      p.omit.insert(*k);
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      p.omitted.push_back("left out [k8s_cluster:children] (" + list +
                          "): Kubespray v2.27+ builds k8s_cluster at run time from "
                          "kube_control_plane, kube_node and calico_rr");
    }
  }
  if (auto c = inv.group_index("calico_rr")) {
    const Group& g = G[*c];
    bool referenced = false;
    for (size_t par : g.parents)
      if (par != Inventory::kAll && !p.omit.count(par)) referenced = true;
    if (g.hosts.empty() && g.children.empty() && g.vars.empty() && g.priority == 1 && !referenced) {
      p.omit.insert(*c);
      p.omitted.push_back("left out the empty calico_rr group (the v2.27+ sample has none)");
    }
  }
  return p;
}

bool shlex_special(const std::string& s) {
  return s.find_first_of(" \t\r\n'\"\\#") != std::string::npos;
}

std::string shell_quote(const std::string& s) {
  if (!s.empty() && !shlex_special(s)) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

Error unrepresentable(const std::string& what, const Value& v) {
  if (v.is_vault())
    return Error("INI cannot hold the vault-encrypted value of " + what +
                 ": move it to group_vars/ or host_vars/ (YAML) before converting");
  return Error("INI cannot hold the value of " + what + " (" + to_python_repr(v) + ")");
}

// `k=v` for a host line, checked to read back as the same value.
Result<std::string> host_token(const std::string& key, const Value& v, const std::string& who) {
  if (key.empty() || key.find_first_of("= \t'\"\\#") != std::string::npos)
    return Error("INI cannot hold the variable name '" + key + "' of " + who);
  std::string enc;
  if (v.is_string() && !v.as_string().empty() && ini_value(v.as_string()) == v &&
      ini_value(v.as_string()).is_string() && !shlex_special(v.as_string()))
    enc = v.as_string();
  else if (v.is_string() && v.as_string().empty())
    enc = "\"\"";
  else
    enc = shell_quote(python_repr(v));
  std::string tok = key + "=" + enc;
  auto back = shlex_split(tok);
  if (!back || back->size() != 1) return unrepresentable(key + " of " + who, v);
  const std::string& t = (*back)[0].text;
  Value got = ini_value(std::string_view(t).substr(t.find('=') + 1));
  if (v.is_vault() || got != v || got.kind() != v.kind()) return unrepresentable(key + " of " + who, v);
  return tok;
}

Result<std::string> vars_line(const std::string& key, const Value& v, const std::string& who) {
  if (key.empty() || key.find('=') != std::string::npos || py_strip(key) != key || key[0] == '#' ||
      key[0] == ';' || key[0] == '[')
    return Error("INI cannot hold the variable name '" + key + "' of " + who);
  std::string enc;
  if (v.is_string() && !v.as_string().empty() && py_strip(v.as_string()) == v.as_string() &&
      split_lines(v.as_string()).size() == 1 && ini_value(v.as_string()) == v &&
      ini_value(v.as_string()).is_string())
    enc = v.as_string();
  else
    enc = python_repr(v);
  Value got = ini_value(py_strip(enc));
  if (v.is_vault() || got != v || got.kind() != v.kind() || split_lines(enc).size() > 1)
    return unrepresentable(key + " of " + who, v);
  return key + "=" + enc;
}

void emit_comments(std::string& out, const Attached* a, const std::string& indent) {
  if (!a) return;
  for (const auto& c : a->before) out += indent + "#" + c + "\n";
}

Result<std::string> to_ini(const Inventory& inv, const CommentMap& cm, const Plan& plan) {
  const auto& G = inv.groups();
  const auto& H = inv.hosts();
  std::string out;
  auto find = [&](const std::string& k) -> const Attached* {
    auto it = cm.find(k);
    return it == cm.end() ? nullptr : &it->second;
  };
  auto hostname_ok = [](const std::string& h) {
    return !h.empty() && h.find_first_of(" \t'\"\\#[]=;") == std::string::npos;
  };
  // Which line carries a host's variables: its first group line (in output
  // order); hosts in no group but all/ungrouped go before the first section.
  std::vector<size_t> home(H.size(), SIZE_MAX);
  std::vector<size_t> order;
  for (size_t g = 2; g < G.size(); ++g)
    if (!plan.omit.count(g)) order.push_back(g);
  for (size_t g : order)
    for (size_t h : G[g].hosts)
      if (home[h] == SIZE_MAX) home[h] = g;
  auto host_line = [&](size_t h, size_t in_group, const std::string& yaml_group) -> Result<std::string> {
    const Host& host = H[h];
    if (!hostname_ok(host.name)) return Error("INI cannot hold the host name '" + host.name + "'");
    std::string line = host.name;
    if (home[h] == in_group) {
      for (const auto& [k, v] : host.vars) {
        auto tok = host_token(k, v, "host " + host.name);
        if (!tok) return tok.error();
        line += " " + *tok;
      }
    }
    std::string trailing;
    for (const std::string& key : {host_key(yaml_group, host.name),
                                   home[h] == in_group ? host_key("all", host.name) : std::string()}) {
      if (key.empty()) continue;
      if (const Attached* a = find(key); a && !a->trailing.empty())
        trailing += (trailing.empty() ? "" : "; ") + a->trailing;
    }
    if (!trailing.empty()) line += "  # " + trailing;
    return line + "\n";
  };
  auto host_before = [&](size_t h, size_t in_group, const std::string& group_name) {
    std::string s;
    emit_comments(s, find(host_key(group_name, H[h].name)), "");
    if (home[h] == in_group && group_name != "all") emit_comments(s, find(host_key("all", H[h].name)), "");
    return s;
  };
  // ungrouped / all-only hosts first
  bool any_top = false;
  for (size_t h = 0; h < H.size(); ++h) {
    if (home[h] != SIZE_MAX) continue;
    home[h] = Inventory::kUngrouped;
    out += host_before(h, Inventory::kUngrouped, "ungrouped");
    emit_comments(out, find(host_key("all", H[h].name)), "");
    auto l = host_line(h, Inventory::kUngrouped, "ungrouped");
    if (!l) return l.error();
    out += *l;
    any_top = true;
  }
  for (size_t g : order) {
    const Group& grp = G[g];
    std::vector<size_t> kids;
    for (size_t c : grp.children)
      if (!plan.omit.count(c)) kids.push_back(c);
    Map vars = grp.vars;
    if (grp.priority != 1) vars.set("ansible_group_priority", Value(grp.priority));
    bool hosts_section = !grp.hosts.empty() || kids.empty();
    if (any_top || !out.empty()) out += "\n";
    const Attached* gc = find(group_key(grp.name));
    emit_comments(out, gc, "");
    std::string trailing = gc && !gc->trailing.empty() ? "  # " + gc->trailing : "";
    if (hosts_section) {
      out += "[" + grp.name + "]" + trailing + "\n";
      trailing.clear();
      for (size_t h : grp.hosts) {
        out += host_before(h, g, grp.name);
        auto l = host_line(h, g, grp.name);
        if (!l) return l.error();
        out += *l;
      }
    }
    if (!kids.empty()) {
      if (hosts_section) out += "\n";
      out += "[" + grp.name + ":children]" + trailing + "\n";
      for (size_t c : kids) out += G[c].name + "\n";
    }
    if (!vars.empty()) {
      out += "\n[" + grp.name + ":vars]\n";
      for (const auto& [k, v] : vars) {
        auto l = vars_line(k, v, "group " + grp.name);
        if (!l) return l.error();
        out += *l + "\n";
      }
    }
  }
  if (!G[Inventory::kAll].vars.empty()) {
    out += "\n[all:vars]\n";
    for (const auto& [k, v] : G[Inventory::kAll].vars) {
      auto l = vars_line(k, v, "group all");
      if (!l) return l.error();
      out += *l + "\n";
    }
  }
  return out;
}

std::string yaml_key_text(const std::string& k) { return yaml_string(k); }

void yaml_vars(std::string& out, const Map& vars, const std::string& ind) {
  for (const auto& [k, v] : vars) {
    out += ind + yaml_key_text(k) + ":";
    if (v.is_vault()) {
      const std::string& t = v.vault_text();
      size_t trailing_nl = 0;
      while (trailing_nl < t.size() && t[t.size() - 1 - trailing_nl] == '\n') ++trailing_nl;
      out += std::string(" !vault |") + (trailing_nl == 0 ? "-" : trailing_nl > 1 ? "+" : "") + "\n";
      size_t s = 0;
      std::string body = t.substr(0, t.size() - trailing_nl);
      while (s <= body.size()) {
        size_t nl = body.find('\n', s);
        out += ind + "  " + body.substr(s, nl == std::string::npos ? std::string::npos : nl - s) + "\n";
        if (nl == std::string::npos) break;
        s = nl + 1;
      }
      for (size_t i = 1; i < trailing_nl; ++i) out += "\n";
    } else {
      out += " " + yaml_flow(v) + "\n";
    }
  }
}

std::string to_yaml(const Inventory& inv, const CommentMap& cm) {
  const auto& G = inv.groups();
  const auto& H = inv.hosts();
  auto find = [&](const std::string& k) -> const Attached* {
    auto it = cm.find(k);
    return it == cm.end() ? nullptr : &it->second;
  };
  auto key_line = [&](std::string& out, const std::string& ind, const std::string& name,
                      const Attached* a, const std::string& suffix) {
    emit_comments(out, a, ind);
    out += ind + yaml_key_text(name) + ":" + suffix;
    if (a && !a->trailing.empty()) out += "  # " + a->trailing;
    out += "\n";
  };
  // Where each host's variables sit in the source: its first group line.
  std::vector<size_t> first(H.size(), SIZE_MAX);
  for (size_t g = 0; g < G.size(); ++g)
    for (size_t h : G[g].hosts)
      if (first[h] == SIZE_MAX) first[h] = g;
  std::string out = "all:\n";
  if (!H.empty()) {
    out += "  hosts:\n";
    for (size_t h = 0; h < H.size(); ++h) {
      // comments of the line that carried the variables travel with them
      Attached a;
      for (const std::string& k : {host_key("all", H[h].name),
                                   first[h] != SIZE_MAX ? host_key(G[first[h]].name, H[h].name) : std::string()}) {
        if (const Attached* x = find(k)) {
          a.before.insert(a.before.end(), x->before.begin(), x->before.end());
          if (!x->trailing.empty()) a.trailing += (a.trailing.empty() ? "" : "; ") + x->trailing;
        }
      }
      key_line(out, "    ", H[h].name, &a, "");
      yaml_vars(out, H[h].vars, "      ");
    }
  }
  std::vector<bool> defined(G.size());
  std::function<void(size_t, const std::string&)> group = [&](size_t g, const std::string& ind) {
    const Group& grp = G[g];
    Map vars = grp.vars;
    if (grp.priority != 1) vars.set("ansible_group_priority", Value(grp.priority));
    bool empty = grp.hosts.empty() && grp.children.empty() && vars.empty();
    if (defined[g] || empty) {
      key_line(out, ind, grp.name, defined[g] ? nullptr : find(group_key(grp.name)), "");
      defined[g] = true;
      return;
    }
    defined[g] = true;
    key_line(out, ind, grp.name, find(group_key(grp.name)), "");
    if (!grp.hosts.empty()) {
      out += ind + "  hosts:\n";
      for (size_t h : grp.hosts) {
        const Attached* a = first[h] == g ? nullptr : find(host_key(grp.name, H[h].name));
        key_line(out, ind + "    ", H[h].name, a, "");
      }
    }
    if (!grp.children.empty()) {
      out += ind + "  children:\n";
      for (size_t c : grp.children) group(c, ind + "    ");
    }
    if (!vars.empty()) {
      out += ind + "  vars:\n";
      yaml_vars(out, vars, ind + "    ");
    }
  };
  std::vector<size_t> roots;
  for (size_t c : G[Inventory::kAll].children)
    if (c != Inventory::kUngrouped) roots.push_back(c);
  if (!roots.empty()) {
    out += "  children:\n";
    for (size_t g : roots) group(g, "    ");
  }
  if (!G[Inventory::kAll].vars.empty()) {
    out += "  vars:\n";
    yaml_vars(out, G[Inventory::kAll].vars, "    ");
  }
  return out;
}

}  // namespace

std::string python_repr(const Value& v) {
  switch (v.kind()) {
    case Kind::Null:
    case Kind::Undefined: return "None";
    case Kind::Bool: return v.as_bool() ? "True" : "False";
    case Kind::Int: return std::to_string(v.as_int());
    case Kind::Float: return float_text(v.as_float(), false);
    case Kind::String: return py_quote(v.as_string());
    case Kind::List: {
      std::string s = "[";
      for (size_t i = 0; i < v.as_list().size(); ++i) s += (i ? ", " : "") + python_repr(v.as_list()[i]);
      return s + "]";
    }
    case Kind::Map: {
      std::string s = "{";
      bool first = true;
      for (const auto& [k, e] : v.as_map()) {
        s += (first ? "" : ", ") + py_quote(k) + ": " + python_repr(e);
        first = false;
      }
      return s + "}";
    }
    case Kind::Vault: return py_quote(v.vault_text());
    case Kind::Unknown: return "None";
  }
  return "None";
}

std::string yaml_value(const Value& v) { return yaml_flow(v); }

Result<Conversion> convert_hosts_file(const Inventory& inv, ConvertTo to) {
  if (inv.files.size() != 1)
    return Error("convert works on one hosts file; this inventory has " + std::to_string(inv.files.size()) +
                 " (give -i the file itself)");
  const InventoryFile& f = inv.files[0];
  CommentMap cm = f.format == Format::Ini ? ini_comments(f) : yaml_comments(f);
  Conversion c;
  Plan plan;
  if (to == ConvertTo::Ini) {
    plan = plan_ini(inv);
    auto text = to_ini(inv, cm, plan);
    if (!text) return text.error().context(f.path);
    c.text = std::move(*text);
    c.omitted = plan.omitted;
  } else {
    c.text = to_yaml(inv, cm);
  }
  // Read the result back and compare with the input.
  Inventory back;
  Status st = to == ConvertTo::Ini ? parse_ini(back, "<converted>", c.text)
                                   : parse_yaml_inventory(back, "<converted>", c.text);
  if (!st) return Error("internal error: the converted file does not parse: " + st.error().str());
  back.reconcile();
  Value want = hosts_file_document(inv);
  Value got = hosts_file_document(back);
  for (size_t g : plan.omit) drop_group(want.map_mut(), inv.groups()[g].name);
  sort_children(want);
  sort_children(got);
  if (want != got)
    return Error("internal error: the converted file would not read as the same inventory:\n" +
                 to_json(want) + "\n---\n" + to_json(got));
  return c;
}

}  // namespace ksm::inventory
