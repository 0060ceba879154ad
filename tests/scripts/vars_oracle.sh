#!/usr/bin/env bash
# Differential test of `kubespray-migrate vars` against Ansible itself.
#
# For each tag, every variable that roles/kubespray-defaults and the calico,
# etcd and metallb roles define is rendered for every host of a builder-
# style 4-node inventory (testdata/vars/builder4, with a jsonfile fact
# cache in testdata/vars/builder4-facts):
#   - by Ansible: the tag's roles extracted with `git archive`, one play on
#     the inventory's hosts (connection local, no fact gathering, facts from
#     the cache) with `roles: [kubespray-defaults, <the roles>]`, one debug
#     task dumping lookup('vars', name) for every name
#     (tests/scripts/vars_oracle.py);
#   - by us: `kubespray-migrate vars --format json --role ...` with the same
#     role scope, one run per host, with --facts and without. A value we
#     know without facts must not depend on them, so both runs are
#     compared with the same Ansible run.
# Per tag it prints the share of values our engine knows, the share of
# kubespray-defaults values it knows, and the agreement on known values.
# Fails on any disagreement on a known value, or when fewer than 95% of
# the kubespray-defaults values are known at a tag (with facts).
#
#   KSM_VARS_ORACLE_TAGS="v2.27.0"   limit the tags
#   KSM_VARS_ORACLE_KEEP=dir          keep the work folder there
#   KSM_VARS_ORACLE_REUSE=1           with KEEP: reuse Ansible's results found there
# Exit 77 (skip) without ansible-playbook or the shared data.
set -euo pipefail

: "${KSM_BIN:?KSM_BIN must name the kubespray-migrate binary}"
KSM_SRC="${KSM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}"
KSM_SHARED="${KSM_SHARED:-$KSM_SRC/../shared}"
data="$KSM_SHARED/kubespray-data.git"

if ! command -v ansible-playbook >/dev/null; then
  echo "skipped: ansible-playbook is not installed"; exit 77
fi
if [ ! -e "$data/HEAD" ]; then
  echo "skipped: $data is absent (the shared Kubespray data is not on this machine)"; exit 77
fi
# The oracle needs the collections Kubespray calls (ansible.posix: the json
# stdout callback; ansible.utils: ipaddr): Debian's ansible package.
if ! "$(head -1 "$(command -v ansible-playbook)" | sed -e 's/^#! *//' -e 's/ .*$//')" -c \
    'import ansible_collections.ansible.posix, ansible_collections.ansible.utils' 2>/dev/null; then
  echo "skipped: the Ansible collections are not installed (apt-get install ansible)"; exit 77
fi
# The helper runs under Ansible's own interpreter (it has PyYAML).
py="$(head -1 "$(command -v ansible-playbook)" | sed -e 's/^#! *//' -e 's/^\/usr\/bin\/env  *//')"
command -v "${py%% *}" >/dev/null || py=python3
helper="$KSM_SRC/tests/scripts/vars_oracle.py"
inv="$KSM_SRC/testdata/vars/builder4/hosts.yaml"
facts="$KSM_SRC/testdata/vars/builder4-facts"
tags="${KSM_VARS_ORACLE_TAGS:-v2.16.0 v2.20.0 v2.24.0 v2.27.0 v2.31.0}"

if [ -n "${KSM_VARS_ORACLE_KEEP:-}" ]; then
  work="$KSM_VARS_ORACLE_KEEP"; mkdir -p "$work"
else
  work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
fi

# The roles of a tag (names changed over time), kubespray-defaults first.
roles_of() {
  local tree="$1" r
  for r in kubespray-defaults kubespray_defaults network_plugin/calico \
           network_plugin/calico_defaults etcd etcd_defaults kubernetes-apps/metallb; do
    [ -d "$tree/roles/$r" ] && echo "$r"
  done
}

prepare() {  # tag -> work/tag/{tree,ansible.json}
  local tag="$1" d="$work/$1"
  [ -n "${KSM_VARS_ORACLE_REUSE:-}" ] && [ -s "$d/ansible.json" ] && return 0
  mkdir -p "$d/tree" "$d/ours" "$d/ours-nofacts"
  git --git-dir="$data" archive "$tag" roles | tar -x -C "$d/tree"
  mapfile -t roles < <(roles_of "$d/tree")
  "$py" "$helper" ansible "$d/tree" "$inv" "$facts" "$d/ansible.json" "${roles[@]}" 2>"$d/ansible.err" ||
    { echo "ansible-playbook failed at $tag:"; cat "$d/ansible.err"; return 1; }
}

# Ansible is the slow side: two tags at a time (the machine is shared).
start=$SECONDS
pids=()
for tag in $tags; do
  prepare "$tag" & pids+=($!)
  if [ "${#pids[@]}" -ge 2 ]; then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
done
for p in "${pids[@]}"; do wait "$p"; done
echo "ansible runs: $((SECONDS - start)) s"

status=0
for tag in $tags; do
  d="$work/$tag"
  mapfile -t roles < <(roles_of "$d/tree")
  role_args=()
  for r in "${roles[@]}"; do
    case "$r" in kubespray-defaults|kubespray_defaults) ;; *) role_args+=(--role "$r") ;; esac
  done
  mapfile -t names < <("$py" "$helper" names "$d/tree" "${roles[@]}")
  "$py" "$helper" names "$d/tree" "${roles[0]}" |
    "$py" -c 'import json,sys; print(json.dumps(sys.stdin.read().split()))' \
    >"$d/ours/kubespray_defaults_names.json"
  cp "$d/ours/kubespray_defaults_names.json" "$d/ours-nofacts/"
  for host in node1 node2 node3 node4; do
    "$KSM_BIN" vars -i "$inv" --kubespray "$data" --tag "$tag" --host "$host" --format json \
      --facts "$facts" "${role_args[@]}" -- "${names[@]}" >"$d/ours/$host.json"
    "$KSM_BIN" vars -i "$inv" --kubespray "$data" --tag "$tag" --host "$host" --format json \
      "${role_args[@]}" -- "${names[@]}" >"$d/ours-nofacts/$host.json"
  done
  "$py" "$helper" compare "$d/ansible.json" "$d/ours-nofacts" "$tag" " without facts" || status=1
  "$py" "$helper" compare "$d/ansible.json" "$d/ours" "$tag" " with facts   " || status=1
  "$py" -c '
import json, sys
s = json.load(open(sys.argv[1]))
share = 100.0 * s["kd_known"] / s["kd_values"] if s["kd_values"] else 0
if share < 95.0:
    print("  GOAL MISSED %s: %.1f%% of kubespray-defaults values known (goal 95%%)" % (s["tag"], share))
    sys.exit(1)
' "$d/ours/summary.json" || status=1
done
echo "total: $((SECONDS - start)) s"
exit $status
