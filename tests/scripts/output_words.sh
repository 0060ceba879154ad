#!/usr/bin/env bash
# Words for operators (issue 17): the text reports of upgrade (the demo,
# offline and with the full clone), plan -i, explain -i on corpus
# inventories, preflight and status, run as an operator would (relative
# paths, stdout not a terminal, COLUMNS unset), must not show:
#   - an absolute path of this machine (/work, /tmp, the build folder),
#   - a scratch or internal name ("seed", "wt-", "issue 1"...),
#   - non-ASCII text,
#   - a line longer than 80 columns, except the lines wrapping keeps whole
#     on purpose: commands to copy (kubespray-migrate, ansible-playbook,
#     git) and lines whose overlong part is one token (a path, a URL).
# Also checks that -v shows the sources in full and that --diff is not
# wrapped. Exit 77 without the shared clone (then only the offline runs).
set -euo pipefail
: "${KSM_BIN:?KSM_BIN must name the kubespray-migrate binary}"
KSM_SRC="${KSM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}"
KSM_SHARED="${KSM_SHARED:-$KSM_SRC/../shared}"
clone="$KSM_SHARED/kubespray-full.git"
bin="$(cd "$(dirname "$KSM_BIN")" && pwd)/$(basename "$KSM_BIN")"
build_dir="$(dirname "$bin")"

work="${KSM_WORDS_KEEP:-$(mktemp -d)}"; [ -n "${KSM_WORDS_KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
cd "$work"
unset COLUMNS
cp -r "$KSM_SRC/testdata/demo/mycluster" mycluster
for c in builder-copy explicit-values all-yml-file; do cp -r "$KSM_SRC/testdata/corpus/$c" "$c"; done
fail() { echo "FAIL: $*"; exit 1; }

# run NAME ARGS...: the command's stdout in NAME.txt (exit 0, 2 or 3).
run() {
  local name=$1; shift
  set +e
  "$bin" "$@" >"$name.txt" 2>"$name.err"
  local st=$?
  set -e
  [ $st -eq 0 ] || [ $st -eq 2 ] || [ $st -eq 3 ] || fail "$* exit $st: $(cat "$name.err")"
  outputs+=("$name.txt")
}
outputs=()
run upgrade-offline upgrade -i mycluster --to v2.27.0 -o out-offline --offline
run upgrade-offline-v upgrade -i mycluster --to v2.27.0 -o out-offline-v --offline -v
run plan plan -i mycluster --to v2.27.0
run explain-builder explain -i builder-copy v2.16.0 v2.17.1
run explain-explicit explain -i explicit-values v2.17.1 v2.18.2
run explain-all explain -i all-yml-file v2.11.0 v2.12.5
run explain-full explain v2.21.0 v2.22.0
run status status -i out-offline
with_clone=0
if [ -d "$clone" ]; then
  # Given by a relative path, as the README's ~/kubespray: the report may name it.
  with_clone=1
  ln -s "$clone" kubespray
  run upgrade-clone upgrade -i mycluster --to v2.27.0 -o out-clone --kubespray kubespray
  run preflight preflight -i out-clone --kubespray kubespray --from v2.26.1 --to v2.27.0
  run plan-clone plan -i mycluster --to v2.27.0 --kubespray kubespray
fi

python3 - "$build_dir" "${outputs[@]}" <<'PY'
import re, sys
build, files = sys.argv[1], sys.argv[2:]
bad = []
forbidden = [re.escape(build), r"/work\b", r"/tmp/", r"\bseeds?\b", r"\bwt-[a-z]\b", r"\bissue \d+"]
command = re.compile(r"^\s*(next:\s+)?(kubespray-migrate|ansible-playbook|git) ")
longest = {}
for f in files:
    for n, line in enumerate(open(f, encoding="utf-8", errors="replace").read().split("\n"), 1):
        where = "%s:%d" % (f, n)
        for p in forbidden:
            if re.search(p, line, re.I):
                bad.append("%s: '%s' in: %s" % (where, p, line.strip()[:120]))
        if any(ord(ch) > 127 for ch in line):
            bad.append("%s: non-ASCII: %s" % (where, line.strip()[:120]))
        longest[f] = max(longest.get(f, 0), len(line))
        if len(line) <= 80 or command.match(line):
            continue
        # Kept whole on purpose: one token longer than the room it had.
        words = line.split()
        if len(words) <= 2 or max(len(w) for w in words) > 40:
            continue
        bad.append("%s: %d columns: %s" % (where, len(line), line[:120]))
for b in bad[:40]:
    print("FAIL:", b)
print("longest lines:", ", ".join("%s %d" % (f, n) for f, n in sorted(longest.items())))
sys.exit(1 if bad else 0)
PY

# -v: the sources in full; by default their first references.
grep -q 'kubernetes-sigs/kubespray#7256 (commit' upgrade-offline-v.txt || fail "-v does not show the full source"
grep -q 'kubernetes-sigs/kubespray#7256 (commit' upgrade-offline.txt && fail "the default report shows the full source"
grep -q 'source: schemas/v2.16.0.yml:7, kubernetes-sigs/kubespray#7256$' upgrade-offline.txt ||
  fail "the short source is not 'schemas/v2.16.0.yml:7, kubernetes-sigs/kubespray#7256'"
# COLUMNS is the width when stdout is not a terminal.
COLUMNS=120 "$bin" explain -i explicit-values v2.17.1 v2.18.2 >wide.txt 2>/dev/null
awk 'length > 80 { n++ } END { exit n ? 0 : 1 }' wide.txt || fail "COLUMNS=120 does not widen the text"
# --diff is a diff to read or apply: never wrapped.
set +e
"$bin" upgrade -i mycluster --to v2.22.2 --offline --diff >diff.txt 2>/dev/null
set -e
awk 'length > 80 { n++ } END { exit n ? 0 : 1 }' diff.txt || fail "--diff shows no line over 80 columns: the check proves nothing"
grep -q '^+.*metallb_config\|^+  address_pools' diff.txt || fail "--diff has no added metallb_config line"
echo "ok: ${#outputs[@]} reports checked (clone: $with_clone)"
