// Hosts-file conversion inside upgrade (see hosts_format.h).
#include "upgrade/hosts_format.h"

#include <fmt/format.h>

#include <algorithm>

#include "inventory/convert.h"
#include "inventory/layers.h"
#include "merge/yaml_edit.h"
#include "sources/knowledge.h"
#include "upgrade/ws_inventory.h"

namespace fs = std::filesystem;

namespace ksm::upgrade {

namespace {

bool is_yaml_name(const std::string& rel) {
  return rel.ends_with(".yaml") || rel.ends_with(".yml");
}

std::vector<std::string> members(const inventory::Inventory& inv, const std::string& group) {
  std::vector<std::string> out;
  auto g = inv.group_index(group);
  if (!g) return out;
  for (size_t h : inv.group_hosts(*g)) out.push_back(inv.hosts()[h].name);
  return out;
}

bool has_format(const std::string& name, HostsFormat f) {
  return f == HostsFormat::Ini ? name.ends_with(".ini") : is_yaml_name(name);
}

// The new hosts file's name: the target sample's own when it has this
// format, else the first conventional one of it (inventory.ini, hosts.yaml).
std::string new_name(const std::string& old, HostsFormat to, const Release& target) {
  std::string base = target.facts.sample_hosts_file();
  fs::path dir = fs::path(old).parent_path();
  for (const auto& n : kubespray().hosts_files())
    if (base.empty() || !has_format(base, to)) base = n;
  base = fs::path(base).filename().string();
  return dir.empty() ? base : (dir / base).string();
}


}  // namespace

Result<HostsFormat> parse_hosts_format(const std::string& s) {
  if (s.empty() || s == "keep") return HostsFormat::Keep;
  if (s == "ini") return HostsFormat::Ini;
  if (s == "yaml" || s == "yml") return HostsFormat::Yaml;
  return Error("--hosts-format must be ini, yaml or keep, not '" + s + "'");
}

inventory::LeftToKubespray left_to_kubespray(const schema::Schemas& schemas,
                                             const std::string& tag) {
  inventory::LeftToKubespray left;
  left.tag = tag;
  auto v = Version::parse_release(tag);
  const schema::LayoutChange* layout = v ? schemas.layout_at(*v) : nullptr;
  if (!layout) return left;
  for (const auto& g : layout->runtime_groups) left.runtime_groups.push_back({g.group, g.from});
  left.optional_groups = layout->optional_groups;
  return left;
}

Status convert_hosts(Workspace& ws, std::string& hosts_file, HostsFormat to, const Release& target,
                     const schema::Schemas& schemas, Hop& hop) {
  if (to == HostsFormat::Keep) return {};
  bool yaml_now = is_yaml_name(hosts_file);
  if ((to == HostsFormat::Yaml) == yaml_now) return {};

  auto before_loaded = load_workspace_inventory(ws, hosts_file, {});
  if (!before_loaded) return before_loaded.error();
  std::shared_ptr<const inventory::Inventory> before = *before_loaded;
  auto conv = inventory::convert_hosts_file(
      *before, to == HostsFormat::Ini ? inventory::ConvertTo::Ini : inventory::ConvertTo::Yaml,
      left_to_kubespray(schemas, target.tag));
  if (!conv) return conv.error().context("converting " + hosts_file);

  std::string dest = new_name(hosts_file, to, target);
  if (dest != hosts_file && ws.has_file(dest))
    return Error(fmt::format("cannot convert {} to {}: {} exists already", hosts_file, dest, dest));
  std::string old = hosts_file;
  ws.remove(old);
  ws.put(dest, conv->text);
  hosts_file = dest;
  hop.changes.push_back(Change{
      .kind = ChangeKind::Convert,
      .file = dest,
      .old_value = Value(old),
      .new_value = Value(dest),
      .reason = fmt::format(
          "hosts file converted to {} (--hosts-format); same hosts, groups and variables for "
          "Ansible",
          to == HostsFormat::Ini ? "INI" : "YAML"),
      .source = "kubespray-migrate convert"});
  for (const auto& o : conv->omitted) hop.notes.push_back({NoteLevel::Info, dest + ": " + o, ""});

  auto after_loaded = load_workspace_inventory(ws, hosts_file, {});
  if (!after_loaded) return after_loaded.error().context("the converted hosts file");
  std::shared_ptr<const inventory::Inventory> after = *after_loaded;

  // Group membership must be what it was (groups the converter leaves to
  // Kubespray, such as k8s_cluster, are listed in its omissions).
  for (const auto& g : before->groups()) {
    auto a = members(*before, g.name), b = members(*after, g.name);
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    if (a == b || !after->group_index(g.name)) continue;
    hop.notes.push_back(
        {NoteLevel::Blocking,
         fmt::format(
             "{}: group {} has {} host(s) after conversion, {} before; check the conversion", dest,
             g.name, b.size(), a.size()),
         ""});
  }

  // The etcd group's order names the members: a host whose position would
  // change keeps its old name explicitly.
  const std::string& etcd_group = kubespray().etcd_member_group();
  const std::string& name_var = kubespray().etcd_member_variable();
  auto etcd_a = members(*before, etcd_group), etcd_b = members(*after, etcd_group);
  if (etcd_a == etcd_b) return {};
  auto eff_before = make_effective_view(*before, target.tree.get(), target.facts, target.layers);
  for (size_t i = 0; i < etcd_a.size(); ++i) {
    const std::string& host = etcd_a[i];
    auto pos = std::find(etcd_b.begin(), etcd_b.end(), host);
    if (pos != etcd_b.end() && static_cast<size_t>(pos - etcd_b.begin()) == i) continue;
    auto hi = before->host_index(host);
    std::unordered_map<std::string, Location> where;
    Map set = hi ? inventory::host_vars(*before, *hi, &where) : Map{};
    if (set.contains(name_var)) continue;  // named explicitly: order does not matter
    Effective name = eff_before->get(host, name_var);
    if (!name.value.is_string()) {
      hop.notes.push_back(
          {NoteLevel::Blocking,
           fmt::format("{}: etcd host {} moves from position {} to {}; its etcd member name would "
                       "change: set {} for it in host_vars/{}.yml ({})",
                       dest, host, i + 1,
                       pos == etcd_b.end() ? std::string("(none)")
                                           : std::to_string(pos - etcd_b.begin() + 1),
                       name_var, host,
                       name.value.is_unknown() ? name.value.unknown_reason() : "not computable"),
           ""});
      continue;
    }
    std::string file = "host_vars/" + host + ".yml";
    std::string text = ws.has_file(file) ? *ws.text(file) : std::string("---\n");
    auto doc = merge::YamlDoc::parse(text);
    merge::InsertOptions opt;
    opt.comment =
        "pinned by kubespray-migrate: the etcd member keeps its name although its position in the "
        "etcd "
        "group changed";
    auto rec = doc.upsert(name_var, name.value, opt);
    if (!rec) return rec.error().context(file);
    ws.put(file, doc.render());
    hop.changes.push_back(
        Change{.kind = ChangeKind::Pin,
               .file = file,
               .line = rec->line,
               .variable = name_var,
               .new_value = name.value,
               .reason = "etcd member names follow the position in the etcd group, which the "
                         "conversion changes for this host",
               .source = name.source});
  }
  return {};
}

}  // namespace ksm::upgrade
