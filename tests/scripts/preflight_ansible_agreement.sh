#!/usr/bin/env bash
# Differential test: the assertions `preflight --list-assertions` reaches
# agree with what `ansible-playbook --list-tasks upgrade-cluster.yml`
# compiles, both ways, at several tags (see preflight_ansible_agreement.py).
# Skips (77) without a Kubespray clone (KSM_KUBESPRAY_CLONE, default
# ../shared/kubespray-full.git) or without ansible-playbook.
set -euo pipefail
clone="${KSM_KUBESPRAY_CLONE:-${KSM_SHARED:-}/kubespray-full.git}"
if [ ! -e "$clone" ]; then
  echo "skipped: no Kubespray clone at $clone (set KSM_KUBESPRAY_CLONE)"; exit 77
fi
if ! command -v ansible-playbook >/dev/null || ! python3 -c 'import yaml' 2>/dev/null; then
  echo "skipped: needs ansible-playbook (Debian package ansible-core) and python3-yaml"; exit 77
fi
# The oracle needs the collections Kubespray calls (ansible.posix: the json
# stdout callback; ansible.utils: ipaddr): Debian's ansible package.
if ! "$(head -1 "$(command -v ansible-playbook)" | sed -e 's/^#! *//' -e 's/ .*$//')" -c \
    'import ansible_collections.ansible.posix, ansible_collections.ansible.utils' 2>/dev/null; then
  echo "skipped: the Ansible collections are not installed (apt-get install ansible)"; exit 77
fi
bin="${KSM_BIN:?}"
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/hosts.ini" <<'INV'
[kube_control_plane]
node1
[etcd]
node1
[kube_node]
node1
node2
[calico_rr]
[bastion]
[k8s_cluster:children]
kube_control_plane
kube_node
calico_rr
INV
for tag in ${KSM_AGREEMENT_TAGS:-v2.16.0 v2.19.0 v2.24.0 v2.31.0}; do
  mkdir -p "$tmp/$tag"
  git -C "$clone" archive "$tag" | tar -x -C "$tmp/$tag"
  (cd "$tmp/$tag" && ANSIBLE_CONFIG="$tmp/$tag/ansible.cfg" \
    ansible-playbook -i "$tmp/hosts.ini" upgrade-cluster.yml --list-tasks >"$tmp/$tag.tasks" 2>"$tmp/$tag.err") ||
    { echo "ansible-playbook --list-tasks failed at $tag:"; tail -5 "$tmp/$tag.err"; exit 1; }
  "$bin" preflight --kubespray "$clone" --to "$tag" --list-assertions --format json >"$tmp/$tag.json"
  echo "== $tag"
  python3 "$here/preflight_ansible_agreement.py" "$tmp/$tag.json" "$tmp/$tag.tasks" "$tmp/$tag"
done
