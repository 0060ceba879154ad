// The workspace is written to a private temporary folder, loaded with the
// inventory module exactly as Ansible would read it, and removed.
#include "upgrade/ws_inventory.h"

#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <string_view>
#include <vector>

#include "inventory/loader.h"

namespace ksm::upgrade {

namespace {
constexpr const char* kMarker = "/ksm-ws-";

void relativize(Location& l, const std::string& root) {
  if (l.file.starts_with(root)) l.file = l.file.substr(root.size());
}
// A file with conflict markers left by the merge, read as its "ours" side
// (the operator's), so that the later steps of a hop can still evaluate the
// inventory; the markers stay in the produced file for the operator.
bool has_markers(const std::string& t) { return t.find("\n<<<<<<< ") != std::string::npos || t.starts_with("<<<<<<< "); }

std::string take_ours(const std::string& text) {
  std::string out;
  enum { Normal, Ours, Skip } state = Normal;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string::npos ? text.size() : nl + 1;
    std::string_view line(text.data() + pos, end - pos);
    if (line.starts_with("<<<<<<< ") || line.starts_with("<<<<<<<\n")) state = Ours;
    else if (state == Ours && (line.starts_with("||||||| ") || line.starts_with("=======")))
      state = Skip;
    else if (state != Normal && line.starts_with(">>>>>>> ")) state = Normal;
    else if (state != Skip) out.append(line);
    pos = end;
  }
  return out;
}

}  // namespace

std::string relative_file(const std::string& file) {
  auto p = file.find(kMarker);
  if (p == std::string::npos) return file;
  auto slash = file.find('/', p + 1);
  return slash == std::string::npos ? file : file.substr(slash + 1);
}

namespace {

// The inventories loaded last, by everything they were loaded from: a hop
// loads the workspace several times, and between two loads often nothing
// changed (the next hop starts from where the last one ended). At 10,000
// hosts a load is mostly parsing hosts.yaml.
struct Cached {
  std::string key;
  inventory::Inventory inv;
};
std::vector<Cached>& cache() {
  static std::vector<Cached> c;
  return c;
}
constexpr size_t kCached = 2;

std::string cache_key(const Workspace& ws, const std::string& hosts_file) {
  std::string k = fs::absolute(ws.root()).lexically_normal().string();
  k += '\0';
  k += hosts_file;
  for (const auto& rel : ws.files()) {
    const std::string* t = ws.text(rel);
    k += '\0';
    k += rel;
    k += '\0';
    k += std::to_string(t ? t->size() : 0);
    k += '\0';
    if (t) k += *t;
  }
  return k;
}

Result<inventory::Inventory> load_uncached(const Workspace& ws, const std::string& hosts_file);

}  // namespace

Result<inventory::Inventory> load_workspace_inventory(const Workspace& ws,
                                                      const std::string& hosts_file) {
  std::string key = cache_key(ws, hosts_file);
  auto& c = cache();
  for (const auto& e : c)
    if (e.key == key) return e.inv;
  auto inv = load_uncached(ws, hosts_file);
  if (!inv) return inv;
  if (c.size() == kCached) c.erase(c.begin());
  c.push_back(Cached{std::move(key), *inv});
  return inv;
}

namespace {

Result<inventory::Inventory> load_uncached(const Workspace& ws, const std::string& hosts_file) {
  std::string tmpl = (fs::temp_directory_path() / "ksm-ws-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) return Error("cannot create a temporary folder");
  fs::path dir(tmpl);
  struct Cleanup {
    fs::path d;
    ~Cleanup() { std::error_code ec; fs::remove_all(d, ec); }
  } cleanup{dir};
  const Workspace* src = &ws;
  std::optional<Workspace> resolved;
  for (const auto& rel : ws.files()) {
    const std::string* t = ws.text(rel);
    if (!t || !has_markers(*t)) continue;
    if (!resolved) resolved.emplace(ws);
    resolved->put(rel, take_ours(*t));
    src = &*resolved;
  }
  if (auto s = src->write_scratch(dir); !s) return s.error();
  auto inv = inventory::load_inventory({(dir / hosts_file).string()});
  if (!inv) {
    Error e = inv.error();
    e.where.file = relative_file(e.where.file);
    return e;
  }
  std::string root = dir.string() + "/";
  for (auto& f : inv->vars_files)
    for (auto& [k, l] : f.where) relativize(l, root);
  for (size_t i = 0; i < inv->groups().size(); ++i)
    for (auto& [k, l] : inv->group_at(i).var_where) relativize(l, root);
  // Where a host was declared gives Ansible's inventory_dir/inventory_file:
  // the operator's folder, not the temporary copy (credentials_dir is
  // "{{ inventory_dir }}/credentials").
  fs::path home = fs::absolute(ws.root()).lexically_normal();
  for (size_t i = 0; i < inv->hosts().size(); ++i) {
    for (auto& [k, l] : inv->host_at(i).var_where) relativize(l, root);
    for (auto& d : inv->host_at(i).declared)
      if (d.file.starts_with(root)) d.file = (home / d.file.substr(root.size())).string();
  }
  for (auto& f : inv->vars_files)
    if (f.path.starts_with(root)) f.path = f.path.substr(root.size());
  for (auto& f : inv->files)
    if (f.path.starts_with(root)) f.path = f.path.substr(root.size());
  return inv;
}

}  // namespace

}  // namespace ksm::upgrade
