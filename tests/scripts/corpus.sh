#!/usr/bin/env bash
# The operator-shaped corpus (testdata/corpus, issue 14): every inventory goes
# from its start tag through every hop to the newest tag with the full clone,
# on a copy in a temporary folder:
#
#   kubespray-migrate upgrade -i <copy> --from <tag> --to <to> --kubespray <clone> -o <out> --format json
#
# and is checked against ansible-inventory (the oracle): the produced
# inventory parses with no [WARNING] the input did not already give, and has
# the same host names. Prints one table row per inventory (hops run, tag
# reached, exit status, conflicts left, review and blocking notes, preflight's
# blocking findings, ansible-inventory parity) and a JSON summary
# ($KSM_CORPUS_SUMMARY if set, else the last line of the output).
#
# Assertions: no run exits 1 (error); every produced inventory parses in
# ansible-inventory and keeps the hosts (a run stopped by a conflict leaves
# its markers in the output by design: not parsed); every run reaches the
# target with no conflict left and meets the entry's `expect`
# (testdata/corpus/corpus.yml), except the entries listed in KNOWN_ERRORS /
# KNOWN_STOPS / KNOWN_MISSES below, each with its reason. A listed entry
# that now passes is reported ("tighten: ... remove it from KNOWN_...") but
# does not fail the test, so tightening is one line.
#
# Environment: KSM_BIN, KSM_SRC, KSM_SHARED (from ctest); KSM_KUBESPRAY_CLONE
# (default $KSM_SHARED/kubespray-full.git); KSM_CORPUS_ONLY (names, comma
# separated, to run a subset); KSM_CORPUS_KEEP (a folder to keep the copies,
# outputs and reports in). Exit 77 without the clone or ansible-inventory.
set -euo pipefail
: "${KSM_BIN:?KSM_BIN must name the kubespray-migrate binary}"
KSM_SRC="${KSM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}"
KSM_SHARED="${KSM_SHARED:-$KSM_SRC/../shared}"
clone="${KSM_KUBESPRAY_CLONE:-$KSM_SHARED/kubespray-full.git}"

# Runs that exit 1 (error) on a shape Ansible reads ("name: reason"). The
# issue wants none: each line is a bug of the tool, not of the corpus.
KNOWN_ERRORS='
'

# Runs that do not yet reach the target with no conflict left ("name: reason").
# None since the merge decides by meaning: a new entry here is a regression
# unless the operator's and the release's intent truly cannot both be kept.
KNOWN_STOPS='
'

# Expectations of corpus.yml not met yet by runs that reached the target
# ("name/key: reason", key as printed in the table's notes, e.g.
# "explicit-values/values.resolvconf_mode").
KNOWN_MISSES='
'

if [ ! -e "$clone" ] || ! git -C "$clone" rev-parse -q --verify 'v2.31.0^{commit}' >/dev/null 2>&1; then
  echo "skipped: no full Kubespray clone with v2.31.0 at $clone (set KSM_KUBESPRAY_CLONE)"
  exit 77
fi
if ! git -C "$clone" cat-file -e 'v2.31.0:cluster.yml' 2>/dev/null && \
   ! git -C "$clone" cat-file -e 'v2.31.0:playbooks/cluster.yml' 2>/dev/null; then
  echo "skipped: $clone has no playbooks (a roles-only data repo, not a full clone)"
  exit 77
fi
command -v ansible-inventory >/dev/null || { echo "skipped: ansible-inventory not on PATH"; exit 77; }
[ -x "$KSM_BIN" ] || { echo "FAIL: KSM_BIN=$KSM_BIN is not executable"; exit 1; }

work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
export KSM_BIN KSM_SRC CLONE="$clone" WORK="$work" KNOWN_ERRORS KNOWN_STOPS KNOWN_MISSES
start=$(date +%s)
set +e
python3 - <<'PY'
import json, os, re, shutil, subprocess, sys, time
import yaml

src, work, clone, ksm = os.environ["KSM_SRC"], os.environ["WORK"], os.environ["CLONE"], os.environ["KSM_BIN"]
corpus_dir = os.path.join(src, "testdata", "corpus")
index = yaml.safe_load(open(os.path.join(corpus_dir, "corpus.yml")))
target = index["to"]

def known(var):
    out = {}
    for line in os.environ.get(var, "").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            k, _, why = line.partition(":")
            out[k.strip()] = why.strip()
    return out
known_errors, known_stops, known_misses = known("KNOWN_ERRORS"), known("KNOWN_STOPS"), known("KNOWN_MISSES")
only = [n for n in os.environ.get("KSM_CORPUS_ONLY", "").split(",") if n]

# ansible-inventory: Ansible's own program, each run in a child forked from one
# Python process that imported Ansible once (tests/scripts/ansible_forkserver.py),
# with this environment, not a Python start-up per run. KSM_ANSIBLE_SUBPROCESS=1:
# a process per run, as before (the server's check: the same results).
sys.path.insert(0, os.path.join(src, "tests", "scripts"))
import ansible_forkserver
ansible_env = {"ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORCE_COLOR": "0"}
ansible = None if os.environ.get("KSM_ANSIBLE_SUBPROCESS") else ansible_forkserver.Client(ansible_env)

def ansible_inventory(path, vault_file, tag):
    cmd = ["ansible-inventory", "-i", path, "--list"]
    if vault_file:
        cmd += ["--vault-password-file", vault_file]
    if ansible:
        r = ansible.run(cmd)
    else:
        r = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, **ansible_env))
    warnings = []
    for w in re.findall(r"\[WARNING\]:(.*?)(?=\n\[|\Z)", r.stderr, re.S):
        warnings.append(" ".join(w.replace(path, "<" + tag + ">").split()))
    doc = None
    if r.returncode == 0:
        try:
            doc = json.loads(r.stdout)
        except ValueError:
            pass
    return r.returncode, doc, warnings, r.stderr

def hosts_of(doc):
    hosts = set(doc.get("_meta", {}).get("hostvars", {}))
    for g, e in doc.items():
        if g != "_meta" and isinstance(e, dict):
            hosts.update(e.get("hosts", []))
    return hosts

def group_values(root, group):
    """Top-level variables of group_vars/<group>{.yml,.yaml,.json,/**} (file order, later wins)."""
    gv = os.path.join(root, "group_vars")
    files = []
    for ext in ("", ".yml", ".yaml", ".json"):
        p = os.path.join(gv, group + ext)
        if os.path.isfile(p):
            files.append(p)
    d = os.path.join(gv, group)
    if os.path.isdir(d):
        for base, dirs, names in os.walk(d):
            dirs.sort()
            files += [os.path.join(base, n) for n in sorted(names) if n.endswith((".yml", ".yaml", ".json"))]
    out = {}
    for p in files:
        try:
            data = yaml.safe_load(open(p, encoding="utf-8-sig"))
        except yaml.YAMLError:
            continue
        if isinstance(data, dict):
            out.update(data)
    return out

def check_expect(entry, out_root, out_doc):
    ex = entry.get("expect") or {}
    misses = []
    host = ex.get("host")
    hv = (out_doc or {}).get("_meta", {}).get("hostvars", {}).get(host, {}) if host else {}
    for k, v in (ex.get("values") or {}).items():
        if hv.get(k) != v:
            misses.append(("values." + k, "%r, expected %r" % (hv.get(k, "(unset)"), v)))
    for k in ex.get("absent") or []:
        if k in hv:
            misses.append(("absent." + k, "set to %r" % hv[k]))
    for g, kv in (ex.get("group_values") or {}).items():
        have = group_values(out_root, g)
        for k, v in kv.items():
            if have.get(k) != v:
                misses.append(("group_values.%s.%s" % (g, k), "%r, expected %r" % (have.get(k, "(unset)"), v)))
    in_root = os.path.join(corpus_dir, entry["name"])
    for f in ex.get("identical") or []:
        a, b = os.path.join(in_root, f), os.path.join(out_root, f)
        if not os.path.isfile(b) or open(a, "rb").read() != open(b, "rb").read():
            misses.append(("identical." + f, "missing" if not os.path.isfile(b) else "changed"))
    for f, n in (ex.get("max_lines") or {}).items():
        p = os.path.join(out_root, f)
        lines = open(p, "rb").read().count(b"\n") if os.path.isfile(p) else None
        if lines is None or lines > n:
            misses.append(("max_lines." + f, "missing" if lines is None else "%d lines > %d" % (lines, n)))
    for f, lines in (ex.get("contains") or {}).items():
        p = os.path.join(out_root, f)
        have = open(p, encoding="utf-8-sig").read().splitlines() if os.path.isfile(p) else None
        lost = [l for l in lines if have is None or l not in have]
        if lost:
            misses.append(("contains." + f, "missing" if have is None else "lines lost: %r" % lost))
    for f in ex.get("bom") or []:
        p = os.path.join(out_root, f)
        if not os.path.isfile(p) or not open(p, "rb").read(3) == b"\xef\xbb\xbf":
            misses.append(("bom." + f, "missing" if not os.path.isfile(p) else "BOM lost"))
    return misses

rows, failures, tighten = [], [], []
t0 = time.time()
for entry in index["entries"]:
    name = entry["name"]
    if only and name not in only:
        continue
    rel = os.path.relpath(os.path.join(corpus_dir, entry["inventory"]), os.path.join(corpus_dir, name))
    copy = os.path.join(work, name, "in")
    shutil.copytree(os.path.join(corpus_dir, name), copy, symlinks=True)
    inv = copy if rel == "." else os.path.join(copy, rel)
    out = os.path.join(work, name, "out")
    vault = os.path.join(corpus_dir, entry["vault_password_file"]) if entry.get("vault_password_file") else None
    t = time.time()
    r = subprocess.run([ksm, "upgrade", "-i", inv, "--from", entry["from"], "--to", target,
                        "--kubespray", clone, "-o", out, "--format", "json", "--no-stop-preflight"], capture_output=True, text=True)
    secs = time.time() - t
    row = {"name": name, "from": entry["from"], "exit": r.returncode, "seconds": round(secs, 1)}
    rep = None
    try:
        rep = json.loads(r.stdout) if r.stdout.strip() else None
    except ValueError:
        pass
    hops = (rep or {}).get("hops", [])
    row["hops"] = len(hops)
    row["reached"] = hops[-1]["to"] if hops else "-"
    row["conflicts"] = (rep or {}).get("conflicts", 0)
    notes = [n for h in hops for n in h.get("notes", [])]
    row["review"] = sum(1 for n in notes if n.get("level") == "review")
    row["blocking"] = sum(1 for n in notes if n.get("level") == "blocking")
    pf = (rep or {}).get("preflight") or {}
    row["preflight_blocking"] = pf.get("summary", {}).get("blocking", "-")
    row["blocking_notes"] = [n["message"] for n in notes if n.get("level") == "blocking"]
    row["conflict_sites"] = ["%s:%s %s" % (c["file"], c["line"], c["what"]) for h in hops for c in h.get("conflicts", [])]
    problems = []
    row["error"] = ""
    if r.returncode == 1 or rep is None:
        row["error"] = "exit %d: %s" % (r.returncode, (r.stderr.strip() or r.stdout.strip())[:400])
        if name in known_errors:
            row["known"] = "known error: " + known_errors[name]
        else:
            problems.append("error (" + row["error"] + ")")
    elif name in known_errors:
        tighten.append("%s no longer exits 1: remove it from KNOWN_ERRORS" % name)

    # The oracle: input and output through ansible-inventory.
    in_st, in_doc, in_warn, in_err = ansible_inventory(inv, vault, "inventory")
    out_inv = None
    if os.path.isdir(out):
        out_inv = out if rel == "." else os.path.join(out, rel)
        if not os.path.exists(out_inv):
            out_inv = out
    parity = "-"
    out_doc = None
    if out_inv:
        out_st, out_doc, out_warn, out_err = ansible_inventory(out_inv, vault, "inventory")
        new_warn = [w for w in out_warn if w not in in_warn]
        if row["conflicts"]:
            parity = "markers (stopped)"   # the hop's conflict markers are in the output by design
        elif out_st != 0 or out_doc is None:
            parity = "FAIL: does not parse"
            problems.append("ansible-inventory fails on the output: " + out_err.strip()[:400])
        elif in_doc is None:
            parity = "input does not parse"
        else:
            a, b = hosts_of(in_doc), hosts_of(out_doc)
            if a != b:
                parity = "FAIL: hosts differ"
                problems.append("hosts differ: lost %s, new %s" % (sorted(a - b), sorted(b - a)))
            elif new_warn:
                parity = "FAIL: [WARNING]"
                problems.append("ansible-inventory warns on the output: " + " | ".join(new_warn)[:400])
            else:
                parity = "ok (%d hosts%s)" % (len(a), ", %d input warnings" % len(in_warn) if in_warn else "")
    elif not row["error"]:
        problems.append("no output folder written")
    row["parity"] = parity

    # Reaching the target with no conflict left, and the expectations.
    through = r.returncode in (0, 2, 3) and row["reached"] == target and row["conflicts"] == 0
    row["misses"] = []
    if through:
        row["misses"] = ["%s: %s" % m for m in check_expect(entry, out, out_doc)]
    if not through:
        why = "stopped at %s with %d conflict(s)" % (row["reached"], row["conflicts"]) if row["conflicts"] \
            else "reached %s (exit %d)" % (row["reached"], r.returncode)
        if name in known_stops:
            row["known"] = "known stop: " + known_stops[name]
        elif not row["error"]:
            problems.append("does not go through: " + why)
    elif name in known_stops:
        tighten.append("%s now goes through: remove it from KNOWN_STOPS" % name)
    for m in row["misses"]:
        key = name + "/" + m.split(":")[0]
        if key not in known_misses:
            problems.append("expectation: " + m)
    for key in known_misses:
        if key.startswith(name + "/") and through and not any(m.split(":")[0] == key[len(name) + 1:] for m in row["misses"]):
            tighten.append("%s is now met: remove it from KNOWN_MISSES" % key)
    row["problems"] = problems
    if problems:
        failures.append(name)
    rows.append(row)
    print("%-20s %s" % (name, "FAIL" if problems else "ok"), file=sys.stderr, flush=True)

cols = [("inventory", "name"), ("from", "from"), ("hops", "hops"), ("reached", "reached"), ("exit", "exit"),
        ("confl", "conflicts"), ("review", "review"), ("block", "blocking"), ("pf-block", "preflight_blocking"),
        ("secs", "seconds"), ("ansible-inventory", "parity")]
widths = [max(len(h), *(len(str(r[k])) for r in rows)) if rows else len(h) for h, k in cols]
print("  ".join(h.ljust(w) for (h, _), w in zip(cols, widths)))
for r in rows:
    print("  ".join(str(r[k]).ljust(w) for (_, k), w in zip(cols, widths)))
print()
for r in rows:
    lines = []
    if r.get("known"):
        lines.append(r["known"])
    lines += ["conflict " + c for c in r["conflict_sites"][:5]]
    lines += ["blocking: " + m.splitlines()[0][:160] for m in r["blocking_notes"][:3]]
    lines += ["expect " + m for m in r["misses"]]
    lines += ["PROBLEM " + p for p in r["problems"]]
    if lines:
        print(r["name"] + ":")
        for l in lines:
            print("  " + l)
for t in tighten:
    print("tighten: " + t)
summary = {"target": target, "seconds": round(time.time() - t0, 1), "failures": failures,
           "entries": [{k: r[k] for k in ("name", "from", "hops", "reached", "exit", "conflicts", "review",
                                          "blocking", "preflight_blocking", "parity", "misses", "problems",
                                          "seconds")} for r in rows]}
dest = os.environ.get("KSM_CORPUS_SUMMARY")
if dest:
    with open(dest, "w") as f:
        json.dump(summary, f, indent=2)
    print("summary: " + dest)
print(json.dumps(summary, separators=(",", ":")))
keep = os.environ.get("KSM_CORPUS_KEEP")
if keep:
    shutil.copytree(work, keep, dirs_exist_ok=True)
    print("outputs kept in " + keep)
sys.exit(1 if failures else 0)
PY
st=$?
set -e
echo "corpus: $(( $(date +%s) - start )) s"
[ $st -eq 0 ] && echo "ok" || echo "FAIL: see the problems above"
exit $st
