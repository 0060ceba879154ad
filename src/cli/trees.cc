// Kubespray trees and the local Ansible for the commands (see trees.h).
#include "cli/trees.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace ksm::cli {

std::string ansible_on_path() {
  const char* path = std::getenv("PATH");
  if (!path) return "";
  bool found = false;
  std::string p = path;
  for (size_t i = 0; i <= p.size();) {
    size_t j = p.find(':', i);
    if (j == std::string::npos) j = p.size();
    std::error_code ec;
    if (j > i &&
        std::filesystem::exists(std::filesystem::path(p.substr(i, j - i)) / "ansible", ec)) {
      found = true;
      break;
    }
    i = j + 1;
  }
  if (!found) return "";
  FILE* f = popen("ansible --version 2>/dev/null", "r");
  if (!f) return "";
  std::string out;
  char buf[512];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  pclose(f);
  return out;
}

std::shared_future<std::string> ansible_on_path_async() {
  return std::async(std::launch::async, ansible_on_path).share();
}

Result<std::unique_ptr<Source>> open_tree(const std::optional<std::string>& path,
                                          const std::string& rev) {
  auto where = kubespray_path(path);
  if (!where) return where.error();
  auto repo = GitRepo::open(*where);
  if (repo) {
    auto src = repo->at(rev);
    if (!src) return src.error();
    return std::unique_ptr<Source>(std::move(*src));
  }
  std::error_code ec;
  if (std::filesystem::is_directory(*where, ec)) {
    auto dir = std::make_unique<DirSource>(*where);
    if (looks_like_kubespray(*dir)) return std::unique_ptr<Source>(std::move(dir));
  }
  return Error(where->string() + ": not a Kubespray clone or checkout");
}

}  // namespace ksm::cli
