// The Kubespray-specific view of a Source at one revision, shared by
// catalog, vars and upgrade: the sample inventory (its files, hosts file,
// groups and variable files, including the commented `# name: value` lines
// that document defaults), every role's defaults/ and vars/ files loaded
// into Values typed as Ansible types them, with the line of every
// top-level key, and requirements.txt / ansible.cfg. Raw text is kept too.
//
// Role layout knowledge (Ansible's, not Kubespray's): a role is a folder
// under roles/ holding defaults/ or vars/, possibly nested
// (roles/container-engine/docker, roles/kubernetes-apps/metallb). Ansible
// loads automatically defaults/main.yml, main.yaml, main.json, main, or every
// file of the folder defaults/main/ (recursively, in sorted order); other
// files (vars/ubuntu.yml...) are only read by include_vars and are marked
// auto_loaded=false. roles/kubespray-defaults (kubespray_defaults from
// v2.28) is imported by every play, so its variables apply everywhere.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "core/value.h"
#include "sources/source.h"

namespace ksm {

// One top-level variable of a YAML vars file.
struct VarDef {
  std::string name;
  Value value;
  int line = 0;  // 1-based line of the key
  int column = 0;
};

// A YAML variables file (role defaults/vars, sample group_vars).
struct VarFile {
  std::string path;          // root-relative
  std::string text;          // raw content
  std::vector<VarDef> vars;  // top-level keys in file order (a duplicate keeps the last value)
  std::vector<Error> warnings;

  const VarDef* find(std::string_view name) const;
  // The variables as one map (file order).
  Value as_map() const;
};

// Parses `text` as a vars file: a YAML map at top level (or an empty document).
Result<VarFile> parse_var_file(std::string path, std::string text);
Result<VarFile> load_var_file(const Source& src, std::string_view path);

// Parsed vars files by path and text, shared by the loads of several tags
// of one clone: consecutive tags change few role files, and parsing them
// again was most of loading a tree (upgrade loads one per hop). Safe to
// share between threads (upgrade loads the next tag on a second thread).
// The owner (one run) keeps it; nothing is ever evicted.
class VarFileCache {
 public:
  // parse_var_file(path, text), once per distinct (path, text).
  Result<VarFile> parse(std::string path, std::string text);

 private:
  std::mutex mu_;
  std::unordered_map<std::string, VarFile> files_;  // key: path, '\0', text
};

enum class Layer { Defaults, Vars };
const char* layer_name(Layer l);  // "defaults" / "vars"

struct RoleFile {
  Layer layer = Layer::Defaults;
  bool auto_loaded = true;  // false: only read by include_vars
  VarFile file;
};

struct Role {
  std::string name;             // "container-engine/docker"
  std::string path;             // "roles/container-engine/docker"
  std::vector<RoleFile> files;  // defaults then vars; each in Ansible's load order

  bool is_kubespray_defaults() const;
};

// A variable line of the sample: set (`name: value`) or commented out
// (`# name: value`), with the literal as Ansible would type it once uncommented.
struct SampleVar {
  std::string name;
  std::string file;  // root-relative path
  int line = 0;
  bool commented = false;
  Value value;  // typed literal; for a commented line whose text is not valid YAML, the raw text
  bool parsed = true;  // false when `value` is raw text
};

struct Sample {
  std::string root;                 // "inventory/sample"
  std::vector<std::string> files;   // relative to root, sorted
  std::string hosts_file;           // relative to root ("inventory.ini"); empty when none
  std::string hosts_text;           // its raw text
  std::vector<std::string> groups;  // group names of the hosts file, first appearance order
  std::vector<VarFile> var_files;   // group_vars/** and host_vars/** YAML files
};

// Variables of one sample vars file: its set keys and its commented
// `# name: value` lines (single '#', at most one space, then a
// top-level-looking key). A commented key with an empty value takes the
// commented block indented below it (`#   - a`, `#   key: v`) as its value.
std::vector<SampleVar> scan_sample_variables(const VarFile& f);

// Group names in a hosts file: INI sections and :children members, or a
// YAML inventory's groups (all, its children, recursively).
std::vector<std::string> hosts_file_groups(const std::string& name, const std::string& text);

// The tree's requirements.txt; nullopt when it has none. A copy that
// flattened the symlink (v2.18 .. v2.22: requirements.txt ->
// requirements-2.10.txt) holds only the target's name: the target is read
// when the tree has it.
Result<std::optional<std::string>> read_requirements(const Source& src);

class KubesprayTree {
 public:
  // Loads the sample and every role's defaults/vars. YAML errors are Errors
  // naming file:line:col.
  // With `cache`, vars files already parsed for another tag are not parsed again.
  static Result<KubesprayTree> load(const Source& src, VarFileCache* cache = nullptr);

  const std::vector<Role>& roles() const { return roles_; }
  const Role* find_role(std::string_view name) const;
  // roles/kubespray-defaults or roles/kubespray_defaults; nullptr when absent.
  const Role* kubespray_defaults() const;
  const Sample& sample() const { return sample_; }
  const std::optional<std::string>& requirements_txt() const { return requirements_; }
  const std::optional<std::string>& ansible_cfg() const { return ansible_cfg_; }
  const std::string& label() const { return label_; }

 private:
  std::vector<Role> roles_;
  Sample sample_;
  std::optional<std::string> requirements_;
  std::optional<std::string> ansible_cfg_;
  std::string label_;
};

}  // namespace ksm
