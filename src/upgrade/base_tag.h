// Which Kubespray tag an inventory is for, asked by upgrade (its base tag),
// plan -i and status alike, and answered one way: the state file a run
// left; else the inventory's git history (upgrade/history.h: the state file
// as last committed, else the release tag its last commit descends from);
// else inferred from the samples (infer_tag), with a confidence.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "core/error.h"
#include "schema/facts.h"
#include "upgrade/state.h"
#include "upgrade/workspace.h"

namespace ksm::upgrade {

enum class TagSource { StateFile, Git, Inferred };
// "state file", "git", "inferred" (status prints it; JSON "tag_source").
[[nodiscard]] const char* tag_source_name(TagSource s);

struct BaseTag {
  std::string tag;
  TagSource source = TagSource::Inferred;
  std::string why;          // how it is known, in words
  double confidence = 1.0;  // below 1 only when inferred
  std::optional<State> state;  // the state file, when there is one
};

// `folder` is the inventory folder on disk (for its git repository), `ws`
// its files, `hosts_file` the hosts file in it.
[[nodiscard]] Result<BaseTag> base_tag(const Workspace& ws, const std::string& hosts_file,
                                       const std::filesystem::path& folder,
                                       schema::ReleaseFacts& facts);

// How the tag is known, in one line for reports ("base tag v2.15.1 from
// git: ...; give --from if ..."): upgrade's first note and plan -i's.
[[nodiscard]] std::string base_tag_note(const BaseTag& b);

}  // namespace ksm::upgrade
