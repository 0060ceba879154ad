// Which Kubespray tag an inventory is for (see base_tag.h).
#include "upgrade/base_tag.h"

#include <fmt/format.h>

#include "upgrade/history.h"
#include "upgrade/upgrade.h"

namespace ksm::upgrade {

const char* tag_source_name(TagSource s) {
  switch (s) {
    case TagSource::StateFile:
      return "state file";
    case TagSource::Git:
      return "git";
    case TagSource::Inferred:
      return "inferred";
  }
  return "?";
}

Result<BaseTag> base_tag(const Workspace& ws, const std::string& hosts_file,
                         const std::filesystem::path& folder, schema::ReleaseFacts& facts) {
  auto state = parse_state(ws.text(kStateFile), (folder / kStateFile).string());
  if (!state) return state.error();
  if (*state) {
    const State& s = **state;
    return BaseTag{s.tag, TagSource::StateFile,
                   fmt::format("{} written {} by kubespray-migrate {}", kStateFile, s.date,
                               s.tool_version),
                   1.0, s};
  }
  auto repo = InventoryRepo::open(folder);
  if (!repo) return repo.error();
  if (*repo) {
    auto known = [&facts](const std::string& t) { return facts.find(t) != nullptr; };
    auto hist = tag_from_history(**repo, known);
    if (!hist) return hist.error();
    if (*hist) return BaseTag{(*hist)->tag, TagSource::Git, (*hist)->why, 1.0, std::nullopt};
  }
  auto inf = infer_tag(ws, hosts_file, facts);
  if (!inf) return inf.error();
  return BaseTag{inf->tag, TagSource::Inferred, inf->why, inf->confidence, std::nullopt};
}

std::string base_tag_note(const BaseTag& b) {
  switch (b.source) {
    case TagSource::StateFile:
      return "base tag " + b.tag + " from " + std::string(kStateFile);
    case TagSource::Git:
      return "base tag " + b.tag + " from git: " + b.why +
             "; give --from if the inventory is for another tag";
    case TagSource::Inferred:
      // The inference's scores are ours, not the operator's: the confidence says enough.
      return fmt::format("base tag inferred: {} (confidence {:.0f}%, from the samples its files "
                         "and values are closest to); give --from to be sure",
                         b.tag, b.confidence * 100);
  }
  return "base tag " + b.tag;
}

}  // namespace ksm::upgrade
