// versions/ or a clone as one source of per-tag facts (see facts.h).
#include "schema/facts.h"

#include <algorithm>

#include "catalog/catalog.h"
#include "core/fs.h"
#include "core/json.h"
#include "sources/kubespray_tree.h"

namespace ksm::schema {

namespace fs = std::filesystem;

Result<ReleaseFacts> ReleaseFacts::from_versions(const fs::path& dir) {
  auto text = read_file(dir / "index.json");
  if (!text)
    return Error(
        "no versions/index.json (generate it with `kubespray-migrate catalog`, or pass "
        "--kubespray)",
        Location{(dir / "index.json").string()});
  auto index = parse_json(*text, (dir / "index.json").string());
  if (!index) return index.error();
  const Value* tags = index->get("tags");
  if (!tags || !tags->is_list())
    return Error("index.json: no \"tags\" list", Location{(dir / "index.json").string()});
  ReleaseFacts f;
  f.dir_ = dir;
  for (const auto& t : tags->as_list()) {
    const Value* name = t.get("tag");
    if (!name || !name->is_string()) continue;
    auto v = Version::parse_release(name->as_string());
    if (!v) continue;
    f.tags_.push_back(TagRef{name->as_string(), *v});
  }
  std::stable_sort(f.tags_.begin(), f.tags_.end(),
                   [](const TagRef& a, const TagRef& b) { return a.version < b.version; });
  f.origin_ = "versions/ (" + std::to_string(f.tags_.size()) + " tags)";
  return f;
}

Result<ReleaseFacts> ReleaseFacts::from_clone(const fs::path& path) {
  auto repo = open_kubespray(path);
  if (!repo) return repo.error();
  auto f = from_repo(*repo);
  if (f) f->origin_ = "Kubespray clone " + path.string();
  return f;
}

Result<ReleaseFacts> ReleaseFacts::from_repo(const GitRepo& repo) {
  auto tags = repo.tags();
  if (!tags) return tags.error();
  ReleaseFacts f;
  for (const auto& t : *tags) f.tags_.push_back(TagRef{t.name, t.version});
  f.repo_ = std::make_shared<GitRepo>(repo);
  f.origin_ = "Kubespray clone " + repo.name();
  return f;
}

const TagRef* ReleaseFacts::find(std::string_view tag) const {
  for (const auto& t : tags_)
    if (t.name == tag) return &t;
  return nullptr;
}

Error ReleaseFacts::unknown_tag(std::string_view tag) const {
  std::string msg = "unknown tag '" + std::string(tag) + "' in " + origin_;
  auto v = Version::parse_release(tag);
  if (!v) return Error(msg + " (tags look like v2.18.0)");
  std::vector<std::string> near;
  for (const auto& t : tags_)
    if (t.version.same_minor(*v)) near.push_back(t.name);
  if (!near.empty()) {
    msg += "; the " + v->minor_str() + " tags are:";
    for (const auto& n : near) msg += " " + n;
  } else if (!tags_.empty()) {
    msg += "; known tags: " + tags_.front().name + " .. " + tags_.back().name;
  }
  return Error(msg);
}

Result<std::shared_ptr<const catalog::TagFacts>> ReleaseFacts::facts(const std::string& tag) {
  if (auto it = cache_.find(tag); it != cache_.end()) return it->second;
  if (!find(tag)) return unknown_tag(tag);
  Value v;
  std::shared_ptr<catalog::DefaultsSource> defaults;
  if (repo_) {
    auto rev = repo_->resolve(tag);
    if (!rev) return rev.error();
    auto tree = this->tree(tag);
    if (!tree) return tree.error();
    auto layers = this->layers(tag);
    if (!layers) return layers.error();
    // (the role defaults evaluated as they are asked for)
    auto facts =
        catalog::tag_facts_lazy(*tree, catalog::TagInfo{tag, rev->commit_id, rev->date}, *layers);
    if (!facts) return facts.error();
    v = std::move(facts->facts);
    defaults = std::move(facts->defaults);
  } else {
    fs::path p = dir_ / (tag + ".json");
    auto text = read_file(p);
    if (!text) return text.error();
    auto parsed = parse_json(*text, p.string());
    if (!parsed) return parsed.error();
    v = std::move(*parsed);
  }
  auto typed = catalog::TagFacts::from_value(std::move(v), std::move(defaults));
  if (!typed) return typed.error().context("the facts of " + tag);
  auto shared = std::make_shared<const catalog::TagFacts>(std::move(*typed));
  cache_[tag] = shared;
  return shared;
}

Result<ReleaseFacts::LoadedTree*> ReleaseFacts::loaded(const std::string& tag) {
  for (auto& t : trees_)
    if (t.tag == tag) return &t;
  auto src = repo_->at(tag);
  if (!src) return src.error();
  auto tree = KubesprayTree::load(**src, var_files_);
  if (!tree) return tree.error().context("reading Kubespray " + tag);
  // A hop needs two trees (its two tags); the plan walks them in order.
  constexpr size_t kKept = 3;
  if (trees_.size() == kKept) trees_.erase(trees_.begin());
  trees_.push_back(
      LoadedTree{tag, std::make_shared<const KubesprayTree>(std::move(*tree)), nullptr});
  return &trees_.back();
}

Result<std::shared_ptr<const KubesprayTree>> ReleaseFacts::tree(const std::string& tag) {
  if (!repo_) return std::shared_ptr<const KubesprayTree>();
  auto t = loaded(tag);
  if (!t) return t.error();
  return (*t)->tree;
}

Result<std::shared_ptr<const vars::TreeLayers>> ReleaseFacts::layers(const std::string& tag) {
  if (!repo_) return std::shared_ptr<const vars::TreeLayers>();
  auto t = loaded(tag);
  if (!t) return t.error();
  if (!(*t)->layers) {
    auto built = vars::TreeLayers::build(*(*t)->tree);
    if (!built) return built.error();
    (*t)->layers = std::move(*built);
  }
  return (*t)->layers;
}

}  // namespace ksm::schema
