#!/usr/bin/env bash
# Benchmark: `kubespray-migrate preflight` (every assertion upgrade-cluster.yml
# can reach at the target tag, evaluated per host) on builder-style
# inventories of N hosts. No peer: Ansible checks these assertions only by
# running the playbook against the machines.
#   SIZES="100 1000 10000"  KSM_BIN  KSM_KUBESPRAY_CLONE  BENCH_ROWS=file
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
BIN=$(readlink -f "${KSM_BIN:-$here/build/kubespray-migrate}")
SIZES=${SIZES:-"100 1000 10000"}
# Needs the playbooks: a full Kubespray clone (KSM_KUBESPRAY_CLONE); the
# shared kubespray-data.git holds roles and samples only.
data="${KSM_KUBESPRAY_CLONE:-}"
[ -n "$data" ] && [ -e "$data/HEAD" ] || { echo "preflight bench: skipped (set KSM_KUBESPRAY_CLONE to a Kubespray clone)"; exit 0; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

printf '%8s %10s %10s\n' hosts ksm_s ksm_MiB
for n in $SIZES; do
  mkdir -p "$work/inv$n"
  python3 - "$work/inv$n/hosts.yaml" "$n" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
L = ["all:", "  hosts:"]
for i in range(1, n + 1):
    ip = "10.%d.%d.%d" % (i // 62500, (i // 250) % 250, i % 250 + 1)
    L += ["    node%d:" % i, "      ansible_host: " + ip, "      ip: " + ip, "      access_ip: " + ip]
L += ["  children:", "    kube_control_plane:", "      hosts:", "        node1:", "        node2:",
      "    kube_node:", "      hosts:"] + ["        node%d:" % i for i in range(1, n + 1)]
L += ["    etcd:", "      hosts:", "        node1:", "        node2:", "        node3:",
      "    k8s_cluster:", "      children:", "        kube_control_plane:", "        kube_node:",
      "    calico_rr:", "      hosts: {}"]
open(path, "w").write("\n".join(L) + "\n")
PY
  cp -r "$here/testdata/vars/builder4/group_vars" "$work/inv$n/"
  rc=0
  /usr/bin/time -f "%e %M" -o "$work/time" "$BIN" preflight -i "$work/inv$n/hosts.yaml" --kubespray "$data" \
    --from v2.26.0 --to v2.27.0 --format json >"$work/out" 2>"$work/err" || rc=$?
  [ "$rc" != 1 ] && [ "$rc" -le 3 ] || { echo "preflight failed ($rc)"; tail -5 "$work/err"; exit 1; }
  read -r ks kr < <(tail -1 "$work/time")
  printf '%8s %10s %10s\n' "$n" "$ks" "$((kr / 1024))"
  [ -z "${BENCH_ROWS:-}" ] || echo "preflight $n $ks $kr - - -" >>"$BENCH_ROWS"
  rm -rf "$work/inv$n"
done
