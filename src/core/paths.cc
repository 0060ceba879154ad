// Data folder lookup (see paths.h).
#include "core/paths.h"

#include <cstdlib>

namespace ksm {

namespace fs = std::filesystem;

fs::path data_dir() {
  if (const char* env = std::getenv("KSM_DATA_DIR"); env && *env) return env;
  std::error_code ec;
  // Next to the binary: <prefix>/bin/kubespray-migrate -> <prefix>/share/kubespray-migrate
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path share = self.parent_path().parent_path() / "share" / "kubespray-migrate";
    if (fs::exists(share / "versions", ec)) return share;
  }
  if (fs::exists(fs::path(KSM_DATA_DIR) / "versions", ec)) return KSM_DATA_DIR;
  return KSM_SOURCE_DIR;
}

fs::path schemas_dir() { return data_dir() / "schemas"; }
fs::path versions_dir() { return data_dir() / "versions"; }

}  // namespace ksm
