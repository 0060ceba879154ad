#!/usr/bin/env bash
# Micro-benchmark of src/merge: merging every sample vars file of the 56
# consecutive tag pairs v2.11.0..v2.31.0 (with the operator customizations
# of tests/merge_merge3_test.cc), in process with merge3 (per-key) and
# merge_lines (git_merge_file), against `git merge-file --diff3` run on the
# same files (the peer is the git CLI, one process per file).
#   KSM_BUILD=build  KSM_BENCH_ROUNDS=5  bench/merge.sh   (BENCH_ROWS=file: a row for bench/run)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${KSM_BUILD:-build}"
[ -x "$build/ksm_tests" ] || { echo "build first: ninja -C $build" >&2; exit 1; }
command -v git >/dev/null || { echo "git is needed for the peer measurement" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

KSM_BENCH_OUT="$work" "$build/ksm_tests" -tc='merge3 bench*' --no-skip 2>&1 |
  grep -E 'MESSAGE: bench:|ERROR' | sed 's/.*MESSAGE: //' | tee "$work/ours.txt"
n=$(ls "$work"/*.base 2>/dev/null | wc -l)
[ "$n" -gt 0 ] || { echo "no inputs written (shared data absent?)" >&2; exit 77; }

conflicted=0
start=$(date +%s%N)
for b in "$work"/*.base; do
  f="${b%.base}"
  git merge-file -p --diff3 -L ours -L base -L theirs "$f.ours" "$f.base" "$f.theirs" \
    >/dev/null 2>&1 || conflicted=$((conflicted + 1))
done
end=$(date +%s%N)
ms=$(( (end - start) / 1000000 ))
echo "git merge-file --diff3: $n merges in $ms ms (one process each), $conflicted with conflicts"
if [ -n "${BENCH_ROWS:-}" ]; then
  ours_ms=$(sed -n 's/.*merge3 (per key) \([0-9.]*\) ms.*/\1/p' "$work/ours.txt")
  python3 -c "print('merge-sample-files - %.3f - %.3f - git-merge-file(%d-files)' % (${ours_ms:-0} / 1000, $ms / 1000, $n))" >>"$BENCH_ROWS"
fi
