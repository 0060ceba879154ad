#!/usr/bin/env bash
# Benchmark: `kubespray-migrate upgrade` of a builder-style inventory at
# v2.15.1 (the sample's group_vars plus a hosts.yaml of N hosts and host_vars
# for 50 of them) to v2.31.0 through every hop of the plan, reading
# ../shared/kubespray-data.git, against the peer an operator uses today:
# `git merge-file --diff3` of the same sample vars files at every hop (base =
# sample at A, ours = the file as the previous hop left it, theirs = sample at
# B, read with `git show`), in the same run. The peer only merges text; the
# tool also renames, restructures, pins and checks. Prints wall time, peak
# RSS and the ratio for each size.
# Usage: SIZES="100 1000 10000" bench/upgrade.sh [BIN]   (default SIZES=1000)
#   BENCH_ROWS=file: rows for bench/run
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
BIN=$(readlink -f "${1:-${KSM_BIN:-$here/build/kubespray-migrate}}")
DATA=$(readlink -f "${KSM_SHARED:-$here/../shared}/kubespray-data.git")
SIZES=${SIZES:-1000}
FROM=${FROM:-v2.15.1}
TO=${TO:-v2.31.0}
[ -e "$DATA/HEAD" ] || { echo "skipped: $DATA is absent" >&2; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

gen() {  # gen DIR N: the sample's group_vars at $FROM and a builder hosts.yaml
  mkdir -p "$1"
  git --git-dir="$DATA" archive "$FROM" inventory/sample/group_vars | tar -x -C "$work"
  cp -r "$work/inventory/sample/group_vars" "$1/"
  rm -rf "$work/inventory"
  python3 - "$1" "$2" <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
L = ["all:", "  hosts:"]
for i in range(1, n + 1):
    ip = f"10.{i // 65536}.{(i // 256) % 256}.{i % 256}"
    L += [f"    node{i}:", f"      ansible_host: {ip}", f"      ip: {ip}", f"      access_ip: {ip}"]
L += ["  children:", "    kube-master:", "      hosts:"] + [f"        node{i}:" for i in range(1, 3)]
L += ["    kube-node:", "      hosts:"] + [f"        node{i}:" for i in range(1, n + 1)]
L += ["    etcd:", "      hosts:"] + [f"        node{i}:" for i in range(1, 4)]
L += ["    k8s-cluster:", "      children:", "        kube-master:", "        kube-node:",
      "    calico-rr:", "      hosts: {}"]
open(f"{d}/hosts.yaml", "w").write("\n".join(L) + "\n")
os.makedirs(f"{d}/host_vars", exist_ok=True)
for i in range(1, min(n, 50) + 1):
    open(f"{d}/host_vars/node{i}.yml", "w").write(f"node_labels: {{rack: r{i % 5}}}\n")
PY
}

# The peer: git merge-file of every sample vars file, hop by hop (peer.py DATA DIR HOPS...).
cat >"$work/peer.py" <<'PY'
import os, subprocess, sys
data, d, hops = sys.argv[1], sys.argv[2], sys.argv[3:]
def show(tag, rel):
    p = subprocess.run(["git", f"--git-dir={data}", "show", f"{tag}:inventory/sample/{rel}"],
                       capture_output=True)
    return p.stdout if p.returncode == 0 else None
merges = conflicts = 0
for a, b in zip(hops, hops[1:]):
    for root, _, files in os.walk(os.path.join(d, "group_vars")):
        for f in files:
            ours = os.path.join(root, f)
            rel = os.path.relpath(ours, d)
            base = show(a, rel)
            theirs = show(b, rel.replace("group_vars/k8s-cluster/", "group_vars/k8s_cluster/"))
            if base is None or theirs is None:
                continue
            open(ours + ".base", "wb").write(base)
            open(ours + ".theirs", "wb").write(theirs)
            p = subprocess.run(["git", "merge-file", "--diff3", ours, ours + ".base", ours + ".theirs"],
                               capture_output=True)
            merges += 1
            conflicts += p.returncode > 0
            os.remove(ours + ".base"); os.remove(ours + ".theirs")
    k8s = os.path.join(d, "group_vars", "k8s-cluster")
    if os.path.isdir(k8s) and b >= "v2.16":
        os.rename(k8s, os.path.join(d, "group_vars", "k8s_cluster"))
print(f"{merges} {conflicts}", file=sys.stderr)
PY

# measure CMD...: prints "seconds peak_kib" (exit 0, 2 and 3 are results, not failures)
measure() {
  python3 - "$@" <<'PY'
import resource, subprocess, sys, time
t = time.perf_counter()
p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
dt = time.perf_counter() - t
if p.returncode not in (0, 2, 3):
    print("FAIL", p.returncode); sys.exit(1)
print(f"{dt:.3f} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}")
PY
}

hops=$("$BIN" plan --from "$FROM" --to "$TO" --kubespray "$DATA" --format json |
  python3 -c 'import json,sys; d=json.load(sys.stdin); print(" ".join([d["from"]] + [h["to"] for h in d["hops"]]))')
echo "plan: $hops"
printf '%8s %10s %10s %14s %10s %8s\n' hosts ksm_s ksm_MiB merge-file_s peer_MiB ratio
for n in $SIZES; do
  gen "$work/ksm$n" "$n"
  cp -r "$work/ksm$n" "$work/peer$n"
  read -r ks kr < <(measure "$BIN" upgrade -i "$work/ksm$n" --kubespray "$DATA" --from "$FROM" --to "$TO" \
    -o "$work/out$n" --format json)
  # shellcheck disable=SC2086
  read -r ps pr < <(measure python3 "$work/peer.py" "$DATA" "$work/peer$n" $hops)
  ratio=$(python3 -c "print(f'{$ps/$ks:.2f}x')")
  printf '%8s %10s %10s %14s %10s %8s\n' "$n" "$ks" "$((kr / 1024))" "$ps" "$((pr / 1024))" "$ratio"
  [ -z "${BENCH_ROWS:-}" ] || echo "upgrade-all-hops $n $ks $kr $ps $pr git-merge-file" >>"$BENCH_ROWS"
  rm -rf "$work/ksm$n" "$work/peer$n" "$work/out$n"
done
echo "ratio = peer time / kubespray-migrate time (above 1: kubespray-migrate is faster)"
