// The workspace read through the inventory module (see ws_inventory.h).
#include "upgrade/ws_inventory.h"

#include <memory>
#include <string_view>
#include <vector>

#include "inventory/loader.h"
#include "inventory/runtime_groups.h"
#include "merge/merge3.h"

namespace ksm::upgrade {

namespace {

// A file with conflict markers left by the merge, read as its "ours" side
// (the operator's), so that the later steps of a hop can still evaluate the
// inventory; the markers stay in the produced file for the operator.
bool has_markers(const std::string& t) {
  return merge::first_conflict_start(t) != std::string_view::npos;
}

std::string take_ours(const std::string& text) {
  std::string out;
  enum { Normal, Ours, Skip } state = Normal;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string::npos ? text.size() : nl + 1;
    std::string_view line(text.data() + pos, end - pos);
    std::string_view body = nl == std::string::npos ? line : line.substr(0, line.size() - 1);
    if (merge::is_conflict_start(body)) state = Ours;
    else if (state == Ours && (line.starts_with("||||||| ") || line.starts_with("=======")))
      state = Skip;
    else if (state != Normal && line.starts_with(">>>>>>> ")) state = Normal;
    else if (state != Skip) out.append(line);
    pos = end;
  }
  return out;
}

// The workspace with every conflicted file read as its "ours" side.
class OursView : public Source {
 public:
  explicit OursView(const Workspace& ws) : ws_(ws) {}
  Result<std::string> read(std::string_view path) const override {
    auto t = ws_.read(path);
    if (t && has_markers(*t)) return take_ours(*t);
    return t;
  }
  bool exists(std::string_view path) const override { return ws_.exists(path); }
  bool is_dir(std::string_view path) const override { return ws_.is_dir(path); }
  Result<std::vector<std::string>> list(std::string_view dir, bool recursive) const override {
    return ws_.list(dir, recursive);
  }
  Result<std::vector<std::string>> list_dirs(std::string_view dir) const override {
    return ws_.list_dirs(dir);
  }
  std::string label() const override { return ws_.label(); }
  std::string display_path(std::string_view path) const override { return ws_.display_path(path); }
  std::optional<std::filesystem::path> disk_path(std::string_view path) const override {
    return ws_.disk_path(path);
  }

 private:
  const Workspace& ws_;
};

}  // namespace

Result<std::shared_ptr<const inventory::Inventory>> load_workspace_inventory(
    const Workspace& ws, const std::string& hosts_file, const std::vector<RuntimeGroup>& runtime) {
  auto& last = ws.loaded();
  std::string runtime_key;
  for (const auto& g : runtime) {
    runtime_key += g.group + "<";
    for (const auto& f : g.from) runtime_key += f + ",";
    runtime_key += ">";
  }
  if (last.inventory && last.generation == ws.generation() && last.hosts_file == hosts_file &&
      last.runtime_key == runtime_key)
    return last.inventory;
  OursView view(ws);
  std::vector<inventory::InventoryInput> inputs{{&view, hosts_file}};
  auto text = view.read(hosts_file);
  bool same_hosts = text && last.hosts && last.hosts_file == hosts_file && last.hosts_text == *text;
  if (!same_hosts) {
    auto hosts = inventory::load_hosts(inputs, &ws.hosts_memo());
    if (!hosts) return hosts.error();
    last.hosts = std::make_shared<const inventory::Inventory>(std::move(*hosts));
    last.hosts_text = text ? std::move(*text) : std::string();
  }
  inventory::Inventory hosts = *last.hosts;
  inventory::add_runtime_groups(hosts, runtime);
  auto inv = inventory::load_vars(std::move(hosts), inputs);
  if (!inv) return inv.error();
  last.generation = ws.generation();
  last.hosts_file = hosts_file;
  last.runtime_key = std::move(runtime_key);
  last.inventory = std::make_shared<const inventory::Inventory>(std::move(*inv));
  return last.inventory;
}

}  // namespace ksm::upgrade
