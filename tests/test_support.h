// Helpers shared by the unit tests: where the shared Kubespray data lives,
// and skipping (with a clear message) when it is absent.
#pragma once

#include <doctest/doctest.h>

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

// KSM_ASAN: built with AddressSanitizer (gcc says so with
// __SANITIZE_ADDRESS__, clang 14 only through __has_feature).
#if defined(__SANITIZE_ADDRESS__)
#define KSM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KSM_ASAN 1
#endif
#endif

namespace ksm::test {

inline std::filesystem::path shared_dir() {
  if (const char* e = std::getenv("KSM_SHARED"); e && *e) return e;
  return KSM_SHARED_DIR;
}
inline std::filesystem::path kubespray_data() { return shared_dir() / "kubespray-data.git"; }
inline bool have_kubespray_data() { return std::filesystem::exists(kubespray_data() / "HEAD"); }
inline std::filesystem::path testdata() { return KSM_TESTDATA; }
// A full Kubespray clone (all tasks and playbooks): env KSM_KUBESPRAY_CLONE,
// else ../shared/kubespray-full.git (every release tag, what the playbooks
// run), so that CI runs the tests that need one; empty when neither is there.
inline std::filesystem::path kubespray_clone() {
  const char* e = std::getenv("KSM_KUBESPRAY_CLONE");
  if (e && *e) return e;
  auto full = shared_dir() / "kubespray-full.git";
  return std::filesystem::exists(full / "HEAD") ? full : std::filesystem::path();
}

// Sets an environment variable for the life of the object, then restores it.
struct ScopedEnv {
  std::string name;
  std::optional<std::string> old;
  ScopedEnv(std::string n, const std::string& value) : name(std::move(n)) {
    if (const char* o = std::getenv(name.c_str())) old = o;
    ::setenv(name.c_str(), value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old)
      ::setenv(name.c_str(), old->c_str(), 1);
    else
      ::unsetenv(name.c_str());
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;
};

// A fresh folder under the system's temporary directory, removed with the
// object; write() creates a file (and its parents) with the exact bytes given.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    static std::atomic<int> n{0};
    path = std::filesystem::temp_directory_path() /
           ("ksm-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  void write(const std::string& rel, const std::string& text) const {
    std::filesystem::create_directories((path / rel).parent_path());
    std::ofstream(path / rel, std::ios::binary) << text;
  }
};

}  // namespace ksm::test

// Skips the rest of a test case when ../shared/kubespray-data.git is absent.
#define KSM_REQUIRE_SHARED_DATA()                                                        \
  do {                                                                                  \
    if (!ksm::test::have_kubespray_data()) {                                            \
      MESSAGE("skipped: " << ksm::test::kubespray_data().string()                       \
                          << " is absent (the shared Kubespray data is not on this machine)"); \
      return;                                                                           \
    }                                                                                   \
  } while (0)

// Skips the rest of a test case unless KSM_KUBESPRAY_CLONE names a clone.
#define KSM_REQUIRE_KUBESPRAY_CLONE()                                                    \
  do {                                                                                  \
    if (ksm::test::kubespray_clone().empty() ||                                         \
        !std::filesystem::exists(ksm::test::kubespray_clone())) {                       \
      MESSAGE("skipped: set KSM_KUBESPRAY_CLONE to a Kubespray clone");                 \
      return;                                                                           \
    }                                                                                   \
  } while (0)
