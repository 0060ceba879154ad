#!/usr/bin/env bash
# `upgrade --continue` end to end with the full clone: a hop that leaves a
# conflict stops the run (exit 3) and records the stop in the state file;
# a marker left unresolved is an error naming its file:line and the hop;
# --continue without a recorded stop is refused; once the markers are
# resolved, --continue resumes from the hop the run stopped at and reaches
# the recorded target (to -o, and in place), clearing the stop.
# The conflict is crafted so that it stays one: the operator changed the
# Jinja template of skydns_server (v2.27.0 sample) and v2.28 changes the
# same template differently. Skips (77) without a clone (KSM_KUBESPRAY_CLONE,
# default ../shared/kubespray-full.git).
set -euo pipefail
# Phrases are checked on unwrapped lines (output_words.sh checks the wrapping).
export COLUMNS=1000
: "${KSM_BIN:?KSM_BIN must name the kubespray-migrate binary}"
clone="${KSM_KUBESPRAY_CLONE:-${KSM_SHARED:-}/kubespray-full.git}"
[ -d "$clone" ] || { echo "skipped: no Kubespray clone at $clone"; exit 77; }

work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
vars=group_vars/k8s_cluster/k8s-cluster.yml
ksm() { "$KSM_BIN" upgrade --kubespray "$clone" --no-preflight "$@"; }
# Runs a command, its exit status in $st, stdout/stderr in $work/$1.{out,err}.
run() { local n=$1; shift; set +e; "$@" >"$work/$n.out" 2>"$work/$n.err"; st=$?; set -e; }

# The fixture: the v2.27.0 sample with three hosts and the operator's own skydns_server.
git --git-dir="$clone" archive v2.27.0 inventory/sample | tar -x -C "$work"
mv "$work/inventory/sample" "$work/cluster"
cat >"$work/cluster/inventory.ini" <<'INI'
[kube_control_plane]
node1 ansible_host=10.3.0.1
node2 ansible_host=10.3.0.2
node3 ansible_host=10.3.0.3

[etcd:children]
kube_control_plane

[kube_node]
node1
node2
node3
INI
sed -i 's/ansible.utils.ipaddr(3)/ansible.utils.ipaddr(10)/' "$work/cluster/$vars"
grep -q 'skydns_server: .*ipaddr(10)' "$work/cluster/$vars" || fail "fixture: skydns_server not edited"

# --continue on an inventory with no state file, or one without a stop: refused, nothing written.
run nostate ksm --continue -i "$work/cluster" -o "$work/never"
[ $st -eq 1 ] || fail "--continue without a state file: exit $st"
grep -q "nothing to continue" "$work/nostate.err" || fail "no reason given: $(cat "$work/nostate.err")"
printf 'kubespray_tag: v2.27.0\ndate: "2026-01-01"\n' >"$work/cluster/.kubespray-migrate.yml"
run nostop ksm --continue -i "$work/cluster" -o "$work/never"
[ $st -eq 1 ] || fail "--continue without a recorded stop: exit $st"
grep -q "records no run stopped by conflicts" "$work/nostop.err" || fail "$(cat "$work/nostop.err")"
[ ! -e "$work/never" ] || fail "a refused --continue wrote its output"

# The run stops at the v2.28 hop with the markers, exit 3, the stop recorded.
run first ksm -i "$work/cluster" --to v2.30.0 -o "$work/out"
[ $st -eq 3 ] || fail "the conflicted run: exit $st: $(cat "$work/first.err")"
state="$work/out/.kubespray-migrate.yml"
reached="$(sed -n 's/^kubespray_tag: "\(.*\)"$/\1/p' "$state")"
[[ "$reached" == v2.28.* ]] || fail "stopped at '$reached', not at the v2.28 hop: $(cat "$state")"
grep -q "stopped at $reached" "$work/first.out" || fail "the report does not say where it stopped"
hop="$(sed -n 's/^  hop: "\(.*\)"$/\1/p' "$state")"
[[ "$hop" == "v2.27."*" -> $reached" ]] || fail "state file hop '$hop'"
grep -q '^  target: "v2.30.0"$' "$state" || fail "state file target: $(cat "$state")"
mline="$(grep -n '^<<<<<<< ' "$work/out/$vars" | head -1 | cut -d: -f1)"
[ -n "$mline" ] || fail "no marker in $vars"
grep -q "file: \"$vars\", line: $mline, what: \"skydns_server" "$state" \
  || fail "the state file does not record the marker at $vars:$mline: $(cat "$state")"

# Unresolved: an error at the marker's file:line naming the hop; nothing written.
run leftover ksm --continue -i "$work/out" -o "$work/never"
[ $st -eq 1 ] || fail "--continue on unresolved markers: exit $st"
grep -q "$vars:$mline:1: a conflict is not resolved" "$work/leftover.err" || fail "$(cat "$work/leftover.err")"
grep -qF "left by the hop $hop" "$work/leftover.err" || fail "the hop is not named: $(cat "$work/leftover.err")"
[ ! -e "$work/never" ] || fail "an unresolved --continue wrote its output"

# Resolved (the operator's side kept); --continue goes on from the stop to the target.
sed -i '/^<<<<<<< /d; /^||||||| /,/^>>>>>>> /d' "$work/out/$vars"
! grep -q '^\(<<<<<<<\|=======\|>>>>>>>\)' "$work/out/$vars" || fail "sed left a marker"
cp -r "$work/out" "$work/inplace"
run cont ksm --continue -i "$work/out" -o "$work/done" --format json
[ $st -eq 0 ] || [ $st -eq 2 ] || fail "--continue: exit $st: $(cat "$work/cont.err")"
python3 - "$work/cont.out" "$reached" <<'PY' || fail "--continue report"
import json, sys
d = json.load(open(sys.argv[1]))
hops = [(h["from"], h["to"]) for h in d["hops"]]
assert hops[0][0] == sys.argv[2] and hops[-1][1] == "v2.30.0", hops
assert any("continuing towards v2.30.0" in n["message"] for n in d["hops"][0]["notes"]), d["hops"][0]["notes"]
PY
grep -q '^kubespray_tag: "v2.30.0"$' "$work/done/.kubespray-migrate.yml" || fail "not at the target"
! grep -q stopped "$work/done/.kubespray-migrate.yml" || fail "the stop was not cleared"
grep -q 'skydns_server: .*ipaddr(10)' "$work/done/$vars" || fail "the resolution was lost"

# An explicit --to overrides the recorded target.
run to29 ksm --continue -i "$work/inplace" --to v2.29.1 -o "$work/to29"
[ $st -eq 0 ] || [ $st -eq 2 ] || fail "--continue --to v2.29.1: exit $st: $(cat "$work/to29.err")"
grep -q '^kubespray_tag: "v2.29.1"$' "$work/to29/.kubespray-migrate.yml" || fail "--to did not override"
grep -q "continuing towards v2.29.1 (--to; the stopped run was heading for v2.30.0)" "$work/to29.out" \
  || fail "the override is not said"

# In place: continues in the same folder.
run inplace ksm --continue -i "$work/inplace" --in-place
[ $st -eq 0 ] || [ $st -eq 2 ] || fail "--continue --in-place: exit $st: $(cat "$work/inplace.err")"
grep -q '^kubespray_tag: "v2.30.0"$' "$work/inplace/.kubespray-migrate.yml" || fail "in place: not at the target"
! grep -q stopped "$work/inplace/.kubespray-migrate.yml" || fail "in place: the stop was not cleared"
echo "ok: stopped at $reached ($hop, $vars:$mline), continued to v2.30.0"
