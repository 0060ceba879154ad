// `kubespray-migrate plan --from TAG --to TAG`: the tags to go through, one
// per minor, with the Kubernetes version each hop installs and its major
// changes (src/schema/plan.h). Offline from versions/, or from a clone's
// tags with --kubespray. With -i INVENTORY, the Kubernetes version of every
// stop for that inventory, by the rule upgrade applies (upgrade/kube_path.h).
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "cli/output.h"
#include "core/json.h"
#include "core/paths.h"
#include "report/summary_block.h"
#include "upgrade/advisory_judge.h"
#include "schema/plan.h"
#include "upgrade/kube_path.h"

namespace ksm::cli {

namespace {

struct PlanArgs {
  std::string from, to;
  std::string format = "text";
  std::string kubespray;
  std::string inventory;
  std::vector<std::string> schemas;
};

int run_plan(const PlanArgs& a) {
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
  upgrade::InventoryStart start{a.from, "", ""};
  if (!a.inventory.empty()) {
    auto st = upgrade::inventory_start(a.inventory, a.from, *facts);
    if (!st) {
      print_error(st.error());
      return kExitError;
    }
    start = std::move(*st);
  } else if (a.from.empty()) {
    print_error(Error("plan: give --from TAG, or -i INVENTORY"));
    return kExitError;
  }
  auto plan = schema::make_plan(*facts, *schemas, start.from, a.to);
  if (!plan) {
    print_error(plan.error());
    return kExitError;
  }
  if (!a.inventory.empty()) {
    plan->inventory = a.inventory;
    plan->inventory_note = start.note;
    if (auto s = upgrade::annotate_plan(*plan, *facts, start.kube_version); !s) {
      print_error(s.error());
      return kExitError;
    }
    // Only the advisories that hold for this inventory at each stop.
    auto judge = upgrade::AdvisoryJudge::open(a.inventory, *facts);
    if (!judge) {
      print_error(judge.error());
      return kExitError;
    }
    for (auto& h : plan->hops)
      std::erase_if(h.advisories, [&](const schema::Advisory* adv) {
        return (*judge)->verdict(*adv, h.to).applies == schema::Applies::No;
      });
  }
  report::SummaryBlock block;
  size_t raise = 0, advisories = 0;
  for (const auto& h : plan->hops) {
    raise += h.raise_first.size();
    advisories += h.advisories.size();
  }
  block.counts = {{"stops", plan->hops.size()}, {"advisories", advisories}};
  if (!a.inventory.empty()) block.counts.push_back({"extra runs to raise Kubernetes first", raise});
  std::string ks = kubespray_arg(a.kubespray);
  if (a.inventory.empty())
    block.next.push_back("kubespray-migrate plan -i INVENTORY --to " + plan->to +
                         "   (with your inventory: the Kubernetes version of every stop)");
  else
    block.next.push_back("kubespray-migrate upgrade -i " + a.inventory + ks + " --to " + plan->to +
                         "   (every stop's inventory and RUNBOOK.md)");
  if (a.format == "json") {
    Value doc = schema::plan_json(*plan);
    if (doc.is_map()) doc.map_mut().set("summary", report::summary_block_value(block));
    std::fputs((to_json(doc, JsonStyle{false, 2}) + "\n").c_str(), stdout);
  } else {
    print_text(stdout, schema::plan_text(*plan, use_colour(stdout)) +
                           report::render_summary_block(block, use_colour(stdout)));
  }
  return kExitClean;
}

}  // namespace

void add_plan(CLI::App& app, Action& action) {
  auto args = std::make_shared<PlanArgs>();
  auto* cmd = app.add_subcommand(
      "plan", "The tags to go through from one release to another, one per minor");
  cmd->footer(
      "Example:\n"
      "  kubespray-migrate plan --from v2.15.1 --to v2.27.0\n"
      "  kubespray-migrate plan --from v2.22.0 --to v2.24.1 --format json --kubespray "
      "~/src/kubespray\n"
      "  kubespray-migrate plan -i inventory/mycluster --to v2.18.2");
  cmd->add_option("--from", args->from,
                  "The tag the cluster runs now (e.g. v2.15.1); with -i, default: its state file, "
                  "else inferred");
  cmd->add_option(
      "-i,--inventory", args->inventory,
      "The inventory (folder or hosts file): the Kubernetes version of every stop for it");
  cmd->add_option("--to", args->to, "The tag to reach")->required();
  cmd->add_option("--format", args->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--kubespray", args->kubespray,
                  "A Kubespray clone: use its tags instead of versions/");
  cmd->add_option("--schemas", args->schemas,
                  "A folder of your own rule files, merged after ours (repeatable)");
  cmd->callback([args, &action] { action = [args] { return run_plan(*args); }; });
}

}  // namespace ksm::cli
