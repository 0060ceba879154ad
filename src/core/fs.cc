// read_file and write_file_atomic.
#include "core/fs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>

namespace fs = std::filesystem;

namespace ksm {

Result<std::string> read_file(const fs::path& path, size_t max_bytes) {
  std::error_code ec;
  auto st = fs::status(path, ec);
  if (ec || !fs::exists(st)) return Error("no such file", Location{path.string()});
  if (fs::is_directory(st)) return Error("is a directory, not a file", Location{path.string()});
  auto size = fs::file_size(path, ec);
  if (!ec && size > max_bytes)
    return Error("file is too large (" + std::to_string(size) + " bytes, limit " +
                     std::to_string(max_bytes) + ")",
                 Location{path.string()});
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Error(std::string("cannot read: ") + std::strerror(errno), Location{path.string()});
  // Bounded even when the size is unknown or wrong (a FIFO, /dev/zero, a
  // file growing while read).
  std::string out;
  char buf[1 << 16];
  while (in) {
    in.read(buf, sizeof buf);
    out.append(buf, static_cast<size_t>(in.gcount()));
    if (out.size() > max_bytes)
      return Error("file is too large (over " + std::to_string(max_bytes) + " bytes)",
                   Location{path.string()});
  }
  if (in.bad()) return Error("read error", Location{path.string()});
  return out;
}

Status check_text(std::string_view text, const std::string& file) {
  auto fail = [&](size_t at, const char* what) -> Status {
    int line = 1;
    size_t bol = 0;
    for (size_t i = 0; i < at; ++i)
      if (text[i] == '\n') {
        ++line;
        bol = i + 1;
      }
    return Error(what, Location{file, line, static_cast<int>(at - bol + 1)});
  };
  const auto* b = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size();
  for (size_t i = 0; i < n;) {
    unsigned char c = b[i];
    if (c < 0x80) {
      if (c == 0) return fail(i, "NUL byte: binary content, not a text file");
      ++i;
      continue;
    }
    // Well-formed UTF-8 (Unicode 3.2 table): no overlongs, surrogates or > U+10FFFF.
    size_t len = c >= 0xC2 && c <= 0xDF   ? 2
                 : c >= 0xE0 && c <= 0xEF ? 3
                 : c >= 0xF0 && c <= 0xF4 ? 4
                                          : 0;
    if (len == 0 || i + len > n) return fail(i, "invalid UTF-8");
    unsigned char lo = 0x80, hi = 0xBF;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
    if (b[i + 1] < lo || b[i + 1] > hi) return fail(i, "invalid UTF-8");
    for (size_t k = 2; k < len; ++k)
      if (b[i + k] < 0x80 || b[i + k] > 0xBF) return fail(i, "invalid UTF-8");
    i += len;
  }
  return {};
}

namespace {
Status fsync_path(const fs::path& p, int flags) {
  int fd = ::open(p.c_str(), flags);
  if (fd < 0)
    return Error(std::string("cannot open for sync: ") + std::strerror(errno),
                 Location{p.string()});
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0 && errno != EINVAL)
    return Error(std::string("fsync failed: ") + std::strerror(errno), Location{p.string()});
  return {};
}
}  // namespace

namespace {

// Every byte of `content` to `fd` (short writes and EINTR retried); `path`
// names the file in the error.
Status write_all(int fd, const std::string& content, const fs::path& path) {
  size_t off = 0;
  while (off < content.size()) {
    ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error(std::string("write failed: ") + std::strerror(errno), Location{path.string()});
    }
    off += static_cast<size_t>(n);
  }
  return {};
}

}  // namespace

Status write_new_file(const fs::path& path, const std::string& content) {
  std::error_code ec;
  if (!path.parent_path().empty()) fs::create_directories(path.parent_path(), ec);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    return Error(std::string("cannot create: ") + std::strerror(errno), Location{path.string()});
  if (auto s = write_all(fd, content, path); !s) {
    ::close(fd);
    return s;
  }
  if (::close(fd) != 0)
    return Error(std::string("close failed: ") + std::strerror(errno), Location{path.string()});
  return {};
}

Status write_file_atomic(const fs::path& path, const std::string& content,
                         const std::string& backup_suffix) {
  fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::error_code ec;
  fs::create_directories(dir, ec);
  std::random_device rd;
  fs::path tmp = dir / ("." + path.filename().string() + ".ksm-tmp-" + std::to_string(rd()));
  {
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
      return Error(std::string("cannot create temporary file: ") + std::strerror(errno),
                   Location{tmp.string()});
    // Keep the mode of the file we replace.
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) (void)::fchmod(fd, st.st_mode & 07777);
    if (auto s = write_all(fd, content, tmp); !s) {
      ::close(fd);
      fs::remove(tmp, ec);
      return s;
    }
    if (::fsync(fd) != 0) {
      std::string msg = std::strerror(errno);
      ::close(fd);
      fs::remove(tmp, ec);
      return Error("fsync failed: " + msg, Location{tmp.string()});
    }
    ::close(fd);
  }
  if (!backup_suffix.empty() && fs::exists(path)) {
    fs::path bak = path.string() + backup_suffix;
    fs::remove(bak, ec);
    fs::create_hard_link(path, bak, ec);
    if (ec) {
      fs::copy_file(path, bak, fs::copy_options::overwrite_existing, ec);
      if (ec) {
        fs::remove(tmp, ec);
        return Error("cannot keep a backup: " + ec.message(), Location{bak.string()});
      }
    }
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string msg = std::strerror(errno);
    fs::remove(tmp, ec);
    return Error("rename failed: " + msg, Location{path.string()});
  }
  return fsync_path(dir, O_RDONLY | O_DIRECTORY);
}

Status sync_dir(const fs::path& dir) { return fsync_path(dir, O_RDONLY | O_DIRECTORY); }

}  // namespace ksm
