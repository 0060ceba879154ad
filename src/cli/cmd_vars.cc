// `kubespray-migrate vars`: the effective value of Kubespray variables for
// one host at one tag, with where each value comes from, so an operator can
// see what a release will actually do with their inventory, including
// everything the inventory leaves to the defaults.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/inventory_source.h"
#include "cli/output.h"
#include "cli/trees.h"
#include "core/json.h"
#include "core/text.h"
#include "inventory/loader.h"
#include "schema/schema.h"
#include "sources/kubespray_tree.h"
#include "sources/source.h"
#include "vars/resolver.h"
#include "vars/runtime.h"

namespace ksm::cli {

namespace {

struct VarsOpts {
  std::vector<std::string> sources;
  std::optional<std::string> kubespray;
  std::string tag;
  std::string host;
  std::vector<std::string> roles;
  std::string facts;
  std::string format = "text";
  std::vector<std::string> names;
  bool all_hosts = false;
  bool all_names = false;
};

// Vault values are never printed.
Value printable(const Value& v) {
  if (v.is_vault()) return Value("(vault-encrypted)");
  if (v.is_list()) {
    List out;
    for (const auto& e : v.as_list()) out.push_back(printable(e));
    return Value(std::move(out));
  }
  if (v.is_map()) {
    Map out;
    for (const auto& [k, e] : v.as_map()) {
      out.set(k, printable(e));
      out.copy_key_type(v.as_map(), k);
    }
    return Value(std::move(out));
  }
  return v;
}

std::string source_of(const vars::Resolved& r) {
  if (!r.defined) return "";
  std::string w = r.from.where.str();
  return w.empty() ? r.from.layer : w;
}

Value json_entry(const vars::Resolved& r) {
  Map e;
  bool known = r.known();
  bool vault = r.defined && r.value.is_vault();
  e.set("value", known || vault ? printable(r.value) : Value());
  e.set("known", Value(known));
  e.set("reason", known ? Value() : Value(r.reason()));
  e.set("source", r.defined ? Value(source_of(r)) : Value());
  e.set("layer", r.defined ? Value(r.from.layer) : Value());
  return Value(std::move(e));
}

std::string text_entry(const std::string& name, const vars::Resolved& r, FILE* out) {
  std::string s = paint(out, "1", name) + " = ";
  if (!r.defined) {
    s += paint(out, "33", "(undefined)") + "\n";
    return s;
  }
  if (r.value.is_vault()) {
    s += "(vault-encrypted)";
  } else if (r.known()) {
    s += to_json(printable(r.value), JsonStyle{true, 0});
  } else {
    s += paint(out, "33", "(unknown: " + r.reason() + ")");
  }
  s += "\n    " + paint(out, "2", r.from.str()) + "\n";
  return s;
}

// Curated implicit defaults (schemas/sticky.yml): what the playbooks use
// for a variable that has no default at this tag.
void add_implicit_defaults(const std::string& tag_text, vars::ResolverOptions& ropts) {
  auto tag = Version::parse(tag_text);
  if (!tag) return;
  auto schemas = schema::load_default_schemas();
  if (!schemas) {
    print_warning(schemas.error().context("implicit defaults not used"));
    return;
  }
  for (const auto& st : schemas->sticky)
    if (const auto* im = st.implicit_at(*tag))
      ropts.implicit_defaults[st.variable] = vars::Definition{
          im->value,
          vars::Provenance{vars::LayerKind::Implicit,
                           "implicit default before " + im->before.str() + ": " + im->reason, "",
                           im->source.empty() ? st.where : Location{im->source, 0, 0}}};
}

// Roles, runtime names, the fact cache and implicit defaults for the resolver.
Result<vars::ResolverOptions> resolver_options(const VarsOpts& o, const Source& src) {
  vars::ResolverOptions ropts;
  ropts.roles = o.roles;
  ropts.runtime_names = vars::runtime_names(src);
  if (!o.facts.empty()) {
    auto facts = vars::load_fact_cache(o.facts);
    if (!facts) return facts.error();
    ropts.facts = std::move(*facts);
  }
  add_implicit_defaults(o.tag, ropts);
  return ropts;
}

// --all-hosts, --host, else the resolver's default host.
Result<std::vector<std::string>> hosts_to_show(const VarsOpts& o, const inventory::Inventory& inv,
                                               const vars::Resolver& resolver) {
  std::vector<std::string> hosts;
  if (o.all_hosts) {
    for (const auto& h : inv.hosts()) hosts.push_back(h.name);
  } else if (!o.host.empty()) {
    hosts.push_back(o.host);
  } else {
    auto d = resolver.default_host();
    if (!d) return Error("the inventory has no hosts");
    hosts.push_back(*d);
  }
  return hosts;
}

// The NAMEs given, --all's every role variable, or what the inventory sets
// and every default that depends on it.
std::vector<std::string> names_to_show(const VarsOpts& o, const vars::Resolver& resolver,
                                       vars::HostView& h) {
  std::vector<std::string> names = o.names;
  if (o.all_names) {
    names = resolver.roles().names();
  } else if (names.empty()) {
    names = h.inventory_names();
    std::set<std::string> seen(names.begin(), names.end());
    for (const auto& n : h.dependents(names))
      if (seen.insert(n).second) names.push_back(n);
  }
  return names;
}

// What --format summary, json or text writes for the i-th host.
std::string host_output(const VarsOpts& o, size_t i, const std::string& host, vars::HostView& h,
                        const std::vector<std::string>& names, const std::string& label,
                        const std::string& scope) {
  std::string out;
  if (o.format == "summary") {
    size_t known = 0, undefined = 0;
    for (const auto& n : names) {
      auto r = h.resolve(n);
      known += r.known();
      undefined += !r.defined;
    }
    out = host + ": " + std::to_string(names.size()) + " variables, " + std::to_string(known) +
          " known, " + std::to_string(names.size() - known - undefined) + " unknown, " +
          std::to_string(undefined) + " undefined\n";
  } else if (o.format == "json") {
    Map vars;
    for (const auto& n : names) vars.set(n, json_entry(h.resolve(n)));
    if (o.all_hosts) {
      out = (i ? ", " : "") + json_quote(host) + ": " +
            to_json(Value(Map{{"variables", Value(std::move(vars))}}), JsonStyle{true, 0});
    } else {
      Map doc;
      doc.set("tag", Value(o.tag));
      doc.set("host", Value(host));
      List roles(o.roles.begin(), o.roles.end());
      doc.set("roles", Value(std::move(roles)));
      doc.set("variables", Value(std::move(vars)));
      out = to_json(Value(std::move(doc))) + "\n";
    }
  } else {
    out = (i ? "\n" : "") + paint(stdout, "1", "Effective variables") + " of " + host + " at " +
          o.tag + " (" + label + "), " + scope + "\n\n";
    for (const auto& n : names) out += text_entry(n, h.resolve(n), stdout);
  }
  return out;
}

int run_vars(const VarsOpts& o) {
  if (o.format != "text" && o.format != "json" && o.format != "summary") {
    print_error(Error("--format: expected text, json or summary, got '" + o.format + "'"));
    return kExitError;
  }
  auto files = operator_hosts_files(o.sources);
  if (!files) {
    print_error(files.error());
    return kExitError;
  }
  auto inv = load_cli_inventory(*files, o.tag);
  if (!inv) {
    print_error(inv.error());
    return kExitError;
  }
  auto src = open_tree(o.kubespray, o.tag);
  if (!src) {
    print_error(src.error());
    return kExitError;
  }
  auto tree = KubesprayTree::load(**src);
  if (!tree) {
    print_error(tree.error());
    return kExitError;
  }
  auto ropts = resolver_options(o, **src);
  if (!ropts) {
    print_error(ropts.error());
    return kExitError;
  }
  auto resolver = vars::Resolver::create(*tree, &*inv, std::move(*ropts));
  if (!resolver) {
    print_error(resolver.error());
    return kExitError;
  }
  auto hosts = hosts_to_show(o, *inv, **resolver);
  if (!hosts) {
    print_error(hosts.error());
    return kExitError;
  }
  std::string scope =
      o.roles.empty() ? std::string("global view") : "roles: " + join(o.roles, ", ");

  // One host at a time, written as it is done (--all-hosts on a large
  // inventory keeps one host's values in memory, not all of them).
  bool json = o.format == "json";
  if (json && o.all_hosts) {
    List roles(o.roles.begin(), o.roles.end());
    std::string head = "{\"tag\": " + json_quote(o.tag) + ", \"roles\": " +
                       to_json(Value(std::move(roles)), JsonStyle{true, 0}) + ", \"hosts\": {";
    std::fwrite(head.data(), 1, head.size(), stdout);
  }
  for (size_t i = 0; i < hosts->size(); ++i) {
    const std::string& host = (*hosts)[i];
    auto view = (*resolver)->host(host);
    if (!view) {
      print_error(view.error());
      return kExitError;
    }
    vars::HostView& h = **view;
    std::vector<std::string> names = names_to_show(o, **resolver, h);
    std::string out = host_output(o, i, host, h, names, (*src)->label(), scope);
    std::fwrite(out.data(), 1, out.size(), stdout);
    (*resolver)->release(host);
  }
  if (json && o.all_hosts) std::fputs("}}\n", stdout);
  return std::fflush(stdout) == 0 ? kExitClean : kExitError;
}

}  // namespace

void add_vars(CLI::App& app, Action& action) {
  auto o = std::make_shared<VarsOpts>();
  auto* cmd = app.add_subcommand(
      "vars",
      "Show effective variable values for one host at one Kubespray tag, with provenance\n"
      "(role defaults, inventory layers, facts, role vars). Without NAMEs: the variables the\n"
      "inventory sets and every default that depends on them.\n"
      "Examples:\n"
      "  kubespray-migrate vars -i inventory/mycluster --kubespray ~/kubespray --tag v2.20.0\n"
      "  kubespray-migrate vars -i inventory/mycluster --tag v2.27.0 --host node2 "
      "etcd_member_name\n"
      "  kubespray-migrate vars -i inventory/mycluster --tag v2.19.0 --format json "
      "calico_pool_blocksize");
  cmd->add_option("-i,--inventory", o->sources,
                  "hosts file or folder (repeatable; default: ANSIBLE_INVENTORY, else the "
                  "`inventory` of ansible.cfg)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--kubespray", o->kubespray,
                  "Kubespray clone or checkout (default: $KUBESPRAY_DIR, else the current folder)");
  cmd->add_option("--tag", o->tag, "the Kubespray release tag (or any revision)")->required();
  auto* host_opt = cmd->add_option("--host", o->host,
                  "inventory host (default: the first of kube_control_plane, else the first host)");
  auto* all_hosts = cmd->add_flag("--all-hosts", o->all_hosts,
                                  "every host of the inventory (JSON: {\"hosts\": {NAME: ...}})");
  auto* all_names = cmd->add_flag("--all", o->all_names,
                                  "every variable the roles define, not only those the inventory "
                                  "touches");
  cmd->add_option("--role", o->roles,
                  "role scope, as a play's roles: list (repeatable, e.g. network_plugin/calico); "
                  "default: the global view")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--facts", o->facts,
                  "Ansible jsonfile fact cache folder (one JSON file per host); without it, facts "
                  "are unknown");
  cmd->add_option("--format", o->format,
                  "text, json, or summary (per host: how many values are known)")
      ->capture_default_str();
  auto* names = cmd->add_option("NAME", o->names, "variables to show");
  all_names->excludes(names);
  all_hosts->excludes(host_opt);
  cmd->callback([o, &action] { action = [o]() { return run_vars(*o); }; });
}

}  // namespace ksm::cli
