#!/usr/bin/env bash
# The inventory's own git history (issue 15, deliverable 4), as seed 004
# keeps it: the inventory inside a work tree of the Kubespray clone, on a
# branch made from a tag.
#   - status and upgrade read the base tag from git (the release tag the
#     inventory's last commit descends from; then the committed state file);
#   - upgrade --commit refuses uncommitted work in the inventory folder and an
#     existing branch, writing nothing; otherwise it records every stop as one
#     commit on t_<tag>, on top of that tag, with the hop's report as message
#     and RUNBOOK.md beside the inventory, and leaves HEAD, the index and the
#     work tree as they were; in a repository of the inventory alone the
#     stops chain on HEAD instead;
#   - preflight reads the inventory the cluster was deployed with from the
#     branch of the previous stop: a hand-written v2.27 inventory.ini whose
#     [etcd] order differs from the committed hosts.yaml is caught.
# Exit 77 without the clone or git (the test itself uses git to set the
# scene and to read back what the tool wrote; the tool never runs git).
set -euo pipefail
# Phrases are checked on unwrapped lines (output_words.sh checks the wrapping).
export COLUMNS=1000
: "${KSM_BIN:?KSM_BIN must name the kubespray-migrate binary}"
src="${KSM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}"
clone="${KSM_KUBESPRAY_CLONE:-${KSM_SHARED:-}/kubespray-full.git}"
[ -d "$clone" ] || { echo "skipped: no Kubespray clone at $clone"; exit 77; }
command -v git >/dev/null || { echo "skipped: no git"; exit 77; }
work="$(mktemp -d)"; [ -n "${KSM_KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
export GIT_CONFIG_NOSYSTEM=1 HOME="$work" GIT_AUTHOR_NAME=op GIT_AUTHOR_EMAIL=op@example.com \
  GIT_COMMITTER_NAME=op GIT_COMMITTER_EMAIL=op@example.com
git config --global user.name "Operator"
git config --global user.email "operator@example.com"
ks="$work/kubespray"
git init -q "$ks"
git -C "$ks" fetch -q "$clone" 'refs/tags/*:refs/tags/*'
git -C "$ks" checkout -q refs/tags/v2.15.1 -b t_v2.15.1
cp -r "$src/testdata/demo/mycluster" "$ks/inventory/mycluster"
git -C "$ks" add inventory/mycluster
git -C "$ks" commit -qm "mycluster at v2.15.1"
inv="$ks/inventory/mycluster"

# The base tag from git: the inventory's last commit descends from v2.15.1.
"$KSM_BIN" status -i "$inv" >"$work/status.txt" || fail "status: $(cat "$work/status.txt")"
grep -q "^tag: v2.15.1 (git: the inventory was last committed in [0-9a-f]\{7\} (.*: mycluster at v2.15.1), which descends from Kubespray's tag v2.15.1" "$work/status.txt" \
  || fail "status: $(cat "$work/status.txt")"

# Uncommitted work in the inventory folder: refused, nothing written.
echo "extra: 1" >"$inv/group_vars/all/extra.yml"
set +e
"$KSM_BIN" upgrade -i "$inv" --kubespray "$ks" --to v2.17.1 --commit >"$work/out" 2>"$work/err"
st=$?
set -e
[ $st -eq 1 ] || fail "dirty tree: exit $st, not 1: $(cat "$work/err")"
grep -q "uncommitted work (inventory/mycluster/group_vars/all/extra.yml)" "$work/err" || fail "$(cat "$work/err")"
[ -z "$(git -C "$ks" branch --list 't_v2.16.0')" ] || fail "a branch was made from a dirty tree"
rm "$inv/group_vars/all/extra.yml"
# Untracked files elsewhere in the work tree are not the inventory's; the
# clone's own ansible.cfg, edited by the operator, is merged for every stop.
echo scratch >"$ks/notes.txt"
sed -i 's/^fact_caching_timeout = 7200$/fact_caching_timeout = 86400/' "$ks/ansible.cfg"
grep -q "^fact_caching_timeout = 86400$" "$ks/ansible.cfg" || fail "the scene: ansible.cfg not edited"

head_before=$(git -C "$ks" rev-parse HEAD)
"$KSM_BIN" upgrade -i "$inv" --kubespray "$ks" --to v2.17.1 --commit --no-preflight \
  >"$work/up.txt" 2>"$work/err" || { st=$?; [ $st -ne 1 ] || fail "upgrade --commit: $(cat "$work/err")"; }
grep -q "base tag v2.15.1 from git" "$work/up.txt" || fail "no base tag from git: $(head -20 "$work/up.txt")"
grep -q "^  t_v2.16.0  [0-9a-f]\{7\}  v2.16.0 on Kubespray's tag v2.16.0$" "$work/up.txt" || fail "$(tail "$work/up.txt")"
grep -q "git show t_v2.17.1:inventory/mycluster.RUNBOOK.md" "$work/up.txt" || fail "$(tail "$work/up.txt")"
# HEAD, the branch checked out and the work tree are as they were.
[ "$(git -C "$ks" rev-parse HEAD)" = "$head_before" ] || fail "HEAD moved"
[ "$(git -C "$ks" symbolic-ref --short HEAD)" = t_v2.15.1 ] || fail "another branch is checked out"
[ "$(git -C "$ks" status --porcelain | tr '\n' ' ')" = " M ansible.cfg ?? notes.txt " ] || fail "the work tree changed: $(git -C "$ks" status --porcelain)"
[ ! -e "$ks/inventory/mycluster-v2.17.1" ] || fail "--commit wrote a folder"
# Each stop sits on its own tag, holds its inventory with its state file.
for t in v2.16.0 v2.17.1; do
  [ "$(git -C "$ks" rev-parse "t_$t^")" = "$(git -C "$ks" rev-parse "$t^{commit}")" ] || fail "t_$t is not on $t"
  git -C "$ks" show "t_$t:inventory/mycluster/.kubespray-migrate.yml" | grep "^kubespray_tag: \"$t\"$" >/dev/null || fail "t_$t: state file"
  git -C "$ks" show "t_$t:inventory/mycluster/hosts.yaml" | grep "kube_control_plane:" >/dev/null || fail "t_$t: groups not renamed"
  msg="$(git -C "$ks" log -1 --format=%B "t_$t")"
  grep -q "^inventory/mycluster for Kubespray $t (from v2.1" <<<"$msg" || fail "t_$t: subject"
  grep -q "^== v2.1[56].[01] -> $t" <<<"$msg" || fail "t_$t: the hop's report is not the message"
  git -C "$ks" show "t_$t:inventory/mycluster/ansible.cfg" | grep "^fact_caching_timeout = 86400$" >/dev/null || fail "t_$t: the operator's ansible.cfg setting"
done
git -C "$ks" checkout -q -- ansible.cfg
git -C "$ks" show t_v2.16.0:inventory/mycluster/group_vars/k8s_cluster/k8s-cluster.yml | grep "^kube_version: v1.20.7" >/dev/null || fail "t_v2.16.0: kube_version"
git -C "$ks" show t_v2.17.1:inventory/mycluster/group_vars/k8s_cluster/k8s-cluster.yml | grep "^kube_version: v1.21.6" >/dev/null || fail "t_v2.17.1: kube_version"
git -C "$ks" ls-tree -r --name-only t_v2.16.0 | grep "^inventory/mycluster/group_vars/k8s-cluster/" >/dev/null && fail "t_v2.16.0 still has group_vars/k8s-cluster"
rb="$(git -C "$ks" show t_v2.17.1:inventory/mycluster.RUNBOOK.md)"
grep -q 'git -C "$KUBESPRAY" checkout t_v2.16.0' <<<"$rb" || fail "runbook: no checkout of the stop's branch"
grep -q 'ansible-playbook -i "$KUBESPRAY/inventory/mycluster/hosts.yaml" upgrade-cluster.yml -b -e kube_version=v1.21.6' <<<"$rb" || fail "runbook: playbook of stop 2"
grep -q 'STOPS' <<<"$rb" && fail "runbook names \$STOPS with --commit"
# Again: the branches exist, refused, nothing changed.
set +e
"$KSM_BIN" upgrade -i "$inv" --kubespray "$ks" --to v2.17.1 --commit --no-preflight >/dev/null 2>"$work/err"
st=$?
set -e
[ $st -eq 1 ] || fail "existing branches: exit $st"
grep -q "the branch t_v2.16.0 exists already" "$work/err" || fail "$(cat "$work/err")"
# On the stop's branch, status knows the tag from the state file.
git -C "$ks" checkout -q t_v2.17.1
"$KSM_BIN" status -i "$inv" | grep "^tag: v2.17.1 (state file" >/dev/null || fail "status on t_v2.17.1"
# The committed state file, once the work tree's is gone: git says the tag.
rm "$inv/.kubespray-migrate.yml"
"$KSM_BIN" status -i "$inv" | grep "^tag: v2.17.1 (git: the state file .kubespray-migrate.yml as last committed" >/dev/null || fail "status from the committed state file: $("$KSM_BIN" status -i "$inv")"
git -C "$ks" checkout -q -- inventory/mycluster

# A repository of the inventory alone: the stops chain on HEAD.
own="$work/own"
mkdir -p "$own" && cp -r "$src/testdata/demo/mycluster" "$own/mycluster"
git init -q "$own" && git -C "$own" add . && git -C "$own" commit -qm "mycluster"
own_head=$(git -C "$own" rev-parse HEAD)
"$KSM_BIN" upgrade -i "$own/mycluster" --offline --from v2.15.1 --to v2.17.1 --commit --branch-format 'upgrade/{tag}' \
  >"$work/own.txt" 2>"$work/err" || { st=$?; [ $st -ne 1 ] || fail "own repo: $(cat "$work/err")"; }
[ "$(git -C "$own" rev-parse 'upgrade/v2.16.0^')" = "$own_head" ] || fail "upgrade/v2.16.0 is not on HEAD"
[ "$(git -C "$own" rev-parse 'upgrade/v2.17.1^')" = "$(git -C "$own" rev-parse upgrade/v2.16.0)" ] || fail "upgrade/v2.17.1 is not on upgrade/v2.16.0"
git -C "$own" show upgrade/v2.17.1:mycluster.RUNBOOK.md | grep 'git -C "$INVENTORY_REPO" checkout upgrade/v2.17.1' >/dev/null || fail "own repo runbook"
# Not a git work tree: refused with a message.
cp -r "$src/testdata/demo/mycluster" "$work/plain"
set +e
"$KSM_BIN" upgrade -i "$work/plain" --offline --from v2.15.1 --to v2.16.0 --commit >/dev/null 2>"$work/err"
st=$?
set -e
[ $st -eq 1 ] && grep -q "not inside a git work tree" "$work/err" || fail "plain folder: exit $st: $(cat "$work/err")"

# Seed 004 at v2.27: the hosts.yaml of the v2.26 stop committed on t_v2.26.0,
# a hand-written inventory.ini on t_v2.27.0 whose [etcd] lists node3 before
# the control planes it includes: preflight compares with the committed one.
git -C "$ks" checkout -q refs/tags/v2.26.0 -b t_v2.26.0
mkdir -p "$ks/inventory/lab"
cat >"$ks/inventory/lab/hosts.yaml" <<'EOF'
all:
  hosts:
    node1: {ansible_host: 10.0.0.1, ip: 10.0.0.1, access_ip: 10.0.0.1}
    node2: {ansible_host: 10.0.0.2, ip: 10.0.0.2, access_ip: 10.0.0.2}
    node3: {ansible_host: 10.0.0.3, ip: 10.0.0.3, access_ip: 10.0.0.3}
  children:
    kube_control_plane: {hosts: {node1: null, node2: null}}
    kube_node: {hosts: {node1: null, node2: null, node3: null}}
    etcd: {hosts: {node1: null, node2: null, node3: null}}
    k8s_cluster: {children: {kube_control_plane: null, kube_node: null}}
    calico_rr: {hosts: {}}
EOF
git -C "$ks" add inventory/lab && git -C "$ks" commit -qm "lab at v2.26.0"
git -C "$ks" checkout -q refs/tags/v2.27.0 -b t_v2.27.0
mkdir -p "$ks/inventory/lab"
cat >"$ks/inventory/lab/inventory.ini" <<'EOF'
[kube_control_plane]
node1 ansible_host=10.0.0.1 ip=10.0.0.1
node2 ansible_host=10.0.0.2 ip=10.0.0.2

[etcd:children]
kube_control_plane

[etcd]
node3 ansible_host=10.0.0.3 ip=10.0.0.3

[kube_node]
node1
node2
node3
EOF
set +e
"$KSM_BIN" preflight -i "$ks/inventory/lab" --kubespray "$ks" --from v2.26.0 --to v2.27.0 --format json \
  >"$work/pf.json" 2>"$work/err"
st=$?
set -e
[ $st -eq 3 ] || fail "preflight: exit $st, not 3: $(cat "$work/err")"
grep -q "inventory/lab as committed at t_v2.26.0" "$work/err" || fail "preflight does not say where the deployed inventory is: $(cat "$work/err")"
python3 - "$work/pf.json" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
ids = {f["id"]: f for f in doc["findings"]}
f = ids.get("ksm/etcd-member-name/node3")
assert f, sorted(ids)
assert "etcd3 -> etcd1" in f["title"], f["title"]
EOF
# --deployed naming a revision without the inventory folder: a clear error.
"$KSM_BIN" preflight -i "$ks/inventory/lab" --kubespray "$ks" --from v2.26.0 --to v2.27.0 --format json \
  --deployed HEAD >"$work/pf2.json" 2>"$work/err" && true
grep -q "has no folder inventory/lab" "$work/err" || fail "--deployed HEAD: $(cat "$work/err")"
echo "ok: base tag from git, --commit branches on tags and on HEAD, refusals, etcd order against the committed hosts.yaml"
