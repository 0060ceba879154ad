#!/usr/bin/env bash
# End-to-end: `kubespray-migrate catalog` on the shared data writes the
# requested tags and the index; a folder that is no clone exits 1.
set -euo pipefail
data="${KSM_SHARED:-}/kubespray-data.git"
[ -d "$data" ] || { echo "skipped: $data is absent"; exit 77; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$KSM_BIN" catalog --kubespray "$data" -o "$out/versions" --tags v2.18.0,v2.27.0
test -s "$out/versions/v2.18.0.json"
test -s "$out/versions/v2.27.0.json"
grep -q '"kube_version": "v1.22.5"' "$out/versions/v2.18.0.json"
grep -q '"tag":"v2.27.0"' "$out/versions/index.json"
# The same output from $KUBESPRAY_DIR.
KUBESPRAY_DIR="$data" "$KSM_BIN" catalog -o "$out/again" --tags v2.18.0 >/dev/null
cmp "$out/versions/v2.18.0.json" "$out/again/v2.18.0.json"
# Errors: not a clone, unknown tag.
mkdir "$out/empty"
set +e
"$KSM_BIN" catalog --kubespray "$out/empty" -o "$out/x" 2>"$out/err"; rc=$?
set -e
[ "$rc" = 1 ] || { echo "expected exit 1, got $rc"; exit 1; }
grep -q "not a Kubespray clone" "$out/err"
set +e
"$KSM_BIN" catalog --kubespray "$data" -o "$out/x" --tags v9.9.9 2>"$out/err"; rc=$?
set -e
[ "$rc" = 1 ] || { echo "expected exit 1, got $rc"; exit 1; }
grep -q "unknown revision 'v9.9.9'" "$out/err"
echo ok
