#!/usr/bin/env bash
# Differential test of the groups a playbook run builds (k8s_cluster from
# v2.27.0, the legacy hyphenated groups from v2.16.0) against Ansible running
# Kubespray's own play.
#
# For each tag and inventory, Ansible runs the plays of the tag's
# playbooks/boilerplate.yml (legacy_groups.yml before v2.24.0) that build
# groups (its group_by plays, or the dynamic_groups role from v2.29.0),
# extracted from the shared clone as they are, then one play that writes, per host, group_names and the value of
# every variable the inventory's group_vars and host_vars files set. We run
# `kubespray-migrate vars --all-hosts --format json` on the same inventory
# at the same tag: group_names must be equal, and every value Ansible has
# must be ours, from the inventory's layers.
#
# Inventories: the corpus's hand-written v2.27 inventory.ini (no k8s_cluster
# section; group_vars/k8s_cluster sets kube_vip_enabled, the network
# plugin...), and a legacy v2.15-style one (kube-master, k8s-cluster) read
# by v2.16.0's plays.
# Exit 77 (skip) without ansible-playbook or the shared clone.
set -euo pipefail

: "${KSM_BIN:?KSM_BIN must name the kubespray-migrate binary}"
KSM_SRC="${KSM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}"
KSM_SHARED="${KSM_SHARED:-$KSM_SRC/../shared}"
full="$KSM_SHARED/kubespray-full.git"
if ! command -v ansible-playbook >/dev/null; then
  echo "SKIP: ansible-playbook is not installed (apt-get install ansible-core)"
  exit 77
fi
if [ ! -d "$full" ]; then
  echo "SKIP: no Kubespray clone at $full"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A legacy inventory: the v2.15 sample's group names, variables in
# group_vars of the legacy groups.
legacy="$work/legacy"
mkdir -p "$legacy/group_vars/k8s-cluster" "$legacy/group_vars/kube-master"
cat >"$legacy/hosts.ini" <<'EOF'
[kube-master]
node1 ansible_host=10.0.0.1

[etcd]
node1

[kube-node]
node2 ansible_host=10.0.0.2
node3 ansible_host=10.0.0.3

[calico-rr]

[k8s-cluster:children]
kube-master
kube-node
calico-rr
EOF
printf 'kube_network_plugin: cilium\nkube_proxy_mode: iptables\n' >"$legacy/group_vars/k8s-cluster/k8s-cluster.yml"
printf 'kube_apiserver_port: 8443\n' >"$legacy/group_vars/kube-master.yml"

check() {  # tag, hosts file
  local tag="$1" hosts="$2"
  local dir="$work/$tag"
  mkdir -p "$dir"
  local plays=""
  for f in playbooks/boilerplate.yml playbooks/legacy_groups.yml legacy_groups.yml; do
    if git --git-dir="$full" cat-file -e "$tag:$f" 2>/dev/null; then plays=$f; break; fi
  done
  [ -n "$plays" ] || { echo "FAIL: no group-building playbook at $tag"; exit 1; }
  mkdir -p "$dir/playbooks"
  git --git-dir="$full" show "$tag:$plays" >"$dir/playbooks/source.yml"
  if git --git-dir="$full" cat-file -e "$tag:roles/dynamic_groups" 2>/dev/null; then
    git --git-dir="$full" archive "$tag" roles/dynamic_groups | tar -x -C "$dir"
  fi
  local out="$dir/out-$(basename "$(dirname "$hosts")")"
  mkdir -p "$out"
  python3 - "$dir" "$hosts" "$out" <<'EOF'
import json, os, sys, yaml
dir, hosts, out = sys.argv[1:]
plays = yaml.safe_load(open(os.path.join(dir, "playbooks/source.yml")))
kept = []
for p in plays:
    tasks = p.get("tasks") or []
    if p.get("roles") and any((r if isinstance(r, str) else r.get("role")) == "dynamic_groups"
                              for r in p["roles"]):
        kept.append({**{k: v for k, v in p.items() if k != "roles"}, "roles": ["dynamic_groups"]})
    elif tasks and all("group_by" in t for t in tasks):
        kept.append(p)
if not kept:
    sys.exit("no group-building play in " + os.path.join(dir, "playbooks/source.yml"))
names = set()
folder = os.path.dirname(hosts)
for sub in ("group_vars", "host_vars"):
    for root, _, files in os.walk(os.path.join(folder, sub)):
        for f in files:
            data = yaml.safe_load(open(os.path.join(root, f))) or {}
            if isinstance(data, dict):
                names.update(data)
dump = {
    "name": "dump", "hosts": "all", "gather_facts": False, "connection": "local",
    "tasks": [{"copy": {
        "dest": out + "/{{ inventory_hostname }}.json",
        "content": "{% set d = {} %}{% for n in names %}"
                   "{% if lookup('vars', n, default='__undefined__') != '__undefined__' %}"
                   "{% set _ = d.update({n: lookup('vars', n)}) %}{% endif %}{% endfor %}"
                   "{{ {'group_names': group_names, 'vars': d} | to_json }}"}}],
}
for p in kept:
    p["connection"] = "local"
yaml.safe_dump(kept + [dump], open(os.path.join(dir, "playbooks/groups.yml"), "w"))
json.dump({"names": sorted(names)}, open(os.path.join(out, "names.json"), "w"))
EOF
  (cd "$dir" && ANSIBLE_ROLES_PATH="$dir/roles" ANSIBLE_LOCALHOST_WARNING=0 \
    ANSIBLE_INVENTORY_UNPARSED_WARNING=0 ansible-playbook -i "$hosts" playbooks/groups.yml \
    -e "@$out/names.json" -e ansible_python_interpreter=/usr/bin/python3 >"$out/ansible.log" 2>&1) || {
    cat "$out/ansible.log"
    echo "FAIL: ansible-playbook at $tag"
    exit 1
  }
  mapfile -t names < <(python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))["names"]))' "$out/names.json")
  "$KSM_BIN" vars -i "$hosts" --kubespray "$full" --tag "$tag" --all-hosts --format json \
    group_names "${names[@]}" >"$out/ours.json" 2>"$out/ours.err" || {
    cat "$out/ours.err"
    echo "FAIL: kubespray-migrate vars at $tag"
    exit 1
  }
  python3 - "$out" "$tag" "$hosts" <<'EOF'
import glob, json, os, sys
out, tag, hosts = sys.argv[1:]
ours = json.load(open(os.path.join(out, "ours.json")))["hosts"]
bad = compared = unknown = 0
for f in sorted(glob.glob(os.path.join(out, "*.json"))):
    host = os.path.basename(f)[:-5]
    if host in ("names", "ours"):
        continue
    theirs = json.load(open(f))
    mine = ours[host]["variables"]
    if mine["group_names"]["value"] != theirs["group_names"]:
        print(f"{tag} {host}: group_names: Ansible {theirs['group_names']}, ours {mine['group_names']['value']}")
        bad += 1
    for name, value in theirs["vars"].items():
        m = mine.get(name)
        if m and not m["known"]:  # (a lookup('password') and the like: ours says unknown)
            unknown += 1
            continue
        compared += 1
        if not m or m["value"] != value:
            print(f"{tag} {host}: {name}: Ansible {value!r}, ours {m and m['value']!r} ({m and m['layer']})")
            bad += 1
print(f"{tag} {os.path.relpath(hosts, os.path.dirname(os.path.dirname(hosts)))}: "
      f"{len(ours)} hosts, group_names and {compared} values compared ({unknown} unknown to us), "
      f"{bad} disagreements")
sys.exit(1 if bad else 0)
EOF
}

# (a copy: its lookup('password') writes credentials/ beside the inventory)
cp -r "$KSM_SRC/testdata/corpus/v227-handwritten" "$work/v227-handwritten"
corpus="$work/v227-handwritten/inventory.ini"
for tag in v2.26.1 v2.27.0 v2.31.0; do check "$tag" "$corpus"; done
check v2.16.0 "$legacy/hosts.ini"
check v2.26.1 "$legacy/hosts.ini"
echo "PASS: the groups a playbook run builds, and the variables they bring, agree with Ansible"
