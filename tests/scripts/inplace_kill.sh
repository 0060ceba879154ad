#!/usr/bin/env bash
# No data loss: `upgrade --in-place` on a copy of testdata/demo/mycluster
# (offline, v2.15.1 -> v2.16.0: group renames, a folder move, edits) is
# killed with SIGKILL, and after every kill each file of the input must be
#   - byte-identical to the original, or
#   - byte-identical to the completed result with its backup (*.orig)
#     byte-identical to the original, or
#   - gone (moved away) with its backup byte-identical to the original,
# and every new file absent or complete. Then the same command is run
# again (it completes an interrupted run past its commit point, or clears
# the temporary files of one killed before it and upgrades): the tree must
# then be byte-identical to the uninterrupted result, every time; never a
# mix of old and new files. The state right after the kill is tallied:
# original (killed before the commit point, temporaries aside), done, or
# journal (killed between the commit point and the end; recovery finishes).
# A SOPS-encrypted file (sops: metadata, no variable to rename) rides along
# and must stay byte-identical.
# Kill points: KSM_KILL_RUNS (default 20) random delays over the run, then,
# with strace, at every link/rename of the in-place writing in turn
# (strace -e inject=...:signal=KILL), which hits each step of the writing.
set -euo pipefail
: "${KSM_BIN:?KSM_BIN must name the kubespray-migrate binary}"
KSM_SRC="${KSM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}"
runs="${KSM_KILL_RUNS:-20}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
cd "$work"

cp -r "$KSM_SRC/testdata/demo/mycluster" orig
cat >orig/group_vars/all/secrets.sops.yml <<'EOF'
registry_password: ENC[AES256_GCM,data:cGFzc3dvcmQ=,iv:aXYxMjM0NTY3ODkw,tag:dGFnMTIzNDU2Nzg5MA==,type:str]
registry_user_unencrypted: admin
sops:
    kms: []
    age:
        - recipient: age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p
          enc: |
            -----BEGIN AGE ENCRYPTED FILE-----
            YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSB0ZXN0
            -----END AGE ENCRYPTED FILE-----
    lastmodified: "2024-01-01T00:00:00Z"
    mac: ENC[AES256_GCM,data:bWFjMTIzNDU2Nzg5MA==,iv:aXYxMjM0NTY3ODkw,tag:dGFnMTIzNDU2Nzg5MA==,type:str]
    unencrypted_suffix: _unencrypted
    version: 3.8.1
EOF
args=(upgrade --to v2.16.0 --offline)
fail() { echo "FAIL: $*"; exit 1; }

# The completed result, and how long a run takes.
cp -r orig done
start=$(date +%s%N)
rc=0; "$KSM_BIN" "${args[@]}" -i done --in-place >done.report 2>&1 || rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
[ "$rc" = 0 ] || [ "$rc" = 2 ] || { cat done.report; fail "the uninterrupted run exited $rc"; }
cmp -s orig/group_vars/all/secrets.sops.yml done/group_vars/all/secrets.sops.yml ||
  fail "the SOPS file changed in the completed run"
grep -q 'ENC\[' done.report && fail "the report shows SOPS ciphertext"
changed=$(cd done && find . -name '*.orig' | wc -l)
[ "$changed" -gt 0 ] || fail "the completed run changed nothing: no kill point to test"
echo "uninterrupted run: ${ms} ms, $changed backups"

# check DIR LABEL: the invariant above; prints the state (original, done or mixed).
check() {
  local d="$1" label="$2" new=0 old=0
  while IFS= read -r -d '' f; do
    f="${f#./}"
    if [ -e "$d/$f" ] && cmp -s "orig/$f" "$d/$f"; then old=$((old + 1)); continue; fi
    [ -e "$d/$f.orig" ] && cmp -s "orig/$f" "$d/$f.orig" ||
      fail "$label: $f is neither the original nor backed up (as $f.orig)"
    if [ -e "$d/$f" ]; then
      cmp -s "done/$f" "$d/$f" || fail "$label: $f is neither the original nor the result"
    fi
    new=$((new + 1))
  done < <(cd orig && find . -type f -print0)
  while IFS= read -r -d '' f; do
    f="${f#./}"
    [ -e "orig/$f" ] && continue
    case "$f" in *.orig) continue ;; esac
    [ -e "$d/$f" ] || continue
    cmp -s "done/$f" "$d/$f" || fail "$label: new file $f is incomplete"
  done < <(cd done && find . -type f -print0)
  cmp -s orig/group_vars/all/secrets.sops.yml "$d/group_vars/all/secrets.sops.yml" ||
    fail "$label: the SOPS file is not byte-identical"
  local debris; debris=$(find "$d" \( -name '.*.ksm-tmp-*' -o -name '.*.ksm-new-*' -o -name '.*.ksm-bak-*' \) | wc -l)
  if [ -e "$d/.kubespray-migrate.journal" ]; then state=journal
  elif [ "$new" = 0 ]; then state=original
  elif diff -rq -x '.*.ksm-*' done "$d" >/dev/null; then state=done
  else fail "$label: a mix of old and new files with no journal to complete it"; fi
  [ "$debris" = 0 ] || state="$state+tmp"
}

# recover DIR LABEL: the same command again; then DIR must be the result.
# (A run killed after its last rename is done: the same command would only
# say the inventory is already at the tag.)
# A run killed before it wrote anything (the tree byte-identical to the
# input, dot files included: no temporary file, no journal) leaves nothing to
# recover: the same command would repeat the uninterrupted run on the same
# input, whose result is done/. That run is not repeated per kill.
recover() {
  local d="$1" label="$2" rc=0
  [ "$state" = done ] && return 0
  if [ "$state" = original ] && diff -r orig "$d" >/dev/null 2>&1; then
    pristine=$((pristine + 1)); return 0
  fi
  "$KSM_BIN" "${args[@]}" -i "$d" --in-place >recover.out 2>&1 || rc=$?
  [ "$rc" = 0 ] || [ "$rc" = 2 ] || { cat recover.out; fail "$label: the run after the kill exited $rc"; }
  diff -r done "$d" >/dev/null || { diff -r done "$d" | head -5; fail "$label: after recovery the tree is not the result"; }
}

declare -A seen=()
pristine=0
tally() { seen[$state]=$(( ${seen[$state]:-0} + 1 )); }

# Random delays over the run (mostly its second half, where it writes).
for i in $(seq 1 "$runs"); do
  rm -rf run && cp -r orig run
  delay=$(awk -v r="$RANDOM" -v ms="$ms" 'BEGIN { printf "%.3f", (0.4 + 0.7 * r / 32767) * ms / 1000 }')
  "$KSM_BIN" "${args[@]}" -i run --in-place >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  check run "random kill $i (${delay}s)"
  tally
  recover run "random kill $i"
done
echo "random kills: $runs, states: $(for k in "${!seen[@]}"; do printf '%s=%s ' "$k" "${seen[$k]}"; done)($pristine before any write)"

# Every step of the writing in turn, if strace can inject a signal: the
# syscalls an --in-place run makes beyond those of a --diff run (which
# writes nothing in the input) are the in-place writes: link of each backup,
# rename over the target or to the backup (a kill injected at a rename hits
# before it runs: the temporary file is written and synced, the target not
# yet replaced, so fsync points would add no state of their own).
count() {  # count MODE: one run traced for link and rename (strace.MODE)
  rm -rf run && cp -r orig run
  strace -f -c -e trace=link,rename -o "strace.$1" "$KSM_BIN" "${args[@]}" -i run "$1" >/dev/null 2>&1 || true
}
calls() {  # calls SYSCALL MODE: how many times that run made SYSCALL
  awk -v s="$1" '$NF == s {print $4}' "strace.$2" | grep . || echo 0
}
if command -v strace >/dev/null && strace -f -o /dev/null -e trace=none true 2>/dev/null; then
  seen=()
  points=0
  count --diff
  count --in-place
  for sc in link rename; do
    base=$(calls "$sc" --diff)
    n=$(calls "$sc" --in-place)
    for k in $(seq $((base + 1)) "$n"); do
      rm -rf run && cp -r orig run
      (strace -f -o /dev/null -e trace="$sc" -e inject="$sc:signal=KILL:when=$k" \
        "$KSM_BIN" "${args[@]}" -i run --in-place >/dev/null 2>&1 || true) 2>/dev/null
      check run "kill at $sc #$k"
      tally
      recover run "kill at $sc #$k"
      points=$((points + 1))
    done
  done
  [ "$points" -gt 0 ] || fail "no in-place write syscall seen by strace"
  echo "syscall kill points: $points, states: $(for k in "${!seen[@]}"; do printf '%s=%s ' "$k" "${seen[$k]}"; done)"
else
  echo "strace unavailable (or not permitted): syscall kill points skipped"
fi
echo "no data loss: after every kill the input or a journal, and after the next run the result"
