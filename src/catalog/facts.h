// A typed view over one tag's facts (the versions/<tag>.json object, read
// by schema::ReleaseFacts from versions/ or computed from a clone): default
// values with Unknown for templates not evaluable alone, the Kubernetes
// versions the tag can install, the sample lines documenting a variable.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/value.h"
#include "sources/version.h"

namespace ksm::catalog {

// The role defaults of a tag, each evaluated when first asked for. Facts
// computed from a clone (schema::ReleaseFacts) hold one: a tag has about
// 1,500 defaults, many of them templates, and an upgrade asks for a few
// dozen. Entries are those of versions/<tag>.json's "defaults" object.
// Safe to share between threads.
class DefaultsSource {
 public:
  virtual ~DefaultsSource() = default;
  // The entry of `name`; nullptr when the tag has no such default.
  virtual const Value* entry(std::string_view name) = 0;
  virtual bool has(std::string_view name) const = 0;
  // Every name, sorted.
  virtual std::vector<std::string> names() const = 0;
  // Every entry, by name (all of them evaluated).
  virtual const Value& all() = 0;
};

class TagFacts {
 public:
  // `defaults`, when given, answers for the role defaults; `facts` then has
  // no "defaults" object.
  static Result<TagFacts> from_value(Value facts,
                                     std::shared_ptr<DefaultsSource> defaults = nullptr);

  const std::string& tag() const { return tag_; }
  const Version& version() const { return version_; }
  // The facts as read (without "defaults" when a DefaultsSource has them:
  // defaults(), default_entry()).
  const Value& raw() const { return facts_; }
  std::string kube_version() const;
  // The tag's commit date, "YYYY-MM-DD" ("" when unknown).
  std::string date() const;
  std::vector<std::string> kube_versions() const;
  // How the tag itself writes a Kubernetes version: "v" (v1.31.9), or ""
  // from v2.28 (1.32.8, the 'v' added where Kubespray builds URLs). The
  // versions above are always written with a 'v'.
  std::string kube_version_prefix() const;
  // Whether this tag can install `kube_version` (with or without the 'v').
  bool can_install(std::string_view kube_version) const;
  // Every default: {NAME: entry} (a map), or nullptr.
  const Value* defaults() const;
  // The names of every default, sorted; whether one is a default (neither
  // evaluates anything).
  std::vector<std::string> default_names() const;
  bool has_default(std::string_view name) const;
  // Every variable the sample documents: {NAME: sample entry}, or nullptr.
  const Value* sample_variables() const;
  // {"file","line","role","layer","template","value","known","depends"} or nullptr.
  const Value* default_entry(std::string_view name) const;
  // The default value when known; Undefined when the tag has no default;
  // Unknown (with the names it depends on) for a template not evaluable alone.
  Value default_value(std::string_view name) const;
  // {"file","line","commented","value"} of the sample line documenting `name`, or nullptr.
  const Value* sample_variable(std::string_view name) const;
  std::vector<std::string> sample_files() const;
  std::string sample_hosts_file() const;
  // "roles/x/defaults/main.yml:12 @ v2.18.0"
  std::string default_source(std::string_view name) const;

 private:
  std::string tag_;
  Version version_;
  Value facts_;
  std::shared_ptr<DefaultsSource> lazy_;
};

}  // namespace ksm::catalog
