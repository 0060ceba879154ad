// INI <-> YAML hosts-file conversion (see convert.h). The output is checked
// by reading it back with the same readers and comparing with the input
// (groups, members, hosts-file variables), so a conversion that would change
// what Ansible reads is an error, never a file.
#include "inventory/convert.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "core/json.h"
#include "core/yaml.h"
#include "inventory/hostpattern.h"
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
               (static_cast<unsigned char>(s[i + 2]) == 0xA8 ||
                static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
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
      for (size_t i = 0; i < v.as_list().size(); ++i)
        s += (i ? ", " : "") + yaml_flow(v.as_list()[i]);
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

// The comments of the source hosts file, attached to the items they describe
// so that they can be written next to the same items in the other format.
// Items: a group (`g:G`: its YAML key or INI [G] header), a group's section
// (`s:G/hosts|children|vars`: the YAML key or INI [G:children]/[G:vars]
// header), a host line of a group (`h:G/H`), a child entry (`c:P/C`), a
// variable (`v:g:G/K` or `v:h:H/K`), plus the file's `header` and `footer`.
// A comment block directly above an item belongs to it (`before`); a block
// directly below an item and followed by a blank line belongs to it too
// (`after`: commented-out hosts at the end of a section); blocks with blank
// lines on both sides go above the next item with the blank line kept, or
// to the header/footer at the ends of the file. Comment lines are kept as
// written ("#text"; INI ';' comments become '#'), blank lines inside a
// block as "".
struct Attached {
  std::vector<std::string> before;
  std::string trailing;  // the text after '#' at the end of the item's line
  std::vector<std::string> after;
  bool used_before = false, used_trailing = false, used_after = false;
};

std::string group_key(const std::string& g) { return "g:" + g; }
std::string sect_key(const std::string& g, const std::string& s) { return "s:" + g + "/" + s; }
std::string host_key(const std::string& g, const std::string& h) { return "h:" + g + "/" + h; }
std::string child_key(const std::string& p, const std::string& c) { return "c:" + p + "/" + c; }
std::string gvar_key(const std::string& g, const std::string& k) { return "v:g:" + g + "/" + k; }
std::string hvar_key(const std::string& h, const std::string& k) { return "v:h:" + h + "/" + k; }
const std::string kHeader = "header", kFooter = "footer";

std::string trim_left(std::string s) {
  size_t b = s.find_first_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b);
}

class Comments {
 public:
  Attached& at(const std::string& key) {
    auto [it, fresh] = index_.emplace(key, items_.size());
    if (fresh) items_.emplace_back(key, Attached{});
    return items_[it->second].second;
  }
  const Attached* find(const std::string& key) const {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &items_[it->second].second;
  }
  bool has(const std::string& key) const { return find(key) != nullptr; }

  // Writes the comment lines above the item (once) with `indent`.
  void before(std::string& out, const std::string& key, const std::string& indent) {
    Attached* a = get(key);
    if (!a || a->used_before) return;
    a->used_before = true;
    lines(out, a->before, indent);
  }
  void after(std::string& out, const std::string& key, const std::string& indent) {
    Attached* a = get(key);
    if (!a || a->used_after) return;
    a->used_after = true;
    lines(out, a->after, indent);
  }
  // Appends the item's trailing comment (once) to `trailing`, "; "-joined.
  void trailing(std::string& trailing, const std::string& key) {
    Attached* a = get(key);
    if (!a || a->used_trailing || a->trailing.empty()) return;
    a->used_trailing = true;
    trailing += (trailing.empty() ? "" : "; ") + a->trailing;
  }
  // Comment lines not written yet (their item has no place in the output), in source order.
  std::vector<std::string> unused() const {
    std::vector<std::string> out;
    for (const auto& [key, a] : items_) {
      std::vector<std::string> ls;
      if (!a.used_before) ls.insert(ls.end(), a.before.begin(), a.before.end());
      if (!a.used_trailing && !a.trailing.empty()) ls.push_back("# " + a.trailing);
      if (!a.used_after) ls.insert(ls.end(), a.after.begin(), a.after.end());
      while (!ls.empty() && ls.back().empty()) ls.pop_back();
      while (!ls.empty() && ls.front().empty()) ls.erase(ls.begin());
      if (ls.empty()) continue;
      if (!out.empty()) out.emplace_back();
      out.insert(out.end(), ls.begin(), ls.end());
    }
    return out;
  }
  static void lines(std::string& out, const std::vector<std::string>& ls,
                    const std::string& indent) {
    for (const auto& l : ls) out += l.empty() ? "\n" : indent + l + "\n";
  }

 private:
  Attached* get(const std::string& key) {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &items_[it->second].second;
  }
  std::vector<std::pair<std::string, Attached>> items_;
  std::unordered_map<std::string, size_t> index_;
};

// One line of the source as the attachment sees it.
struct SourceLine {
  enum Kind { Blank, Comment, Content } kind = Content;
  std::string comment;  // Comment: "#text"
  std::string item;     // Content: the item starting on this line ("" for none)
  std::string trailing; // Content: its trailing comment text
};

// Attaches the comment lines of `src` to items (see Attached).
Comments attach(const std::vector<SourceLine>& src) {
  Comments c;
  std::vector<std::vector<std::string>> blocks;  // pending comment blocks, split at blank lines
  bool gap_before = false;   // a blank line between the previous item and the first block
  bool blank_after = false;  // a blank line after the last block
  std::string prev;          // the previous item
  auto flush = [&](const std::string* next) {
    if (blocks.empty()) return;
    size_t first = 0, last = blocks.size();
    std::vector<std::string> near;  // the block directly above `next`
    if (next && !blank_after) near = blocks[--last];
    if (!prev.empty() && !gap_before && last > first) {
      auto& a = c.at(prev).after;
      a.insert(a.end(), blocks[0].begin(), blocks[0].end());
      first = 1;
    }
    std::vector<std::string> detached;
    for (size_t i = first; i < last; ++i) {
      detached.insert(detached.end(), blocks[i].begin(), blocks[i].end());
      detached.emplace_back();
    }
    if (!next) {
      if (!detached.empty()) detached.pop_back();
      auto& f = c.at(kFooter).before;
      if (!f.empty() && !detached.empty()) f.emplace_back();
      f.insert(f.end(), detached.begin(), detached.end());
    } else if (prev.empty()) {
      auto& h = c.at(kHeader).before;
      h.insert(h.end(), detached.begin(), detached.end());
    } else {
      near.insert(near.begin(), detached.begin(), detached.end());
    }
    if (next && !near.empty()) {
      auto& b = c.at(*next).before;
      b.insert(b.end(), near.begin(), near.end());
    }
    blocks.clear();
  };
  bool blank_since = false;
  for (const auto& l : src) {
    if (l.kind == SourceLine::Blank) {
      blank_since = true;
    } else if (l.kind == SourceLine::Comment) {
      if (blocks.empty()) gap_before = blank_since;
      if (blocks.empty() || blank_since) blocks.emplace_back();
      blocks.back().push_back(l.comment);
      blank_since = false;
    } else if (!l.item.empty()) {
      blank_after = blank_since;
      flush(&l.item);
      if (!l.trailing.empty()) {
        std::string& t = c.at(l.item).trailing;
        t += (t.empty() ? "" : "; ") + l.trailing;
      }
      prev = l.item;
      blank_since = false;
    }
  }
  blank_after = blank_since;
  flush(nullptr);
  return c;
}

Comments ini_comments(const InventoryFile& f) {
  auto lines = split_lines(strip_bom(f.text));
  std::vector<SourceLine> src(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view t = py_strip(lines[i]);
    if (t.empty()) src[i].kind = SourceLine::Blank;
    else if (t[0] == '#' || t[0] == ';') {
      src[i].kind = SourceLine::Comment;
      src[i].comment = "#" + std::string(t.substr(1));
    }
  }
  for (const auto& il : f.ini_lines) {
    if (il.line < 1 || static_cast<size_t>(il.line) > src.size()) continue;
    SourceLine& s = src[static_cast<size_t>(il.line - 1)];
    switch (il.kind) {
      case IniLine::Section:
        s.item = il.section == "hosts" ? group_key(il.group) : sect_key(il.group, il.section);
        break;
      case IniLine::Host:
        if (!il.hosts.empty()) s.item = host_key(il.group, il.hosts[0]);
        break;
      case IniLine::Child: s.item = child_key(il.group, il.name); break;
      case IniLine::Var: s.item = gvar_key(il.group, il.name); break;
    }
    // A value of a :vars line may hold '#' (literal_eval decides): no trailing comment there.
    if (il.kind != IniLine::Var) s.trailing = trim_left(il.comment);
  }
  return attach(src);
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
    if ((c == '\'' || c == '"') && (i == 0 || line[i - 1] == ' ' || line[i - 1] == ':' ||
                                    line[i - 1] == '{' || line[i - 1] == '[' || line[i - 1] == ','))
      quote = c;
    else if (c == '#' && i > 0 && (line[i - 1] == ' ' || line[i - 1] == '\t'))
      return trim_left(std::string(line.substr(i + 1)));
  }
  return "";
}

// A line whose value starts a block scalar (`key: |`, `key: !vault |-`, `- >`):
// the more indented lines after it are text, not comments.
bool starts_block_scalar(std::string_view line) {
  size_t hash = line.find(" #");
  std::string_view t = line.substr(0, hash);
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  while (!t.empty() &&
         (std::isdigit(static_cast<unsigned char>(t.back())) || t.back() == '-' || t.back() == '+'))
    t.remove_suffix(1);
  if (t.empty() || (t.back() != '|' && t.back() != '>')) return false;
  t.remove_suffix(1);
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  if (!t.empty() && t.back() != ':' && t.back() != '-') {  // a tag before the indicator
    size_t sp = t.find_last_of(" \t");
    if (sp == std::string_view::npos || t[sp + 1] != '!') return false;
    t = t.substr(0, sp);
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  }
  return t.empty() || t.back() == ':' || t.back() == '-';
}

Comments yaml_comments(const InventoryFile& f) {
  std::vector<std::string_view> lines;
  std::string_view body = strip_bom(f.text);
  size_t s = 0;
  while (s <= body.size()) {
    size_t nl = body.find('\n', s);
    std::string_view l =
        body.substr(s, nl == std::string_view::npos ? std::string_view::npos : nl - s);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    lines.push_back(l);
    if (nl == std::string_view::npos) break;
    s = nl + 1;
  }
  std::vector<SourceLine> src(lines.size());
  size_t block_indent = std::string_view::npos;  // inside a block scalar: its key's indentation
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view l = lines[i];
    size_t ind = l.find_first_not_of(" \t");
    if (ind == std::string_view::npos) {
      src[i].kind = SourceLine::Blank;
      continue;
    }
    if (block_indent != std::string_view::npos && ind > block_indent) continue;  // block text
    block_indent = std::string_view::npos;
    if (l[ind] == '#') {
      src[i].kind = SourceLine::Comment;
      src[i].comment = std::string(l.substr(ind));
      continue;
    }
    if (starts_block_scalar(l)) block_indent = ind;
  }
  // Items from the key paths: group/section/name... (see Reader::group).
  const auto& keys = f.yaml_keys;
  for (size_t k = 0; k < keys.size(); ++k) {
    const YamlKey& key = keys[k];
    if (key.line < 1 || static_cast<size_t>(key.line) > src.size()) continue;
    SourceLine& line = src[static_cast<size_t>(key.line - 1)];
    if (line.kind != SourceLine::Content || !line.item.empty())
      continue;  // first key of a line only
    std::vector<std::string> seg;
    for (size_t p = 0;;) {
      size_t slash = key.path.find('/', p);
      seg.push_back(key.path.substr(p, slash == std::string::npos ? std::string::npos : slash - p));
      if (slash == std::string::npos) break;
      p = slash + 1;
    }
    bool has_body = k + 1 < keys.size() && keys[k + 1].path.rfind(key.path + "/", 0) == 0;
    std::string item;
    if (seg.size() == 1) item = group_key(seg[0]);
    for (size_t i = 0; i + 1 < seg.size();) {
      const std::string& g = seg[i];
      const std::string& sec = seg[i + 1];
      size_t rest = seg.size() - (i + 2);
      if (rest == 0) {
        item = sect_key(g, sec);
      } else if (sec == "children") {
        if (rest == 1) item = has_body ? group_key(seg[i + 2]) : child_key(g, seg[i + 2]);
        i += 2;
        continue;
      } else if (sec == "hosts") {
        auto hp = expand_host_pattern(seg[i + 2]);
        std::string h = hp && !hp->hosts.empty() ? hp->hosts[0] : seg[i + 2];
        item = rest == 1 ? host_key(g, h) : rest == 2 ? hvar_key(h, seg[i + 3]) : "";
      } else if (sec == "vars" && rest == 1) {
        item = gvar_key(g, seg[i + 2]);
      }
      break;
    }
    line.item = item;
    line.trailing = yaml_trailing(lines[static_cast<size_t>(key.line - 1)],
                                  static_cast<size_t>(std::max(0, key.column - 1)));
  }
  return attach(src);
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
    std::sort(kids.begin(), kids.end(),
              [](const Value& a, const Value& b) { return a.as_string() < b.as_string(); });
    v.map_mut().set("children", Value(std::move(kids)));
  }
}

// The --list document of the hosts file alone (no group_vars/host_vars).
Value hosts_file_document(Inventory inv) {
  inv.clear_vars_files();
  return list_document(inv);
}

struct Plan {
  std::unordered_set<size_t> omit;
  std::vector<std::string> omitted;
};

// Whether group `k` only repeats what Kubespray builds at run time from
// `from`: no hosts or variables of its own, a child of `all` only, children
// among `from`, and exactly their hosts.
bool only_repeats_runtime(const Inventory& inv, size_t k, const std::vector<std::string>& from) {
  const auto& G = inv.groups();
  const Group& g = G[k];
  bool only_all_parent = g.parents.size() == 1 && g.parents[0] == Inventory::kAll;
  if (!g.hosts.empty() || !g.vars.empty() || g.priority != 1 || !only_all_parent ||
      g.children.empty())
    return false;
  for (size_t c : g.children)
    if (std::find(from.begin(), from.end(), G[c].name) == from.end()) return false;
  std::set<size_t> mine, runtime;
  for (size_t h : inv.group_hosts(k)) mine.insert(h);
  for (const auto& n : from)
    if (auto gi = inv.group_index(n))
      for (size_t h : inv.group_hosts(*gi)) runtime.insert(h);
  return mine == runtime;
}

std::string kubespray_at(const LeftToKubespray& left) {
  return left.tag.empty() ? "Kubespray" : "Kubespray " + left.tag;
}

Plan plan_ini(const Inventory& inv, const LeftToKubespray& left) {
  Plan p;
  const auto& G = inv.groups();
  for (const auto& rg : left.runtime_groups) {
    auto k = inv.group_index(rg.group);
    if (!k || !only_repeats_runtime(inv, *k, rg.from)) continue;
    p.omit.insert(*k);
    std::vector<std::string> names;
    for (size_t c : G[*k].children) names.push_back(G[c].name);
    p.omitted.push_back(fmt::format("left out [{}:children] ({}): {} builds {} at run time from {}",
                                    rg.group, fmt::join(names, ", "), kubespray_at(left), rg.group,
                                    fmt::join(rg.from, ", ")));
  }
  for (const auto& name : left.optional_groups) {
    auto c = inv.group_index(name);
    if (!c) continue;
    const Group& g = G[*c];
    bool referenced = false;
    for (size_t par : g.parents)
      if (par != Inventory::kAll && !p.omit.count(par)) referenced = true;
    if (g.hosts.empty() && g.children.empty() && g.vars.empty() && g.priority == 1 && !referenced) {
      p.omit.insert(*c);
      p.omitted.push_back(fmt::format("left out the empty {} group ({} does not need it declared)",
                                      name, kubespray_at(left)));
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
  if (v.is_vault() || got != v || got.kind() != v.kind())
    return unrepresentable(key + " of " + who, v);
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

// Writes an item's line `text` (without newline) with its comments: the
// lines above, the trailing comment, the lines below. `keys` are the items
// whose comments belong to this line (each written once).
void item_line(std::string& out, Comments& cm, const std::vector<std::string>& keys,
               const std::string& indent, const std::string& text, bool with_after = true,
               bool trailing_ok = true) {
  std::string trailing;
  for (const auto& k : keys)
    if (!k.empty()) cm.before(out, k, indent);
  for (const auto& k : keys)
    if (!k.empty()) cm.trailing(trailing, k);
  if (!trailing_ok && !trailing.empty()) {  // a line of its own, above
    out += indent + "# " + trailing + "\n";
    trailing.clear();
  }
  out += indent + text;
  if (!trailing.empty()) out += "  # " + trailing;
  out += "\n";
  if (!with_after) return;
  for (const auto& k : keys)
    if (!k.empty()) cm.after(out, k, indent);
}

// Comments of `keys` as whole lines (items that have no line of their own in the output).
void comment_lines(std::string& out, Comments& cm, const std::vector<std::string>& keys) {
  for (const auto& k : keys) {
    cm.before(out, k, "");
    std::string t;
    cm.trailing(t, k);
    if (!t.empty()) out += "# " + t + "\n";
    cm.after(out, k, "");
  }
}

// The end of the output: comments that found no place (kept, said on stderr), then the footer.
void finish(std::string& out, Comments& cm, std::vector<std::string>& notes,
            const std::string& source) {
  std::string footer;
  cm.before(footer, kFooter, "");
  std::vector<std::string> rest = cm.unused();
  if (!rest.empty()) {
    size_t n = 0;
    for (const auto& l : rest) n += !l.empty();
    notes.push_back(
        "moved " + std::to_string(n) + " comment line" + (n == 1 ? "" : "s") + " of " + source +
        " to the end of the file: what they were attached to has no place in this layout");
    out += "\n";
    Comments::lines(out, rest, "");
  }
  if (!footer.empty()) out += "\n" + footer;
}

Result<std::string> to_ini(const Inventory& inv, Comments& cm, const Plan& plan) {
  const auto& G = inv.groups();
  const auto& H = inv.hosts();
  std::string out;
  auto hostname_ok = [](const std::string& h) {
    return !h.empty() && h.find_first_of(" \t'\"\\#[]=;") == std::string::npos;
  };
  // The file's header, then the comments of `all` (no [all] block in this layout).
  cm.before(out, kHeader, "");
  comment_lines(out, cm, {group_key("all"), sect_key("all", "hosts"), sect_key("all", "children")});
  // Which line carries a host's variables: its first group line (in output
  // order); hosts in no group but all/ungrouped go before the first section.
  std::vector<size_t> home(H.size(), SIZE_MAX);
  std::vector<size_t> order;
  for (size_t g = 2; g < G.size(); ++g)
    if (!plan.omit.count(g)) order.push_back(g);
  for (size_t g : order)
    for (size_t h : G[g].hosts)
      if (home[h] == SIZE_MAX) home[h] = g;
  auto host_line = [&](size_t h, size_t in_group, const std::string& group_name) -> Status {
    const Host& host = H[h];
    if (!hostname_ok(host.name)) return Error("INI cannot hold the host name '" + host.name + "'");
    std::string line = host.name;
    bool vars_here = home[h] == in_group;
    std::vector<std::string> keys{host_key(group_name, host.name)};
    if (vars_here) {
      keys.push_back(host_key("all", host.name));
      keys.push_back(host_key("ungrouped", host.name));
      for (const auto& [k, v] : host.vars) {
        auto tok = host_token(k, v, "host " + host.name);
        if (!tok) return tok.error();
        line += " " + *tok;
        keys.push_back(hvar_key(host.name, k));  // a variable's comments go with its line
      }
    }
    item_line(out, cm, keys, "", line);
    return {};
  };
  // ungrouped / all-only hosts first
  for (size_t h = 0; h < H.size(); ++h) {
    if (home[h] != SIZE_MAX) continue;
    home[h] = Inventory::kUngrouped;
    if (auto st = host_line(h, Inventory::kUngrouped, "ungrouped"); !st) return st.error();
  }
  for (size_t g : order) {
    const Group& grp = G[g];
    std::vector<size_t> kids;
    for (size_t c : grp.children)
      if (!plan.omit.count(c)) kids.push_back(c);
    Map vars = grp.vars;
    if (grp.priority != 1) vars.set("ansible_group_priority", Value(grp.priority));
    bool hosts_section = !grp.hosts.empty() || kids.empty();
    if (!out.empty()) out += "\n";
    // The group's own comments, and those of child entries naming it where
    // the parent has no [P:children] line for it here (all, left-out groups).
    std::vector<std::string> head{group_key(grp.name)};
    for (size_t p : grp.parents)
      if (p == Inventory::kAll || plan.omit.count(p))
        head.push_back(child_key(G[p].name, grp.name));
    auto header = [&](const std::string& section, const std::string& text) {
      std::vector<std::string> keys = head;
      keys.push_back(sect_key(grp.name, section));
      item_line(out, cm, keys, "", text);
    };
    if (hosts_section) {
      header("hosts", "[" + grp.name + "]");
      for (size_t h : grp.hosts)
        if (auto st = host_line(h, g, grp.name); !st) return st.error();
    }
    if (!kids.empty()) {
      if (hosts_section) out += "\n";
      header("children", "[" + grp.name + ":children]");
      for (size_t c : kids) item_line(out, cm, {child_key(grp.name, G[c].name)}, "", G[c].name);
    }
    if (!vars.empty()) {
      out += "\n";
      header("vars", "[" + grp.name + ":vars]");
      for (const auto& [k, v] : vars) {
        auto l = vars_line(k, v, "group " + grp.name);
        if (!l) return l.error();
        // the value of a :vars line runs to its end: no trailing comment there
        item_line(out, cm, {gvar_key(grp.name, k)}, "", *l, true, false);
      }
    }
  }
  if (!G[Inventory::kAll].vars.empty()) {
    out += "\n";
    item_line(out, cm, {sect_key("all", "vars")}, "", "[all:vars]");
    for (const auto& [k, v] : G[Inventory::kAll].vars) {
      auto l = vars_line(k, v, "group all");
      if (!l) return l.error();
      item_line(out, cm, {gvar_key("all", k)}, "", *l, true, false);
    }
  }
  return out;
}

std::string yaml_key_text(const std::string& k) { return yaml_string(k); }

// `key: value` lines; `var_key` names each variable's comment item.
void yaml_vars(std::string& out, Comments& cm, const Map& vars, const std::string& ind,
               const std::function<std::string(const std::string&)>& var_key) {
  for (const auto& [k, v] : vars) {
    std::string key = var_key(k);
    if (!v.is_vault()) {
      item_line(out, cm, {key}, ind, yaml_key_text(k) + ": " + yaml_flow(v));
      continue;
    }
    // a block scalar: its comments go above it
    cm.before(out, key, ind);
    std::string t;
    cm.trailing(t, key);
    if (!t.empty()) out += ind + "# " + t + "\n";
    out += ind + yaml_key_text(k) + ":";
    const std::string& text = v.vault_text();
    size_t trailing_nl = 0;
    while (trailing_nl < text.size() && text[text.size() - 1 - trailing_nl] == '\n') ++trailing_nl;
    out += std::string(" !vault |") + (trailing_nl == 0 ? "-" : trailing_nl > 1 ? "+" : "") + "\n";
    size_t s = 0;
    std::string body = text.substr(0, text.size() - trailing_nl);
    while (s <= body.size()) {
      size_t nl = body.find('\n', s);
      out +=
          ind + "  " + body.substr(s, nl == std::string::npos ? std::string::npos : nl - s) + "\n";
      if (nl == std::string::npos) break;
      s = nl + 1;
    }
    for (size_t i = 1; i < trailing_nl; ++i) out += "\n";
    cm.after(out, key, ind);
  }
}

std::string to_yaml(const Inventory& inv, Comments& cm) {
  const auto& G = inv.groups();
  const auto& H = inv.hosts();
  // Where each host's variables sit in the source: its first group line.
  std::vector<size_t> first(H.size(), SIZE_MAX);
  for (size_t g = 0; g < G.size(); ++g)
    for (size_t h : G[g].hosts)
      if (first[h] == SIZE_MAX) first[h] = g;
  std::string out;
  cm.before(out, kHeader, "");
  item_line(out, cm, {group_key("all")}, "", "all:");
  if (!H.empty()) {
    // INI's ungrouped hosts are all's hosts here
    item_line(out, cm,
              {sect_key("all", "hosts"), group_key("ungrouped"), sect_key("ungrouped", "hosts")},
              "  ", "hosts:");
    for (size_t h = 0; h < H.size(); ++h) {
      // comments of the line that carried the variables travel with them
      std::string first_key =
          first[h] != SIZE_MAX ? host_key(G[first[h]].name, H[h].name) : std::string();
      std::string all_key = host_key("all", H[h].name);
      item_line(out, cm, {all_key, first_key}, "    ", yaml_key_text(H[h].name) + ":", false);
      yaml_vars(out, cm, H[h].vars, "      ",
                [&](const std::string& k) { return hvar_key(H[h].name, k); });
      // comments below the host (commented-out hosts) after its variables
      cm.after(out, all_key, "    ");
      if (!first_key.empty()) cm.after(out, first_key, "    ");
    }
  }
  std::vector<bool> defined(G.size());
  std::function<void(size_t, size_t, const std::string&)> group = [&](size_t parent, size_t g,
                                                                      const std::string& ind) {
    const Group& grp = G[g];
    std::string ref = child_key(G[parent].name, grp.name);
    Map vars = grp.vars;
    if (grp.priority != 1) vars.set("ansible_group_priority", Value(grp.priority));
    bool empty = grp.hosts.empty() && grp.children.empty() && vars.empty();
    if (defined[g] || empty) {
      std::string own = defined[g] ? std::string() : group_key(grp.name);
      item_line(out, cm, {own, ref}, ind, yaml_key_text(grp.name) + ":");
      defined[g] = true;
      return;
    }
    defined[g] = true;
    item_line(out, cm, {group_key(grp.name), ref}, ind, yaml_key_text(grp.name) + ":");
    if (!grp.hosts.empty()) {
      item_line(out, cm, {sect_key(grp.name, "hosts")}, ind + "  ", "hosts:");
      for (size_t h : grp.hosts)
        item_line(out, cm, {host_key(grp.name, H[h].name)}, ind + "    ",
                  yaml_key_text(H[h].name) + ":");
    }
    if (!grp.children.empty()) {
      item_line(out, cm, {sect_key(grp.name, "children")}, ind + "  ", "children:");
      for (size_t c : grp.children) group(g, c, ind + "    ");
    }
    if (!vars.empty()) {
      item_line(out, cm, {sect_key(grp.name, "vars")}, ind + "  ", "vars:");
      yaml_vars(out, cm, vars, ind + "    ",
                [&](const std::string& k) { return gvar_key(grp.name, k); });
    }
  };
  std::vector<size_t> roots;
  for (size_t c : G[Inventory::kAll].children)
    if (c != Inventory::kUngrouped) roots.push_back(c);
  if (!roots.empty()) {
    item_line(out, cm, {sect_key("all", "children")}, "  ", "children:");
    for (size_t g : roots) group(Inventory::kAll, g, "    ");
  }
  if (!G[Inventory::kAll].vars.empty()) {
    item_line(out, cm, {sect_key("all", "vars")}, "  ", "vars:");
    yaml_vars(out, cm, G[Inventory::kAll].vars, "    ",
              [&](const std::string& k) { return gvar_key("all", k); });
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
      for (size_t i = 0; i < v.as_list().size(); ++i)
        s += (i ? ", " : "") + python_repr(v.as_list()[i]);
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

Result<Conversion> convert_hosts_file(const Inventory& inv, ConvertTo to,
                                      const LeftToKubespray& left) {
  if (inv.files.size() != 1)
    return Error("convert works on one hosts file; this inventory has " +
                 std::to_string(inv.files.size()) + " (give -i the file itself)");
  const InventoryFile& f = inv.files[0];
  Comments cm = f.format == Format::Ini ? ini_comments(f) : yaml_comments(f);
  Conversion c;
  Plan plan;
  if (to == ConvertTo::Ini) {
    plan = plan_ini(inv, left);
    auto text = to_ini(inv, cm, plan);
    if (!text) return text.error().context(f.path);
    c.text = std::move(*text);
    c.omitted = plan.omitted;
  } else {
    c.text = to_yaml(inv, cm);
  }
  finish(c.text, cm, c.omitted, f.path);
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
