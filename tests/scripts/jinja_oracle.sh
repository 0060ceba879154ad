#!/usr/bin/env bash
# Differential test of the Jinja engine against Ansible itself: every line
# of tests/data/jinja_corpus.txt is evaluated by `kubespray-migrate eval`
# and by ansible-core in ONE ansible-playbook run (one debug task per line,
# ignore_errors), with the variables of tests/data/jinja_corpus_vars.json.
# Every result our engine claims to know must equal Ansible's; lines we
# report as unknown are counted, not compared.
#
# Corpus lines: `EXPR` (an expression, compared as `{% set r = (EXPR) %}`
# rendered to JSON), `value: TEXT` (a variable value templated the way
# Ansible templates vars: `eval --value`), `#` comments. A leading
# `[netaddr]` marks lines that need Python's netaddr (ansible.utils.ipaddr);
# they are skipped when no Python with both ansible and netaddr is found.
#
# Exit 77 (skip) when ansible-playbook is absent.
set -euo pipefail
SRC="${KSM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}"
BIN="${KSM_BIN:-$SRC/build/kubespray-migrate}"
CORPUS="${JINJA_CORPUS:-$SRC/tests/data/jinja_corpus.txt}"
VARS="${JINJA_CORPUS_VARS:-$SRC/tests/data/jinja_corpus_vars.json}"

if ! command -v ansible-playbook >/dev/null 2>&1; then
  echo "skipped: ansible-playbook is not installed (the oracle)"
  exit 77
fi
# The oracle needs the collections Kubespray calls (ansible.posix: the json
# stdout callback; ansible.utils: ipaddr): Debian's ansible package.
if ! "$(head -1 "$(command -v ansible-playbook)" | sed -e 's/^#! *//' -e 's/ .*$//')" -c \
    'import ansible_collections.ansible.posix, ansible_collections.ansible.utils' 2>/dev/null; then
  echo "skipped: the Ansible collections are not installed (apt-get install ansible)"; exit 77
fi
[ -x "$BIN" ] || { echo "error: $BIN not built"; exit 1; }

# The Python that runs Ansible, and one that also has netaddr (ipaddr filters).
PB="$(command -v ansible-playbook)"
APY="$(head -1 "$PB" | sed -e 's/^#! *//' -e 's/ .*$//')"
[ -x "$APY" ] || APY=python3
ANSIBLE_PY="$APY"
ANSIBLE_PYTHONPATH=""
HAVE_NETADDR=0
if "$APY" -c 'import netaddr' 2>/dev/null; then
  HAVE_NETADDR=1
else
  ADIR="$("$APY" -c 'import ansible, os; print(os.path.dirname(os.path.dirname(ansible.__file__)))')"
  for py in python3 /usr/local/bin/python3; do
    p="$(command -v "$py" 2>/dev/null || true)"
    [ -n "$p" ] || continue
    if PYTHONPATH="$ADIR" "$p" -c 'import ansible, jinja2, yaml, netaddr' 2>/dev/null &&
       [ "$(PYTHONPATH="$ADIR" "$p" -c 'import ansible; print(ansible.__version__)')" = \
         "$("$APY" -c 'import ansible; print(ansible.__version__)')" ]; then
      ANSIBLE_PY="$p"; ANSIBLE_PYTHONPATH="$ADIR"; HAVE_NETADDR=1; break
    fi
  done
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

export BIN CORPUS VARS WORK HAVE_NETADDR ANSIBLE_PY ANSIBLE_PYTHONPATH PB
python3 - <<'PY'
import json, os, subprocess, sys, time

BIN, CORPUS, VARS, WORK = (os.environ[k] for k in ("BIN", "CORPUS", "VARS", "WORK"))
have_netaddr = os.environ["HAVE_NETADDR"] == "1"

cases = []  # (lineno, mode, text, needs_netaddr)
for n, raw in enumerate(open(CORPUS, encoding="utf-8"), 1):
    line = raw.rstrip("\n")
    if not line.strip() or line.lstrip().startswith("#"):
        continue
    needs = False
    if line.startswith("[netaddr] "):
        needs, line = True, line[len("[netaddr] "):]
    mode = "expr"
    if line.startswith("value: "):
        mode, line = "value", line[len("value: "):]
    cases.append((n, mode, line.replace("\\n", "\n") if mode == "value" else line, needs))

skipped = [c for c in cases if c[3] and not have_netaddr]
cases = [c for c in cases if not (c[3] and not have_netaddr)]

# ---- ours ----
ours = []
t0 = time.time()
for n, mode, text, _ in cases:
    args = [BIN, "eval", text, "--vars", VARS] + (["--value"] if mode == "value" else [])
    p = subprocess.run(args, capture_output=True, text=True)
    out = p.stdout.strip()
    if p.returncode == 0:
        ours.append(("known", json.loads(out)))
    elif p.returncode == 2 and out.startswith("unknown: "):
        ours.append(("unknown", out[len("unknown: "):]))
    elif p.returncode == 1:
        ours.append(("error", p.stderr.strip()))
    else:
        ours.append(("crash", f"rc={p.returncode} {p.stderr.strip()} {out}"))
t_ours = time.time() - t0

# ---- Ansible: one playbook run, localhost. Each case is a play variable
# c<i>, read through lookup('vars'), which templates it exactly as Ansible
# templates variables. A templating error fails a whole looping task, so:
# the cases we claim to know go through one looping debug task (fast) in a
# block whose rescue re-runs them one task each (only if one failed, which
# is a disagreement anyway); the cases we call unknown get a task each.
play_vars, loop_expr, loop_value, single = {}, [], [], []
for i, (n, mode, text, _) in enumerate(cases):
    play_vars[f"c{i}"] = ("{% set __r = (" + text + ") %}J{{ __r | to_json }}") if mode == "expr" else text
    if ours[i][0] == "known":
        (loop_expr if mode == "expr" else loop_value).append(i)
    else:
        single.append(i)

def case_task(i, loop=None):
    mode = cases[i if loop is None else loop[0]][1] if (loop is None or loop) else "expr"
    ref = "'c' ~ item" if loop is not None else f"'c{i}'"
    msg = "{{ lookup('vars', " + ref + ") }}" if mode == "expr" else "{{ lookup('vars', " + ref + ") | to_json }}"
    t = {"name": f"case {i}" if loop is None else f"loop {mode}", "debug": {"msg": msg}, "ignore_errors": True}
    if loop is not None:
        t["loop"] = loop
    return t

known = loop_expr + loop_value
block = [case_task(None, loop_expr), case_task(None, loop_value)] if known else []
block = [t for t, l in zip(block, (loop_expr, loop_value)) if l]
for t in block:
    del t["ignore_errors"]
tasks = []
if block:
    tasks.append({"block": block, "rescue": [case_task(i) for i in known]})
tasks += [case_task(i) for i in single]
play = [{"hosts": "localhost", "connection": "local", "gather_facts": False, "vars": play_vars,
         "tasks": tasks}]
pb = os.path.join(WORK, "oracle.yml")
with open(pb, "w") as f:
    json.dump(play, f)  # JSON is YAML
env = dict(os.environ, ANSIBLE_STDOUT_CALLBACK="json", ANSIBLE_CONFIG=os.path.join(WORK, "none.cfg"),
           ANSIBLE_LOCALHOST_WARNING="False", ANSIBLE_INVENTORY_UNPARSED_WARNING="False",
           ANSIBLE_DEPRECATION_WARNINGS="False", ANSIBLE_PYTHON_INTERPRETER=os.environ["ANSIBLE_PY"])
cmd = [os.environ["PB"], "-i", "localhost,", pb, "-e", "@" + VARS]
if os.environ.get("ANSIBLE_PYTHONPATH"):
    env["PYTHONPATH"] = os.environ["ANSIBLE_PYTHONPATH"]
    cmd = [os.environ["ANSIBLE_PY"]] + cmd
t0 = time.time()
p = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=WORK)
t_ansible = time.time() - t0
results = [None] * len(cases)
try:
    doc = json.loads(p.stdout[p.stdout.index("{"):])
    for t in doc["plays"][0]["tasks"]:
        name = t["task"]["name"]
        r = t["hosts"]["localhost"]
        if name.startswith("loop "):
            idx = loop_expr if name == "loop expr" else loop_value
            if r.get("failed") and not r.get("results"):
                continue  # the rescue tasks report these one by one
            for i, item in zip(idx, r.get("results", [])):
                results[i] = item
        elif name.startswith("case "):
            results[int(name[5:])] = r
    for i, r in enumerate(results):
        if r is not None and cases[i][1] == "value" and not r.get("failed") and isinstance(r.get("msg"), str):
            r["msg"] = json.loads(r["msg"])  # values were printed through to_json
    missing = [i for i, r in enumerate(results) if r is None]
    if missing:
        raise ValueError(f"no result for cases {missing[:10]}")
except Exception as e:
    print("error: could not read ansible-playbook output:", e, "\n", p.stdout[-2000:], p.stderr[-2000:])
    sys.exit(1)

def same(a, b):
    # strict equality: 1 != 1.0 != True as JSON types
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b

agree = disagree = unknown = both_fail = 0
bad = []
for (n, mode, text, _), (kind, val), res in zip(cases, ours, results):
    failed = bool(res.get("failed"))
    if not failed:
        got = res.get("msg")
        if mode == "expr":
            got = json.loads(got[1:]) if isinstance(got, str) and got.startswith("J") else ("<bad>", got)
    if kind == "crash":
        bad.append((n, text, f"crash: {val}", res.get("msg")))
        disagree += 1
    elif kind == "known":
        if failed:
            bad.append((n, text, f"ours {json.dumps(val)}", "ansible failed: " + str(res.get("msg"))[:300]))
            disagree += 1
        elif same(val, got):
            agree += 1
        else:
            bad.append((n, text, f"ours {json.dumps(val)}", f"ansible {json.dumps(got)}"))
            disagree += 1
    elif kind == "error":
        if failed:
            both_fail += 1
        else:
            bad.append((n, text, f"ours: syntax error {val}", f"ansible {json.dumps(got)}"))
            disagree += 1
    else:
        if failed:
            both_fail += 1
        unknown += 1

total = len(cases)
known = agree + disagree
print(f"jinja oracle: {total} cases ({len(skipped)} skipped: no netaddr), "
      f"known {known}/{total} = {100.0 * known / max(total, 1):.1f}%, "
      f"agreement on known {agree}/{known} = {100.0 * agree / max(known, 1):.1f}%, "
      f"unknown {unknown} (Ansible also failed on {both_fail})")
print(f"time: ours {t_ours:.1f}s ({total} processes), ansible {t_ansible:.1f}s (one playbook run)")
for n, text, a, b in bad:
    print(f"  line {n}: {text}\n      {a}\n      {b}")
if os.environ.get("JINJA_ORACLE_VERBOSE"):
    for (n, mode, text, _), (kind, val), res in zip(cases, ours, results):
        if kind != "known":
            print(f"  unknown line {n}: {text}\n      {val}\n      ansible: {str(res.get('msg'))[:200]}")
sys.exit(1 if disagree else 0)
PY
