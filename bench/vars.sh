#!/usr/bin/env bash
# Benchmark of the vars resolver against Ansible: every variable of every
# role of one tag (role defaults and vars/main), resolved for every host of
# a builder-style inventory of 1,000 hosts.
#   - kubespray-migrate vars --all-hosts --all --format summary
#     (every value templated, per-host counts printed)
#   - ansible-playbook: one play with every role of the tag, one debug task
#     running lookup('vars', name) for every name (tests/scripts/vars_oracle.py
#     bench: every value templated, counts printed)
# Prints wall time, CPU time (user+sys, children included) and peak RSS of
# each, and the speed-up in CPU time per host.
#
#   KSM_BIN                     the binary (default: build/kubespray-migrate)
#   KSM_BENCH_TAG=v2.27.0       the tag
#   KSM_BENCH_HOSTS=1000        hosts for kubespray-migrate (SIZES="100 1000": several)
#   BENCH_ROWS=file             rows for bench/run (Ansible scaled per host)
#   KSM_BENCH_ANSIBLE_HOSTS=100 hosts for Ansible (its cost per host is
#                               constant, about a second of CPU; 1000 takes
#                               half an hour on a shared 2-core machine, so
#                               the default measures 100 and scales per host)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bin="${KSM_BIN:-$here/build/kubespray-migrate}"
data="${KSM_SHARED:-$here/../shared}/kubespray-data.git"
tag="${KSM_BENCH_TAG:-v2.27.0}"
n="${KSM_BENCH_HOSTS:-1000}"
na="${KSM_BENCH_ANSIBLE_HOSTS:-100}"
[ -x "$bin" ] || { echo "vars bench: $bin not built"; exit 1; }
[ -e "$data/HEAD" ] || { echo "vars bench: skipped ($data absent)"; exit 0; }

work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT

inventory() {  # count dir: builder-style hosts.yaml + the builder4 group_vars
  python3 "$here/bench/hosts.py" "$1" "$2"
  cp -r "$here/testdata/vars/builder4/group_vars" "$2/"
}

measure() {  # label hosts cmd... -> one table row; sets cpu_per_host
  local label="$1" hosts="$2"; shift 2
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >"$work/out" 2>"$work/err" ||
    { echo "$label failed:"; tail -5 "$work/err"; exit 1; }
  read -r wall user sys rss <"$work/time"
  cpu=$(python3 -c "print(round($user + $sys, 2))")
  cpu_per_host=$(python3 -c "print($cpu / $hosts)")
  printf "%-18s %6d %9.2f %9.2f %9.1f %12.2f\n" "$label" "$hosts" "$wall" "$cpu" \
    "$(python3 -c "print($rss / 1024)")" "$(python3 -c "print(1000 * $cpu / $hosts)")"
}

mkdir -p "$work/tree" "$work/inv-ansible"
inventory "$na" "$work/inv-ansible"

echo "vars benchmark: every role variable of $tag, builder-style inventory"
printf "%-18s %6s %9s %9s %9s %12s\n" "engine" "hosts" "wall s" "cpu s" "peak MiB" "cpu ms/host"
rows=()
for size in ${SIZES:-$n}; do
  n=$size
  rm -rf "$work/inv" && mkdir -p "$work/inv"
  inventory "$n" "$work/inv"
  measure "kubespray-migrate" "$n" "$bin" vars -i "$work/inv/hosts.yaml" --kubespray "$data" \
    --tag "$tag" --all-hosts --all --format summary
  ours=$cpu_per_host
  rows+=("$n $wall $rss $cpu")
  grep -c variables "$work/out" | grep -qx "$n" || { echo "kubespray-migrate: expected $n hosts"; exit 1; }
done

if ! command -v ansible-playbook >/dev/null; then
  echo "ansible-playbook not installed: no comparison"
  for r in "${rows[@]}"; do
    read -r rn rw rr _ <<<"$r"
    [ -z "${BENCH_ROWS:-}" ] || echo "vars-all-roles $rn $rw $rr - - ansible-playbook" >>"$BENCH_ROWS"
  done
  exit 0
fi
py="$(head -1 "$(command -v ansible-playbook)" | sed -e 's/^#! *//' -e 's/^\/usr\/bin\/env  *//')"
git --git-dir="$data" archive "$tag" roles | tar -x -C "$work/tree"
measure "ansible-playbook" "$na" "$py" "$here/tests/scripts/vars_oracle.py" bench "$work/tree" \
  "$work/inv-ansible/hosts.yaml" "$work/ansible.json"
theirs=$cpu_per_host
ansible_wall=$wall ansible_rss=$rss
# Rows for bench/run: Ansible's wall time scaled per host from its $na-host run.
for r in "${rows[@]}"; do
  read -r rn rw rr _ <<<"$r"
  peer=$(python3 -c "print(round($ansible_wall / $na * $rn, 1))")
  [ -z "${BENCH_ROWS:-}" ] || echo "vars-all-roles $rn $rw $rr $peer $ansible_rss ansible-playbook(scaled-from-$na)" >>"$BENCH_ROWS"
done
python3 - "$work/ansible.json" "$ours" "$theirs" "$n" "$na" <<'EOF'
import json, sys
a = json.load(open(sys.argv[1]))
ours, theirs, n, na = float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
print("ansible: %d names x %d hosts templated (%d ok, %d failed without facts)"
      % (a["names"], a["hosts"], a["ok"], a["failed"]))
if na != n:
    print("ansible at %d hosts, scaled per host: ~%.0f s of CPU" % (n, theirs * n))
print("speed-up (CPU per host): %.0fx" % (theirs / ours if ours else float("inf")))
EOF
