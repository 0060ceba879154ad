#!/usr/bin/env bash
# `upgrade` runs preflight on the inventory it produced when --kubespray is a
# full clone (playbooks present): v2.18.2's sample with calico defaults and a
# builder hosts.yaml, upgraded to v2.19.0. The JSON report carries a
# "preflight" object; the calico "inventory doesn't match the current cluster
# configuration" check (roles/network_plugin/calico/tasks/check.yml) does not
# fail, because upgrade pinned ipip/vxlan/backend. Without the pins (preflight
# alone on the input) it fails. Exit 77 without a clone (KSM_KUBESPRAY_CLONE,
# default ../shared/kubespray-full.git).
set -euo pipefail
: "${KSM_BIN:?KSM_BIN must name the kubespray-migrate binary}"
clone="${KSM_KUBESPRAY_CLONE:-${KSM_SHARED:-}/kubespray-full.git}"
[ -n "$clone" ] && [ -e "$clone" ] || { echo "skipped: set KSM_KUBESPRAY_CLONE to a Kubespray clone"; exit 77; }
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

mkdir -p "$work/tree" "$work/inv"
# The common layout: `cp -r inventory/sample inventory/mycluster` leaves the
# sample's all-commented inventory.ini beside the builder's hosts.yaml.
git -C "$clone" archive v2.18.2 inventory/sample/group_vars inventory/sample/inventory.ini |
  tar -x -C "$work/tree"
cp -r "$work/tree/inventory/sample/group_vars" "$work/tree/inventory/sample/inventory.ini" "$work/inv/"
cat >"$work/inv/hosts.yaml" <<'Y'
all:
  hosts:
    node1: {ansible_host: 10.0.0.1, ip: 10.0.0.1, access_ip: 10.0.0.1}
    node2: {ansible_host: 10.0.0.2, ip: 10.0.0.2, access_ip: 10.0.0.2}
    node3: {ansible_host: 10.0.0.3, ip: 10.0.0.3, access_ip: 10.0.0.3}
  children:
    kube_control_plane: {hosts: {node1: , node2: }}
    kube_node: {hosts: {node1: , node2: , node3: }}
    etcd: {hosts: {node1: , node2: , node3: }}
    k8s_cluster: {children: {kube_control_plane: , kube_node: }}
    calico_rr: {hosts: {}}
Y
set +e
"$KSM_BIN" upgrade -i "$work/inv" --kubespray "$clone" --from v2.18.2 --to v2.19.0 -o "$work/out" \
  --format json >"$work/report.json" 2>"$work/err"
st=$?
"$KSM_BIN" preflight -i "$work/inv" --kubespray "$clone" --from v2.18.2 --to v2.19.0 --format json \
  >"$work/before.json" 2>>"$work/err"
st_before=$?
set -e
[ $st -le 3 ] && [ $st -ne 1 ] || fail "upgrade exit $st: $(cat "$work/err")"
[ $st_before -eq 3 ] || fail "preflight of the input: exit $st_before, expected 3 (the calico check fails)"
grep -q "hosts.yaml, the only one that defines hosts (inventory.ini defines none)" "$work/err" ||
  fail "preflight -i FOLDER does not say which hosts file it read: $(cat "$work/err")"
python3 - "$work/report.json" "$work/before.json" <<'PY' || fail "reports"
import json, sys
up, before = (json.load(open(p)) for p in sys.argv[1:3])
assert "hops" in up and "preflight" in up, up.keys()
def calico(rep):
    return [f for f in rep["findings"] if "check.yml" in json.dumps(f.get("source", "")) and
            "match" in (f.get("message", "") + json.dumps(f)).lower() and f.get("status") == "fail"]
assert calico(before), "the calico check should fail before the upgrade"
assert not calico(up["preflight"]), calico(up["preflight"])
print("preflight after upgrade: %d findings, calico check no longer fails" % len(up["preflight"]["findings"]))
PY

# SARIF of both commands: every result located in the operator's inventory
# (preflight: the input; upgrade: the folder it wrote), at a line its file has.
set +e
"$KSM_BIN" preflight -i "$work/inv" --kubespray "$clone" --from v2.18.2 --to v2.19.0 --format sarif \
  >"$work/before.sarif" 2>>"$work/err"
"$KSM_BIN" upgrade -i "$work/inv" --kubespray "$clone" --from v2.18.2 --to v2.19.0 -o "$work/out-sarif" \
  --format sarif >"$work/upgrade.sarif" 2>>"$work/err"
st_sarif=$?
set -e
[ $st_sarif -eq $st ] || fail "upgrade --format sarif: exit $st_sarif, json's $st"
python3 - "$work/before.sarif" "$work/inv" "$work/upgrade.sarif" "$work/out-sarif" <<'PY' || fail "SARIF locations"
import json, os, sys
for doc, folder in ((sys.argv[1], sys.argv[2]), (sys.argv[3], sys.argv[4])):
    run = json.load(open(doc))["runs"][0]
    assert run["results"], doc
    for r in run["results"]:
        assert r["locations"], (doc, r["ruleId"])
        for loc in r["locations"]:
            pl = loc["physicalLocation"]
            assert pl["artifactLocation"]["uriBaseId"] == "INVENTORY", (doc, r["ruleId"], pl)
            path = os.path.join(folder, pl["artifactLocation"]["uri"])
            assert os.path.isfile(path), (doc, path)
            n = len(open(path).read().splitlines())
            # preflight may name a file without its line; upgrade always has one
            if "region" in pl or doc == sys.argv[3]:
                assert 1 <= pl["region"]["startLine"] <= max(n, 1), (doc, path, pl.get("region"), n)
    print("%s: %d results, all in %s" % (os.path.basename(doc), len(run["results"]), folder))
PY
echo ok
