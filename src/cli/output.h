// Terminal output conventions shared by every command: colour only on a
// terminal and never with NO_COLOR, report text wrapped to the terminal's
// width (80 columns when not a terminal), one-line errors
// "kubespray-migrate: error: file:line:col: message" on stderr.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>

#include "core/error.h"

namespace ksm::cli {

bool use_colour(FILE* stream);
std::string paint(FILE* stream, const char* ansi, const std::string& text);
// The columns report text wraps to on `stream`: the terminal's width when
// it is one, else $COLUMNS when set to a number, else 80.
size_t terminal_width(FILE* stream);
// `text` wrapped to terminal_width(stream) (core/wrap.h: lines marked
// verbatim, such as commands to copy, are not broken) and written.
void print_text(FILE* stream, const std::string& text);
// -v/--verbose (cli/app.cc adds it to the commands that print reports):
// sources in full, not in their short form (report/source_text.h).
bool& verbose_flag();
void print_error(const Error& e);
void print_warning(const Error& e);
// " --kubespray PATH" for a next command a summary suggests: the clone the
// operator gave, else a placeholder to replace.
std::string kubespray_arg(const std::string& given);

}  // namespace ksm::cli
