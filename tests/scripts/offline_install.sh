#!/usr/bin/env bash
# Offline mode of the installed binary: `cmake --install` into a fresh prefix,
# then plan, explain and upgrade run from <prefix>/bin with no clone (no
# --kubespray, no KUBESPRAY_DIR, no KSM_DATA_DIR) and the current directory
# elsewhere, reading <prefix>/share/kubespray-migrate/{versions,schemas}.
# The prefix is moved after installing, so only the binary's own location
# can lead it to its data; removing an installed file then breaks the run,
# which shows the installed copy (not the source tree) is what was read.
set -euo pipefail
build=$(dirname "$KSM_BIN")
[ -f "$build/cmake_install.cmake" ] || { echo "skipped: $build is not a CMake build folder"; exit 77; }
# Every install rule must be relative to the prefix: an absolute destination
# would write outside it (into the machine's /usr/local) and be read from there.
if grep -E '^ *file\(INSTALL DESTINATION "/' "$build/cmake_install.cmake"; then
  echo "an install() DESTINATION is absolute: it ignores --prefix"
  exit 1
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cmake --install "$build" --prefix "$out/inst" >/dev/null
mv "$out/inst" "$out/moved"
prefix="$out/moved"
bin="$prefix/bin/kubespray-migrate"
share="$prefix/share/kubespray-migrate"
test -x "$bin"
test -s "$share/versions/index.json"
test -d "$share/schemas"
[ "$(ls "$share/versions" | wc -l)" = "$(ls "$KSM_SRC/versions" | wc -l)" ]
mkdir "$out/elsewhere"
cd "$out/elsewhere"
run() { env -u KSM_DATA_DIR -u KUBESPRAY_DIR "$bin" "$@"; }

run plan --from v2.15.1 --to v2.27.0 >"$out/plan.txt"
grep -q "^12. v2.26.1 -> v2.27.0  Kubernetes v1.31.4" "$out/plan.txt"
# A tag whose kube_version is a template (v2.28 on) has its version offline too.
run plan --from v2.30.0 --to v2.31.0 --format json >"$out/plan31.json"
python3 - "$out/plan31.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
assert [(h["to"], h["kube_version"]) for h in p["hops"]] == [("v2.31.0", "v1.35.4")], p["hops"]
PY

run explain v2.17.1 v2.18.0 --format json >"$out/explain.json"
python3 - "$out/explain.json" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
c = [x for x in e["changes"] if x["variable"] == "container_manager" and x["kind"] == "default_changed"]
assert c and c[0]["old"] == "docker" and c[0]["new"] == "containerd" and c[0]["sticky"] is True, c
PY
run explain v2.15.1 v2.16.0 >"$out/explain.txt"
grep -q "kube-master" "$out/explain.txt"

run upgrade -i "$KSM_SRC/testdata/demo/mycluster" --to v2.17.1 -o "$out/up" --offline >"$out/up.txt" || rc=$?
[ "${rc:-0}" -le 3 ] && [ "${rc:-0}" -ne 1 ] || { echo "upgrade exited ${rc:-0}"; cat "$out/up.txt"; exit 1; }
test -d "$out/up/group_vars/k8s_cluster"

# The installed data is what was read: without an installed tag file, it fails.
rm "$share/versions/v2.31.0.json"
set +e
run plan --from v2.30.0 --to v2.31.0 >/dev/null 2>"$out/err"; rc=$?
set -e
[ "$rc" = 1 ] || { echo "expected exit 1 without the installed v2.31.0.json, got $rc"; exit 1; }
echo ok
