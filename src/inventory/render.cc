// ansible-inventory's --list, --host and --graph over the model (see render.h).
#include "inventory/render.h"

#include <algorithm>
#include <functional>

#include "inventory/layers.h"

namespace ksm::inventory {

namespace {

// cli/inventory.py INTERNAL_VARS
void remove_internal(Map& m) {
  for (const char* k : {"ansible_diff_mode", "ansible_config_file", "ansible_facts", "ansible_forks",
                        "ansible_inventory_sources", "ansible_limit", "ansible_playbook_python",
                        "ansible_run_tags", "ansible_skip_tags", "ansible_verbosity",
                        "ansible_version", "inventory_dir", "inventory_file", "inventory_hostname",
                        "inventory_hostname_short", "groups", "group_names", "omit", "playbook_dir"})
    if (m.contains(k)) m.erase(k);
}

}  // namespace

Value host_document(const Inventory& inv, size_t host) {
  Map m = host_vars(inv, host);
  remove_internal(m);
  return Value(std::move(m));
}

Value list_document(const Inventory& inv) {
  Map top;
  const auto& G = inv.groups();
  const auto& H = inv.hosts();
  // format_group from `all`, each group once.
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

}  // namespace ksm::inventory
