// Ansible's ini inventory plugin (ansible/plugins/inventory/ini.py): sections
// `[g]`, `[g:vars]`, `[g:children]`, hosts before any section in `ungrouped`,
// host lines split as shlex.split(line, comments=True) does, values typed by
// literal_eval (host lines and :vars alike), `;`/`#` comment lines, children
// declared before their group ("pending declarations").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "inventory/model.h"

namespace ksm::inventory {

// shlex.split(s, comments=True) in POSIX mode. `starts` gets each token's
// byte offset, `comment` the text after an unquoted '#' (if any).
struct ShlexToken {
  std::string text;
  size_t start = 0;
};
Result<std::vector<ShlexToken>> shlex_split(std::string_view s, std::string* comment = nullptr);

// Parses `text` (the raw bytes of `path`) into `inv` and appends the file
// (with its IniLines) to inv.files. Errors carry path:line.
Status parse_ini(Inventory& inv, const std::string& path, std::string text);

// Python's str.splitlines() and str.strip() as the plugin applies them.
std::vector<std::string_view> split_lines(std::string_view text);
std::string_view py_strip(std::string_view s);

}  // namespace ksm::inventory
