#!/usr/bin/env bash
# The 100-column format of .clang-format, enforced: no line of the C++
# sources (src/, tests/, fuzz/, bench/) is longer than 100 characters, but
# the text of a raw string literal (a regular expression, a YAML or JSON
# fixture: breaking it would change it). `clang-format --lines=N:N -i FILE`
# rewraps a line that fails.
set -euo pipefail
src="${KSM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}"
cd "$src"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  files=$(git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h' 'fuzz/*.cc' 'bench/*.cc')
else
  files=$(find src tests fuzz bench -name '*.cc' -o -name '*.h' 2>/dev/null)
fi
# shellcheck disable=SC2086
python3 - $files <<'PY'
import re, sys
bad = []
opener = re.compile(r'R"([^()\\ ]{0,16})\(')
for path in sys.argv[1:]:
    closing = None  # the `)delim"` that ends the raw string we are in
    for no, line in enumerate(open(path, encoding="utf-8", errors="replace"), 1):
        line = line.rstrip("\n")
        in_raw = closing is not None
        pos = 0
        while True:
            if closing is not None:
                end = line.find(closing, pos)
                if end < 0:
                    break
                pos = end + len(closing)
                closing = None
            else:
                m = opener.search(line, pos)
                if not m:
                    break
                in_raw = True
                closing = ")" + m.group(1) + '"'
                pos = m.end()
        if not in_raw and len(line) > 100:
            bad.append(f"{path}:{no}: {len(line)} columns")
for b in bad:
    print(b)
if bad:
    print(f"{len(bad)} lines over 100 columns (.clang-format); rewrap with clang-format --lines=N:N -i FILE")
    sys.exit(1)
print(f"{len(sys.argv) - 1} files, every line within 100 columns (raw string literals aside)")
PY
