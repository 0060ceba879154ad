// Loading one release for upgrade (see release.h).
#include "upgrade/release.h"

namespace ksm::upgrade {

std::optional<std::string> Release::sample_file(const std::string& rel) const {
  if (!tree || !source) return std::nullopt;
  std::string path = tree->sample().root + "/" + rel;
  if (!source->exists(path)) return std::nullopt;
  auto text = source->read(path);
  if (!text) return std::nullopt;
  return std::move(*text);
}

Result<Release> load_release(schema::ReleaseFacts& rf, const GitRepo* repo,
                             const std::string& tag) {
  if (!rf.find(tag)) return rf.unknown_tag(tag);
  auto shared = rf.facts(tag);
  if (!shared) return shared.error();
  catalog::TagFacts facts = **shared;
  if (!repo) return Release{tag, std::move(facts), nullptr, nullptr, nullptr};
  auto src = repo->at(tag);
  if (!src) return src.error();
  // The tree the facts were computed from, when they come from this clone.
  std::shared_ptr<const KubesprayTree> tree;
  std::shared_ptr<const vars::TreeLayers> layers;
  if (rf.is_clone()) {
    auto t = rf.tree(tag);
    if (!t) return t.error();
    tree = std::move(*t);
    auto l = rf.layers(tag);  // built already, for the facts
    if (!l) return l.error();
    layers = std::move(*l);
  } else {
    auto t = KubesprayTree::load(**src);
    if (!t) return t.error().context("reading Kubespray " + tag);
    tree = std::make_shared<const KubesprayTree>(std::move(*t));
    auto l = vars::TreeLayers::build(*tree);
    if (!l) return l.error();
    layers = std::move(*l);
  }
  Release r{tag, std::move(facts), nullptr, std::move(tree), std::move(layers)};
  r.source = std::move(*src);
  return r;
}

}  // namespace ksm::upgrade
