// Why this module exists: Kubespray stops upgrade-cluster.yml with `assert`
// and `fail` tasks buried in roles, often forty minutes into a run with nodes
// cordoned. Before those tasks can be evaluated against an inventory they
// have to be found: this module walks a playbook the way Ansible compiles it
// (import_playbook, plays' roles: with their when/tags/params, role
// dependencies from meta/main.yml, import/include of tasks and roles,
// block/rescue/always) and collects every assert/fail task it can reach,
// with the conditions, hosts pattern and role context under which it runs.
//
// Static analysis only: an include whose file name is templated
// (`{{ ansible_os_family }}.yml`) cannot be followed without facts; it is
// recorded in `not_followed` with the reason, never guessed.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/error.h"
#include "core/value.h"
#include "sources/knowledge.h"
#include "sources/source.h"

namespace ksm::preflight {

enum class TaskModule { Assert, Fail };
const char* module_name(TaskModule m);  // "assert" / "fail"

// One way an assertion task is reached from the playbook: through one play,
// a chain of roles/includes/blocks. The same task can be reached several
// times (a role used by two plays).
struct Reach {
  std::string play;                // the play's name, or "play N of FILE"
  Location play_at;                // where the play is written
  std::string hosts;               // the play's `hosts:` pattern, as written
  std::string role;                // role in whose context the task runs ("" = playbook)
  std::vector<std::string> when;   // inherited conjuncts, outermost first
  std::vector<std::string> tags;   // inherited tags
  std::vector<std::string> chain;  // how it is reached, outermost first, one line each
  Value vars = Value::map();       // play vars, role params, include/block vars (inner wins)
  Value any_errors_fatal = Value::undefined();  // play's or blocks', as written
  bool in_rescue = false;                       // under a rescue: (runs only when its block failed)
  bool dynamic = false;                         // under an include_* (evaluated at run time, once)
  std::optional<std::string> loop;              // an enclosing include's loop, as written
};

struct Assertion {
  std::string id;  // "FILE:LINE", stable for a tag
  TaskModule module = TaskModule::Assert;
  std::string action;                   // as written: "assert", "ansible.builtin.fail", ...
  std::string name;                     // the task's name ("" when unnamed)
  Location where;                       // the task's first line
  std::string role;                     // role whose folder holds the file ("" = playbook)
  std::vector<std::string> that;        // assert: the expressions (a string becomes one item)
  std::vector<std::string> when;        // the task's own conjuncts
  std::optional<std::string> msg;       // msg, or fail_msg
  Value run_once = Value::undefined();  // as written (bool or template string)
  Value ignore_errors = Value::undefined();
  Value any_errors_fatal = Value::undefined();
  Value delegate_to = Value::undefined();
  Value vars = Value::map();        // the task's vars:
  std::optional<std::string> loop;  // loop / with_* of the task itself, for display
  std::string loop_keyword;         // "loop", "with_items", ... ("" = none)
  Value loop_items = Value::undefined();  // its value as written
  std::vector<std::string> tags;    // the task's own tags
  std::vector<Reach> reaches;       // at least one

  // Inherited then own conditions, for one reach: all must hold.
  std::vector<std::string> conditions(const Reach& r) const;
};

// An include/import the walk did not follow, and why.
struct NotFollowed {
  Location where;
  std::string keyword;             // "include_tasks", "import_role", "import_playbook", ...
  std::string target;              // as written ("{{ ansible_os_family }}.yml")
  std::string reason;              // "templated file name", "no such file", ...
  std::string role;                // role context ("" = playbook)
  std::vector<std::string> when;   // conditions under which it would run
  std::vector<std::string> chain;  // how it is reached
};

struct Extraction {
  std::string tree;                   // Source::label()
  std::string playbook;               // the entry playbook
  std::vector<Assertion> assertions;  // unique tasks, in the order first reached
  std::vector<NotFollowed> not_followed;
  std::vector<Error> warnings;     // unreadable or odd files, skipped parts
  std::vector<std::string> files;  // files read, in order
  // Variables reachable tasks set at run time (`register:`, `set_fact:`),
  // where first seen: before the run their values are not known.
  std::map<std::string, Location> runtime_vars;
  size_t plays = 0;

  size_t count(TaskModule m) const;
};

// Renders a templated include target (file or role name) in the context of
// one reach; nullopt when it cannot be known. Extraction alone passes none:
// evaluation, which has the operator's variables, can (kube_network_plugin
// -> calico makes `network_plugin/{{ kube_network_plugin }}` followable).
using TemplateResolver =
    std::function<std::optional<std::string>(const std::string& text, const Reach& context)>;

struct ExtractOptions {
  std::string playbook = kubespray().upgrade_playbook();
  size_t max_depth = 64;     // nesting of includes/roles
  TemplateResolver resolve;  // optional
  // Files of the tree already parsed (vars::runtime_names), by path; any
  // other file is read and parsed here.
  const std::unordered_map<std::string, YAML::Node>* parsed = nullptr;
};

// Walks `opts.playbook` in `tree`. Fails only when the entry playbook is
// missing or is not YAML; problems deeper down become warnings.
Result<Extraction> extract_assertions(const Source& tree, const ExtractOptions& opts = {});

// JSON-ready form of an extraction (`preflight --list-assertions --format json`).
Value to_value(const Extraction& x);

}  // namespace ksm::preflight
