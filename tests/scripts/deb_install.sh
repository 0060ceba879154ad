#!/usr/bin/env bash
# The Debian package as an operator gets it: `cpack -G DEB` in the build
# folder, the .deb extracted into a scratch root with dpkg-deb -x (no root
# needed), then, from the extracted /usr/bin/kubespray-migrate with its data
# found from the install layout (ROOT/usr/share/kubespray-migrate beside its
# bin/): --version, plan, an offline upgrade of the demo, the man pages
# (man -l, and `man kubespray-migrate-upgrade` through MANPATH) and the bash
# completion script. The package's data must be the whole of schemas/ and
# versions/, and a tag file removed from the extracted data must make plan
# fail: the extracted copy is what is read, not the source tree the binary
# was built from (its last resort).
#   KSM_DEB_KEEP=DIR  keep the .deb in DIR (CI)
#   KSM_DEB_REQUIRED=1  a missing tool (cpack, dpkg-shlibdeps, file, man) fails
#   instead of skipping
set -euo pipefail
build=$(cd "$(dirname "$KSM_BIN")" && pwd)
skip() {
  [ "${KSM_DEB_REQUIRED:-}" = 1 ] && { echo "$1"; exit 1; }
  echo "skipped: $1"
  exit 77
}
[ -f "$build/CPackConfig.cmake" ] || skip "$build has no CPackConfig.cmake"
for t in cpack dpkg-deb dpkg-shlibdeps file man; do
  command -v $t >/dev/null || skip "no $t (apt-get install dpkg-dev file man-db)"
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# The package.
(cd "$build" && cpack -G DEB -B "$out/pkg") >"$out/cpack.log" 2>&1 || { cat "$out/cpack.log"; exit 1; }
deb=$(ls "$out"/pkg/*.deb)
[ -n "${KSM_DEB_KEEP:-}" ] && cp "$deb" "$KSM_DEB_KEEP/"
echo "== $(basename "$deb")"
dpkg-deb -f "$deb" Package Version Architecture Depends
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libc6 libstdc++6 libgit2 libyaml-cpp libfmt libinih; do
  grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib (dpkg-shlibdeps): $depends"
done
dpkg -c "$deb" | awk '{print $6}' >"$out/contents"
grep -v '^\./$' "$out/contents" | grep -v '^\./usr/' && fail "files outside /usr"
for f in usr/bin/kubespray-migrate usr/share/kubespray-migrate/versions/index.json \
  usr/share/kubespray-migrate/schemas/schema.json usr/share/man/man1/kubespray-migrate.1 \
  usr/share/man/man1/kubespray-migrate-upgrade.1 usr/share/bash-completion/completions/kubespray-migrate \
  usr/share/zsh/vendor-completions/_kubespray-migrate; do
  grep -qx "\./$f" "$out/contents" || fail "the package lacks /$f"
done

# Installed into a scratch root; run from elsewhere, no variable leading to data.
dpkg-deb -x "$deb" "$out/root"
bin="$out/root/usr/bin/kubespray-migrate"
share="$out/root/usr/share/kubespray-migrate"
diff -r "$KSM_SRC/schemas" "$share/schemas" >/dev/null || fail "packaged schemas/ differs from the source's"
diff -r "$KSM_SRC/versions" "$share/versions" >/dev/null || fail "packaged versions/ differs from the source's"
mkdir "$out/elsewhere"
cd "$out/elsewhere"
run() { env -u KSM_DATA_DIR -u KUBESPRAY_DIR NO_COLOR=1 "$bin" "$@"; }

version=$(run --version)
echo "$version"
newest=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tags"][-1]["tag"])' "$share/versions/index.json")
[[ $version =~ ^kubespray-migrate\ [0-9]+\.[0-9]+\.[0-9]+\ \(Kubespray\ data\ up\ to\ v2\.[0-9]+\.[0-9]+\)$ ]] ||
  fail "--version: $version"
[[ $version == *"up to $newest)" ]] || fail "--version does not name $newest: $version"

run plan --from v2.15.1 --to v2.27.0 >"$out/plan.txt"
grep -q "^12. v2.26.1 -> v2.27.0  Kubernetes v1.31.4" "$out/plan.txt" || { cat "$out/plan.txt"; fail plan; }
echo "plan: $(grep -c '^[0-9]*\. ' "$out/plan.txt") hops v2.15.1 -> v2.27.0"

cp -r "$KSM_SRC/testdata/demo/mycluster" "$out/mycluster"
rc=0
run upgrade -i "$out/mycluster" --to v2.27.0 -o "$out/mycluster-v2.27.0" --offline >"$out/up.txt" 2>&1 || rc=$?
[ "$rc" = 0 ] || [ "$rc" = 2 ] || { cat "$out/up.txt"; fail "upgrade exited $rc"; }
test -f "$out/mycluster-v2.27.0/group_vars/k8s_cluster/k8s-cluster.yml" || fail "no k8s_cluster group_vars"
grep -q "kube_control_plane" "$out/mycluster-v2.27.0/hosts.yaml" || fail "hosts.yaml keeps the old groups"
echo "upgrade --offline of the demo to v2.27.0: exit $rc, $(find "$out/mycluster-v2.27.0" -type f | wc -l) files"

# Man pages: one per subcommand, every option of upgrade --help in its page.
subs=$(run __complete "" | cut -f1)
for s in $subs; do
  test -f "$out/root/usr/share/man/man1/kubespray-migrate-$s.1" || fail "no man page for $s"
done
export MANWIDTH=100
man -l -P cat "$out/root/usr/share/man/man1/kubespray-migrate-upgrade.1" 2>"$out/man.err" >"$out/man.txt"
[ -s "$out/man.err" ] && { cat "$out/man.err"; fail "man -l warned"; }
for o in $(run upgrade --help | grep -oE '^  -[^ ]+' | grep -oE -- '--?[A-Za-z0-9][A-Za-z0-9-]*'); do
  grep -q -- "$o" "$out/man.txt" || fail "man kubespray-migrate-upgrade lacks $o"
done
grep -q "^ENVIRONMENT" "$out/man.txt" || fail "no ENVIRONMENT in the page"
MANPATH="$out/root/usr/share/man" man -P cat kubespray-migrate-upgrade >"$out/man2.txt" 2>/dev/null ||
  fail "man kubespray-migrate-upgrade (MANPATH) found no page"
cmp -s "$out/man.txt" "$out/man2.txt" || fail "man by name differs from man -l"
echo "man: $(echo "$subs" | wc -w) subcommand pages; kubespray-migrate-upgrade(1):"
sed -n '1,4p' "$out/man.txt"

# bash completion, as installed, against the installed binary.
complete_words() {
  PATH="$out/root/usr/bin:$PATH" bash -c '
    source "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
    _kubespray_migrate
    printf "%s\n" "${COMPREPLY[@]}"' _ "$out/root/usr/share/bash-completion/completions/kubespray-migrate" \
    kubespray-migrate "$@"
}
[ "$(complete_words up)" = upgrade ] || fail "completion of 'up'"
[ "$(complete_words upgrade --to v2.31)" = v2.31.0 ] || fail "completion of a tag"
complete_words upgrade --hosts | grep -qx -- --hosts-format || fail "completion of an option"
echo "bash completion: $(complete_words "" | wc -l) subcommands, $(complete_words upgrade --to "" | wc -l) tags"

# The extracted data is what was read: without its newest tag file, plan fails.
rm "$share/versions/$newest.json"
set +e
run plan --from v2.30.0 --to "$newest" >/dev/null 2>"$out/err"
rc=$?
set -e
[ "$rc" = 1 ] || fail "expected exit 1 without the installed $newest.json, got $rc"
echo ok
