// Colour and error printing (see output.h).
#include "cli/output.h"

#include <unistd.h>

#include <cstdlib>

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
