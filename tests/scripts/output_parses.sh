#!/usr/bin/env bash
# Every output folder parses in `ansible-inventory -i FOLDER` without a
# warning (issue 14): upgrade of the demo (flat MetalLB with a pool named
# lab_pool) to v2.22.1 and v2.27.0, offline and --in-place, writes
# metallb-crds.yaml beside the inventory (FOLDER.manifests/), never in it,
# with the pool renamed lab-pool; --hosts-format ini and convert --to ini
# keep [k8s_cluster:children] for a tag before v2.27 (group_vars/k8s_cluster
# still applies to every node, checked in ansible-inventory's hostvars) and
# leave it to Kubespray from v2.27; upgrade of testdata/inventories/
# builder-yaml (the full clone to v2.26.1). Fails on any
# "[WARNING]" on ansible-inventory's stderr or a parse failure (an INI
# hosts file is read by name: Ansible skips *.ini in a folder). Exit 77
# without ansible-inventory or the shared clone.
set -euo pipefail
: "${KSM_BIN:?KSM_BIN must name the kubespray-migrate binary}"
KSM_SRC="${KSM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}"
KSM_SHARED="${KSM_SHARED:-$KSM_SRC/../shared}"
clone="$KSM_SHARED/kubespray-full.git"
command -v ansible-inventory >/dev/null || { echo "skipped: ansible-inventory not on PATH"; exit 77; }
[ -d "$clone" ] || { echo "skipped: no Kubespray clone at $clone"; exit 77; }

work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
: >"$work/ansible.cfg"
# ansible-inventory: Ansible's own program, each run in a child forked from one
# Python process that imported Ansible once, with the same ANSIBLE_CONFIG.
. "$KSM_SRC/tests/scripts/ansible_forkserver.bash"
ANSIBLE_CONFIG="$work/ansible.cfg" ansible_forkserver_start ansible-inventory
fail() { echo "FAIL: $*"; exit 1; }
checked=0

# upgrade ARGS...: exit 0, 2 or 3 (notes and findings are fine, errors are not).
upgrade() {
  set +e
  "$KSM_BIN" upgrade "$@" --format json >"$work/report.json" 2>"$work/upgrade.err"
  local st=$?
  set -e
  [ $st -eq 0 ] || [ $st -eq 2 ] || [ $st -eq 3 ] || fail "upgrade $* exit $st: $(cat "$work/upgrade.err")"
}

# ai SOURCE: ansible-inventory --list with Ansible's defaults (an empty
# ansible.cfg, not the caller's); JSON in $work/list.json, stderr in $work/ai.err.
ai() {
  ANSIBLE_CONFIG="$work/ansible.cfg" ansible-inventory -i "$1" --list >"$work/list.json" 2>"$work/ai.err" ||
    fail "ansible-inventory -i $1 failed: $(cat "$work/ai.err")"
}

# parses FOLDER: ansible-inventory reads it without a warning and finds its
# hosts. Given a folder, Ansible skips *.ini (its default
# inventory_ignore_extensions, and Kubespray's ansible.cfg): an INI hosts
# file is passed by name, and the folder itself must then hold no file
# Ansible tries and fails to parse.
parses() {
  local dir="$1" src="$1"
  if [ -f "$dir/inventory.ini" ] && ! compgen -G "$dir/*.y*ml" >/dev/null; then
    ai "$dir"
    if grep -v "Unable to parse $dir as an\|No inventory was parsed" "$work/ai.err" |
      grep -q '\[WARNING\]'; then
      fail "ansible-inventory -i $dir warns about a file in it: $(cat "$work/ai.err")"
    fi
    src="$dir/inventory.ini"
  fi
  ai "$src"
  if grep -q '\[WARNING\]' "$work/ai.err"; then fail "ansible-inventory -i $src warns: $(cat "$work/ai.err")"; fi
  python3 - "$work/list.json" "$src" <<'PY' || exit 1
import json, sys
doc = json.load(open(sys.argv[1]))
hosts = doc.get("_meta", {}).get("hostvars", {})
if not hosts:
    sys.exit(f"FAIL: ansible-inventory -i {sys.argv[2]} finds no hosts")
PY
  checked=$((checked + 1))
}

# group_vars_apply FOLDER GROUP VAR VALUE N: GROUP has N hosts and every one sees VAR = VALUE.
group_vars_apply() {
  python3 - "$work/list.json" "$@" <<'PY' || exit 1
import json, sys
path, folder, group, var, value, n = sys.argv[1:]
doc = json.load(open(path))
def hosts_of(g):
    out = set(doc.get(g, {}).get("hosts", []))
    for c in doc.get(g, {}).get("children", []):
        out |= hosts_of(c)
    return out
members = hosts_of(group)
if len(members) != int(n):
    sys.exit(f"FAIL: {folder}: {group} has {len(members)} hosts, expected {n}")
for h in sorted(members):
    got = doc["_meta"]["hostvars"][h].get(var)
    if str(got) != value:
        sys.exit(f"FAIL: {folder}: {h}: {var} = {got!r}, expected {value!r} (group_vars/{group})")
PY
}

# no_group FOLDER GROUP: the hosts file leaves GROUP to Kubespray.
no_group() {
  if grep -q "^\[$2" "$1"/*.ini; then fail "$1: [$2] written for a tag that builds it at run time"; fi
}

# 1. The demo to v2.22.1 (MetalLB restructured), a new folder.
cp -r "$KSM_SRC/testdata/demo/mycluster" "$work/mycluster"
upgrade -i "$work/mycluster" --to v2.22.1 --offline -o "$work/out-2221"
[ ! -e "$work/out-2221/metallb-crds.yaml" ] || fail "metallb-crds.yaml written inside the inventory"
crds="$work/out-2221.manifests/metallb-crds.yaml"
[ -f "$crds" ] || fail "no $crds"
grep -q 'name: "lab-pool"' "$crds" || fail "the lab_pool IPAddressPool is not named lab-pool: $(grep name: "$crds")"
if grep -q 'lab_pool' "$crds"; then fail "$crds still names lab_pool"; fi
python3 - "$work/report.json" "$crds" <<'PY' || exit 1
import json, sys
r = json.load(open(sys.argv[1]))
if r["manifests"] != sys.argv[2].rsplit("/", 1)[0]:
    sys.exit(f"FAIL: report manifests = {r['manifests']!r}")
changes = [c for h in r["hops"] for c in h["changes"]]
writes = [c["file"] for c in changes if c["kind"] == "write"]
if writes != [sys.argv[2]]:
    sys.exit(f"FAIL: write changes name {writes}")
named = [(c["old"], c["new"]) for c in changes if c["kind"] == "object-name"]
if named != [("lab_pool", "lab-pool")]:
    sys.exit(f"FAIL: object-name changes {named}")
PY
parses "$work/out-2221"
group_vars_apply "$work/out-2221" k8s_cluster kube_proxy_mode ipvs 4

# 2. The same, in place: the manifests go beside the input folder.
cp -r "$KSM_SRC/testdata/demo/mycluster" "$work/inplace"
upgrade -i "$work/inplace" --to v2.22.1 --offline --in-place
[ ! -e "$work/inplace/metallb-crds.yaml" ] || fail "--in-place: metallb-crds.yaml inside the inventory"
[ -f "$work/inplace.manifests/metallb-crds.yaml" ] || fail "--in-place: no inplace.manifests/metallb-crds.yaml"
cmp -s "$crds" "$work/inplace.manifests/metallb-crds.yaml" || fail "--in-place wrote another manifest"
parses "$work/inplace"

# 3. --hosts-format ini either side of v2.27: k8s_cluster kept before, left to Kubespray from it.
upgrade -i "$work/mycluster" --to v2.19.1 --offline --hosts-format ini -o "$work/out-2191-ini"
grep -q '^\[k8s_cluster:children\]' "$work/out-2191-ini/inventory.ini" || fail "v2.19.1: [k8s_cluster:children] dropped"
parses "$work/out-2191-ini"
group_vars_apply "$work/out-2191-ini" k8s_cluster kube_proxy_mode ipvs 4
upgrade -i "$work/mycluster" --to v2.27.0 --offline --hosts-format ini -o "$work/out-2270-ini"
no_group "$work/out-2270-ini" k8s_cluster
[ -f "$work/out-2270-ini.manifests/metallb-crds.yaml" ] || fail "v2.27.0: no manifests beside the output"
parses "$work/out-2270-ini"

# 4. convert: the tag from --tag, else from the state file upgrade left.
upgrade -i "$work/mycluster" --to v2.19.1 --offline -o "$work/out-2191"
"$KSM_BIN" convert -i "$work/out-2191/hosts.yaml" --to ini -o "$work/out-2191/inventory.ini" 2>"$work/convert.err" ||
  fail "convert: $(cat "$work/convert.err")"
grep -q 'the inventory is for v2.19.1' "$work/convert.err" || fail "convert did not read the state file: $(cat "$work/convert.err")"
grep -q '^\[k8s_cluster:children\]' "$work/out-2191/inventory.ini" || fail "convert (state v2.19.1) dropped k8s_cluster"
rm "$work/out-2191/hosts.yaml"
parses "$work/out-2191"
group_vars_apply "$work/out-2191" k8s_cluster kube_proxy_mode ipvs 4
cp -r "$KSM_SRC/testdata/inventories/builder-yaml" "$work/conv"
"$KSM_BIN" convert -i "$work/conv/hosts.yaml" --to ini --tag v2.27.0 -o "$work/conv/inventory.ini" 2>"$work/convert.err" ||
  fail "convert --tag v2.27.0: $(cat "$work/convert.err")"
rm "$work/conv/hosts.yaml"
# Its k8s_cluster holds variables of its own ([k8s_cluster:vars]): kept even at v2.27.
grep -q '^\[k8s_cluster:vars\]' "$work/conv/inventory.ini" || fail "convert --tag v2.27.0 dropped [k8s_cluster:vars]"
no_group "$work/conv" calico_rr
parses "$work/conv"
group_vars_apply "$work/conv" k8s_cluster kube_proxy_mode ipvs 4

# 5. builder-yaml either side of v2.27, with the full clone (the samples
# merged; the merge decides by meaning, so no marker is left).
upgrade -i "$KSM_SRC/testdata/inventories/builder-yaml" --kubespray "$clone" --no-preflight --from v2.25.0 --to v2.27.0 \
  --hosts-format ini -o "$work/builder-v2.27.0"
parses "$work/builder-v2.27.0"
upgrade -i "$KSM_SRC/testdata/inventories/builder-yaml" --kubespray "$clone" --from v2.25.0 --to v2.26.1 \
  --hosts-format ini --no-preflight -o "$work/builder-v2.26.1"
parses "$work/builder-v2.26.1"
grep -q '^\[k8s_cluster:children\]' "$work/builder-v2.26.1/inventory.ini" || fail "v2.26.1: [k8s_cluster:children] dropped"
group_vars_apply "$work/builder-v2.26.1" k8s_cluster kube_network_plugin calico "$(python3 -c "
import json; d=json.load(open('$work/list.json')); print(len(d['_meta']['hostvars']))")"
grep -q '^\[k8s_cluster:vars\]' "$work/builder-v2.27.0/inventory.ini" || fail "v2.27.0: [k8s_cluster:vars] dropped"
no_group "$work/builder-v2.27.0" calico_rr

echo "ok: $checked output folders parse in ansible-inventory without a warning"
