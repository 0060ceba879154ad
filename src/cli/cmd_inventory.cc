// `kubespray-migrate inventory`: the operator's inventory as Ansible reads
// it, printed the way `ansible-inventory` prints it (--list, --host, --graph),
// so they can check that this tool sees exactly what their playbooks will.
#include <cstdio>

#include "cli/commands.h"
#include "cli/inventory_source.h"
#include "cli/output.h"
#include "core/json.h"
#include "inventory/loader.h"
#include "inventory/render.h"

namespace ksm::cli {

void add_inventory(CLI::App& app, Action& action) {
  struct Opts {
    std::vector<std::string> sources;
    bool list = false;
    std::string host;
    bool graph = false;
    bool vars = false;
    std::string pattern;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand(
      "inventory",
      "Show the inventory as Ansible reads it (output identical to ansible-inventory).\n"
      "Examples:\n"
      "  kubespray-migrate inventory -i inventory/mycluster/hosts.yaml --list\n"
      "  kubespray-migrate inventory -i inventory/mycluster/inventory.ini --host node1\n"
      "  kubespray-migrate inventory -i inventory/mycluster/ --graph k8s_cluster --vars");
  cmd->add_option("-i,--inventory", o->sources,
                  "hosts file or folder (repeatable; default: ANSIBLE_INVENTORY, else the "
                  "`inventory` of ansible.cfg)");
  auto* list = cmd->add_flag("--list", o->list, "print all groups and host variables as JSON");
  auto* host = cmd->add_option("--host", o->host, "print one host's variables as JSON");
  auto* graph = cmd->add_flag("--graph", o->graph, "draw the group tree (from GROUP, default all)");
  cmd->add_flag("--vars", o->vars, "with --graph: show variables too");
  cmd->add_option("group", o->pattern, "with --graph: the group to start from");
  list->excludes(host)->excludes(graph);
  host->excludes(graph);
  cmd->callback([o, &action] {
    action = [o]() -> int {
      if (!o->list && o->host.empty() && !o->graph) {
        print_error(Error("inventory: pick one of --list, --host NAME, --graph"));
        return kExitError;
      }
      auto inv = load_cli_inventory(o->sources);
      if (!inv) {
        print_error(inv.error());
        return kExitError;
      }
      std::string out;
      if (o->list) {
        inventory::write_list_json(*inv, [](std::string_view piece) {
          std::fwrite(piece.data(), 1, piece.size(), stdout);
        });
        std::fputc('\n', stdout);
        return std::fflush(stdout) == 0 && !std::ferror(stdout) ? kExitClean : kExitError;
      } else if (!o->host.empty()) {
        auto h = inv->host_index(o->host);
        if (!h) {
          print_error(Error("no host named '" + o->host + "' in the inventory"));
          return kExitError;
        }
        out = to_json(inventory::host_document(*inv, *h));
      } else {
        std::string start = o->pattern.empty() ? "all" : o->pattern;
        auto g = inv->group_index(start);
        if (!g) {
          print_error(Error("--graph: no group named '" + start + "' in the inventory"));
          return kExitError;
        }
        out = inventory::graph(*inv, *g, o->vars);
      }
      out += '\n';
      std::fwrite(out.data(), 1, out.size(), stdout);
      return std::fflush(stdout) == 0 ? kExitClean : kExitError;
    };
  });
}

}  // namespace ksm::cli
