#!/usr/bin/env bash
# The review formats of `kubespray-migrate upgrade` on the bundled demo
# (offline, v2.15.1 -> v2.27.0), each run to a folder of its own: the exit
# status is the same in every format; markdown has one section per hop and
# ```diff blocks; SARIF parses, is version 2.1.0, and every result is
# located in a file of the output folder at a line that file has; JUnit
# parses, with one testsuite per hop and as many <failure>s as it counts.
set -euo pipefail
: "${KSM_BIN:?KSM_BIN must name the kubespray-migrate binary}"
KSM_SRC="${KSM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}"
command -v python3 >/dev/null || { echo "skipped: python3 not on PATH"; exit 77; }

work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

declare -A status
for fmt in json markdown sarif junit; do
  set +e
  "$KSM_BIN" upgrade -i "$KSM_SRC/testdata/demo/mycluster" --to v2.27.0 --offline \
    -o "$work/out-$fmt" --format "$fmt" >"$work/report.$fmt" 2>"$work/err.$fmt"
  status[$fmt]=$?
  set -e
  case ${status[$fmt]} in 0|2|3) ;; *) fail "$fmt: exit ${status[$fmt]}: $(cat "$work/err.$fmt")" ;; esac
  [ "${status[$fmt]}" = "${status[json]}" ] || fail "$fmt: exit ${status[$fmt]}, json's ${status[json]}"
done

python3 - "$work" <<'PY' || fail "the formats disagree with the JSON report or their own rules"
import json, os, re, sys
import xml.etree.ElementTree as ET
work = sys.argv[1]
rep = json.load(open(os.path.join(work, "report.json")))
hops = rep["hops"]
assert len(hops) > 1, len(hops)

md = open(os.path.join(work, "report.markdown")).read()
assert md.startswith("# Kubespray upgrade v2.15.1 → v2.27.0: review\n"), md[:80]
sections = re.findall(r"^## Hop (\d+): (\S+) → (\S+)$", md, re.M)
assert [(f, t) for _, f, t in sections] == [(h["from"], h["to"]) for h in hops], sections
assert "## Summary" in md
diffs = md.count("```diff\n")
assert diffs >= len([h for h in hops if h["changes"]]), diffs
assert md.count("```diff\n") == md.count("\n```\n"), "unbalanced fences"
pins = [c for h in hops for c in h["changes"] if c["kind"] == "pin"]
assert pins and all("keep " + c["variable"] in md.replace("\\_", "_") for c in pins)

out = os.path.join(work, "out-sarif")
sarif = json.load(open(os.path.join(work, "report.sarif")))
assert sarif["version"] == "2.1.0", sarif["version"]
run = sarif["runs"][0]
base = run["originalUriBaseIds"]["INVENTORY"]["uri"]
assert base == "file://" + os.path.realpath(out) + "/", (base, out)
rules = {r["id"] for r in run["tool"]["driver"]["rules"]}
results = run["results"]
assert results, "no results"
assert {"note", "warning"} <= {r["level"] for r in results}, {r["level"] for r in results}
for r in results:
    assert r["ruleId"] in rules, r["ruleId"]
    assert r["locations"], r
    for loc in r["locations"]:
        pl = loc["physicalLocation"]
        art = pl["artifactLocation"]
        assert art["uriBaseId"] == "INVENTORY", art
        path = os.path.join(out, art["uri"])
        assert os.path.isfile(path), path
        n = len(open(path).read().splitlines())
        assert 1 <= pl["region"]["startLine"] <= max(n, 1), (path, pl["region"], n)
pinned = [r for r in results if r["ruleId"].startswith("ksm/upgrade/pin/")]
assert len(pinned) == len(pins), (len(pinned), len(pins))
for r in pinned:
    pl = r["locations"][0]["physicalLocation"]
    line = open(os.path.join(out, pl["artifactLocation"]["uri"])).read().splitlines()[pl["region"]["startLine"] - 1]
    var = r["ruleId"].rsplit("/", 1)[1]
    assert line.lstrip().startswith(var + ":"), (line, var)

root = ET.parse(os.path.join(work, "report.junit")).getroot()
assert root.tag == "testsuites", root.tag
suites = root.findall("testsuite")
assert len(suites) == len(hops), (len(suites), len(hops))
assert [s.get("name") for s in suites] == [h["from"] + " -> " + h["to"] for h in hops]
failures = len(root.findall(".//failure"))
assert int(root.get("failures")) == failures, (root.get("failures"), failures)
assert failures == rep["conflicts"], (failures, rep["conflicts"])
cases = sum(len(h["changes"]) + len(h["conflicts"]) + len(h["notes"]) for h in hops)
assert int(root.get("tests")) == cases == len(root.findall(".//testcase")), (root.get("tests"), cases)
PY

# --diff: the Markdown holds the whole run's diff in the last hop; nothing is written.
set +e
"$KSM_BIN" upgrade -i "$KSM_SRC/testdata/demo/mycluster" --to v2.19.1 --offline --diff \
  --format markdown >"$work/diff.txt" 2>"$work/diff.md"
st=$?
set -e
case $st in 0|2|3) ;; *) fail "--diff markdown: exit $st" ;; esac
grep -q '^```diff$' "$work/diff.md" || fail "--diff markdown: no diff block"
grep -q 'the diff of the whole run' "$work/diff.md" || fail "--diff markdown: the whole run's diff not said"
echo "ok"
