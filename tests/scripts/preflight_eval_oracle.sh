#!/usr/bin/env bash
# Agreement of `preflight`'s evaluation with Ansible itself.
#
# For each hop FROM:TO, an operator's inventory (FROM's inventory/sample
# group_vars, three builder-style nodes) is checked by
# `kubespray-migrate preflight --from FROM --to TO --evaluation FILE`, which
# writes every reachable assertion's outcome per host, the assertions as
# extracted, and the values it simulated from the live cluster. Ansible then
# evaluates the same assertions (tests/scripts/preflight_eval_oracle.py:
# TO's roles with their defaults and vars but no tasks, one play per hosts
# pattern and role, the same simulated registered values via set_fact,
# connection local, facts from testdata/vars/builder4-facts that preflight
# does not get: what we call known without facts must not depend on them).
# Per tag it prints the share of reachable
# assertions we decide without facts and the agreement on those; it fails
# on any disagreement on an assertion we call known.
#
#   KSM_PREFLIGHT_ORACLE_HOPS="v2.18.2:v2.19.0"   the hops (CI: one; locally
#       KSM_PREFLIGHT_ORACLE_HOPS="v2.18.2:v2.19.0 v2.19.1:v2.20.0 v2.23.3:v2.24.0 v2.26.0:v2.27.0")
#   KSM_PREFLIGHT_ORACLE_KEEP=dir   keep the work folder
# Exit 77 (skip) without a full clone (KSM_KUBESPRAY_CLONE, default
# ../shared/kubespray-full.git) or ansible-playbook.
set -euo pipefail
: "${KSM_BIN:?KSM_BIN must name the kubespray-migrate binary}"
KSM_SRC="${KSM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}"
clone="${KSM_KUBESPRAY_CLONE:-${KSM_SHARED:-}/kubespray-full.git}"
if [ -z "$clone" ] || [ ! -e "$clone" ]; then
  echo "skipped: set KSM_KUBESPRAY_CLONE to a full Kubespray clone"; exit 77
fi
if ! command -v ansible-playbook >/dev/null; then
  echo "skipped: ansible-playbook is not installed"; exit 77
fi
# The oracle needs the collections Kubespray calls (ansible.posix: the json
# stdout callback; ansible.utils: ipaddr): Debian's ansible package.
if ! "$(head -1 "$(command -v ansible-playbook)" | sed -e 's/^#! *//' -e 's/ .*$//')" -c \
    'import ansible_collections.ansible.posix, ansible_collections.ansible.utils' 2>/dev/null; then
  echo "skipped: the Ansible collections are not installed (apt-get install ansible)"; exit 77
fi
py="$(head -1 "$(command -v ansible-playbook)" | sed -e 's/^#! *//' -e 's/^\/usr\/bin\/env  *//')"
command -v "${py%% *}" >/dev/null || py=python3
helper="$KSM_SRC/tests/scripts/preflight_eval_oracle.py"
hops="${KSM_PREFLIGHT_ORACLE_HOPS:-v2.18.2:v2.19.0}"
if [ -n "${KSM_PREFLIGHT_ORACLE_KEEP:-}" ]; then
  work="$KSM_PREFLIGHT_ORACLE_KEEP"; mkdir -p "$work"
else
  work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
fi

status=0
for hop in $hops; do
  from="${hop%%:*}"; to="${hop##*:}"
  d="$work/$to"; rm -rf "$d"; mkdir -p "$d/inv" "$d/from" "$d/tree"
  git -C "$clone" archive "$from" inventory/sample/group_vars | tar -x -C "$d/from"
  cp -r "$d/from/inventory/sample/group_vars" "$d/inv/"
  cat >"$d/inv/hosts.yaml" <<'INV'
all:
  hosts:
    node1: {ansible_host: 10.0.0.11, ip: 10.0.0.11, access_ip: 10.0.0.11}
    node2: {ansible_host: 10.0.0.12, ip: 10.0.0.12, access_ip: 10.0.0.12}
    node3: {ansible_host: 10.0.0.13, ip: 10.0.0.13, access_ip: 10.0.0.13}
  children:
    kube_control_plane:
      hosts: {node1: }
    kube_node:
      hosts: {node1: , node2: , node3: }
    etcd:
      hosts: {node1: , node2: , node3: }
    k8s_cluster:
      children: {kube_control_plane: , kube_node: }
    calico_rr:
      hosts: {}
INV
  rc=0
  "$KSM_BIN" preflight -i "$d/inv/hosts.yaml" --kubespray "$clone" --from "$from" --to "$to" \
    --format json --evaluation "$d/eval.json" >"$d/report.json" 2>"$d/ours.err" || rc=$?
  if [ "$rc" -eq 1 ]; then echo "preflight failed at $to:"; tail -5 "$d/ours.err"; exit 1; fi
  git -C "$clone" archive "$to" roles | tar -x -C "$d/tree"
  "$py" "$helper" play "$d/tree" "$d/eval.json" "$d/project"
  cat >"$d/project/ansible.cfg" <<CFG
[defaults]
roles_path = $d/project/roles
force_valid_group_names = ignore
deprecation_warnings = False
host_key_checking = False
stdout_callback = json
retry_files_enabled = False
gathering = explicit
forks = 4
fact_caching = jsonfile
fact_caching_connection = $d/facts
fact_caching_timeout = 0
CFG
  rm -rf "$d/facts"; cp -r "$KSM_SRC/testdata/vars/builder4-facts" "$d/facts"
  (cd "$d/project" && ANSIBLE_CONFIG="$d/project/ansible.cfg" ANSIBLE_STDOUT_CALLBACK=json \
    ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=0 \
    ansible-playbook -i "$d/inv/hosts.yaml" oracle.yml >"$d/ansible.json" 2>"$d/ansible.err") || true
  if ! "$py" -c 'import json,sys; json.load(open(sys.argv[1]))' "$d/ansible.json" 2>/dev/null; then
    echo "ansible-playbook gave no JSON at $to:"; tail -20 "$d/ansible.err"; tail -5 "$d/ansible.json"; exit 1
  fi
  "$py" "$helper" compare "$d/eval.json" "$d/ansible.json" "$from->$to" "$d/tree" || status=1
done
exit $status
