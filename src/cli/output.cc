// Colour, wrapping and error printing (see output.h).
#include "cli/output.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>

#include "core/wrap.h"

namespace ksm::cli {

bool use_colour(FILE* stream) {
  const char* no = std::getenv("NO_COLOR");
  if (no && *no) return false;
  return ::isatty(::fileno(stream)) != 0;
}

std::string paint(FILE* stream, const char* ansi, const std::string& text) {
  if (!use_colour(stream)) return text;
  return std::string("\033[") + ansi + "m" + text + "\033[0m";
}

size_t terminal_width(FILE* stream) {
  constexpr size_t kDefault = 80;
  winsize ws{};
  if (::isatty(::fileno(stream)) && ::ioctl(::fileno(stream), TIOCGWINSZ, &ws) == 0 &&
      ws.ws_col > 0)
    return ws.ws_col;
  if (const char* c = std::getenv("COLUMNS"); c && *c) {
    char* end = nullptr;
    long n = std::strtol(c, &end, 10);
    if (*end == '\0' && n > 0) return static_cast<size_t>(n);
  }
  return kDefault;
}

void print_text(FILE* stream, const std::string& text) {
  std::string out = wrap_text(text, terminal_width(stream));
  std::fwrite(out.data(), 1, out.size(), stream);
}

bool& verbose_flag() {
  static bool verbose = false;
  return verbose;
}

void print_error(const Error& e) {
  std::fprintf(stderr, "kubespray-migrate: %s %s\n", paint(stderr, "1;31", "error:").c_str(),
               e.str().c_str());
}

void print_warning(const Error& e) {
  std::fprintf(stderr, "kubespray-migrate: %s %s\n", paint(stderr, "1;33", "warning:").c_str(),
               e.str().c_str());
}

std::string kubespray_arg(const std::string& given) {
  return " --kubespray " + (given.empty() ? std::string("~/kubespray") : given);
}

}  // namespace ksm::cli
