// TagValues over the vars module (see tag_values.h).
#include "preflight/tag_values.h"

namespace ksm::preflight {

HostGroups host_groups(const inventory::Inventory& inv) {
  HostGroups g;
  for (const auto& h : inv.hosts()) g.hosts.push_back(h.name);
  for (size_t i = 0; i < inv.groups().size(); ++i) {
    std::vector<std::string>& members = g.groups[inv.groups()[i].name];
    for (size_t h : inv.group_hosts(i)) members.push_back(inv.hosts()[h].name);
  }
  return g;
}

std::unordered_map<std::string, vars::Definition> implicit_defaults(const schema::Schemas& s,
                                                                    const Version& tag) {
  std::unordered_map<std::string, vars::Definition> out;
  for (const auto& st : s.sticky)
    if (const auto* im = st.implicit_at(tag))
      out[st.variable] = vars::Definition{
          im->value,
          vars::Provenance{vars::LayerKind::Implicit,
                           "implicit default before " + im->before.str() + ": " + im->reason, "",
                           im->source.empty() ? st.where : Location{im->source, 0, 0}}};
  return out;
}

report::Variable to_variable(const std::string& name, const vars::Definition& d) {
  report::Variable v;
  v.name = name;
  v.value = d.value;
  v.provenance = d.from.layer;
  v.where = d.from.where;
  v.operator_file = d.from.kind == vars::LayerKind::Inventory;
  return v;
}

ResolverValues::ResolverValues(std::string tag, std::unique_ptr<KubesprayTree> tree,
                               const inventory::Inventory& inv, vars::ResolverOptions opts)
    : tag_(std::move(tag)), tree_(std::move(tree)), inv_(inv), opts_(std::move(opts)),
      groups_(host_groups(inv)) {}

Result<std::unique_ptr<ResolverValues>> ResolverValues::create(std::string tag, KubesprayTree tree,
                                                               const inventory::Inventory& inv,
                                                               vars::ResolverOptions opts) {
  opts.roles.clear();
  std::unique_ptr<ResolverValues> v(new ResolverValues(
      std::move(tag), std::make_unique<KubesprayTree>(std::move(tree)), inv, std::move(opts)));
  auto r = vars::Resolver::create(*v->tree_, &inv, v->opts_);
  if (!r) return r.error();
  v->global_ = std::move(*r);
  return v;
}

vars::Resolver* ResolverValues::scoped(const std::string& role) {
  auto it = by_role_.find(role);
  if (it != by_role_.end()) return it->second.get();
  vars::ResolverOptions o = opts_;
  o.roles = {role};
  auto r = vars::Resolver::create(*tree_, &inv_, std::move(o));
  auto& slot = by_role_[role];
  if (r) slot = std::move(*r);
  return slot.get();
}

report::Variable ResolverValues::lookup(const std::string& host, const std::string& role,
                                        const std::string& name) {
  report::Variable none;
  none.name = name;
  auto view = global_->host(host);
  if (!view) return none;
  auto d = (*view)->definition(name);
  if (!d) return none;
  bool ambiguous = d->value.is_unknown() &&
                   d->value.unknown_reason().rfind("ambiguous", 0) == 0;
  if (ambiguous && !role.empty()) {
    if (vars::Resolver* r = scoped(role)) {
      auto sv = r->host(host);
      if (sv) {
        auto sd = (*sv)->definition(name);
        if (sd) return to_variable(name, *sd);
      }
    }
  }
  return to_variable(name, *d);
}

void ResolverValues::release(const std::string& host) {
  global_->release(host);
  for (auto& [role, r] : by_role_)
    if (r) r->release(host);
}

}  // namespace ksm::preflight
