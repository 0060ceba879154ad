// Terminal output conventions shared by every command: colour only on a
// terminal and never with NO_COLOR, one-line errors "kubespray-migrate:
// error: file:line:col: message" on stderr.
#pragma once

#include <cstdio>
#include <string>

#include "core/error.h"

namespace ksm::cli {

bool use_colour(FILE* stream);
std::string paint(FILE* stream, const char* ansi, const std::string& text);
void print_error(const Error& e);
void print_warning(const Error& e);
// " --kubespray PATH" for a next command a summary suggests: the clone the
// operator gave, else a placeholder to replace.
std::string kubespray_arg(const std::string& given);

}  // namespace ksm::cli
