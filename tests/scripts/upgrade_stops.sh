#!/usr/bin/env bash
# Every stop written (issue 15): the bundled demo (v2.15.1, seed 004's lab
# cluster) carried to v2.18.2 with the full clone writes the final inventory
# to OUT as before and, beside it, OUT-stops/ with one folder per stop
# (01-v2.16.0, 02-v2.17.1, 03-v2.18.2) and RUNBOOK.md. Each stop parses with
# ansible-inventory, installs Kubernetes one minor above the stop before it
# and has a state file with its own tag; the runbook lists each stop's
# commands in order and the JSON report the same steps; plan -i shows the
# same Kubernetes path before anything is written; --in-place writes only
# the final stop and says so. Exit 77 without the clone or ansible-inventory.
set -euo pipefail
# Phrases are checked on unwrapped lines (output_words.sh checks the wrapping).
export COLUMNS=1000
: "${KSM_BIN:?KSM_BIN must name the kubespray-migrate binary}"
src="${KSM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}"
clone="${KSM_KUBESPRAY_CLONE:-${KSM_SHARED:-}/kubespray-full.git}"
[ -d "$clone" ] || { echo "skipped: no Kubespray clone at $clone"; exit 77; }
command -v ansible-inventory >/dev/null || { echo "skipped: no ansible-inventory"; exit 77; }
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cp -r "$src/testdata/demo/mycluster" "$work/mycluster"

# plan -i: the Kubernetes version of every stop, before anything is written.
"$KSM_BIN" plan -i "$work/mycluster" --kubespray "$clone" --to v2.18.2 >"$work/plan.txt" || fail "plan -i: $(cat "$work/plan.txt")"
for kv in v1.20.7 v1.21.6 v1.22.8; do
  grep -q "your inventory: -e kube_version=$kv " "$work/plan.txt" || fail "plan -i has no stop at $kv: $(cat "$work/plan.txt")"
done
[ ! -e "$work/mycluster-v2.18.2" ] || fail "plan wrote something"
# A cluster too old for the next tag (v1.17 at v2.15.1; v2.16.0 installs 1.19+): the extra stop first.
cp -r "$work/mycluster" "$work/old"
sed -i 's/^kube_version: v1.19.9$/kube_version: v1.17.9/' "$work/old/group_vars/k8s-cluster/k8s-cluster.yml"
"$KSM_BIN" plan -i "$work/old" --from v2.15.1 --to v2.16.0 >"$work/old.txt" || fail "plan -i old: $(cat "$work/old.txt")"
grep -q "! extra stop needed: Kubernetes v1.17.9 is too old for v2.16.0" "$work/old.txt" || fail "$(cat "$work/old.txt")"
grep -q "extra stop: stay on v2.15.1 and run upgrade-cluster.yml -e kube_version=v1.18." "$work/old.txt" || fail "$(cat "$work/old.txt")"
rm -rf "$work/old"

set +e
"$KSM_BIN" upgrade -i "$work/mycluster" --kubespray "$clone" --from v2.15.1 --to v2.18.2 \
  --format json >"$work/report.json" 2>"$work/err"
st=$?
set -e
[ $st -ne 1 ] || fail "upgrade: exit 1: $(cat "$work/err")"
out="$work/mycluster-v2.18.2"
stops="$work/mycluster-v2.18.2-stops"
[ -d "$out" ] || fail "no final inventory at $out"
tags=(v2.16.0 v2.17.1 v2.18.2)
kubes=(v1.20.7 v1.21.6 v1.22.8)
[ "$(ls "$stops" | sort | tr '\n' ' ')" = "01-v2.16.0 02-v2.17.1 03-v2.18.2 RUNBOOK.md " ] \
  || fail "the stops folder holds: $(ls "$stops")"
diff -r "$out" "$stops/03-v2.18.2" >/dev/null || fail "the last stop differs from the final inventory"

for i in 0 1 2; do
  dir="$stops/0$((i + 1))-${tags[$i]}"
  ansible-inventory -i "$dir" --list >"$work/list$i.json" 2>"$work/list$i.err" || fail "$dir: $(cat "$work/list$i.err")"
  ! grep -q '\[WARNING\]' "$work/list$i.err" || fail "$dir parses with a warning: $(cat "$work/list$i.err")"
  got="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["_meta"]["hostvars"]["node1"]["kube_version"])' "$work/list$i.json")"
  [ "$got" = "${kubes[$i]}" ] || fail "$dir: kube_version $got, not ${kubes[$i]}"
  grep -q "^kubespray_tag: \"${tags[$i]}\"$" "$dir/.kubespray-migrate.yml" || fail "$dir: state file $(cat "$dir/.kubespray-migrate.yml")"
done
# Renames applied up to each stop and no further: v2.16.0 renamed the groups.
python3 -c 'import json,sys; g=json.load(open(sys.argv[1])); assert "kube_control_plane" in g["all"]["children"], g["all"]' \
  "$work/list0.json" || fail "01-v2.16.0 has not the v2.16 group names"

# RUNBOOK.md: per stop, checkout < venv < playbook < checks, stops in order; no machine path.
rb="$stops/RUNBOOK.md"
! grep -qF "$work" "$rb" || fail "RUNBOOK.md names a path of this machine"
line() { grep -nF -- "$1" "$rb" | head -1 | cut -d: -f1; }
last=0
for i in 0 1 2; do
  t="${tags[$i]}"
  for want in "## Stop $((i + 1)) of 3: " "checkout refs/tags/$t -b t_$t" "pip install -r \"\$KUBESPRAY/requirements.txt\"" \
    "ansible-playbook -i \"\$STOPS/0$((i + 1))-$t/hosts.yaml\" upgrade-cluster.yml -b -e kube_version=${kubes[$i]}" \
    "kubectl get nodes" "etcdctl member list"; do
    n="$(grep -nF -- "$want" "$rb" | cut -d: -f1 | awk -v l="$last" '$1 > l' | head -1)"
    [ -n "$n" ] || fail "RUNBOOK.md: '$want' of stop $t not after line $last"
    last=$n
  done
done
# Preflight ran at every stop (the clone is full): the v2.18.2 stop's own
# findings head its section (the v2.18 runtime default), before its
# commands; what only the controller's Ansible fails is not listed (the
# runbook installs each tag's Ansible); the stops before it, which
# preflight passes, have no such line.
n_pf="$(line '- **Preflight**: warning: container-manager-docker-to-containerd')"
n_s3="$(line '## Stop 3 of 3: ')"
n_pb3="$(line 'ansible-playbook -i "$STOPS/03-v2.18.2/hosts.yaml"')"
[ -n "$n_pf" ] && [ "$n_pf" -gt "$n_s3" ] && [ "$n_pf" -lt "$n_pb3" ] || fail "RUNBOOK.md: stop 3's preflight finding not at its head"
! grep -q 'Preflight.*ansible_version.yml\|Preflight.*Ansible on PATH' "$rb" || fail "RUNBOOK.md lists the controller's Ansible"
[ "$(grep -c '^- \*\*Preflight\*\*' "$rb")" = "$(awk -v s="$n_s3" 'NR > s && /^- \*\*Preflight\*\*/' "$rb" | wc -l)" ] \
  || fail "RUNBOOK.md: preflight findings before stop 3, where preflight passes"
# The JSON report: the stops folder and the same steps.
python3 - "$work/report.json" <<'PY' || fail "JSON report: runbook"
import json, sys
d = json.load(open(sys.argv[1]))
rb = d["runbook"]
assert d["stops"].endswith("mycluster-v2.18.2-stops"), d["stops"]
assert [s["to"] for s in rb] == ["v2.16.0", "v2.17.1", "v2.18.2"], rb
assert [s["kube_version"] for s in rb] == ["v1.20.7", "v1.21.6", "v1.22.8"], rb
kinds = [st["kind"] for st in rb[0]["steps"]]
assert kinds.index("checkout") < kinds.index("venv") < kinds.index("playbook") < kinds.index("check-nodes"), kinds
# The summary: counts that match the report, where the output is, what next.
sm = d["summary"]
changes = [c for h in d["hops"] for c in h["changes"]]
assert sm["counts"]["hops"] == len(d["hops"]) == 3, sm
assert sm["counts"]["pins"] == sum(c["kind"] == "pin" for c in changes) > 0, sm
assert sm["counts"]["changes"] + sm["counts"]["pins"] == len(changes), sm
assert sm["counts"]["conflicts"] == 0, sm
assert any(o.endswith("mycluster-v2.18.2-stops") for o in sm["outputs"]), sm
assert sm["exit_status"] == d["exit_status"], sm
assert sm["next"], sm
# A pin is before/after in the operator's file, the tag's value beside it.
pins = [c for c in changes if c["kind"] == "pin" and c["variable"] == "container_manager"]
assert pins and pins[0]["old"] is None and pins[0]["new"] == "docker" and pins[0]["tag_value"] == "containerd", pins
PY

# --in-place: only the final stop, and the report says so.
cp -r "$src/testdata/demo/mycluster" "$work/inplace"
set +e
"$KSM_BIN" upgrade -i "$work/inplace" --kubespray "$clone" --from v2.15.1 --to v2.18.2 --in-place --no-preflight \
  >"$work/inplace.out" 2>"$work/inplace.err"
st=$?
set -e
[ $st -ne 1 ] || fail "--in-place: exit 1: $(cat "$work/inplace.err")"
grep -q "only the final stop v2.18.2 is written (--in-place)" "$work/inplace.out" || fail "--in-place does not say so"
# The text ends with the summary block: counts, output, next step.
tail -8 "$work/inplace.out" | grep -q "^Summary$" || fail "no summary block at the end: $(tail -8 "$work/inplace.out")"
tail -8 "$work/inplace.out" | grep -q "^  3 hops, [0-9]* changes, [0-9]* pins, " || fail "summary counts: $(tail -8 "$work/inplace.out")"
tail -8 "$work/inplace.out" | grep -q "^  next: " || fail "summary: no next step: $(tail -8 "$work/inplace.out")"
[ ! -e "$work/inplace-stops" ] && [ ! -e "$work/inplace-v2.18.2-stops" ] || fail "--in-place wrote stops"
# The manifests beside a stop are its own hop's: v2.22.2's MetalLB CRDs
# beside 07-v2.22.2 only, not copied beside the stop after it.
"$KSM_BIN" upgrade -i "$work/mycluster" --kubespray "$clone" --from v2.15.1 --to v2.23.3 --no-preflight \
  -o "$work/m2233" >/dev/null 2>&1 || [ $? -ne 1 ] || fail "upgrade to v2.23.3: exit 1"
[ -f "$work/m2233-stops/07-v2.22.2.manifests/metallb-crds.yaml" ] || fail "no manifest beside the v2.22.2 stop"
[ ! -e "$work/m2233-stops/08-v2.23.3.manifests" ] || fail "the v2.22.2 manifest copied beside the v2.23.3 stop"
grep -qF 'kubectl apply -f "$STOPS/07-v2.22.2.manifests/metallb-crds.yaml"' "$work/m2233-stops/RUNBOOK.md" \
  || fail "RUNBOOK.md does not apply the v2.22.2 manifest"
echo "ok: 3 stops, each parsed with its kube_version and tag; runbook in order; --in-place final only"
