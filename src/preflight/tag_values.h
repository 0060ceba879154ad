// Why this module exists: evaluation (evaluate.h) asks "what does a task of
// role R see for X on host H at tag T?" through the TagValues interface;
// the vars module (vars::Resolver) is what knows, with Ansible's precedence
// and provenance. This is the adapter between the two, plus what a caller
// needs to set it up the same way `vars` does: the inventory as host
// patterns see it, the curated implicit defaults of schemas/sticky.yml, the
// names tasks set at run time, and gathered facts.
//
// Role scope: names are looked up in the vars module's global view; a name
// that view calls ambiguous (two roles define it differently) is looked up
// again with the asking task's role in scope (a play with roles:
// [kubespray-defaults, R]), one Resolver per such role, made on demand.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <unordered_map>

#include "core/error.h"
#include "inventory/model.h"
#include "preflight/evaluate.h"
#include "schema/schema.h"
#include "sources/kubespray_tree.h"
#include "sources/source.h"
#include "sources/version.h"
#include "vars/resolver.h"

namespace ksm::preflight {

// The inventory's hosts and groups (every group with its descendants'
// hosts, in Ansible's order), for host patterns and magic variables.
HostGroups host_groups(const inventory::Inventory& inv);

// The values the playbooks use at `tag` for variables that have no default
// there (schemas/sticky.yml `implicit`), as vars::ResolverOptions wants them.
std::unordered_map<std::string, vars::Definition> implicit_defaults(const schema::Schemas& s,
                                                                    const Version& tag);

class ResolverValues : public TagValues {
 public:
  // `tree` is the tag's Kubespray tree; `inv` must outlive the result.
  // `opts.roles` is ignored (see the role scope above).
  static Result<std::unique_ptr<ResolverValues>> create(std::string tag, KubesprayTree tree,
                                                        const inventory::Inventory& inv,
                                                        vars::ResolverOptions opts);

  std::string tag() const override { return tag_; }
  const HostGroups& inventory() const override { return groups_; }
  report::Variable lookup(const std::string& host, const std::string& role,
                          const std::string& name) override;
  void release(const std::string& host) override;

  vars::Resolver& resolver() { return *global_; }
  const KubesprayTree& tree() const { return *tree_; }

 private:
  ResolverValues(std::string tag, std::unique_ptr<KubesprayTree> tree,
                 const inventory::Inventory& inv, vars::ResolverOptions opts);
  vars::Resolver* scoped(const std::string& role);

  std::string tag_;
  std::unique_ptr<KubesprayTree> tree_;  // stable address: the resolvers keep a reference
  const inventory::Inventory& inv_;
  vars::ResolverOptions opts_;
  HostGroups groups_;
  std::unique_ptr<vars::Resolver> global_;
  std::map<std::string, std::unique_ptr<vars::Resolver>> by_role_;  // null: the role has no scope
};

// A report::Variable from a vars definition (operator_file for inventory layers).
report::Variable to_variable(const std::string& name, const vars::Definition& d);

}  // namespace ksm::preflight
