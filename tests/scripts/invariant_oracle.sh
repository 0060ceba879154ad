#!/usr/bin/env bash
# The invariant of an upgrade, judged by Ansible (issue 14, deliver 6).
#
# After the last hop, for every host, the running cluster's settings that
# Ansible computes from the role defaults (container_manager,
# etcd_deployment_type, resolvconf_mode, kube_network_plugin,
# kube_proxy_mode, kube_service_addresses, kube_pods_subnet,
# kube_network_node_prefix, cluster_name, dns_domain, etcd_member_name,
# calico_ipip_mode, calico_vxlan_mode, calico_network_backend,
# calico_pool_blocksize) must equal what they were at the start tag with the
# input, except what the upgrade's report asks the operator to decide.
#
# For every inventory of testdata/corpus (corpus.yml: start tag, -i path):
#   kubespray-migrate upgrade -i <copy> --from <tag> --to v2.31.0 --kubespray <clone> -o <out> --format json
# (as tests/scripts/corpus.sh runs it), then one ansible-playbook run with the
# INPUT inventory against the start tag's tree and one with the OUTPUT
# inventory against the target's tree (git archive of roles/ and the group
# playbooks), each computing every setting for every host; the two are
# compared per host. The rules (how the trees' group setup and role defaults
# are loaded, schemas/sticky.yml's `implicit:` values before v2.13/v2.19/v2.20,
# unknown values, calico settings only for calico, SOPS exclusions, and when
# a change is "explained" by the report) are in the helper's docstring:
# tests/scripts/invariant_oracle.py.
#
# Prints a table (inventory, start tag, hosts, settings compared, equal,
# changed explained, changed unexplained, unknown) and every change. Fails on
# an unexplained change not listed in KNOWN_DIFFS, or on an error of the
# oracle. Entries whose upgrade does not reach the target with no conflict
# left are shown as not compared (corpus.sh lists them: KNOWN_ERRORS,
# KNOWN_STOPS).
#
# Environment: KSM_BIN, KSM_SRC, KSM_SHARED (from ctest); KSM_KUBESPRAY_CLONE
# (default $KSM_SHARED/kubespray-full.git); KSM_INVARIANT_ONLY (names, comma
# separated); KSM_INVARIANT_KEEP (a folder to keep the work in: upgrade
# outputs and reports, trees, Ansible's runs); KSM_INVARIANT_REUSE=1 (with
# KEEP: reuse the upgrades and Ansible results found there); KSM_INVARIANT_JOBS
# (entries at a time, default 2). Exit 77 without the clone, ansible-playbook
# or the collections.
set -euo pipefail
: "${KSM_BIN:?KSM_BIN must name the kubespray-migrate binary}"
KSM_SRC="${KSM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}"
KSM_SHARED="${KSM_SHARED:-$KSM_SRC/../shared}"
clone="${KSM_KUBESPRAY_CLONE:-$KSM_SHARED/kubespray-full.git}"

# Unexplained changes the tool still makes ("inventory/host/variable: reason";
# fnmatch patterns, `*` for every host). Each line is a bug of the tool: the
# test passes while they are fixed, and says "tighten" when one goes away.
KNOWN_DIFFS='
'

if [ ! -e "$clone" ] || ! git --git-dir="$clone" rev-parse -q --verify 'v2.31.0^{commit}' >/dev/null 2>&1; then
  echo "skipped: no full Kubespray clone with v2.31.0 at $clone (set KSM_KUBESPRAY_CLONE)"
  exit 77
fi
if ! git --git-dir="$clone" cat-file -e 'v2.31.0:playbooks/cluster.yml' 2>/dev/null; then
  echo "skipped: $clone has no playbooks (a roles-only data repo, not a full clone)"
  exit 77
fi
if ! command -v ansible-playbook >/dev/null; then
  echo "skipped: ansible-playbook is not installed"; exit 77
fi
# The helper runs under Ansible's own interpreter (it has PyYAML); the oracle
# needs the collections Kubespray's defaults call (ansible.utils: ipaddr).
py="$(head -1 "$(command -v ansible-playbook)" | sed -e 's/^#! *//' -e 's/^\/usr\/bin\/env  *//')"
command -v "${py%% *}" >/dev/null || py=python3
if ! $py -c 'import yaml, ansible_collections.ansible.posix, ansible_collections.ansible.utils' 2>/dev/null; then
  echo "skipped: the Ansible collections are not installed (apt-get install ansible)"; exit 77
fi
[ -x "$KSM_BIN" ] || { echo "FAIL: KSM_BIN=$KSM_BIN is not executable"; exit 1; }

if [ -n "${KSM_INVARIANT_KEEP:-}" ]; then
  work="$KSM_INVARIANT_KEEP"; mkdir -p "$work"
else
  work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
fi
export KSM_BIN KSM_SRC CLONE="$clone" WORK="$work" KNOWN_DIFFS
start=$SECONDS
set +e
$py "$KSM_SRC/tests/scripts/invariant_oracle.py"
st=$?
set -e
echo "invariant oracle: $((SECONDS - start)) s"
[ $st -eq 0 ] && echo "ok" || echo "FAIL: see the differences above"
exit $st
