#!/usr/bin/env bash
# valgrind memcheck on the demo (scripts/demo: testdata/demo/mycluster from
# v2.15.1 to v2.27.0 offline, every hop) and on `inventory --list` of it:
# no invalid read or write, no use of uninitialised values, no definite
# leak. Exit 77 (skipped) without valgrind or for a sanitizer build (ASan
# and valgrind exclude each other). Takes a few minutes: CI does not
# install valgrind; run it locally with `ctest -R valgrind`.
set -euo pipefail
: "${KSM_BIN:?KSM_BIN must name the kubespray-migrate binary}"
KSM_SRC="${KSM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}"
command -v valgrind >/dev/null || { echo "skipped: valgrind is not installed"; exit 77; }
if nm -D "$KSM_BIN" 2>/dev/null | grep -q __asan_init || nm "$KSM_BIN" 2>/dev/null | grep -q __asan_init; then
  echo "skipped: $KSM_BIN is a sanitizer build"; exit 77
fi
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT

vg() {  # vg NAME ARGS...: memcheck one run; its exit status must be 0..3 (not 1)
  local name="$1"; shift
  local rc=0 start; start=$(date +%s)
  valgrind --tool=memcheck --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
    --show-leak-kinds=definite --num-callers=30 --log-file="$work/$name.vg" \
    "$KSM_BIN" "$@" >"$work/$name.out" 2>&1 || rc=$?
  local summary; summary=$(grep -E 'ERROR SUMMARY' "$work/$name.vg" | tail -1 | sed 's/^==[0-9]*== //' || true)
  local leaks; leaks=$(grep -E 'definitely lost:' "$work/$name.vg" | tail -1 | sed 's/^==[0-9]*== *//' || true)
  echo "$name: exit $rc in $(( $(date +%s) - start )) s; $summary; ${leaks:-definitely lost: 0 bytes}"
  if [ "$rc" = 99 ] || [ "$rc" = 1 ] || [ "$rc" -gt 3 ]; then
    grep -A30 -m3 -E 'Invalid|uninitialised|definitely lost in' "$work/$name.vg" | head -80 || tail -30 "$work/$name.out"
    echo "FAIL: $name"; exit 1
  fi
}
vg demo upgrade -i "$KSM_SRC/testdata/demo/mycluster" --to v2.27.0 --offline -o "$work/out"
vg inventory inventory -i "$KSM_SRC/testdata/demo/mycluster" --list
vg eval eval "[1, 2, 3] | map('string') | join(',') ~ ('10.233.0.0/18' | ansible.utils.ipaddr('network'))"
echo "valgrind: 0 errors"
