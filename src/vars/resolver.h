// Effective variables: what a host gets at a given Kubespray tag, including
// everything the inventory does not set, each value with its provenance.
//
// This is the module upgrade, preflight and catalog ask "what is X for this
// host at this tag?". Values are resolved lazily: a variable is templated
// (jinja::template_value, Ansible's Templar.template) the first time it is
// asked for, then memoized per host; a template reading another variable
// resolves that one the same way. A recursive definition (a: "{{ b }}",
// b: "{{ a }}") gives jinja::recursive_loop_error, Unknown "recursive loop
// detected in template: a -> b -> a", never a crash or a hang.
//
// Layers and precedence: see layers.h. What is Unknown rather than guessed:
//   - facts (`ansible_*` not set in the inventory) unless --facts supplied
//     them for that host; with facts for a host, a missing fact is undefined
//   - names defined only in OS-specific vars files (include_vars at run time)
//   - magic variables that depend on the play (playbook_dir, play_hosts,
//     ansible_play_hosts, role_path, ansible_version, ansible_check_mode...)
//   - `omit` (a per-run placeholder that drops a module argument)
//   - names two roles define differently, in the global view (layers.h)
//   - vault-encrypted values (never decrypted; their raw Value is kept)
// Variables that tasks set at run time (set_fact, register) are Unknown
// when no layer defines them and the caller listed them
// (ResolverOptions::runtime_names, from a tree with tasks); otherwise
// undefined, as in a play that has not run those tasks. A layer's value
// for such a name is shown as the layer's (a task may still override it).
//
// Magic variables: inventory_hostname(_short), group_names, groups (all
// groups, `all` and `ungrouped` included), hostvars (every host's
// inventory-level variables and facts, templated in that host's context as
// Ansible's HostVars does: no role defaults, a template failing on an
// undefined variable is left as its raw text), inventory_file and
// inventory_dir (the absolute path of the hosts file that first named the
// host, and its folder).
//
// Usage (upgrade, preflight):
//   auto r = vars::Resolver::create(tree, &inventory, {});
//   vars::HostView* h = *(*r)->host("node1");
//   vars::Resolved v = h->resolve("calico_pool_blocksize");
//   if (v.known()) use(v.value); else explain(v.reason());
//   h is also a jinja::Context: jinja::render(expr, *h) evaluates an
//   assertion for that host.
// Usage (catalog: a tag's defaults alone, no inventory):
//   auto r = vars::Resolver::create(tree, nullptr, {});
//   vars::HostView& d = (*r)->defaults_only();
//   d.resolve(name)  // inventory-dependent values (groups, hostvars,
//                    // inventory_hostname...) are Unknown
//
// The Resolver keeps references to the tree and inventory: they must
// outlive it. Not thread-safe (one Resolver per thread).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/error.h"
#include "core/value.h"
#include "inventory/model.h"
#include "jinja/jinja.h"
#include "sources/kubespray_tree.h"
#include "vars/layers.h"

namespace ksm::vars {

// A resolved variable.
struct Resolved {
  Value value;          // templated; Undefined when nothing defines it; may hold Unknown parts
  bool defined = false; // some layer (or Ansible itself) defines the name
  Provenance from;      // the winning definition (meaningless when !defined)
  Value raw;            // the winning definition's untemplated value

  // Defined, and nothing in the value is Unknown, Undefined or vault-encrypted.
  bool known() const;
  // Why it is not known: "undefined", the first Unknown's reason, or
  // "vault-encrypted". Empty when known.
  std::string reason() const;
};

// True when `v` holds no Unknown, Undefined or vault value at any depth.
bool fully_known(const Value& v);
// The reason of the first Unknown inside `v` ("vault-encrypted" for a
// vault value, "undefined" for an Undefined); empty when fully known.
std::string first_unknown_reason(const Value& v);

struct ResolverOptions {
  RoleScope roles;  // empty: the global view (layers.h)
  // Values the playbooks use when a variable has no default at this tag
  // (a task's `x | default(y)`), the lowest layer of all: the caller takes
  // them from curated data (schemas/sticky.yml `implicit`), e.g.
  // calico_pool_blocksize = "{{ kube_network_node_prefix }}" before v2.20.
  std::unordered_map<std::string, Definition> implicit_defaults;
  // Names tasks set at run time (runtime.h), with where: when no layer
  // defines one it is Unknown rather than undefined, in hostvars too.
  std::unordered_map<std::string, Location> runtime_names;
  // Ansible fact caches, per inventory hostname (load_fact_cache).
  std::unordered_map<std::string, Map> facts;
};

// Reads an Ansible jsonfile fact cache folder: one JSON object per host,
// the file named by the inventory hostname. Files that are not JSON
// objects are errors; a folder entry starting with '.' is skipped.
Result<std::unordered_map<std::string, Map>> load_fact_cache(const std::string& dir);

class Resolver;

// What a Resolver takes from the tree alone: the role layers of one scope
// and the `ansible_*` fact names their templates read. Built once per tag
// and scope, shared by every Resolver over that tree (upgrade makes four
// per hop: the inventory before and after its edits, at both tags).
struct TreeLayers {
  RoleLayers roles;
  std::vector<std::string> fact_names;  // sorted
  static Result<std::shared_ptr<const TreeLayers>> build(const KubesprayTree& tree,
                                                         const RoleScope& scope = {});
};

// Inventory variables merged from some layers, with the layer each came from.
struct InventoryVars {
  Map vars;
  std::unordered_map<std::string, Provenance> from;
  void set(const std::string& k, const Value& v, Provenance p) {
    vars.set(k, v);
    from[k] = std::move(p);
  }
};

// One host's (or no host's) view of the variables; a jinja::Context.
class HostView : public jinja::Context {
 public:
  // The effective value of `name`, memoized.
  Resolved resolve(std::string_view name);
  // jinja::Context: the templated value, Undefined when undefined or when
  // its own template hits an undefined variable (Ansible's lazy undefined).
  Value lookup(std::string_view name) override;
  // jinja::Context: the winning definition's untemplated value (Ansible's
  // lone "{{ name }}" shortcut keeps a raw bool or number as it is).
  Value lookup_raw(std::string_view name) override;
  // jinja::Context: hostvars[host] alone (Resolver::hostvars_of), not the
  // whole hostvars of a large inventory.
  std::optional<Value> lookup_member(std::string_view name, const Value& key) override;
  // The winning definition of `name` (untemplated, with where it comes
  // from), for callers that template it in a context of their own (a
  // task's vars on top: preflight); nullopt when nothing defines it.
  std::optional<Definition> definition(std::string_view name) const;

  // The host's name; empty for the defaults-only view.
  const std::string& host() const { return host_; }
  // Names the inventory sets for this host (every inventory layer), in
  // first-set order.
  std::vector<std::string> inventory_names() const;
  // Names the winning definition of `name` reads (jinja::free_names of
  // every template string in its raw value).
  std::vector<std::string> depends(std::string_view name);
  // Every role-level (or implicit default) name whose effective value
  // depends on one of `roots` directly or through other variables, in
  // RoleLayers::names() order
  // (the roots themselves excluded unless they depend on another root).
  std::vector<std::string> dependents(const std::vector<std::string>& roots);

 private:
  friend class Resolver;
  enum class Mode { Full, InventoryOnly };
  HostView(Resolver& r, std::optional<size_t> host, Mode mode);

  struct Found {
    Value raw;
    Provenance from;
    bool is_static = false;  // magic/fact values: used as they are, never templated
  };
  std::optional<Found> find(std::string_view name) const;
  Value template_tree(const Value& v);
  Value template_string(const std::string& s);

  Resolver& r_;
  std::optional<size_t> host_ix_;
  std::string host_;
  Mode mode_;
  // The host's inventory variables, merged, with the layer each came from:
  // the group-level layers (shared by every host with the same groups),
  // then the host's own on top.
  std::shared_ptr<const InventoryVars> group_vars_;
  InventoryVars host_vars_;
  const Map* facts_ = nullptr;
  Value ansible_facts_;  // the facts without their ansible_ prefix
  std::unordered_map<std::string, Resolved> memo_;
  std::vector<std::string> active_;
  // Host-independent values are shared by the hosts of one class (same
  // groups, same names set at host level, facts or not): a value whose
  // evaluation read nothing of the host itself (its host-level variables,
  // inventory_hostname, facts) is the same for every host of the class.
  // taint_ holds one flag per resolve() under way; a host-specific read
  // sets them all (every enclosing value depends on it).
  void taint() const;
  mutable std::vector<char> taint_;
  std::unordered_set<std::string> tainted_;  // memoized names that read the host
  std::unordered_map<std::string, Resolved>* class_memo_ = nullptr;
};

class Resolver {
 public:
  // `inv` may be null: no inventory (HostView::defaults_only only).
  static Result<std::unique_ptr<Resolver>> create(const KubesprayTree& tree,
                                                  const inventory::Inventory* inv,
                                                  ResolverOptions opts = {});
  // With the tree's layers already built (TreeLayers::build(tree,
  // opts.roles)): the same Resolver, without building them again.
  static std::unique_ptr<Resolver> create_with(const KubesprayTree& tree,
                                               const inventory::Inventory* inv,
                                               std::shared_ptr<const TreeLayers> layers,
                                               ResolverOptions opts = {});

  // The view of an inventory host; Error when there is no such host.
  Result<HostView*> host(std::string_view name);
  // Forgets a host's memoized values (a HostView* for it is then invalid);
  // for walks over large inventories.
  void release(std::string_view host);
  // The tag's defaults with no inventory and no host.
  HostView& defaults_only();
  // The host `vars` shows by default: the first host of
  // kube_control_plane (kube-master before v2.16), else the first host.
  std::optional<std::string> default_host() const;

  const RoleLayers& roles() const { return layers_->roles; }
  const KubesprayTree& tree() const { return tree_; }
  const inventory::Inventory* inventory() const { return inv_; }

 private:
  friend class HostView;
  Resolver(const KubesprayTree& tree, const inventory::Inventory* inv,
           std::shared_ptr<const TreeLayers> layers, ResolverOptions opts);
  const Value& groups_value();
  const Value& hostvars_value();
  // One host's entry of hostvars (built on demand, kept); null for no such host.
  const Value* hostvars_of(const std::string& host);
  Value build_hostvars(size_t host);

  const KubesprayTree& tree_;
  const inventory::Inventory* inv_;
  std::shared_ptr<const TreeLayers> layers_;
  const RoleLayers& roles_;  // layers_->roles
  ResolverOptions opts_;
  std::unordered_map<std::string, std::unique_ptr<HostView>> views_;
  // Group-level inventory variables by sorted host groups: 10,000 hosts in
  // the same groups merge them once.
  std::map<std::vector<size_t>, std::shared_ptr<const InventoryVars>> group_vars_;
  // Host-independent resolved values by host class (see HostView::taint_).
  std::unordered_map<std::string, std::unordered_map<std::string, Resolved>> class_memo_;
  std::unordered_map<std::string, Value> hostvars_by_host_;
  std::unique_ptr<HostView> defaults_view_;
  std::optional<Value> groups_;
  std::optional<Value> hostvars_;
  // `ansible_*` names the role templates read (layers_->fact_names):
  // Unknown placeholders in hostvars of hosts without facts (a fact there
  // is unknown, not absent).
  const std::vector<std::string>& fact_names_;
  std::unordered_map<std::string, std::vector<std::string>> free_names_cache_;
};

}  // namespace ksm::vars
