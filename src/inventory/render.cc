// ansible-inventory's --list, --host and --graph over the model (see render.h).
#include "inventory/render.h"

#include <algorithm>
#include <functional>
#include <map>
#include <string_view>
#include <unordered_map>

#include "core/json.h"

#include "inventory/layers.h"

namespace ksm::inventory {

namespace {

// cli/inventory.py INTERNAL_VARS
constexpr std::string_view kInternal[] = {
    "ansible_diff_mode", "ansible_config_file", "ansible_facts", "ansible_forks",
    "ansible_inventory_sources", "ansible_limit", "ansible_playbook_python",
    "ansible_run_tags", "ansible_skip_tags", "ansible_verbosity",
    "ansible_version", "inventory_dir", "inventory_file", "inventory_hostname",
    "inventory_hostname_short", "groups", "group_names", "omit", "playbook_dir"};

bool internal_var(std::string_view k) {
  for (std::string_view i : kInternal)
    if (k == i) return true;
  return false;
}

void remove_internal(Map& m) {
  for (std::string_view k : kInternal)
    if (m.contains(k)) m.erase(k);
}

}  // namespace

Value host_document(const Inventory& inv, size_t host) {
  Map m = host_vars(inv, host);
  remove_internal(m);
  return Value(std::move(m));
}

namespace {

// The group entries of --list: format_group from `all`, each group once,
// empty ones left out, `all` without hosts.
Map group_entries(const Inventory& inv) {
  Map top;
  const auto& G = inv.groups();
  const auto& H = inv.hosts();
  std::vector<bool> seen(G.size());
  std::vector<size_t> order;
  // Depth-first in child order, as the recursive format_group visits them.
  std::function<void(size_t)> visit = [&](size_t g) {
    order.push_back(g);
    for (size_t c : G[g].children)
      if (!seen[c]) {
        seen[c] = true;
        visit(c);
      }
  };
  visit(Inventory::kAll);
  for (size_t g : order) {
    Map entry;
    if (g != Inventory::kAll && !G[g].hosts.empty()) {
      List hs;
      hs.reserve(G[g].hosts.size());
      for (size_t h : G[g].hosts) hs.emplace_back(H[h].name);
      entry.set("hosts", Value(std::move(hs)));
    }
    if (!G[g].children.empty()) {
      List cs;
      for (size_t c : G[g].children) cs.emplace_back(G[c].name);
      entry.set("children", Value(std::move(cs)));
    }
    if (!entry.empty()) top.set(G[g].name, Value(std::move(entry)));
  }
  return top;
}

}  // namespace

Value list_document(const Inventory& inv) {
  Map top = group_entries(inv);
  const auto& H = inv.hosts();
  Map hostvars;
  for (size_t h = 0; h < H.size(); ++h) {
    Value v = host_document(inv, h);
    if (!v.as_map().empty()) hostvars.set(H[h].name, std::move(v));
  }
  top.set("_meta", Value(Map{{"hostvars", Value(std::move(hostvars))}}));
  return Value(std::move(top));
}

namespace {

std::string graph_name(const std::string& name, int depth) {
  if (!depth) return name;
  std::string s;
  for (int i = 0; i < depth; ++i) s += "  |";
  return s + "--" + name;
}

void show_vars(const Map& vars, int depth, std::string& out) {
  std::vector<const Map::Entry*> es;
  for (const auto& e : vars) es.push_back(&e);
  std::sort(es.begin(), es.end(), [](auto* a, auto* b) { return a->first < b->first; });
  for (const auto* e : es) {
    // Ansible would try to decrypt a vault value here (and stop without a
    // password); the ciphertext is no use on a graph.
    std::string v = e->second.is_vault() ? "!vault (encrypted)" : to_python_str(e->second);
    out += "\n" + graph_name("{" + e->first + " = " + v + "}", depth);
  }
}

void graph_group(const Inventory& inv, size_t g, int depth, bool vars, std::string& out) {
  const auto& G = inv.groups();
  if (!out.empty()) out += "\n";
  out += graph_name("@" + G[g].name + ":", depth);
  for (size_t c : G[g].children) graph_group(inv, c, depth + 1, vars, out);
  if (g != Inventory::kAll) {
    for (size_t h : G[g].hosts) {
      out += "\n" + graph_name(inv.hosts()[h].name, depth + 1);
      if (vars) show_vars(host_document(inv, h).as_map(), depth + 2, out);
    }
  }
  if (vars) {
    Map gv = group_vars(inv, g);
    remove_internal(gv);
    show_vars(gv, depth + 1, out);
  }
}

}  // namespace

std::string graph(const Inventory& inv, size_t group, bool show_vars_flag) {
  std::string out;
  graph_group(inv, group, 0, show_vars_flag, out);
  return out;
}


// --list as text. The same bytes as to_json(list_document(inv)), written
// without building the document: ansible-inventory's output for 10,000 hosts
// is mostly the same group variables repeated per host, so the variables of
// each set of groups are merged once (sorted, as pointers into the model)
// and each value is rendered once; a host then only adds its own variables.
namespace {

// A variable of the merged result: its name, its value in the model, and
// whether it came from a group layer (rendered once, shared by hosts).
struct VarRef {
  std::string_view first;
  const Value* second;
  bool shared;
};

// to_json at `depth` (indent 4): every line after the first indented by depth levels.
void append_json(const Value& v, int depth, std::string& out) {
  std::string j = to_json(v);
  std::string pad(static_cast<size_t>(depth) * 4, ' ');
  size_t s = 0;
  while (true) {
    size_t nl = j.find('\n', s);
    if (nl == std::string::npos) {
      out.append(j, s, std::string::npos);
      return;
    }
    out.append(j, s, nl + 1 - s);
    out += pad;
    s = nl + 1;
  }
}

// out += json_quote(s), without the temporary when nothing needs escaping.
void append_quoted(std::string_view s, std::string& out) {
  for (unsigned char c : s)
    if (c < 0x20 || c == '"' || c == '\\') {
      out += json_quote(s);
      return;
    }
  out += '"';
  out += s;
  out += '"';
}

// Adds `vars` to `acc` (a later layer replaces whole keys), internal variables left out.
void overlay(std::vector<VarRef>& acc, const Map& vars, bool shared) {
  std::vector<VarRef> add;
  add.reserve(vars.size());
  for (const auto& [k, v] : vars)
    if (!internal_var(k)) add.push_back(VarRef{k, &v, shared});
  // keys of one Map are unique; stable order is not needed
  std::sort(add.begin(), add.end(),
            [](const VarRef& a, const VarRef& b) { return a.first < b.first; });
  std::vector<VarRef> out;
  out.reserve(acc.size() + add.size());
  size_t i = 0, j = 0;
  while (i < acc.size() || j < add.size()) {
    if (j == add.size() || (i < acc.size() && acc[i].first < add[j].first)) {
      out.push_back(acc[i++]);
    } else if (i == acc.size() || add[j].first < acc[i].first) {
      out.push_back(add[j++]);
    } else {
      out.push_back(add[j++]);
      ++i;
    }
  }
  acc.swap(out);
}

class ListWriter {
 public:
  using Sink = std::function<void(std::string_view)>;
  ListWriter(const Inventory& inv, const Sink* sink) : inv_(inv), sink_(sink) {}

  std::string run() {
    // The group entries, as list_document builds them, and _meta; sorted.
    std::vector<std::pair<std::string_view, std::string>> top;
    Map groups = group_entries(inv_);
    for (const auto& [name, entry] : groups) {
      if (name == "_meta") continue;  // replaced by _meta, as in list_document
      std::string text;
      append_json(entry, 1, text);
      top.emplace_back(name, std::move(text));
    }
    top.emplace_back("_meta", std::string());
    std::sort(top.begin(), top.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string out = "{";
    for (size_t i = 0; i < top.size(); ++i) {
      out += i ? ",\n    " : "\n    ";
      out += json_quote(top[i].first);
      out += ": ";
      if (top[i].first == "_meta") meta(out);
      else out += top[i].second;
    }
    out += "\n}";
    return out;
  }

 private:
  // {"hostvars": {host: {var: value}}}, hosts sorted by name, at depth 1.
  void meta(std::string& out) {
    const auto& H = inv_.hosts();
    std::vector<size_t> hosts(H.size());
    for (size_t h = 0; h < H.size(); ++h) hosts[h] = h;
    std::sort(hosts.begin(), hosts.end(),
              [&](size_t a, size_t b) { return H[a].name < H[b].name; });
    out += "{\n        \"hostvars\": {";
    bool any = false;
    std::vector<VarRef> vars;
    for (size_t h : hosts) {
      host_vars_sorted(h, vars);
      if (vars.empty()) continue;
      out += any ? ",\n            " : "\n            ";
      any = true;
      append_quoted(H[h].name, out);
      out += ": {";
      for (size_t i = 0; i < vars.size(); ++i) {
        out += i ? ",\n                " : "\n                ";
        append_quoted(vars[i].first, out);
        out += ": ";
        const Value& v = *vars[i].second;
        if (vars[i].shared) out += fragment(v);
        else if (v.is_string()) append_quoted(v.as_string(), out);
        else append_json(v, 4, out);
      }
      out += "\n            }";
      flush_some(out);
    }
    out += any ? "\n        }\n    }" : "}\n    }";
  }

  // Hands what is written so far to the sink once it is large.
  void flush_some(std::string& out) {
    if (!sink_ || out.size() < kChunk) return;
    (*sink_)(out);
    out.clear();
  }
  static constexpr size_t kChunk = 1 << 20;

  // A group-level value rendered at the depth of a host variable (4), once.
  const std::string& fragment(const Value& v) {
    auto [it, fresh] = rendered_.try_emplace(&v);
    if (fresh) append_json(v, 4, it->second);
    return it->second;
  }

  // The host's variables as host_vars() merges them, internal ones left out, sorted.
  void host_vars_sorted(size_t host, std::vector<VarRef>& out) {
    const Host& h = inv_.hosts()[host];
    std::vector<size_t> key(inv_.direct_groups(host));
    std::sort(key.begin(), key.end());
    auto it = by_groups_.find(key);
    if (it == by_groups_.end()) it = by_groups_.emplace(key, group_layers(host)).first;
    out = it->second;
    overlay(out, h.vars, false);
    for (size_t d = 0; d < inv_.vars_dirs.size(); ++d)
      for (size_t f : inv_.host_vars_files(host)) {
        const VarsFile& vf = inv_.vars_files[f];
        if (vf.vars_dir == d && vf.data.is_map()) overlay(out, vf.data.as_map(), false);
      }
  }

  // Everything below the host's own variables (layers 1-4 of layers.h); it
  // depends only on the host's set of groups.
  std::vector<VarRef> group_layers(size_t host) {
    const auto& G = inv_.groups();
    std::vector<VarRef> acc;
    std::vector<size_t> gs = sorted_host_groups(inv_, host);
    overlay(acc, G[Inventory::kAll].vars, true);
    for (size_t g : gs) overlay(acc, G[g].vars, true);
    auto files = [&](const std::vector<size_t>& ix, size_t dir) {
      for (size_t f : ix) {
        const VarsFile& vf = inv_.vars_files[f];
        if (vf.vars_dir == dir && vf.data.is_map()) overlay(acc, vf.data.as_map(), true);
      }
    };
    for (size_t d = 0; d < inv_.vars_dirs.size(); ++d)
      files(G[Inventory::kAll].group_vars_files, d);
    for (size_t d = 0; d < inv_.vars_dirs.size(); ++d)
      for (size_t g : gs) files(G[g].group_vars_files, d);
    return acc;
  }

  const Inventory& inv_;
  const Sink* sink_ = nullptr;  // null: everything is returned by run()
  std::map<std::vector<size_t>, std::vector<VarRef>> by_groups_;
  std::unordered_map<const Value*, std::string> rendered_;
};

}  // namespace

std::string list_json(const Inventory& inv) {
  return ListWriter(inv, nullptr).run();
}

void write_list_json(const Inventory& inv, const std::function<void(std::string_view)>& sink) {
  std::string rest = ListWriter(inv, &sink).run();
  sink(rest);
}

}  // namespace ksm::inventory
