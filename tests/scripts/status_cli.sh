#!/usr/bin/env bash
# `status -i INVENTORY` end to end, offline (versions/): the tag and how it
# is known (inferred, or the state file), the next stop, a stopped run and
# the markers it left (exit 2 while they wait, 0 after), JSON that parses;
# and it writes nothing.
set -euo pipefail
: "${KSM_BIN:?KSM_BIN must name the kubespray-migrate binary}"
KSM_SRC="${KSM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
run() { set +e; "$KSM_BIN" status "$@" >"$work/out" 2>"$work/err"; st=$?; set -e; }

cp -r "$KSM_SRC/testdata/demo/mycluster" "$work/inv"
before="$(cd "$work/inv" && find . -type f -exec sha256sum {} + | sort)"

# No state file: inferred from the samples, said so; the next stop is the next minor.
run -i "$work/inv"
[ $st -eq 0 ] || fail "inferred: exit $st: $(cat "$work/err")"
grep -q '^tag: v2.15.1 (inferred: confidence' "$work/out" || fail "inferred tag: $(cat "$work/out")"
grep -q '^next stop: v2.16.0 (' "$work/out" || fail "next stop: $(cat "$work/out")"
grep -q 'the hosts file is hosts.yaml' "$work/out" || fail "hosts file not said"

# A state file: its tag, its date.
printf 'kubespray_tag: "v2.18.2"\ndate: "2026-11-02"\ntool_version: "0.1.0"\n' >"$work/inv/.kubespray-migrate.yml"
run -i "$work/inv"
[ $st -eq 0 ] || fail "state file: exit $st"
grep -q '^tag: v2.18.2 (state file: .kubespray-migrate.yml written 2026-11-02' "$work/out" || fail "$(cat "$work/out")"
grep -q '^next stop: v2.19' "$work/out" || fail "next stop after v2.18.2: $(cat "$work/out")"

# A stopped run with its marker still there: exit 2, the marker's file:line, what to run.
vars="$work/inv/group_vars/k8s-cluster/k8s-cluster.yml"
printf '<<<<<<< ours\nx: 1\n=======\nx: 2\n>>>>>>> sample v2.18.2\n' >>"$vars"
line=$(grep -n '^<<<<<<< ' "$vars" | cut -d: -f1)
cat >>"$work/inv/.kubespray-migrate.yml" <<YML
stopped:
  target: "v2.23.3"
  hop: "v2.17.1 -> v2.18.2"
  conflicts:
    - {file: "group_vars/k8s-cluster/k8s-cluster.yml", line: $line, what: "x: both rewrote this template"}
YML
run -i "$work/inv"
[ $st -eq 2 ] || fail "stopped run: exit $st: $(cat "$work/out" "$work/err")"
grep -q '^a run stopped here: hop v2.17.1 -> v2.18.2, heading for v2.23.3' "$work/out" || fail "$(cat "$work/out")"
grep -q "resolve the 1 marker(s) left (group_vars/k8s-cluster/k8s-cluster.yml:$line)" "$work/out" || fail "$(cat "$work/out")"
grep -q 'kubespray-migrate upgrade --continue -i' "$work/out" || fail "no next command"
run -i "$work/inv" --format json
[ $st -eq 2 ] || fail "json: exit $st"
python3 - "$work/out" "$line" <<'PY' || fail "json: $(cat "$work/out")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["tag"] == "v2.18.2" and d["tag_source"] == "state file", d
assert d["next_stop"].startswith("v2.19"), d
assert d["stopped"]["target"] == "v2.23.3" and d["stopped"]["hop"] == "v2.17.1 -> v2.18.2", d
assert d["markers"] == ["group_vars/k8s-cluster/k8s-cluster.yml:" + sys.argv[2]], d
assert d["stops_to_newest"][0] == d["next_stop"], d
PY

# Resolved: the run waits for --continue, nothing left to resolve.
sed -i '/^<<<<<<< /,/^>>>>>>> /d' "$vars"
run -i "$work/inv"
[ $st -eq 2 ] || fail "resolved: exit $st"
grep -q 'the markers are resolved: go on with' "$work/out" || fail "$(cat "$work/out")"

# Read-only: only the files this script changed differ.
after="$(cd "$work/inv" && find . -type f ! -name .kubespray-migrate.yml ! -name k8s-cluster.yml -exec sha256sum {} + | sort)"
[ "$(echo "$before" | grep -v 'k8s-cluster.yml')" = "$after" ] || fail "status wrote into the inventory"
echo "ok: status (inferred, state file, stopped with a marker, resolved; JSON)"
