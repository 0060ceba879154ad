// `kubespray-migrate explain FROM TO`: the variable-level changelog between
// two tags (src/schema/explain.h); with -i, only what touches an inventory
// (loaded by src/inventory as ansible-inventory would).
#include <cstdio>
#include <memory>
#include <optional>

#include "cli/commands.h"
#include "cli/inventory_source.h"
#include "cli/output.h"
#include "core/json.h"
#include "core/paths.h"
#include "report/summary_block.h"
#include "upgrade/advisory_judge.h"
#include "inventory/loader.h"
#include "schema/explain.h"
#include "sources/knowledge.h"
#include "sources/version.h"

namespace ksm::cli {

namespace {

struct ExplainArgs {
  std::string from, to;
  std::string inventory;
  std::string format = "text";
  std::string kubespray;
  std::vector<std::string> schemas;
};

// What explain needs from the operator's inventory: every variable it sets
// (hosts files, group_vars, host_vars), its groups, its files relative to
// the inventory folder, and whether its hosts file is YAML (the builder's
// hosts.yaml) or INI. Read as the playbooks of `tag` read it (with the
// groups they build: group_vars/k8s_cluster of a v2.27 inventory.ini).
Result<schema::InventoryFacts> inventory_facts(const std::string& path, const std::string& tag) {
  auto files = operator_hosts_files({path});
  if (!files) return files.error();
  auto version = Version::parse(tag);
  auto inv = inventory::load_inventory(
      *files, version ? kubespray().runtime_groups(*version) : std::vector<RuntimeGroup>{});
  if (!inv) return inv.error();
  schema::InventoryFacts f;
  f.path = path;
  auto note = [&](const std::string& name, const Location& where) {
    f.variables.emplace(name, where);
  };
  for (const auto& g : inv->groups()) {
    f.groups.insert(g.name);
    for (const auto& [k, v] : g.vars) {
      auto it = g.var_where.find(k);
      note(k, it == g.var_where.end() ? Location{} : it->second);
    }
  }
  for (const auto& h : inv->hosts())
    for (const auto& [k, v] : h.vars) {
      auto it = h.var_where.find(k);
      note(k, it == h.var_where.end() ? Location{} : it->second);
    }
  for (const auto& vf : inv->vars_files) {
    if (vf.data.is_map())
      for (const auto& [k, v] : vf.data.as_map()) {
        auto it = vf.where.find(k);
        note(k, it == vf.where.end() ? Location{vf.path} : it->second);
      }
    if (vf.vars_dir < inv->vars_dirs.size()) {
      std::error_code ec;
      auto rel = std::filesystem::relative(vf.path, inv->vars_dirs[vf.vars_dir], ec);
      if (!ec) f.files.insert(rel.generic_string());
    }
  }
  bool yaml = false, ini = false;
  for (const auto& file : inv->files) (file.format == inventory::Format::Yaml ? yaml : ini) = true;
  f.hosts_layout = yaml ? "builder-hosts-yaml" : ini ? "inventory-ini" : "";
  return f;
}

int run_explain(const ExplainArgs& a) {
  std::vector<std::filesystem::path> extra(a.schemas.begin(), a.schemas.end());
  auto schemas = schema::load_default_schemas(extra);
  if (!schemas) {
    print_error(schemas.error());
    return kExitError;
  }
  auto facts = a.kubespray.empty() ? schema::ReleaseFacts::from_versions(versions_dir())
                                   : schema::ReleaseFacts::from_clone(a.kubespray);
  if (!facts) {
    print_error(facts.error());
    return kExitError;
  }
  std::optional<schema::InventoryFacts> inv;
  if (!a.inventory.empty()) {
    auto f = inventory_facts(a.inventory, a.from);
    if (!f) {
      print_error(f.error());
      return kExitError;
    }
    inv = std::move(*f);
  }
  std::unique_ptr<upgrade::AdvisoryJudge> judge;
  if (inv) {
    auto j = upgrade::AdvisoryJudge::open(a.inventory, *facts);
    if (!j) {
      print_error(j.error());
      return kExitError;
    }
    judge = std::move(*j);
    inv->advisory_applies = [&judge, to = a.to](const schema::Advisory& adv) {
      return judge->verdict(adv, to).applies;
    };
  }
  auto e = schema::explain(*facts, *schemas, a.from, a.to, inv ? &*inv : nullptr);
  if (!e) {
    print_error(e.error());
    return kExitError;
  }
  report::SummaryBlock block;
  std::string ks = kubespray_arg(a.kubespray);
  if (a.inventory.empty())
    block.next.push_back("kubespray-migrate explain -i INVENTORY" + std::string(" --from ") +
                         a.from + " --to " + a.to + "   (which of it touches your inventory)");
  else
    block.next.push_back("kubespray-migrate upgrade -i " + a.inventory + ks + " --from " + a.from +
                         " --to " + a.to);
  if (a.format == "json") {
    Value doc = schema::explain_json(*e);
    if (doc.is_map()) doc.map_mut().set("summary", report::summary_block_value(block));
    std::fputs((to_json(doc, JsonStyle{false, 2}) + "\n").c_str(), stdout);
  } else if (a.format == "markdown") {
    std::fputs(schema::explain_markdown(*e).c_str(), stdout);
  } else {
    print_text(stdout, schema::explain_text(*e, use_colour(stdout)) +
                           report::render_summary_block(block, use_colour(stdout)));
  }
  return kExitClean;
}

}  // namespace

void add_explain(CLI::App& app, Action& action) {
  auto args = std::make_shared<ExplainArgs>();
  auto* cmd = app.add_subcommand("explain", "What changes between two tags, variable by variable");
  cmd->footer(
      "Example:\n"
      "  kubespray-migrate explain v2.18.2 v2.19.0\n"
      "  kubespray-migrate explain v2.21.0 v2.22.0 --format markdown\n"
      "  kubespray-migrate explain v2.15.1 v2.16.0 -i inventory/mycluster");
  cmd->add_option("FROM", args->from, "The older tag")->required();
  cmd->add_option("TO", args->to, "The newer tag")->required();
  cmd->add_option("-i,--inventory", args->inventory,
                  "Only what touches this inventory: the old variables it sets, the sticky "
                  "defaults it relies on "
                  "(what upgrade pins), its groups, files and hosts-file layout");
  cmd->add_option("--format", args->format, "Output format")
      ->check(CLI::IsMember({"text", "markdown", "json"}));
  cmd->add_option("--kubespray", args->kubespray,
                  "A Kubespray clone: read the tags' trees instead of versions/");
  cmd->add_option("--schemas", args->schemas,
                  "A folder of your own rule files, merged after ours (repeatable)");
  cmd->callback([args, &action] { action = [args] { return run_explain(*args); }; });
}

}  // namespace ksm::cli
