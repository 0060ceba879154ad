#!/usr/bin/env bash
# Hostile input, end to end: each case must end in exit 1 with a clear
# error (file:line:col where the input has a position) or in bounded work,
# within a time limit, never a crash or a hang, and must write nothing
# (no output folder, the input untouched). Offline: needs neither the
# shared data nor a Kubespray clone (a tiny git repository is built here).
# The unit-level cases are in tests/{core,inventory_*,jinja_eval,schema}_test.cc.
set -euo pipefail
# Phrases are checked on unwrapped lines (output_words.sh checks the wrapping).
export COLUMNS=1000
: "${KSM_BIN:?KSM_BIN must name the kubespray-migrate binary}"
KSM_SRC="${KSM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}"
command -v git >/dev/null || { echo "skipped: git is needed"; exit 77; }

work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
cd "$work"
demo="$KSM_SRC/testdata/demo/mycluster"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# expect NAME RC PATTERN -- CMD...: runs CMD (60 s limit), checks the exit
# status and that stderr (or stdout) matches PATTERN (grep -E).
expect() {
  local name="$1" want="$2" pattern="$3"; shift 4
  local start end rc=0
  start=$(date +%s%N)
  timeout -s KILL 60 "$@" >"$work/cmd.out" 2>"$work/cmd.err" || rc=$?
  end=$(date +%s%N)
  local msg; msg="$(head -c 300 "$work/cmd.err" "$work/cmd.out" 2>/dev/null | grep -v '^==>' | tr '\n' ' ')"
  printf '%-34s exit %-3s %5d ms  %s\n' "$name" "$rc" $(((end - start) / 1000000)) "${msg:0:160}"
  [ "$rc" = "$want" ] || { fail "$name: exit $rc, expected $want"; return; }
  grep -qE -- "$pattern" "$work/cmd.err" "$work/cmd.out" || fail "$name: no match for /$pattern/"
}
rep() { python3 -c "import sys; sys.stdout.write(sys.argv[1] * int(sys.argv[2]))" "$1" "$2"; }

inv() {  # inv NAME: a fresh folder with a hosts.yml of one host
  mkdir -p "$work/$1"; printf 'all:\n  hosts:\n    node1:\n' >"$work/$1/hosts.yml"; echo "$work/$1/hosts.yml"
}

echo "== YAML alias bomb (billion laughs: 9^10 nodes from 1 KB)"
h=$(inv bomb); mkdir -p bomb/group_vars
python3 -c "
print('a: &a [x, x, x, x, x, x, x, x, x]')
p = 'a'
for i in range(9):
    print('l%d: &l%d [%s]' % (i, i, ', '.join(['*' + p] * 9))); p = 'l%d' % i" >bomb/group_vars/all.yml
expect yaml-alias-bomb 1 'all.yml:[0-9]+:[0-9]+: .*alias bomb' -- "$KSM_BIN" inventory -i "$h" --list

echo "== nesting thousands deep"
printf 'all:\n  hosts:\n    node1:\n      x: %s%s\n' "$(rep '[' 100000)" "$(rep ']' 100000)" >deep.yml
expect yaml-100k-deep 1 'deep.yml:4:[0-9]+: YAML nested too deeply' -- "$KSM_BIN" inventory -i deep.yml --list
h=$(inv deepjson); printf '{"a": %s%s}' "$(rep '[' 100000)" "$(rep ']' 100000)" >deepjson/group_vars.json
mkdir -p deepjson/group_vars && mv deepjson/group_vars.json deepjson/group_vars/all.json
expect json-vars-100k-deep 1 'all.json:[0-9]+:[0-9]+: .*nested too deeply' -- "$KSM_BIN" inventory -i "$h" --list
python3 -c "
print('[g0]\nnode1')
for i in range(1, 10001): print('[g%d:children]\ng%d' % (i, i - 1))" >chain.ini
expect ini-10k-group-chain 0 '"g10000"' -- "$KSM_BIN" inventory -i chain.ini --list
expect jinja-30k-parens 1 'nested too deeply' -- "$KSM_BIN" eval "$(rep '(' 30000)1$(rep ')' 30000)"
expect jinja-30k-plus-chain 1 'nested too deeply' -- "$KSM_BIN" eval "1$(rep '+1' 30000)"
expect jinja-15k-filter-chain 1 'nested too deeply' -- "$KSM_BIN" eval "x$(rep '|string' 15000)"
expect jinja-5k-nested-if 1 'nested too deeply' -- \
  "$KSM_BIN" eval --template "$(rep '{% if true %}' 5000)x$(rep '{% endif %}' 5000)"

echo "== size"
head -c 100M /dev/zero | tr '\0' 'a' >big.yml
expect file-100MB 1 'big.yml: file is too large' -- "$KSM_BIN" inventory -i big.yml --list
rm -f big.yml
expect dev-zero 1 '/dev/zero: file is too large' -- "$KSM_BIN" inventory -i /dev/zero --list
python3 -c "print('[all]\nnode1 x=' + 'a' * 3000000)" >longvalue.ini
expect line-3MB-value 0 '"x": "aaaa' -- "$KSM_BIN" inventory -i longvalue.ini --list
python3 -c "print('[all]\n' + 'a' * 3000000 + ':22')" >longhost.ini
expect line-3MB-host-port 1 'longhost.ini:2:1: host pattern of 3000003 bytes' -- "$KSM_BIN" inventory -i longhost.ini --list
python3 -c "print('all:\n  hosts:\n    ' + 'a' * 3000000 + ':\n')" >longkey.yml
expect line-3MB-yaml-key 1 'longkey.yml:3:[0-9]+: ' -- "$KSM_BIN" inventory -i longkey.yml --list
printf '[all]\nnode[1:999999]x[1:999999]\n' >ranges.ini
expect nested-ranges-10^12 1 'ranges.ini:2:1: host pattern .* expands to more than 100000 hosts' -- \
  "$KSM_BIN" inventory -i ranges.ini --list
printf '[a]\nn[1:90000]\n[b]\nm[1:90000]\n' >manyhosts.ini
expect hosts-180000-in-two-lines 1 'manyhosts.ini:4:1: the inventory has more than 100000 hosts' -- \
  "$KSM_BIN" inventory -i manyhosts.ini --list
h=$(inv longtpl); python3 -c "print('x: \"{{ ' + '1 ~ ' * 20000 + '1 }}\"')" >longtpl/group_vars.yml
mkdir -p longtpl/group_vars && mv longtpl/group_vars.yml longtpl/group_vars/all.yml
expect template-80KB-line 2 'nested too deeply' -- "$KSM_BIN" eval --vars longtpl/group_vars/all.yml x

echo "== bytes"
head -c 4096 "$KSM_BIN" >elf
expect binary-elf 1 'elf:1:[0-9]+: unsupported inventory file: NUL byte' -- "$KSM_BIN" inventory -i elf --list
printf '[all]\nnode1 owner=Jos\xe9\n' >latin1.ini
expect invalid-utf8-ini 1 'latin1.ini:2:16: .*invalid UTF-8' -- "$KSM_BIN" inventory -i latin1.ini --list
printf 'all:\n  hosts:\n    node1:\n      x: "\xff\xfe"\n' >bad8.yml
expect invalid-utf8-yaml 1 'bad8.yml:4:11: .*invalid UTF-8' -- "$KSM_BIN" inventory -i bad8.yml --list
h=$(inv nulvars); mkdir -p nulvars/group_vars; printf 'a: 1\nb: x\0y\n' >nulvars/group_vars/all.yml
expect nul-in-group-vars 1 'all.yml:2:5: NUL byte' -- "$KSM_BIN" inventory -i "$h" --list

echo "== templates"
expect loop-a-billion 2 'unknown: evaluation limit \(steps\) exceeded' -- \
  "$KSM_BIN" eval --template '{% for i in range(1000000000) %}{% endfor %}'
expect string-a-billion 2 'unknown: evaluation limit \(size\) exceeded' -- "$KSM_BIN" eval "'x' * 1000000000"
printf 'a: "{{ a }}"\nb: "{{ c }}"\nc: "{{ b }}"\n' >selfref.yml
expect self-referencing-default 2 "unknown: recursive loop detected in template of 'a'" -- \
  "$KSM_BIN" eval --vars selfref.yml a
expect mutually-recursive-defaults 2 "unknown: recursive loop detected in template of 'b'" -- \
  "$KSM_BIN" eval --vars selfref.yml b

echo "== upgrade: bad sources, tags, schemas (nothing may be written)"
cp -r "$demo" inv
snapshot() { (cd inv && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
snapshot >inv.sum
upgrade() {  # upgrade NAME RC PATTERN ARGS...: must write nothing
  local name="$1" want="$2" pattern="$3"; shift 3
  rm -rf result
  expect "$name" "$want" "$pattern" -- "$KSM_BIN" upgrade -i inv -o result "$@"
  [ ! -e result ] || fail "$name: wrote $work/result"
  snapshot | cmp -s - inv.sum || fail "$name: changed the input"
}
mkdir -p notrepo
upgrade kubespray-not-a-repository 1 'notrepo: not a Kubespray clone' --to v2.16.0 --kubespray notrepo
git init -q mini
(cd mini && mkdir -p roles/kubespray-defaults/defaults inventory/sample/group_vars/all &&
  echo 'kube_version: v1.19.7' >roles/kubespray-defaults/defaults/main.yml &&
  printf '[all]\n' >inventory/sample/inventory.ini && echo 'x: 1' >inventory/sample/group_vars/all/all.yml &&
  git add -A && git -c user.email=t@t -c user.name=t commit -qm a && git tag v2.15.1 &&
  echo 'kube_version: v1.20.7' >roles/kubespray-defaults/defaults/main.yml &&
  git -c user.email=t@t -c user.name=t commit -qam b && git tag v2.16.0)
upgrade kubespray-tag-missing 1 "unknown tag 'v2.17.0' in Kubespray clone" --to v2.17.0 --kubespray mini
cp -r mini corrupt
blob=$(git -C mini rev-parse v2.16.0:roles/kubespray-defaults/defaults/main.yml)
chmod u+w "corrupt/.git/objects/${blob:0:2}/${blob:2}"; printf 'garbage' >"corrupt/.git/objects/${blob:0:2}/${blob:2}"
upgrade kubespray-corrupt-blob 1 "reading blob $blob: .*inflate" --to v2.16.0 --kubespray corrupt
cp -r mini corrupt-tree
tree=$(git -C mini rev-parse 'v2.16.0^{tree}')
chmod u+w "corrupt-tree/.git/objects/${tree:0:2}/${tree:2}"; head -c 20 /dev/zero >"corrupt-tree/.git/objects/${tree:0:2}/${tree:2}"
upgrade kubespray-corrupt-tree 1 'reading the tree of commit' --to v2.16.0 --kubespray corrupt-tree
upgrade tag-nonexistent-offline 1 "unknown tag 'v9.99.0' in versions/" --to v9.99.0 --offline
mkdir -p s1 s2 s3
printf 'release: v2.16.0\nvariable_renames:\n  - from: a\n    to: [b\n' >s1/v2.16.0.yml
printf 'sticky:\n  - variable: x\n    reason: r\n    source: s\n    when: "x == ((("\n' >s2/mine.yml
printf 'release: v2.16.0\nbogus_key: 1\n' >s3/mine.yml
upgrade schema-yaml-syntax 1 's1/v2.16.0.yml:5:1: invalid YAML' --to v2.16.0 --offline --schemas s1
upgrade schema-bad-jinja 1 's2/mine.yml:5:11: when: template syntax error' --to v2.16.0 --offline --schemas s2
upgrade schema-unknown-key 1 "s3/mine.yml:2:1: bogus_key: unknown key" --to v2.16.0 --offline --schemas s3
cp latin1.ini inv/hosts.yaml.bad && mv inv/hosts.yaml inv/hosts.good && mv inv/hosts.yaml.bad inv/hosts.yaml
snapshot >inv.sum
upgrade inventory-invalid-utf8 1 'hosts.yaml:2:16: .*invalid UTF-8' --to v2.16.0 --offline
mv inv/hosts.good inv/hosts.yaml; snapshot >inv.sum

ln -s "$work/outside.yml" inv/group_vars/all/outside.yml && echo 'x: 1' >"$work/outside.yml"
snapshot >inv.sum
upgrade symlink-leaving-inventory 1 'outside.yml: .*outside the inventory' --to v2.16.0 --offline
rm inv/group_vars/all/outside.yml; snapshot >inv.sum

echo "== upgrade: self-referencing variables in the inventory (bounded, reported)"
printf 'kube_network_plugin: "{{ kube_network_plugin }}"\ncontainer_manager: "{{ cm2 }}"\ncm2: "{{ container_manager }}"\n' \
  >inv/group_vars/k8s-cluster/zz-loop.yml  # after k8s-cluster.yml: these win
rm -rf result
expect upgrade-self-reference 2 "kube_network_plugin .*recursive loop detected in template of 'kube_network_plugin'" -- "$KSM_BIN" upgrade -i inv -o result --to v2.16.0 --offline
cmp -s inv/group_vars/k8s-cluster/zz-loop.yml result/group_vars/k8s_cluster/zz-loop.yml ||
  fail "upgrade-self-reference: zz-loop.yml changed"

[ "$failures" = 0 ] || { echo "$failures hostile-input check(s) failed"; exit 1; }
echo "all hostile inputs handled"
