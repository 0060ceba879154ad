// Every stop of a multi-stop upgrade on disk (see stops.h).
#include "upgrade/stops.h"

#include <fmt/format.h>

#include "core/fs.h"

namespace ksm::upgrade {

namespace fs = std::filesystem;

fs::path stops_dir(const fs::path& output) {
  fs::path out = output.lexically_normal();
  if (out.filename().empty()) out = out.parent_path();
  return out.parent_path() / (out.filename().string() + "-stops");
}

std::string stop_folder(size_t index, const std::string& tag) {
  return fmt::format("{:02}-{}", index + 1, tag);
}

Status check_stops_dir(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec))
    return Error("the folder of the stops exists and is not empty; remove it or choose another -o",
                 Location{dir.string()});
  return {};
}

Result<std::vector<RunbookStop>> write_stops(const UpgradeResult& r, const fs::path& dir) {
  if (auto s = check_stops_dir(dir); !s) return s.error();
  std::vector<std::string> folders;
  for (size_t i = 0; i < r.stops.size(); ++i) {
    const StopRecord& st = r.stops[i];
    if (!st.workspace && i + 1 < r.stops.size())
      return Error("the inventory of the stop " + st.tag + " was not kept (keep_stops)");
    folders.push_back(stop_folder(i, st.tag));
    // The manifests beside a stop are those its own hop wrote (to apply
    // before its playbook); later stops do not carry copies of them.
    Workspace ws = st.workspace ? *st.workspace : r.workspace;
    bool writes = false;
    if (i < r.report.hops.size())
      for (const auto& c : r.report.hops[i].changes) writes = writes || c.kind == ChangeKind::Write;
    if (!writes) ws.clear_beside();
    if (auto s = ws.write_to(dir / folders.back()); !s) return s.error();
  }
  auto stops = runbook_stops(r, folders);
  if (auto s = write_file_atomic(dir / kRunbookFile, render_runbook(stops)); !s) return s.error();
  return stops;
}

}  // namespace ksm::upgrade
