// One Kubespray release as `upgrade` sees it: its facts (from versions/, or
// computed from the clone by schema::ReleaseFacts) and, with a clone, the
// tag's tree: sample files and role defaults read through libgit2.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "catalog/facts.h"
#include "core/error.h"
#include "schema/facts.h"
#include "sources/kubespray_tree.h"
#include "sources/source.h"
#include "vars/resolver.h"

namespace ksm::upgrade {

struct Release {
  std::string tag;
  catalog::TagFacts facts;
  std::unique_ptr<Source> source;       // null offline
  std::shared_ptr<const KubesprayTree> tree;  // null offline
  // The tree's role layers, built once for every effective view of this
  // tag (a hop makes three); null offline.
  std::shared_ptr<const vars::TreeLayers> layers;

  bool offline() const { return tree == nullptr; }
  // A file of inventory/sample at this tag (clone only), by sample-relative path.
  std::optional<std::string> sample_file(const std::string& rel) const;
};

// `repo` may be null (offline: facts only).
Result<Release> load_release(schema::ReleaseFacts& facts, const GitRepo* repo,
                             const std::string& tag);

}  // namespace ksm::upgrade
