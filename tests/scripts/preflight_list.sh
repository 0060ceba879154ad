#!/usr/bin/env bash
# End-to-end: `preflight --list-assertions` on a real Kubespray clone, text
# and JSON; the calico check of v2.19.0 is listed with its file:line.
# Skips (77) without a clone (KSM_KUBESPRAY_CLONE, default ../shared/kubespray-full.git).
set -euo pipefail
# Phrases are checked on unwrapped lines (output_words.sh checks the wrapping).
export COLUMNS=1000
clone="${KSM_KUBESPRAY_CLONE:-${KSM_SHARED:-}/kubespray-full.git}"
if [ ! -e "$clone" ]; then
  echo "skipped: no Kubespray clone at $clone (set KSM_KUBESPRAY_CLONE)"
  exit 77
fi
bin="${KSM_BIN:?}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

NO_COLOR=1 "$bin" preflight --kubespray "$clone" --to v2.19.0 --list-assertions >"$tmp/list.txt"
grep -q '^upgrade-cluster.yml at .*v2.19.0: 138 reachable assertions (72 assert, 66 fail)' "$tmp/list.txt"
grep -q '^roles/network_plugin/calico/tasks/check.yml:146  assert  \[network_plugin/calico\]$' "$tmp/list.txt"
if grep -q $'\033\[' "$tmp/list.txt"; then echo "colour with NO_COLOR"; exit 1; fi

"$bin" preflight --kubespray "$clone" --to v2.19.0 --list-assertions --format json >"$tmp/list.json"
python3 - "$tmp/list.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["counts"]["assertions"] == len(d["assertions"]) == 138, d["counts"]
c = [a for a in d["assertions"] if a["name"] == "Check if inventory match current cluster configuration"]
assert len(c) == 1, c
c = c[0]
assert (c["file"], c["line"]) == ("roles/network_plugin/calico/tasks/check.yml", 146)
assert len(c["that"]) == 4 and "calico_ipip_mode" in c["that"][2]
assert any(r["hosts"] == "k8s_cluster:etcd:calico_rr" for r in c["reaches"])
assert any("{{ include_file }}" == n["target"] for n in d["not_followed"])
PY

# Usage errors exit 1 with one line on stderr.
set +e
"$bin" preflight --kubespray "$clone" --list-assertions 2>"$tmp/err"; rc=$?
set -e
[ "$rc" = 1 ] && grep -q -- '--to TAG is required' "$tmp/err"
set +e
"$bin" preflight --kubespray "$clone" --to v9.9.9 --list-assertions 2>"$tmp/err"; rc=$?
set -e
[ "$rc" = 1 ] && grep -q 'error:' "$tmp/err"
echo ok
