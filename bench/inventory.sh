#!/usr/bin/env bash
# Benchmark: `kubespray-migrate inventory --list` against
# `ansible-inventory --list` on generated builder-style inventories of 100,
# 1,000 and 10,000 hosts with group_vars (all/, k8s_cluster/, etcd.yml) and
# some host_vars. Prints wall time of each, the ratio, peak RSS, and our time
# per host (flat when growth is linear). On a shared machine, REPEAT=N runs
# each side N times and keeps the fastest run of each.
# Usage: [SIZES="100 1000"] [REPEAT=3] bench/inventory.sh [BIN]   (default: build/kubespray-migrate)
#   BENCH_ROWS=file (rows for bench/run)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
BIN=$(readlink -f "${1:-${KSM_BIN:-$here/build/kubespray-migrate}}")
SIZES=${SIZES:-"100 1000 10000"}
REPEAT=${REPEAT:-1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" ANSIBLE_LOCALHOST_WARNING=False ANSIBLE_CONFIG="$work/none.cfg"
mkdir -p "$HOME"

gen() {  # gen DIR N
  python3 - "$1" "$2" <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
os.makedirs(f"{d}/group_vars/all", exist_ok=True)
os.makedirs(f"{d}/group_vars/k8s_cluster", exist_ok=True)
os.makedirs(f"{d}/host_vars", exist_ok=True)
L = ["all:", "  hosts:"]
for i in range(1, n + 1):
    ip = f"10.{i // 65536}.{(i // 256) % 256}.{i % 256}"
    L += [f"    node{i}:", f"      ansible_host: {ip}", f"      ip: {ip}", f"      access_ip: {ip}"]
cp = max(2, n // 100); et = 3
L += ["  children:", "    kube_control_plane:", "      hosts:"]
L += [f"        node{i}:" for i in range(1, cp + 1)]
L += ["    kube_node:", "      hosts:"]
L += [f"        node{i}:" for i in range(1, n + 1)]
L += ["    etcd:", "      hosts:"] + [f"        node{i}:" for i in range(1, et + 1)]
L += ["    k8s_cluster:", "      children:", "        kube_control_plane:", "        kube_node:",
      "    calico_rr:", "      hosts: {}"]
open(f"{d}/hosts.yaml", "w").write("\n".join(L) + "\n")
open(f"{d}/group_vars/all/all.yml", "w").write("\n".join(
    [f"all_var_{k}: value-{k}" for k in range(20)] + ["upstream_dns_servers: [8.8.8.8, 1.1.1.1]"]) + "\n")
open(f"{d}/group_vars/k8s_cluster/k8s-cluster.yml", "w").write("\n".join(
    [f"k8s_var_{k}: {k}" for k in range(30)] + ["kube_version: v1.29.5", "container_manager: containerd"]) + "\n")
open(f"{d}/group_vars/etcd.yml", "w").write("etcd_data_dir: /var/lib/etcd\n")
for i in range(1, min(n, 50) + 1):
    open(f"{d}/host_vars/node{i}.yml", "w").write(f"node_labels: {{rack: r{i % 5}}}\n")
PY
}

# run CMD...: prints "seconds peak_kib" (the fastest of REPEAT runs)
measure() {
  python3 - "$REPEAT" "$@" <<'PY'
import resource, subprocess, sys, time
best = None
for _ in range(int(sys.argv[1])):
    t = time.perf_counter()
    p = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    dt = time.perf_counter() - t
    if p.returncode != 0:
        print("FAIL", p.returncode); sys.exit(1)
    best = dt if best is None else min(best, dt)
print(f"{best:.3f} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}")
PY
}

have_ansible=1
command -v ansible-inventory >/dev/null 2>&1 || have_ansible=0
printf '%8s %12s %10s %12s %16s %10s %8s\n' hosts ksm_s ksm_MiB ksm_us/host ansible_s ans_MiB ratio
for n in $SIZES; do
  gen "$work/inv$n" "$n"
  read -r ks kr < <(measure "$BIN" inventory -i "$work/inv$n/hosts.yaml" --list)
  per=$(python3 -c "print(f'{$ks * 1e6 / $n:.0f}')")
  if [ $have_ansible = 1 ]; then
    read -r as ar < <(measure ansible-inventory -i "$work/inv$n/hosts.yaml" --list)
    ratio=$(python3 -c "print(f'{$as/$ks:.1f}x')")
    printf '%8s %12s %10s %12s %16s %10s %8s\n' "$n" "$ks" "$((kr / 1024))" "$per" "$as" "$((ar / 1024))" "$ratio"
    [ -z "${BENCH_ROWS:-}" ] || echo "inventory-list $n $ks $kr $as $ar ansible-inventory" >>"$BENCH_ROWS"
  else
    printf '%8s %12s %10s %12s %16s %10s %8s\n' "$n" "$ks" "$((kr / 1024))" "$per" - - -
    [ -z "${BENCH_ROWS:-}" ] || echo "inventory-list $n $ks $kr - - ansible-inventory" >>"$BENCH_ROWS"
  fi
done
