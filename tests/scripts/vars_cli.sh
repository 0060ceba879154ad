#!/usr/bin/env bash
# End-to-end run of `kubespray-migrate vars` on testdata/vars/builder4 at
# v2.27.0: default host, per-host values, JSON shape, provenance, the
# dependents of the inventory's variables, vault values never printed,
# errors. Exit 77 without the shared data.
set -euo pipefail
: "${KSM_BIN:?KSM_BIN must name the kubespray-migrate binary}"
KSM_SRC="${KSM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}"
KSM_SHARED="${KSM_SHARED:-$KSM_SRC/../shared}"
data="$KSM_SHARED/kubespray-data.git"
[ -e "$data/HEAD" ] || { echo "skipped: $data is absent"; exit 77; }

work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
cp -r "$KSM_SRC/testdata/vars/builder4" "$work/inv"
cat >"$work/inv/group_vars/all/secrets.yml" <<'EOF'
---
registry_password: !vault |
  $ANSIBLE_VAULT;1.1;AES256
  3162636465666768
EOF
fail() { echo "FAIL: $*"; exit 1; }
run() { "$KSM_BIN" vars -i "$work/inv/hosts.yaml" --kubespray "$data" --tag v2.27.0 "$@"; }

# JSON for chosen names; the default host is the first of kube_control_plane.
run --format json etcd_member_name calico_pool_blocksize kube_network_node_prefix \
  registry_password image_arch no_such_variable >"$work/node1.json"
python3 - "$work/node1.json" <<'EOF' || fail "JSON of node1"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["tag"] == "v2.27.0" and d["host"] == "node1", d
v = d["variables"]
assert set(v) == {"etcd_member_name", "calico_pool_blocksize", "kube_network_node_prefix",
                  "registry_password", "image_arch", "no_such_variable"}, v.keys()
for e in v.values():
    assert set(e) == {"value", "known", "reason", "source", "layer"}, e
assert v["etcd_member_name"]["value"] == "etcd1" and v["etcd_member_name"]["known"] is True
assert v["etcd_member_name"]["source"].startswith("roles/kubespray-defaults/defaults/main/main.yml:")
assert v["calico_pool_blocksize"]["value"] == 26
assert v["kube_network_node_prefix"]["value"] == 25
assert v["kube_network_node_prefix"]["source"].endswith("group_vars/k8s_cluster/k8s-cluster.yml:5:1")
assert v["kube_network_node_prefix"]["layer"] == "group_vars (k8s_cluster)"
assert v["registry_password"]["value"] == "(vault-encrypted)" and not v["registry_password"]["known"]
assert v["image_arch"]["known"] is False and "ansible_architecture" in v["image_arch"]["reason"]
assert v["no_such_variable"]["known"] is False and v["no_such_variable"]["source"] is None
EOF
grep -q 'ANSIBLE_VAULT' "$work/node1.json" && fail "vault text printed"

# Per host: etcd members by position; node4 is no member.
for i in 2 3 4; do
  want="etcd$i"; [ "$i" = 4 ] && want=""
  got=$(run --host "node$i" --format json etcd_member_name |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["variables"]["etcd_member_name"]["value"])')
  [ "$got" = "$want" ] || fail "node$i etcd_member_name: '$got', expected '$want'"
done

# With a fact cache the architecture is known.
got=$(run --facts "$KSM_SRC/testdata/vars/builder4-facts" --format json image_arch |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["variables"]["image_arch"]["value"])')
[ "$got" = "amd64" ] || fail "image_arch with facts: '$got'"

# Without names: the inventory's variables and the defaults depending on them.
NO_COLOR=1 run >"$work/text"
grep -q '^kube_network_node_prefix = 25$' "$work/text" || fail "text: kube_network_node_prefix"
grep -q 'group_vars/k8s_cluster/k8s-cluster.yml:5:1 \[group_vars (k8s_cluster)\]' "$work/text" ||
  fail "text: provenance"
grep -q '^registry_password = (vault-encrypted)$' "$work/text" || fail "text: vault"
# kube_service_addresses is set, so the defaults built from it are listed
grep -q '^kube_apiserver_ip = "10.200.0.1"$' "$work/text" ||
  fail "text: no dependent default listed"
grep -q 'ANSIBLE_VAULT' "$work/text" && fail "vault text printed"

# Every host, counted.
[ "$(run --all-hosts --all --format summary | wc -l)" = 4 ] || fail "summary of 4 hosts"

# Errors: unknown host, bad format, unknown role.
if run --host nope x >/dev/null 2>"$work/err"; then fail "unknown host accepted"; fi
grep -q "no host named 'nope'" "$work/err" || fail "unknown host message"
if run --format yaml x >/dev/null 2>&1; then fail "bad format accepted"; fi
if run --role no/such_role x >/dev/null 2>&1; then fail "unknown role accepted"; fi
echo "vars_cli: ok"
