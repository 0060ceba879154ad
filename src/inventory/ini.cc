// The INI hosts-file reader (see ini.h), following ini.py line by line.
#include "inventory/ini.h"

#include <map>

#include "core/yaml.h"
#include "inventory/hostpattern.h"
#include "inventory/literal.h"

namespace ksm::inventory {

std::vector<std::string_view> split_lines(std::string_view t) {
  std::vector<std::string_view> out;
  size_t s = 0, i = 0;
  while (i < t.size()) {
    unsigned char c = static_cast<unsigned char>(t[i]);
    size_t brk = 0;
    if (c == '\r') brk = (i + 1 < t.size() && t[i + 1] == '\n') ? 2 : 1;
    else if (c == '\n' || c == '\v' || c == '\f' || c == 0x1c || c == 0x1d || c == 0x1e) brk = 1;
    else if (c == 0xC2 && i + 1 < t.size() && static_cast<unsigned char>(t[i + 1]) == 0x85) brk = 2;
    else if (c == 0xE2 && i + 2 < t.size() && static_cast<unsigned char>(t[i + 1]) == 0x80 &&
             (static_cast<unsigned char>(t[i + 2]) == 0xA8 ||
              static_cast<unsigned char>(t[i + 2]) == 0xA9))
      brk = 3;
    if (brk) {
      out.push_back(t.substr(s, i - s));
      i += brk;
      s = i;
    } else {
      ++i;
    }
  }
  if (s < t.size()) out.push_back(t.substr(s));
  return out;
}

namespace {

// Python whitespace (str.isspace) at the start of `s`: its length, or 0.
size_t space_len(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f)) return 1;
  if (c == 0xC2 && i + 1 < s.size()) {
    unsigned char d = static_cast<unsigned char>(s[i + 1]);
    if (d == 0x85 || d == 0xA0) return 2;
  }
  if (c == 0xE2 && i + 2 < s.size()) {
    unsigned char d = static_cast<unsigned char>(s[i + 1]),
                  e = static_cast<unsigned char>(s[i + 2]);
    if (d == 0x80 && ((e >= 0x80 && e <= 0x8A) || e == 0xA8 || e == 0xA9 || e == 0xAF)) return 3;
    if (d == 0x81 && e == 0x9F) return 3;
  }
  if (c == 0xE3 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
      static_cast<unsigned char>(s[i + 2]) == 0x80)
    return 3;
  if (c == 0xE1 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x9A &&
      static_cast<unsigned char>(s[i + 2]) == 0x80)
    return 3;
  return 0;
}

bool is_space_at_end(std::string_view s, size_t& len) {
  // Checks the last code point of s.
  for (size_t n = 1; n <= 3 && n <= s.size(); ++n) {
    size_t i = s.size() - n;
    if (space_len(s, i) == n) {
      len = n;
      return true;
    }
  }
  return false;
}

}  // namespace

std::string_view py_strip(std::string_view s) {
  size_t n;
  while (!s.empty() && (n = space_len(s, 0)) > 0) s.remove_prefix(n);
  while (!s.empty() && is_space_at_end(s, n)) s.remove_suffix(n);
  return s;
}

Result<std::vector<ShlexToken>> shlex_split(std::string_view s, std::string* comment) {
  std::vector<ShlexToken> out;
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  size_t i = 0;
  while (true) {
    while (i < s.size() && ws(s[i])) ++i;
    if (i >= s.size()) break;
    if (s[i] == '#') {
      if (comment) *comment = std::string(s.substr(i + 1));
      break;
    }
    ShlexToken tok;
    tok.start = i;
    bool quoted = false;
    bool done = false;
    while (i < s.size() && !done) {
      char c = s[i];
      if (ws(c)) break;
      if (c == '#') {
        if (comment) *comment = std::string(s.substr(i + 1));
        i = s.size();
        done = true;
        break;
      }
      if (c == '\\') {
        if (i + 1 >= s.size()) return Error("No escaped character");
        tok.text += s[i + 1];
        i += 2;
        continue;
      }
      if (c == '\'' || c == '"') {
        quoted = true;
        char q = c;
        ++i;
        while (true) {
          if (i >= s.size()) return Error("No closing quotation");
          char d = s[i];
          if (d == q) {
            ++i;
            break;
          }
          if (q == '"' && d == '\\') {
            if (i + 1 >= s.size()) return Error("No closing quotation");
            char e = s[i + 1];
            if (e != '"' && e != '\\') tok.text += '\\';
            tok.text += e;
            i += 2;
            continue;
          }
          tok.text += d;
          ++i;
        }
        continue;
      }
      tok.text += c;
      ++i;
    }
    if (!tok.text.empty() || quoted) out.push_back(std::move(tok));
    if (done) break;
  }
  return out;
}

namespace {

bool is_word(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// The `section` pattern: ^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:\#.*)?$
bool match_section(std::string_view line, std::string& group, std::string& state) {
  if (line.empty() || line[0] != '[') return false;
  size_t i = 1;
  while (i < line.size() && line[i] != ':' && line[i] != ']' && !space_len(line, i)) ++i;
  if (i == 1 || i >= line.size()) return false;
  group = std::string(line.substr(1, i - 1));
  state.clear();
  if (line[i] == ':') {
    size_t s = ++i;
    while (i < line.size() && is_word(line[i])) ++i;
    if (i == s) return false;
    state = std::string(line.substr(s, i - s));
  }
  if (i >= line.size() || line[i] != ']') return false;
  ++i;
  size_t n;
  while (i < line.size() && (n = space_len(line, i)) > 0) i += n;
  return i == line.size() || line[i] == '#';
}

// The `groupname` pattern: ^([^:\]\s]+)\s*(?:\#.*)?$
bool match_groupname(std::string_view line, std::string& name) {
  size_t i = 0;
  while (i < line.size() && line[i] != ':' && line[i] != ']' && !space_len(line, i) &&
         line[i] != '#')
    ++i;
  // '#' is allowed inside the name by the pattern; only a '#' after spaces starts a comment.
  while (i < line.size() && line[i] == '#' && i > 0) {
    ++i;
    while (i < line.size() && line[i] != ':' && line[i] != ']' && !space_len(line, i)) ++i;
  }
  if (i == 0) return false;
  name = std::string(line.substr(0, i));
  size_t n;
  while (i < line.size() && (n = space_len(line, i)) > 0) i += n;
  return i == line.size() || line[i] == '#';
}

struct Pending {
  int line;
  std::string state;
  std::vector<std::string> parents;
};

// One INI hosts file being read into an inventory, a line at a time, in the
// steps of Ansible's ini plugin.
class IniParser {
 public:
  IniParser(Inventory& inv, InventoryFile& file, const std::string& path)
      : inv_(inv), file_(file), path_(path) {}

  Status parse_lines(std::string_view body) {
    for (std::string_view raw : split_lines(body)) {
      ++lineno_;
      std::string_view line = py_strip(raw);
      if (line.empty() || line[0] == ';' || line[0] == '#') continue;
      int col = static_cast<int>(line.data() - raw.data()) + 1;
      Status st = parse_line(line, col);
      if (!st) return st;
    }
    return undefined_pending();
  }

 private:
  Error fail(const std::string& msg, int col = 0) const {
    return Error(msg, Location{path_, lineno_, col});
  }

  Status parse_line(std::string_view line, int col) {
    std::string g, st;
    if (match_section(line, g, st)) return section_line(line, g, st, col);
    if (line.front() == '[' && line.back() == ']')
      return fail("Invalid section entry: '" + std::string(line) +
                      "'. Please make sure that there are no spaces in the section entry, and "
                      "that there are no other invalid characters",
                  col);
    if (state_ == "hosts") return host_line(line, col);
    if (state_ == "vars") return var_line(line, col);
    return child_line(line, col);
  }

  Status add_pending_children(const std::string& g) {
    auto it = pending_.find(g);
    if (it == pending_.end()) return {};
    std::vector<std::string> parents = it->second.parents;
    for (const auto& parent : parents) {
      if (auto st = inv_.add_child(*inv_.group_index(parent), *inv_.group_index(g)); !st)
        return fail(st.error().message);
      auto pp = pending_.find(parent);
      if (pp != pending_.end() && pp->second.state == "children")
        if (auto st = add_pending_children(parent); !st) return st;
    }
    pending_.erase(g);
    return {};
  }

  // [group], [group:vars] or [group:children].
  Status section_line(std::string_view line, const std::string& g, const std::string& st, int col) {
    Location here{path_, lineno_, col};
    groupname_ = g;
    state_ = st.empty() ? "hosts" : st;
    if (state_ != "hosts" && state_ != "children" && state_ != "vars")
      return fail("Section [" + g + ":" + st + "] has unknown type: " + st, col);
    if (!inv_.group_index(groupname_)) {
      if (state_ == "vars" && !pending_.count(groupname_)) {
        pending_[groupname_] = Pending{lineno_, state_, {}};
        pending_order_.push_back(groupname_);
      }
    }
    gidx_ = inv_.add_group(groupname_, here);
    auto p = pending_.find(groupname_);
    if (p != pending_.end() && state_ != "vars") {
      if (p->second.state == "children") {
        if (auto s2 = add_pending_children(groupname_); !s2) return s2;
      } else if (p->second.state == "vars") {
        pending_.erase(p);
      }
    }
    IniLine il{IniLine::Section, lineno_, groupname_, state_, groupname_, {}, {}};
    if (size_t hash = line.find('#', line.find(']')); hash != std::string_view::npos)
      il.comment = std::string(line.substr(hash + 1));
    file_.ini_lines.push_back(std::move(il));
    return {};
  }

  // A host pattern with its key=value variables.
  Status host_line(std::string_view line, int col) {
    Location here{path_, lineno_, col};
    std::string comment;
    auto toks = shlex_split(line, &comment);
    if (!toks)
      return fail(
          "Error parsing host definition '" + std::string(line) + "': " + toks.error().message,
          col);
    if (toks->empty()) return fail("Expected a host pattern, got: " + std::string(line), col);
    const std::string& pat = (*toks)[0].text;
    auto hp = expand_host_pattern(pat);
    if (!hp) return fail(hp.error().message, col);
    std::string_view ps = py_strip(pat);
    if (!ps.empty() && ps.back() == ':' && !hp->port)
      return fail("Invalid host pattern '" + pat +
                      "' supplied, ending in ':' is not allowed, this character is reserved to "
                      "provide a port.",
                  col);
    for (const auto& h : hp->hosts) {
      if (py_strip(h) == "---")
        return fail("Invalid host pattern '" + pat +
                        "' supplied, '---' is normally a sign this is a YAML file.",
                    col);
      if (h.empty()) return fail("Invalid empty host name provided", col);
    }
    // Variables: a dict, so a repeated key keeps its first place and last value.
    Map vars;
    std::unordered_map<std::string, int> var_col;
    for (size_t i = 1; i < toks->size(); ++i) {
      const std::string& t = (*toks)[i].text;
      size_t eq = t.find('=');
      if (eq == std::string::npos)
        return fail("Expected key=value host variable assignment, got: " + t,
                    col + static_cast<int>((*toks)[i].start));
      std::string k = t.substr(0, eq);
      vars.set(k, ini_value(std::string_view(t).substr(eq + 1)));
      var_col[k] = col + static_cast<int>((*toks)[i].start);
    }
    for (const auto& h : hp->hosts) {
      size_t hi = inv_.add_host(h, gidx_, hp->port, here);
      for (const auto& [k, v] : vars)
        inv_.set_host_var(hi, k, v, Location{path_, lineno_, var_col[k]});
    }
    if (inv_.hosts().size() > kMaxInventoryHosts)
      return fail("the inventory has more than " + std::to_string(kMaxInventoryHosts) +
                      " hosts (Kubernetes supports 5,000 nodes)",
                  col);
    IniLine il{IniLine::Host, lineno_, groupname_, state_, pat, hp->hosts, comment};
    file_.ini_lines.push_back(std::move(il));
    return {};
  }

  // key=value in a [group:vars] section.
  Status var_line(std::string_view line, int col) {
    size_t eq = line.find('=');
    if (eq == std::string_view::npos)
      return fail("Expected key=value, got: " + std::string(line), col);
    std::string k(py_strip(line.substr(0, eq)));
    std::string_view v = py_strip(line.substr(eq + 1));
    inv_.set_group_var(gidx_, k, ini_value(v), Location{path_, lineno_, col});
    file_.ini_lines.push_back(IniLine{IniLine::Var, lineno_, groupname_, state_, k, {}, {}});
    return {};
  }

  // A group name in a [group:children] section; one not defined yet waits.
  Status child_line(std::string_view line, int col) {
    std::string child;
    if (!match_groupname(line, child))
      return fail("Expected group name, got: " + std::string(line), col);
    if (!inv_.group_index(child)) {
      auto p = pending_.find(child);
      if (p == pending_.end()) {
        pending_[child] = Pending{lineno_, state_, {groupname_}};
        pending_order_.push_back(child);
      } else {
        p->second.parents.push_back(groupname_);
      }
    } else {
      if (auto s2 = inv_.add_child(gidx_, *inv_.group_index(child)); !s2)
        return fail(s2.error().message, col);
    }
    IniLine il{IniLine::Child, lineno_, groupname_, state_, child, {}, {}};
    if (size_t hash = line.find('#', child.size()); hash != std::string_view::npos)
      il.comment = std::string(line.substr(hash + 1));
    file_.ini_lines.push_back(std::move(il));
    return {};
  }

  // A vars or children section of a group never defined is an error.
  Status undefined_pending() const {
    for (const auto& name : pending_order_) {
      auto p = pending_.find(name);
      if (p == pending_.end()) continue;
      Location at{path_, p->second.line, 0};
      if (p->second.state == "vars")
        return Error("Section [" + name + ":vars] not valid for undefined group: " + name, at);
      return Error(
          "Section [" + p->second.parents.back() + ":children] includes undefined group: " + name,
          at);
    }
    return {};
  }

  Inventory& inv_;
  InventoryFile& file_;
  const std::string& path_;
  std::map<std::string, Pending> pending_;  // by name (Ansible raises for the first in dict order)
  std::vector<std::string> pending_order_;
  std::string groupname_ = "ungrouped";
  std::string state_ = "hosts";
  size_t gidx_ = Inventory::kUngrouped;
  int lineno_ = 0;
};

}  // namespace

Status parse_ini(Inventory& inv, const std::string& path, std::string text) {
  InventoryFile file;
  file.path = path;
  file.format = Format::Ini;
  file.text = std::move(text);
  std::string_view body = file.text;
  if (strip_bom(body).size() != body.size()) {
    file.bom = true;
    return Error(
        "the file starts with a UTF-8 byte order mark, which Ansible's ini plugin reads as part of "
        "the first line (it cannot parse this file); remove the first 3 bytes",
        Location{path, 1, 1});
  }
  file.crlf = body.find("\r\n") != std::string_view::npos;

  IniParser parser(inv, file, path);
  if (auto st = parser.parse_lines(body); !st) return st;
  inv.files.push_back(std::move(file));
  return {};
}

}  // namespace ksm::inventory
