// versions/ readers (see facts.h).
#include "catalog/facts.h"

#include <algorithm>

namespace ksm::catalog {

namespace {
std::string str_of(const Value* v) { return v && v->is_string() ? v->as_string() : std::string(); }
}  // namespace

Result<TagFacts> TagFacts::from_value(Value facts, std::shared_ptr<DefaultsSource> defaults) {
  TagFacts f;
  f.tag_ = str_of(facts.get("tag"));
  auto ver = Version::parse_release(f.tag_);
  if (!ver) return Error("facts without a release tag");
  f.version_ = *ver;
  f.facts_ = std::move(facts);
  f.lazy_ = std::move(defaults);
  return f;
}

std::string TagFacts::kube_version() const { return str_of(facts_.get("kube_version")); }

std::string TagFacts::date() const { return str_of(facts_.get("date")); }

std::vector<std::string> TagFacts::kube_versions() const {
  std::vector<std::string> out;
  if (const Value* l = facts_.get("kube_versions"); l && l->is_list())
    for (const auto& v : l->as_list())
      if (v.is_string()) out.push_back(v.as_string());
  return out;
}

std::string TagFacts::kube_version_prefix() const {
  const Value* p = facts_.get("kube_version_prefix");
  return p && p->is_string() ? p->as_string() : "v";
}

bool TagFacts::can_install(std::string_view kv) const {
  std::string want = without_v_prefix(kv);
  for (const auto& v : kube_versions())
    if (without_v_prefix(v) == want) return true;
  return false;
}

const Value* TagFacts::defaults() const { return lazy_ ? &lazy_->all() : facts_.get("defaults"); }

std::vector<std::string> TagFacts::default_names() const {
  if (lazy_) return lazy_->names();
  std::vector<std::string> out;
  if (const Value* d = facts_.get("defaults"); d && d->is_map())
    for (const auto& [name, entry] : d->as_map()) out.push_back(name);
  std::sort(out.begin(), out.end());
  return out;
}

bool TagFacts::has_default(std::string_view name) const {
  if (lazy_) return lazy_->has(name);
  const Value* d = facts_.get("defaults");
  return d && d->get(name) != nullptr;
}

const Value* TagFacts::sample_variables() const {
  const Value* s = facts_.get("sample");
  return s ? s->get("variables") : nullptr;
}

const Value* TagFacts::default_entry(std::string_view name) const {
  if (lazy_) return lazy_->entry(name);
  const Value* d = facts_.get("defaults");
  return d ? d->get(name) : nullptr;
}

Value TagFacts::default_value(std::string_view name) const {
  const Value* e = default_entry(name);
  if (!e) return Value::undefined();
  const Value* known = e->get("known");
  const Value* value = e->get("value");
  if (known && known->is_bool() && known->as_bool() && value) return *value;
  std::string deps;
  if (const Value* d = e->get("depends"); d && d->is_list())
    for (const auto& n : d->as_list())
      if (n.is_string()) deps += (deps.empty() ? "" : ", ") + n.as_string();
  return Value::unknown("the default of " + std::string(name) + " at " + tag_ +
                        " is a template" + (deps.empty() ? "" : " over " + deps));
}

const Value* TagFacts::sample_variable(std::string_view name) const {
  const Value* vars = sample_variables();
  return vars ? vars->get(name) : nullptr;
}

std::vector<std::string> TagFacts::sample_files() const {
  std::vector<std::string> out;
  const Value* s = facts_.get("sample");
  if (const Value* f = s ? s->get("files") : nullptr; f && f->is_list())
    for (const auto& v : f->as_list())
      if (v.is_string()) out.push_back(v.as_string());
  return out;
}

std::string TagFacts::sample_hosts_file() const {
  const Value* s = facts_.get("sample");
  return str_of(s ? s->get("hosts_file") : nullptr);
}

std::string TagFacts::default_source(std::string_view name) const {
  const Value* e = default_entry(name);
  if (!e) return {};
  std::string s = str_of(e->get("file"));
  if (const Value* l = e->get("line"); l && l->is_int()) s += ":" + std::to_string(l->as_int());
  return s + " @ " + tag_;
}

}  // namespace ksm::catalog
