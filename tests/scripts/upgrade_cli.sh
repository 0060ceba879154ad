#!/usr/bin/env bash
# End-to-end run of `kubespray-migrate upgrade` on the bundled demo (offline,
# v2.15.1 -> v2.27.0): the output folder, the JSON report's shape, exit
# statuses, --diff writing nothing, and --hosts-format ini checked against
# ansible-inventory (the oracle): the converted inventory.ini gives the same
# hosts, host variables and group membership as the YAML hosts file, apart
# from k8s_cluster, which Kubespray builds at run time from
# kube_control_plane, kube_node and calico_rr. Exit 77 without ansible.
set -euo pipefail
: "${KSM_BIN:?KSM_BIN must name the kubespray-migrate binary}"
KSM_SRC="${KSM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}"
command -v ansible-inventory >/dev/null || { echo "skipped: ansible-inventory not on PATH"; exit 77; }

work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
cp -r "$KSM_SRC/testdata/demo/mycluster" "$work/mycluster"
fail() { echo "FAIL: $*"; exit 1; }
before="$(cd "$work/mycluster" && find . -type f -exec sha256sum {} + | sort)"

# --diff prints and writes nothing.
set +e
"$KSM_BIN" upgrade -i "$work/mycluster" --to v2.16.0 --offline --diff >"$work/diff.txt" 2>"$work/diff.err"
st=$?
set -e
[ $st -eq 0 ] || [ $st -eq 2 ] || [ $st -eq 3 ] || fail "--diff exit $st: $(cat "$work/diff.err")"
grep -q '^+.*kube_control_plane' "$work/diff.txt" || fail "--diff shows no group rename"
[ ! -e "$work/mycluster-v2.16.0" ] || fail "--diff wrote an output folder"

# Keep the format, then convert to INI.
for fmt in keep ini; do
  set +e
  "$KSM_BIN" upgrade -i "$work/mycluster" --to v2.27.0 --offline --hosts-format $fmt \
    -o "$work/out-$fmt" --format json >"$work/report-$fmt.json" 2>"$work/err-$fmt"
  st=$?
  set -e
  [ $st -eq 0 ] || [ $st -eq 2 ] || [ $st -eq 3 ] || fail "upgrade ($fmt) exit $st: $(cat "$work/err-$fmt")"
done
after="$(cd "$work/mycluster" && find . -type f -exec sha256sum {} + | sort)"
[ "$before" = "$after" ] || fail "the input inventory changed"
[ -f "$work/out-keep/hosts.yaml" ] || fail "keep: hosts.yaml missing"
[ -f "$work/out-ini/inventory.ini" ] || fail "ini: inventory.ini missing"
[ ! -e "$work/out-ini/hosts.yaml" ] || fail "ini: hosts.yaml left behind"

python3 - "$work/report-ini.json" <<'PY' || fail "report JSON"
import json, sys
d = json.load(open(sys.argv[1]))
hops = d["hops"]
assert hops[0]["from"] == "v2.15.1" and hops[-1]["to"] == "v2.27.0", [(h["from"], h["to"]) for h in hops]
for h in hops:
    for c in h["changes"]:
        assert {"kind", "file", "line", "variable", "old", "new", "reason", "source"} <= set(c), c
        assert c["reason"], c
conv = [c for c in hops[-1]["changes"] if c["kind"] == "convert"]
assert len(conv) == 1 and conv[0]["file"] == "inventory.ini", conv
PY

# The oracle: both hosts files alone (no group_vars), through ansible-inventory.
mkdir -p "$work/oracle/yaml" "$work/oracle/ini"
cp "$work/out-keep/hosts.yaml" "$work/oracle/yaml/"
cp "$work/out-ini/inventory.ini" "$work/oracle/ini/"
ansible-inventory -i "$work/oracle/yaml/hosts.yaml" --list >"$work/yaml.json" 2>/dev/null
ansible-inventory -i "$work/oracle/ini/inventory.ini" --list >"$work/ini.json" 2>/dev/null
python3 - "$work/yaml.json" "$work/ini.json" <<'PY' || fail "ansible-inventory disagrees"
import json, sys
y, i = (json.load(open(p)) for p in sys.argv[1:3])
def members(d, g, seen=None):
    e = d.get(g, {})
    out = list(e.get("hosts", []))
    for c in e.get("children", []):
        out += members(d, c)
    return out
def groups(d):
    return {g for g in d if g != "_meta"}
hv_y, hv_i = y["_meta"]["hostvars"], i["_meta"]["hostvars"]
assert hv_y == hv_i, (hv_y, hv_i)
for g in (groups(y) | groups(i)) - {"k8s_cluster", "ungrouped", "all"}:
    a, b = members(y, g), members(i, g)
    assert sorted(set(a)) == sorted(set(b)), (g, a, b)
# etcd order names the members: identical.
assert members(y, "etcd") == members(i, "etcd"), (members(y, "etcd"), members(i, "etcd"))
# k8s_cluster: what Kubespray builds at run time from the three groups.
built = set(members(i, "kube_control_plane")) | set(members(i, "kube_node")) | set(members(i, "calico_rr"))
assert set(members(y, "k8s_cluster")) == built, (members(y, "k8s_cluster"), built)
print("ansible-inventory: %d hosts, %d groups agree" % (len(hv_y), len(groups(y))))
PY

# --in-place twice to the same tag: the second run is a no-op that says so,
# exits 0 and leaves every byte (automation repeating a step).
cp -r "$KSM_SRC/testdata/demo/mycluster" "$work/rerun"
"$KSM_BIN" upgrade -i "$work/rerun" --to v2.17.1 --offline --in-place >/dev/null 2>&1 || st=$?
cp -r "$work/rerun" "$work/rerun.before"
st=0
"$KSM_BIN" upgrade -i "$work/rerun" --to v2.17.1 --offline --in-place >"$work/rerun.txt" 2>&1 || st=$?
[ $st -eq 0 ] || fail "second --in-place run to the same tag: exit $st: $(cat "$work/rerun.txt")"
grep -q "already at v2.17.1: nothing to do" "$work/rerun.txt" || fail "the no-op run does not say so"
diff -r "$work/rerun" "$work/rerun.before" >/dev/null || fail "the no-op run changed the inventory"
echo "ok"
