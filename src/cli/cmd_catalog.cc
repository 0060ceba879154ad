// `kubespray-migrate catalog`: generates versions/<tag>.json and
// versions/index.json from a Kubespray clone (see src/catalog/catalog.h).
#include <chrono>
#include <cstdio>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "sources/source.h"

namespace ksm::cli {

namespace {

struct CatalogArgs {
  std::string kubespray;
  std::string output = "versions";
  std::string tags;
};

std::vector<std::string> split_tags(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string t;
  while (std::getline(ss, t, ','))
    if (!t.empty()) out.push_back(t);
  return out;
}

int run_catalog(const CatalogArgs& a) {
  auto t0 = std::chrono::steady_clock::now();
  auto path =
      kubespray_path(a.kubespray.empty() ? std::nullopt : std::optional<std::string>(a.kubespray));
  if (!path) {
    print_error(path.error());
    return kExitError;
  }
  auto repo = open_kubespray(*path);
  if (!repo) {
    print_error(repo.error());
    return kExitError;
  }
  auto stats = catalog::write_catalog(*repo, a.output, split_tags(a.tags));
  if (!stats) {
    print_error(stats.error());
    return kExitError;
  }
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  std::printf("wrote %zu files (%zu bytes) to %s in %lld ms\n", stats->written.size(), stats->bytes,
              a.output.c_str(), static_cast<long long>(ms));
  return kExitClean;
}

}  // namespace

void add_catalog(CLI::App& app, Action& action) {
  auto args = std::make_shared<CatalogArgs>();
  auto* sub = app.add_subcommand("catalog",
                                 "Generate versions/<tag>.json (facts of each release tag) and "
                                 "versions/index.json from a Kubespray clone.\n"
                                 "Example: kubespray-migrate catalog --kubespray ~/src/kubespray "
                                 "-o versions/ --tags v2.26.0,v2.27.0");
  sub->add_option(
      "--kubespray", args->kubespray,
      "Kubespray clone (bare or not); default $KUBESPRAY_DIR, else the current directory");
  sub->add_option("-o,--output", args->output, "output folder")->capture_default_str();
  sub->add_option("--tags", args->tags, "comma-separated release tags (default: every vX.Y.Z tag)");
  sub->callback([args, &action] { action = [args] { return run_catalog(*args); }; });
}

}  // namespace ksm::cli
