// The workspace is written to a private temporary folder, loaded with the
// inventory module exactly as Ansible would read it, and removed.
#include "upgrade/ws_inventory.h"

#include <unistd.h>

#include <cstdlib>

#include "inventory/loader.h"

namespace ksm::upgrade {

namespace {
constexpr const char* kMarker = "/ksm-ws-";

void relativize(Location& l, const std::string& root) {
  if (l.file.starts_with(root)) l.file = l.file.substr(root.size());
}
}  // namespace

std::string relative_file(const std::string& file) {
  auto p = file.find(kMarker);
  if (p == std::string::npos) return file;
  auto slash = file.find('/', p + 1);
  return slash == std::string::npos ? file : file.substr(slash + 1);
}

Result<inventory::Inventory> load_workspace_inventory(const Workspace& ws,
                                                      const std::string& hosts_file) {
  std::string tmpl = (fs::temp_directory_path() / "ksm-ws-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) return Error("cannot create a temporary folder");
  fs::path dir(tmpl);
  struct Cleanup {
    fs::path d;
    ~Cleanup() { std::error_code ec; fs::remove_all(d, ec); }
  } cleanup{dir};
  fs::remove(dir);  // write_to wants a missing or empty folder
  if (auto s = ws.write_to(dir); !s) return s.error();
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
  for (size_t i = 0; i < inv->hosts().size(); ++i)
    for (auto& [k, l] : inv->host_at(i).var_where) relativize(l, root);
  for (auto& f : inv->vars_files)
    if (f.path.starts_with(root)) f.path = f.path.substr(root.size());
  for (auto& f : inv->files)
    if (f.path.starts_with(root)) f.path = f.path.substr(root.size());
  return inv;
}

}  // namespace ksm::upgrade
