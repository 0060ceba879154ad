#!/usr/bin/env bash
# Benchmark of `preflight` on a 1,000-host inventory (SIZES="100 1000 10000": each): v2.18.2's sample
# group_vars (calico defaults) with a builder-style hosts.yaml (2 control
# plane, 3 etcd, every host a node), checked with --from v2.18.2 --to v2.19.0
# (extraction from the clone, the vars module at both tags, every reachable
# assertion evaluated per host, our own checks, JSON report).
#
# Peer, in the same run: `ansible-playbook --list-tasks upgrade-cluster.yml`
# on the same inventory and tag — what Ansible spends only to parse the
# inventory and compile the playbook, before it contacts a single host (the
# 40-minute run preflight stands in for is not measurable here).
# Prints wall time, CPU time and peak RSS (/usr/bin/time -v) of each.
#
#   KSM_BIN                  the binary (default: build/kubespray-migrate)
#   KSM_KUBESPRAY_CLONE      a full Kubespray clone (default ../shared/kubespray-full.git)
#   KSM_BENCH_HOSTS=1000     hosts (SIZES="100 1000 10000": several, one row each)
#   KSM_BENCH_FROM=v2.18.2 KSM_BENCH_TO=v2.19.0
#   BENCH_ROWS=file          a row for bench/run
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bin="${KSM_BIN:-$here/build/kubespray-migrate}"
clone="${KSM_KUBESPRAY_CLONE:-$here/../shared/kubespray-full.git}"
sizes="${SIZES:-${KSM_BENCH_HOSTS:-1000}}"
from="${KSM_BENCH_FROM:-v2.18.2}"
to="${KSM_BENCH_TO:-v2.19.0}"
[ -x "$bin" ] || { echo "preflight bench: $bin not built"; exit 1; }
[ -n "$clone" ] && [ -e "$clone" ] || { echo "preflight bench: skipped (no clone at $clone; set KSM_KUBESPRAY_CLONE)"; exit 0; }

work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tree"
git -C "$clone" archive "$from" inventory/sample/group_vars | tar -x -C "$work/tree"
mkdir -p "$work/peer"
git -C "$clone" archive "$to" | tar -x -C "$work/peer"

measure() {  # label cmd... -> one table row (exit status 0, 2 and 3 are results)
  local label="$1"; shift
  local rc=0
  /usr/bin/time -v -o "$work/time" "$@" >"$work/out" 2>"$work/err" || rc=$?
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ] && [ "$rc" -ne 3 ]; then
    echo "$label failed ($rc):"; tail -5 "$work/err"; exit 1
  fi
  python3 - "$label" "$work/time" <<'EOF'
import re, sys
t = open(sys.argv[2]).read()
def f(k):
    return re.search(re.escape(k) + r": (.*)", t).group(1).strip()
wall = f("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")
wall = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall)))
cpu = float(f("User time (seconds)")) + float(f("System time (seconds)"))
rss = int(f("Maximum resident set size (kbytes)")) / 1024
print("%-28s %9.2f %9.2f %10.1f" % (sys.argv[1], wall, cpu, rss))
open(sys.argv[2] + ".row", "w").write("%f %f %f\n" % (wall, cpu, rss))
EOF
}

for n in $sizes; do
rm -rf "$work/inv"; mkdir -p "$work/inv"
cp -r "$work/tree/inventory/sample/group_vars" "$work/inv/"
python3 "$here/bench/hosts.py" "$n" "$work/inv"

echo "preflight benchmark: $n hosts, $from -> $to, sample group_vars of $from"
printf "%-28s %9s %9s %10s\n" "command" "wall s" "cpu s" "peak MiB"
# Measured as an operator runs it (no --evaluation dump: at 10,000 hosts
# that JSON alone holds 560,000 host outcomes); the counts come from a
# second, unmeasured run with the dump.
measure "kubespray-migrate preflight" "$bin" preflight -i "$work/inv/hosts.yaml" \
  --kubespray "$clone" --from "$from" --to "$to" --format json
read -r ours_wall ours_cpu ours_rss <"$work/time.row"
"$bin" preflight -i "$work/inv/hosts.yaml" --kubespray "$clone" --from "$from" --to "$to" \
  --format json --evaluation "$work/eval.json" >"$work/out" 2>/dev/null || true
python3 - "$work/out" "$work/eval.json" <<'EOF'
import json, sys
rep = json.load(open(sys.argv[1]))
ev = json.load(open(sys.argv[2]))
hosts = sum(len(o["hosts"]) for o in ev["outcomes"])
print("  %d assertions, %d host evaluations, %d findings (%s)" % (
    len(ev["outcomes"]), hosts, len(rep["findings"]),
    ", ".join("%s %s" % (k, v) for k, v in sorted(rep["summary"].items()))))
EOF

if ! command -v ansible-playbook >/dev/null; then
  echo "ansible-playbook not installed: no comparison"; continue
fi
(cd "$work/peer" && measure "ansible-playbook --list-tasks" env ANSIBLE_CONFIG="$work/peer/ansible.cfg" \
  ansible-playbook -i "$work/inv/hosts.yaml" upgrade-cluster.yml --list-tasks)
read -r their_wall their_cpu their_rss <"$work/time.row"
python3 -c "print('preflight / ansible --list-tasks: wall %.2fx, cpu %.2fx' % ($ours_wall / $their_wall, $ours_cpu / $their_cpu))"
[ -z "${BENCH_ROWS:-}" ] || python3 -c "print('preflight $n %.3f %d %.3f %d ansible-playbook--list-tasks' % ($ours_wall, $ours_rss * 1024, $their_wall, $their_rss * 1024))" >>"$BENCH_ROWS"
done
