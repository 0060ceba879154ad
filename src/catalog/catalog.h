// Per-tag facts generated into versions/ from a Kubespray clone, so that
// plan, explain, vars and preflight know every release offline: the tag's
// date and commit, its default and installable Kubernetes versions, its
// Ansible requirement, the sample inventory's layout and variables (set or
// commented), and the default of every role variable — the literal, or for
// a Jinja template the value it evaluates to from the defaults alone, or
// only the names it depends on. versions/ holds facts, never template text
// or copies of Kubespray's files.
//
// A name defined by several roles: the global view picks one definition
// and keeps the others under "also" (see rank in catalog.cc and the format
// in docs/DEVELOPING.md):
//   1. files Ansible loads automatically (defaults/main*, vars/main*) beat
//      files only read by include_vars (vars/ubuntu.yml...);
//   2. roles/kubespray-defaults (kubespray_defaults), imported by every
//      play, beats any other role;
//   3. within one role, vars/ beats defaults/ and a later file of a
//      main/ folder beats an earlier one (Ansible's precedence);
//   4. otherwise the first role in path order.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "catalog/facts.h"
#include "core/value.h"
#include "sources/kubespray_tree.h"
#include "sources/source.h"

namespace ksm::vars { struct TreeLayers; }

namespace ksm::catalog {

// One definition of a role variable.
struct Definition {
  std::string name;
  std::string role;   // "container-engine/docker"
  std::string file;   // root-relative
  int line = 0;
  Layer layer = Layer::Defaults;
  bool auto_loaded = true;
  int file_index = 0;  // load order within the role
  Value raw;           // as loaded from YAML (may hold template text)
};

// Every role variable of a tree: name -> definitions, the winner first.
std::map<std::string, std::vector<Definition>> collect_definitions(const KubesprayTree& tree);

// Whether a value holds Jinja ({{, {% or {#) anywhere (strings inside lists and maps too).
bool holds_template(const Value& v);
// Names a template reads: identifiers inside {{ }} / {% %}, without
// attributes, filters, tests, keywords, string literals and loop/set
// variables. A fallback for text the Jinja parser refuses (jinja::free_names
// is used otherwise).
std::vector<std::string> template_names(std::string_view text);

// The facts of one tag (the JSON object of versions/<tag>.json).
struct TagInfo {
  std::string tag;
  std::string commit;
  std::string date;  // YYYY-MM-DD (UTC committer date)
};
// `layers`, when given, are the tree's global view (vars::TreeLayers::build(tree)),
// built once by a caller that needs them too.
Result<Value> tag_facts(const KubesprayTree& tree, const TagInfo& info,
                        std::shared_ptr<const vars::TreeLayers> layers = nullptr);
// The same facts with the role defaults left out of `facts` and evaluated
// on demand by `defaults` (TagFacts::from_value takes both): the same
// entries, computed only for the names asked for. The tree is kept alive
// for it.
struct LazyTagFacts {
  Value facts;
  std::shared_ptr<DefaultsSource> defaults;
};
Result<LazyTagFacts> tag_facts_lazy(std::shared_ptr<const KubesprayTree> tree, const TagInfo& info,
                                    std::shared_ptr<const vars::TreeLayers> layers);

// Writes versions/<tag>.json for `tags` (all release tags when empty) and
// rebuilds versions/index.json from every versions/v*.json in `out_dir`.
struct CatalogStats {
  std::vector<std::string> written;  // file names
  size_t bytes = 0;
};
Result<CatalogStats> write_catalog(const GitRepo& repo, const std::filesystem::path& out_dir,
                                   const std::vector<std::string>& tags);

// The index: {"tags": [{"tag", "date", "kube_version", "commit"}...]} in version order.
Result<Value> build_index(const std::filesystem::path& out_dir);

// The JSON text written for a facts Value (sorted keys, 1-space indent, final newline).
std::string facts_json(const Value& v);

}  // namespace ksm::catalog
