// Our own checks beside Kubespray's assertions (see checks.h).
#include "preflight/checks.h"

#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <set>

#include "catalog/facts.h"
#include "core/json.h"
#include "core/paths.h"
#include "jinja/jinja.h"
#include "preflight/hop_checks.h"
#include "schema/advisory_eval.h"
#include "schema/object_names.h"
#include "sources/knowledge.h"

namespace ksm::preflight {

namespace {

using report::Finding;
using report::Severity;
using report::Status;

// Every name the inventory sets, with the first place it is set.
std::map<std::string, Location> inventory_names(const inventory::Inventory& inv) {
  std::map<std::string, Location> out;
  for (const auto& f : inv.vars_files) {
    if (!f.data.is_map()) continue;
    for (const auto& [k, v] : f.data.as_map()) {
      auto w = f.where.find(k);
      out.emplace(k, w != f.where.end() ? w->second : Location{f.path, 0, 0});
    }
  }
  for (const auto& g : inv.groups())
    for (const auto& [k, v] : g.vars) {
      auto w = g.var_where.find(k);
      out.emplace(k, w != g.var_where.end() ? w->second : Location{});
    }
  for (const auto& h : inv.hosts())
    for (const auto& [k, v] : h.vars) {
      auto w = h.var_where.find(k);
      out.emplace(k, w != h.var_where.end() ? w->second : Location{});
    }
  return out;
}

Severity severity_of(schema::Effect e) {
  switch (e) {
    case schema::Effect::Error: return Severity::Error;
    case schema::Effect::Ignored: return Severity::Warning;
    case schema::Effect::Internal: return Severity::Warning;
    case schema::Effect::Optional: return Severity::Info;
  }
  return Severity::Warning;
}

Severity severity_of(schema::Severity s) {
  switch (s) {
    case schema::Severity::Error: return Severity::Error;
    case schema::Severity::Warning: return Severity::Warning;
    case schema::Severity::Info: return Severity::Info;
  }
  return Severity::Warning;
}

// A rule's place in schemas/, relative to the data folder ("schemas/v2.19.0.yml").
Location in_data(Location l) {
  std::error_code ec;
  auto root = std::filesystem::weakly_canonical(data_dir(), ec);
  if (ec || l.file.empty()) return l;
  auto p = std::filesystem::weakly_canonical(l.file, ec);
  if (ec) return l;
  auto rel = p.lexically_relative(root);
  if (!rel.empty() && *rel.begin() != "..") l.file = rel.string();
  return l;
}

report::Variable set_at(const std::string& name, const Value& value, const Location& where) {
  report::Variable v;
  v.name = name;
  v.value = value;
  v.where = where;
  v.operator_file = !where.file.empty();
  v.provenance = "inventory";
  return v;
}

// Variables the inventory sets that the target no longer reads.
void gone_variables(const CheckInputs& in, vars::HostView* view, std::vector<Finding>& out) {
  if (!in.schemas) return;
  for (const auto& [name, where] : inventory_names(*in.inventory)) {
    auto c = in.schemas->classify(name, in.to);
    if (!c) continue;
    // Still read at the target (a default or role var): not gone.
    const auto& roles = in.to_values->roles();
    if (roles.defaults(name) || roles.vars(name)) continue;
    const schema::Rule& rule = c->rule();
    Finding f;
    f.id = "ksm/variable-not-read/" + name;
    f.group = "inventory";
    f.status = Status::Fail;
    f.source = in_data(rule.where);
    f.source_label = "kubespray-migrate schemas";
    Value value = view ? view->lookup_raw(name) : Value::undefined();
    f.variables.push_back(set_at(name, value, where));
    std::string since = " since " + rule.release.str();
    switch (c->kind) {
      case schema::Classification::Kind::Renamed:
        f.title = name + " was renamed to " + c->rename->to;
        f.severity = severity_of(c->rename->effect);
        f.message = "The inventory sets " + name + ", which " + in.to.str() +
                    " no longer reads: renamed to " + c->rename->to + since + ".";
        f.fix = "rename " + name + " to " + c->rename->to + " (kubespray-migrate upgrade does it)";
        break;
      case schema::Classification::Kind::Restructured:
        f.title = name + " was restructured";
        f.severity = Severity::Warning;
        f.message = "The inventory sets " + name + ", which " + in.to.str() +
                    " no longer reads: restructured into " +
                    [&] {
                      std::string s;
                      for (const auto& t : c->restructure->to) s += (s.empty() ? "" : ", ") + t;
                      return s;
                    }() +
                    since + ".";
        f.fix = "move its value to the new structure (kubespray-migrate upgrade does it)";
        break;
      case schema::Classification::Kind::Removed:
        f.title = name + " was removed";
        f.severity = severity_of(c->removal->effect);
        f.message = "The inventory sets " + name + ", which " + in.to.str() +
                    " no longer reads: removed" + since + ".";
        f.fix = c->removal->replacement.empty() ? "remove it from the inventory"
                                                : c->removal->replacement;
        break;
    }
    if (!rule.reason.empty()) f.details.push_back(rule.reason);
    out.push_back(std::move(f));
  }
}

// group_vars entries naming no group: Ansible ignores them silently.
void unused_group_vars(const CheckInputs& in, std::vector<Finding>& out) {
  for (const auto& entry : in.inventory->unused_vars_entries) {
    std::filesystem::path p(entry);
    std::string kind = p.parent_path().filename().string();
    std::string name = p.stem().string();
    if (p.extension() != ".yml" && p.extension() != ".yaml" && p.extension() != ".json")
      name = p.filename().string();
    Finding f;
    f.id = "ksm/unused-vars-entry/" + kind + "/" + name;
    f.group = "inventory";
    f.status = Status::Fail;
    f.source = Location{entry, 0, 0};
    f.title = kind + "/" + p.filename().string() + " applies to no " +
              (kind == "host_vars" ? "host" : "group");
    f.message = "Ansible ignores " + entry + " silently: the inventory has no " +
                (kind == "host_vars" ? "host" : "group") + " named " + name + ".";
    f.severity = Severity::Warning;
    if (in.schemas && kind == "group_vars")
      for (const auto& r : in.schemas->group_renames)
        if (r.from == name && !(in.to < r.release)) {
          f.severity = Severity::Error;
          f.message += " The group " + name + " was renamed to " + r.to + " in " + r.release.str() +
                       ": its values no longer apply.";
          f.fix = "move its files into group_vars/" + r.to + " (kubespray-migrate upgrade does it)";
          f.source = in_data(r.where);
          f.source_label = "kubespray-migrate schemas";
          break;
        }
    if (f.fix.empty())
      f.fix = "rename it after an existing " + std::string(kind == "host_vars" ? "host" : "group") +
              ", or remove it";
    f.variables.push_back(set_at(name, Value::undefined(), Location{entry, 0, 0}));
    out.push_back(std::move(f));
  }
}

std::optional<Version> kube_minor(const Value& v) {
  if (!v.is_string()) return std::nullopt;
  return Version::parse(v.as_string());
}

void kube_version(const CheckInputs& in, vars::HostView* to_view, vars::HostView* from_view,
                  std::vector<Finding>& out) {
  if (!to_view) return;
  vars::Resolved kv = to_view->resolve("kube_version");
  if (!kv.known() || !kv.value.is_string()) return;
  const std::string& want = kv.value.as_string();
  report::Variable var;
  var.name = "kube_version";
  var.value = kv.value;
  var.where = kv.from.where;
  var.operator_file = kv.from.kind == vars::LayerKind::Inventory;
  var.provenance = kv.from.layer;
  if (in.to_facts) {
    const catalog::TagFacts* facts = in.to_facts;
    if (!facts->kube_versions().empty() && !facts->can_install(want)) {
      auto all = facts->kube_versions();
      Finding f;
      f.id = "ksm/kube-version-not-installable";
      f.group = "kubernetes";
      f.title = "kube_version " + want + " cannot be installed by " + in.to.str();
      f.severity = Severity::Error;
      f.status = Status::Fail;
      f.source = Location{"versions/" + in.to.str() + ".json", 0, 0};
      f.source_label = "kubespray-migrate versions";
      f.message = in.to.str() + " has no checksums for Kubernetes " + want + ": it installs " +
                  all.front() + " to " + all.back() + ".";
      f.fix = "set kube_version to one of " + in.to.str() + "'s versions (its default is " +
              facts->kube_version() + "), or leave it unset";
      f.variables.push_back(var);
      out.push_back(std::move(f));
    }
  }
  if (!from_view) return;
  vars::Resolved was = from_view->resolve("kube_version");
  if (!was.known()) return;
  auto a = kube_minor(was.value), b = kube_minor(kv.value);
  // kubeadm upgrades one minor at a time (schemas/kubespray.yml upgrade_steps).
  const int step = kubespray().kubernetes_minor_step();
  if (!a || !b || a->major != b->major || b->minor <= a->minor + step) return;
  Finding f;
  f.id = "ksm/kube-version-skips-minor";
  f.group = "kubernetes";
  f.title =
      "kube_version skips a Kubernetes minor (" + a->minor_str() + " -> " + b->minor_str() + ")";
  f.severity = Severity::Error;
  f.status = Status::Fail;
  f.source = var.where;
  f.message = "The cluster runs " + was.value.as_string() + " (" + (in.from ? in.from->str() : "") +
              ") and the target would install " + want +
              ": kubeadm upgrades one minor at a time, and so must the upgrade.";
  f.fix = "upgrade through " + Version{a->major, a->minor + step, 0, ""}.minor_str() +
          " first (kubespray-migrate plan), or set kube_version to a " +
          Version{a->major, a->minor + step, 0, ""}.minor_str() + " release for this hop";
  f.variables.push_back(var);
  out.push_back(std::move(f));
}

void advisories(const CheckInputs& in, vars::HostView* view, std::vector<Finding>& out) {
  if (!in.schemas) return;
  std::vector<const schema::Advisory*> list;
  if (in.from) {
    list = in.schemas->for_hop(*in.from, in.to).advisories;
  } else {
    for (const auto& a : in.schemas->advisories)
      if (!a.crossing && a.matches_tag(in.to)) list.push_back(&a);
  }
  for (const auto* a : list) {
    Status status = Status::Fail;
    std::string why;
    std::vector<report::Variable> vars;
    if (!a->condition.empty()) {
      if (!view) continue;
      schema::AdvisoryVerdict verdict = schema::evaluate_advisory(*a, *view);
      if (verdict.applies == schema::Applies::No) continue;
      if (verdict.applies == schema::Applies::Unknown) {
        status = Status::Unknown;
        why = verdict.why;
      }
      for (const auto& n : verdict.names) {
        vars::Resolved rv = view->resolve(n);
        report::Variable v;
        v.name = n;
        v.value = rv.value;
        v.where = rv.from.where;
        v.operator_file = rv.defined && rv.from.kind == vars::LayerKind::Inventory;
        v.provenance = rv.defined ? rv.from.layer : "not set";
        vars.push_back(std::move(v));
      }
    }
    Finding f;
    f.id = "ksm/advisory/" + a->id;
    f.group = "advisories";
    f.title = a->id;
    f.severity = severity_of(a->severity);
    f.status = status;
    f.source = in_data(a->where);
    f.source_label = "kubespray-migrate schemas";
    f.message = a->message;
    if (!a->condition.empty()) f.details.push_back("condition: " + a->condition);
    if (!why.empty()) f.details.push_back("unknown: " + why);
    if (!a->source.empty()) f.details.push_back("source: " + a->source);
    f.variables = std::move(vars);
    out.push_back(std::move(f));
  }
}

// Whether Kubespray renders a restructure's objects for this inventory
// (object_names_when); nullopt when that cannot be known.
std::optional<bool> renders_objects(const schema::Restructure& r, vars::HostView& view) {
  if (r.object_names_when.empty()) return true;
  auto expr = jinja::parse_expression(r.object_names_when, r.id);
  if (!expr) return std::nullopt;
  Value v = jinja::render(*expr, view);
  if (!v.is_bool()) return std::nullopt;
  return v.as_bool();
}

// Keys of the inventory's new-style variables (metallb_config's pools) that
// Kubespray names Kubernetes objects after, and the API server would refuse
// (not DNS-1123 subdomains): the apply fails minutes into the run.
void object_names(const CheckInputs& in, vars::HostView* view, std::vector<Finding>& out) {
  if (!in.schemas || !view) return;
  for (const auto& r : in.schemas->restructures) {
    if (r.object_names.empty() || in.to < r.release) continue;
    Map vars;
    std::vector<report::Variable> set;
    for (const auto& name : r.to) {
      vars::Resolved rv = view->resolve(name);
      if (!rv.defined || rv.from.kind != vars::LayerKind::Inventory || !rv.value.is_map()) continue;
      vars.set(name, rv.value);
      set.push_back(set_at(name, rv.value, rv.from.where));
    }
    std::vector<std::string> names;
    for (const auto& p : r.object_names) {
      auto at = schema::names_at(vars, p);
      names.insert(names.end(), at.begin(), at.end());
    }
    auto plan = schema::plan_object_names(names);
    if (plan.empty()) continue;
    auto renders = renders_objects(r, *view);
    if (renders && !*renders) continue;
    for (const auto& m : plan) {
      Finding f;
      f.id = "ksm/object-name/" + r.id + "/" + m.from;
      f.group = "inventory";
      f.title = "'" + m.from + "' is not a valid Kubernetes object name";
      f.severity = Severity::Error;
      f.status = renders ? Status::Fail : Status::Unknown;
      f.source = in_data(r.where);
      f.source_label = "kubespray-migrate schemas";
      f.message = "Kubespray " + in.to.str() + " names a Kubernetes object '" + m.from +
                  "' after a key of " + fmt::format("{}", fmt::join(r.to, ", ")) +
                  ", and the API server accepts only DNS-1123 subdomains (lowercase letters, "
                  "digits, '-' and "
                  "'.', starting and ending with a letter or digit, at most 253 characters): the "
                  "apply fails.";
      f.fix =
          "rename it to '" + m.to + "' wherever the inventory names it" +
          (m.disambiguated
               ? " (another name already maps to '" + schema::to_dns1123_subdomain(m.from) + "')"
               : "") +
          ", and in what selects it outside the inventory (a Service annotation naming the pool)";
      if (!renders)
        f.details.push_back("unknown: whether it is rendered (" + r.object_names_when + ")");
      f.details.push_back("paths: " + fmt::format("{}", fmt::join(r.object_names, ", ")));
      f.variables = set;
      out.push_back(std::move(f));
    }
  }
}

}  // namespace

std::vector<report::Finding> own_checks(const CheckInputs& in) {
  std::vector<Finding> out;
  if (!in.inventory || !in.to_values) return out;
  vars::HostView* to_view = nullptr;
  vars::HostView* from_view = nullptr;
  if (auto h = in.to_values->default_host()) {
    if (auto v = in.to_values->host(*h)) to_view = *v;
    if (in.from_values)
      if (auto v = in.from_values->host(*h)) from_view = *v;
  }
  gone_variables(in, to_view, out);
  unused_group_vars(in, out);
  kube_version(in, to_view, from_view, out);
  if (to_view && from_view && in.removed_apis) {
    auto apis = removed_apis(from_view->resolve("kube_version"), to_view->resolve("kube_version"),
                             *in.removed_apis);
    out.insert(out.end(), apis.begin(), apis.end());
  }
  advisories(in, to_view, out);
  object_names(in, to_view, out);
  if (in.from_values && in.from) {
    auto names = etcd_member_names(*in.to_values, *in.from_values, in.to, *in.from);
    out.insert(out.end(), names.begin(), names.end());
  }
  if (in.check_ansible) {
    auto a = ansible_version(in.ansible_version, in.requirements,
                             in.ansible_core ? *in.ansible_core : AnsibleCoreTable{}, in.to);
    out.insert(out.end(), a.begin(), a.end());
  }
  return out;
}

}  // namespace ksm::preflight
