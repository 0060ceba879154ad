#!/usr/bin/env python3
"""Helper of invariant_oracle.sh (issue 14, deliver 6): the invariant of an
upgrade, judged by Ansible.

For every entry of testdata/corpus/corpus.yml:
  1. `kubespray-migrate upgrade -i <copy> --from <tag> --to <to> --kubespray
     <clone> -o <out> --format json` (as tests/scripts/corpus.sh runs it);
  2. ansible-playbook with the INPUT inventory against the start tag's tree,
     and with the OUTPUT inventory against the target's tree (each tree from
     `git archive`), computing for every host the running cluster's settings
     (SETTINGS below) in one run per tree and inventory;
  3. per host and setting: equal, changed and explained by the report,
     changed and unexplained (a failure unless KNOWN_DIFFS lists it), or
     unknown.

How Ansible computes the values (one run per tree and inventory):
  - the tree's own group setup first, as its playbooks run it before any
    role: legacy_groups.yml (v2.16 .. v2.23: kube-master -> kube_control_plane
    ...), or the group plays of playbooks/boilerplate.yml (v2.24 on: the
    same mappings and k8s_cluster built from kube_control_plane, kube_node
    and calico_rr; the roles `dynamic_groups` kept, `validate_inventory`
    left out). Before v2.16 the playbooks use the inventory's groups as
    they are. So group_vars/k8s_cluster/ is read when Kubespray reads it;
  - then one play on all hosts with `roles:` kubespray-defaults (or
    kubespray_defaults) and the calico defaults role
    (network_plugin/calico_defaults from v2.23, network_plugin/calico
    before), each with `when: false`: their defaults and vars/main are in
    scope exactly as Ansible puts them there, none of their tasks runs
    (the role entries are also tagged ksm_not_run and skipped with
    --skip-tags, which beats `tags: always`).
    Every setting of the list is defined by these two roles at every tag
    v2.11 .. v2.31 (etcd_member_name included: kubespray-defaults);
  - no fact gathering, connection local; one debug task dumps
    lookup('vars', name) per setting (tests/scripts/vars_oracle.py's lookup
    plugin, so one undefined name does not hide the others).

Values:
  - "No variable found with this name" is the value UNDEFINED (a state that
    compares like any other); any other error (a fact or a variable set by
    a task at run time) makes the value unknown: counted apart, never a
    difference;
  - schemas/sticky.yml `implicit:` rules are applied as the tool applies
    them: at a tag before `before`, a variable with no definition at all
    (UNDEFINED) takes the implicit value (`{{ name }}` is that host's value
    of `name`, computed by Ansible in the same run; else a literal). This
    is how calico_pool_blocksize before v2.20 (kube_network_node_prefix),
    calico_network_backend before v2.19 (bird), calico_ipip_mode and
    calico_vxlan_mode before v2.13 (ipip_mode, Never) get the values the
    running cluster has;
  - the calico settings are compared only on hosts whose kube_network_plugin
    is calico at the start (sticky.yml's `when`), else they are "n/a" (not
    counted);
  - scalars are compared as the text they render to (24 and "24" configure
    the same cluster); lists and mappings as JSON;
  - variables set in a SOPS-encrypted file (a YAML file with a top-level
    `sops:` mapping) cannot be decrypted: they are excluded (none of
    SETTINGS is in the corpus's SOPS file; the rule is applied anyway and
    the exclusions printed). Vault values are decrypted with the entry's
    vault_password_file.

Explained (the precise rule): a setting that changed on a host is explained
when the upgrade's JSON report asks the operator about it: a note at level
`review` or `blocking` of any hop, or a finding of its `preflight` section
with status `fail` and severity `error` or `warning`, whose JSON text names
the variable as a whole word (not inside a longer name); the output says
which note. A
`pin` or a `sample` change naming it explains nothing: a pin claims the
value is kept, a merged sample line is a change made without asking.

Entries whose run does not reach the target with no conflict left (an
error, or a stop whose conflict markers are in the output) are not
compared: there is no "after the last hop" (corpus.sh's KNOWN_ERRORS and
KNOWN_STOPS list them with their reasons).

Environment: KSM_BIN, KSM_SRC, CLONE, WORK; KNOWN_DIFFS (lines
"inventory/host/variable: reason", fnmatch patterns: `*` for every host);
KSM_INVARIANT_ONLY (names, comma separated); KSM_INVARIANT_JOBS (parallel
entries, default 2); KSM_INVARIANT_REUSE=1 (reuse the upgrade outputs and
Ansible results found in WORK); KSM_INVARIANT_CONTROL (the control entry,
default explicit-values: its input, not migrated, is also computed at the
target's tree and must differ from the start, so that the oracle is shown
to see a change when there is one).
"""
import concurrent.futures
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vars_oracle import LOOKUP_PLUGIN  # noqa: E402  (the same lookup plugin)

SETTINGS = [
    "container_manager", "etcd_deployment_type", "resolvconf_mode", "kube_network_plugin",
    "kube_proxy_mode", "kube_service_addresses", "kube_pods_subnet", "kube_network_node_prefix",
    "cluster_name", "dns_domain", "etcd_member_name",
    "calico_ipip_mode", "calico_vxlan_mode", "calico_network_backend", "calico_pool_blocksize",
]
CALICO = {"calico_ipip_mode", "calico_vxlan_mode", "calico_network_backend", "calico_pool_blocksize"}
UNDEFINED = {"__undefined__": True}

src = os.environ.get("KSM_SRC", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
corpus_dir = os.path.join(src, "testdata", "corpus")


def vkey(t):
    return tuple(int(x) for x in t.lstrip("v").split("."))


# ---------------------------------------------------------------- trees

_tree_lock = threading.Lock()
_trees = {}


def tree_of(clone, work, tag):
    """roles/ and the group playbooks of TAG, extracted once."""
    with _tree_lock:
        if tag in _trees:
            return _trees[tag]
        d = os.path.join(work, "trees", tag)
        if not os.path.isdir(os.path.join(d, "roles")):
            shutil.rmtree(d, ignore_errors=True)
            os.makedirs(d)
            names = subprocess.run(["git", "--git-dir", clone, "ls-tree", "--name-only", tag,
                                    "legacy_groups.yml", "playbooks/"], capture_output=True,
                                   text=True, check=True).stdout.split()
            want = ["roles"] + [n for n in names if n in (
                "legacy_groups.yml", "playbooks/legacy_groups.yml", "playbooks/boilerplate.yml")]
            git = subprocess.Popen(["git", "--git-dir", clone, "archive", tag] + want,
                                   stdout=subprocess.PIPE)
            subprocess.run(["tar", "-x", "-C", d], stdin=git.stdout, check=True)
            if git.wait() != 0:
                raise RuntimeError("git archive %s failed" % tag)
        _trees[tag] = d
        return d


def group_plays(tree):
    """What the tree's playbooks run before any role to set up groups."""
    for rel in ("legacy_groups.yml", "playbooks/legacy_groups.yml"):
        if os.path.isfile(os.path.join(tree, rel)):
            return [{"import_playbook": os.path.join(tree, rel)}]
    bp = os.path.join(tree, "playbooks", "boilerplate.yml")
    out = []
    if os.path.isfile(bp):
        for play in yaml.safe_load(open(bp)) or []:
            if "import_playbook" in play or play.get("hosts") != "all":
                continue
            tasks = play.get("tasks") or []
            roles = [r for r in play.get("roles") or []
                     if (r if isinstance(r, str) else r.get("role")) == "dynamic_groups"]
            if not any("group_by" in t or "ansible.builtin.group_by" in t for t in tasks) and not roles:
                continue
            p = {k: v for k, v in play.items() if k not in ("roles", "tags")}
            if roles:
                p["roles"] = roles
            out.append(p)
    return out  # before v2.16: nothing (the inventory's own group names)


def defaults_roles(tree):
    out = []
    for r in ("kubespray-defaults", "kubespray_defaults"):
        if os.path.isdir(os.path.join(tree, "roles", r)):
            out.append(r)
            break
    for r in ("network_plugin/calico_defaults", "network_plugin/calico"):
        if os.path.isdir(os.path.join(tree, "roles", r)):
            out.append(r)
            break
    return out


# ---------------------------------------------------------------- ansible

CFG = """\
[defaults]
roles_path = {tree}/roles
force_valid_group_names = ignore
deprecation_warnings = False
host_key_checking = False
stdout_callback = json
retry_files_enabled = False
gathering = explicit
fact_caching = memory
forks = 8
inventory_ignore_extensions = ~, .orig, .bak, .ini, .cfg, .retry, .pyc, .pyo, .creds, .gpg
jinja2_extensions = jinja2.ext.do,jinja2.ext.loopcontrols
[inventory]
ignore_patterns = artifacts, credentials
"""


def run_ansible(tree, inventory, vault, out_dir, names):
    """One ansible-playbook run: names for every host -> {host: {name: result}}."""
    os.makedirs(os.path.join(out_dir, "lookup_plugins"), exist_ok=True)
    with open(os.path.join(out_dir, "lookup_plugins", "ksm_vars_each.py"), "w") as f:
        f.write(LOOKUP_PLUGIN)
    plays = group_plays(tree)
    plays.append({
        "hosts": "all", "gather_facts": False, "connection": "local",
        "roles": [{"role": r, "when": False, "tags": ["ksm_not_run"]} for r in defaults_roles(tree)],
        "tasks": [{"name": "ksm_dump", "debug": {
            "msg": "V{{ lookup('ksm_vars_each', *ksm_names) | to_json }}"}}],
    })
    play = os.path.join(out_dir, "play.yml")
    with open(play, "w") as f:
        yaml.safe_dump(plays, f, sort_keys=False)
    cfg = os.path.join(out_dir, "ansible.cfg")
    with open(cfg, "w") as f:
        f.write(CFG.format(tree=os.path.abspath(tree)))
    namesfile = os.path.join(out_dir, "names.json")
    with open(namesfile, "w") as f:
        json.dump({"ksm_names": names}, f)
    env = dict(os.environ, ANSIBLE_CONFIG=cfg, ANSIBLE_STDOUT_CALLBACK="json", ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_INVENTORY_UNPARSED_WARNING="0")
    # --skip-tags: the roles' tasks are skipped before their loops are
    # evaluated (a with_first_found over facts fails even under when: false)
    cmd = ["ansible-playbook", "-i", inventory, "-e", "@" + namesfile, "--skip-tags", "ksm_not_run", play]
    if vault:
        cmd[1:1] = ["--vault-password-file", vault]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=out_dir)
    with open(os.path.join(out_dir, "ansible.out"), "w") as f:
        f.write(proc.stdout)
    with open(os.path.join(out_dir, "ansible.err"), "w") as f:
        f.write(proc.stderr)
    try:
        doc = json.loads(proc.stdout)
    except ValueError:
        raise RuntimeError("ansible-playbook gave no JSON (exit %d): %s" % (
            proc.returncode, (proc.stderr or proc.stdout)[-1500:]))
    result, ran = {}, []
    for play_doc in doc["plays"]:
        for task in play_doc["tasks"]:
            tname = task["task"]["name"]
            for host, hres in task["hosts"].items():
                if tname != "ksm_dump":
                    if hres.get("action") not in ("group_by", "ansible.builtin.group_by"):
                        ran.append("%s on %s" % (tname, host))
                    continue
                msg = hres.get("msg", "")
                if hres.get("failed") or not isinstance(msg, str) or not msg.startswith("V"):
                    raise RuntimeError("ksm_dump failed on %s: %s" % (host, str(msg)[:1500]))
                result[host] = json.loads(msg[1:])
    if ran:  # the roles are loaded for their variables only
        raise RuntimeError("role tasks ran: " + ", ".join(ran[:5]))
    return result


# ---------------------------------------------------------------- values

def implicit_rules():
    doc = yaml.safe_load(open(os.path.join(src, "schemas", "sticky.yml")))
    out = {}
    for st in doc.get("sticky", []):
        for im in st.get("implicit") or []:
            out.setdefault(st["variable"], []).append((im["before"], im["value"]))
    return out


def implicit_names(rules):
    names = []
    for lst in rules.values():
        for _, value in lst:
            m = re.fullmatch(r"\{\{\s*(\w+)\s*\}\}", str(value))
            if m and m.group(1) not in names:
                names.append(m.group(1))
    return names


def values_at(raw, tag, rules):
    """Ansible's results for one host -> {name: value | UNDEFINED | ("unknown", why)}."""
    out = {}
    for name, r in raw.items():
        if r["ok"]:
            out[name] = r["value"]
        elif "No variable found with this name" in r["error"]:
            out[name] = UNDEFINED
        else:
            out[name] = ("unknown", r["error"][:200])
    for name, lst in rules.items():
        if out.get(name) is not UNDEFINED:
            continue
        for before, value in sorted(lst, key=lambda x: vkey(x[0])):
            if vkey(tag) < vkey(before):
                m = re.fullmatch(r"\{\{\s*(\w+)\s*\}\}", str(value))
                out[name] = out.get(m.group(1), UNDEFINED) if m else value
                break
    return out


def is_unknown(v):
    return isinstance(v, tuple)


def same(a, b):
    if a is UNDEFINED or b is UNDEFINED:
        return a is b
    if isinstance(a, (list, dict)) or isinstance(b, (list, dict)):
        return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    return text(a) == text(b)


def text(v):
    if v is UNDEFINED:
        return "(undefined)"
    if isinstance(v, bool):
        return "True" if v else "False"  # as Jinja renders it
    return v if isinstance(v, str) else json.dumps(v)


def sops_variables(root):
    out = {}
    for base, dirs, files in os.walk(root):
        dirs.sort()
        for f in sorted(files):
            if not f.endswith((".yml", ".yaml", ".json")) and "." in f:
                continue
            p = os.path.join(base, f)
            try:
                data = yaml.safe_load(open(p, encoding="utf-8-sig"))
            except Exception:  # noqa: BLE001 - vault tags, not YAML, ...: not SOPS
                continue
            if isinstance(data, dict) and isinstance(data.get("sops"), dict):
                for k in data:
                    if k != "sops":
                        out[k] = os.path.relpath(p, root)
    return out


def report_texts(rep):
    """The report's texts that ask the operator, as (label, text): the
    review/blocking notes of every hop, and the findings of its preflight
    section that fail at severity error or warning."""
    texts = []
    for hop in rep.get("hops", []):
        for n in hop.get("notes", []):
            if n.get("level") in ("review", "blocking"):
                texts.append(("%s note at %s: %s" % (n["level"], hop.get("to"), n.get("message", "")[:90]),
                              json.dumps(n)))
    for f in (rep.get("preflight") or {}).get("findings", []):
        if f.get("status") == "fail" and f.get("severity") in ("error", "warning"):
            texts.append(("preflight %s: %s" % (f.get("severity"), f.get("title", "")[:90]), json.dumps(f)))
    return texts


def explained(texts, name):
    """The first text that names the variable as a whole word, or None."""
    pat = re.compile(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])")
    for label, t in texts:
        if pat.search(t):
            return label
    return None


# ---------------------------------------------------------------- entries

def known_list(var):
    out = {}
    for line in os.environ.get(var, "").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            k, _, why = line.partition(": ")
            out[k.strip()] = why.strip()
    return out


def run_entry(entry, target, clone, ksm, work, rules, names, reuse):
    name = entry["name"]
    d = os.path.join(work, name)
    rel = os.path.relpath(os.path.join(corpus_dir, entry["inventory"]), os.path.join(corpus_dir, name))
    copy = os.path.join(d, "in")
    out = os.path.join(d, "out")
    report_path = os.path.join(d, "report.json")
    vault = os.path.join(corpus_dir, entry["vault_password_file"]) if entry.get("vault_password_file") else None
    row = {"name": name, "from": entry["from"], "status": "", "hosts": 0}
    t = time.time()
    if not (reuse and os.path.isfile(report_path)):
        shutil.rmtree(d, ignore_errors=True)
        shutil.copytree(os.path.join(corpus_dir, name), copy, symlinks=True)
        inv = copy if rel == "." else os.path.join(copy, rel)
        r = subprocess.run([ksm, "upgrade", "-i", inv, "--from", entry["from"], "--to", target,
                            "--kubespray", clone, "-o", out, "--format", "json", "--no-stop-preflight"],
                           capture_output=True, text=True)
        with open(report_path, "w") as f:
            f.write(r.stdout)
        with open(os.path.join(d, "exit"), "w") as f:
            f.write("%d\n%s" % (r.returncode, r.stderr))
    inv = copy if rel == "." else os.path.join(copy, rel)
    code, _, err = open(os.path.join(d, "exit")).read().partition("\n")
    row["upgrade_seconds"] = round(time.time() - t, 1)
    try:
        rep = json.loads(open(report_path).read() or "null")
    except ValueError:
        rep = None
    hops = (rep or {}).get("hops", [])
    reached = hops[-1]["to"] if hops else "-"
    conflicts = (rep or {}).get("conflicts", 0)
    if code == "1" or rep is None:
        row["status"] = "not compared: upgrade exit %s (%s)" % (code, err.strip().splitlines()[-1][:120] if err.strip() else "")
        return row
    if reached != target or conflicts:
        row["status"] = "not compared: stopped at %s with %d conflict(s)" % (reached, conflicts)
        return row
    out_inv = out if rel == "." else os.path.join(out, rel)
    if not os.path.exists(out_inv):
        out_inv = out
    t = time.time()
    sides = {}
    for side, tag, path in (("before", entry["from"], inv), ("after", target, out_inv)):
        sd = os.path.join(d, "ansible-" + side)
        res = os.path.join(sd, "values.json")
        if not (reuse and os.path.isfile(res)):
            os.makedirs(sd, exist_ok=True)
            vals = run_ansible(tree_of(clone, work, tag), path, vault, sd, names)
            with open(res, "w") as f:
                json.dump(vals, f, indent=1, sort_keys=True)
        sides[side] = json.load(open(res))
    row["ansible_seconds"] = round(time.time() - t, 1)
    before_root = os.path.dirname(inv) if os.path.isfile(inv) else inv
    after_root = os.path.dirname(out_inv) if os.path.isfile(out_inv) else out_inv
    sops = dict(sops_variables(before_root), **sops_variables(after_root))
    row["sops_excluded"] = sorted(set(sops) & set(SETTINGS))
    row["sops_vars"] = len(sops)
    texts = report_texts(rep)
    row["hosts"] = len(sides["before"])
    row.update(compared=0, equal=0, explained=0, unexplained=0, unknown=0, na=0)
    row["diffs"], row["explained_list"], row["unknown_list"] = [], [], []
    for host in sorted(sides["before"]):
        b = values_at(sides["before"][host], entry["from"], rules)
        a_raw = sides["after"].get(host)
        a = values_at(a_raw, target, rules) if a_raw is not None else None
        calico = b.get("kube_network_plugin") == "calico"
        for var in SETTINGS:
            if var in row["sops_excluded"]:
                continue
            if var in CALICO and not calico:
                row["na"] += 1
                continue
            row["compared"] += 1
            if a is None:
                row["unexplained"] += 1
                row["diffs"].append((host, var, text(b[var]), "(host missing from the output)"))
                continue
            if is_unknown(b[var]) or is_unknown(a[var]):
                row["unknown"] += 1
                row["unknown_list"].append((host, var, b[var][1] if is_unknown(b[var]) else a[var][1]))
            elif same(b[var], a[var]):
                row["equal"] += 1
            elif explained(texts, var):
                row["explained"] += 1
                row["explained_list"].append((host, var, text(b[var]), text(a[var]), explained(texts, var)))
            else:
                row["unexplained"] += 1
                row["diffs"].append((host, var, text(b[var]), text(a[var])))
    row["status"] = "compared"
    if name == os.environ.get("KSM_INVARIANT_CONTROL", "explicit-values"):
        # The control: the INPUT, not migrated, against the target's tree must
        # differ from the start (the defaults changed under it), else the
        # oracle cannot see a change at all.
        sd = os.path.join(d, "ansible-control")
        res = os.path.join(sd, "values.json")
        if not (reuse and os.path.isfile(res)):
            os.makedirs(sd, exist_ok=True)
            with open(res, "w") as f:
                json.dump(run_ansible(tree_of(clone, work, target), inv, vault, sd, names), f)
        ctl = json.load(open(res))
        seen = []
        for host in sorted(sides["before"]):
            b = values_at(sides["before"][host], entry["from"], rules)
            c = values_at(ctl.get(host, {}), target, rules)
            seen += ["%s %s: %s -> %s" % (host, v, text(b[v]), text(c.get(v)))
                     for v in SETTINGS if v in c and not is_unknown(b[v]) and not is_unknown(c[v])
                     and not same(b[v], c[v])]
        row["control"] = seen
    return row


def main():
    ksm, clone, work = os.environ["KSM_BIN"], os.environ["CLONE"], os.environ["WORK"]
    reuse = bool(os.environ.get("KSM_INVARIANT_REUSE"))
    index = yaml.safe_load(open(os.path.join(corpus_dir, "corpus.yml")))
    target = index["to"]
    only = [n for n in os.environ.get("KSM_INVARIANT_ONLY", "").split(",") if n]
    known = known_list("KNOWN_DIFFS")
    rules = implicit_rules()
    names = SETTINGS + [n for n in implicit_names(rules) if n not in SETTINGS]
    entries = [e for e in index["entries"] if not only or e["name"] in only]
    t0 = time.time()
    jobs = int(os.environ.get("KSM_INVARIANT_JOBS", "2"))
    rows = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        futs = {ex.submit(run_entry, e, target, clone, ksm, work, rules, names, reuse): e["name"]
                for e in entries}
        for fut in concurrent.futures.as_completed(futs):
            n = futs[fut]
            try:
                rows[n] = fut.result()
            except Exception as e:  # noqa: BLE001 - reported as a failure of the entry
                rows[n] = {"name": n, "from": "?", "status": "ERROR: %s" % e, "hosts": 0}
            print("%-20s %s (upgrade %ss, ansible %ss)" % (n, rows[n]["status"], rows[n].get("upgrade_seconds", "-"),
                                                            rows[n].get("ansible_seconds", "-")),
                  file=sys.stderr, flush=True)
    rows = [rows[e["name"]] for e in entries]

    failures, used, tighten = [], set(), []
    cols = [("inventory", "name"), ("start", "from"), ("hosts", "hosts"), ("compared", "compared"),
            ("equal", "equal"), ("changed(explained)", "explained"),
            ("changed(unexplained)", "unexplained"), ("unknown", "unknown")]
    table = []
    for r in rows:
        if r["status"] == "compared":
            known_n = 0
            for host, var, bv, av in r["diffs"]:
                key = "%s/%s/%s" % (r["name"], host, var)
                hit = [k for k in known if fnmatch.fnmatchcase(key, k)]
                used.update(hit)
                known_n += bool(hit)
                if not hit:
                    failures.append("%s: %s -> %s" % (key, bv, av))
            r["known_diffs"] = known_n
            cells = [str(r.get(k, "")) for _, k in cols]
            if known_n:
                cells[6] += " (%d known)" % known_n
        else:
            cells = [r["name"], r["from"], "-", "-", "-", "-", "-", "-"]
            if r["status"].startswith("ERROR"):
                failures.append("%s: %s" % (r["name"], r["status"]))
        table.append(cells)
    widths = [max(len(h), *(len(c[i]) for c in table)) for i, (h, _) in enumerate(cols)]
    print("  ".join(h.ljust(w) for (h, _), w in zip(cols, widths)))
    for c in table:
        print("  ".join(x.ljust(w) for x, w in zip(c, widths)))
    tot = {k: sum(r.get(k, 0) for r in rows if r["status"] == "compared")
           for k in ("hosts", "compared", "equal", "explained", "unexplained", "unknown", "na")}
    print("total: %(hosts)d hosts, %(compared)d settings compared, %(equal)d equal, %(explained)d "
          "changed (explained), %(unexplained)d changed (unexplained), %(unknown)d unknown; "
          "%(na)d calico settings n/a (not calico)" % tot)
    print()
    for r in rows:
        lines = []
        if r["status"] != "compared":
            lines.append(r["status"])
        elif not r["hosts"]:
            lines.append("no hosts in the inventory: nothing to compare")
        else:
            for host, var, bv, av in r["diffs"]:
                key = "%s/%s/%s" % (r["name"], host, var)
                hit = [k for k in known if fnmatch.fnmatchcase(key, k)]
                lines.append("%s %s %s: %s -> %s%s" % ("KNOWN" if hit else "UNEXPLAINED", host, var, bv, av,
                                                       " (" + known[hit[0]] + ")" if hit else ""))
            for host, var, bv, av, why in r["explained_list"]:
                lines.append("explained %s %s: %s -> %s (%s)" % (host, var, bv, av, why))
            for host, var, why in r["unknown_list"][:5]:
                lines.append("unknown %s %s: %s" % (host, var, why))
            if r.get("sops_vars"):
                lines.append("SOPS: %d variable(s) of a SOPS file left out (cannot be decrypted); "
                             "of the settings: %s" % (r["sops_vars"], ", ".join(r["sops_excluded"]) or "none"))
        if lines:
            print(r["name"] + ":")
            for line in lines:
                print("  " + line)
    ctl = [r for r in rows if "control" in r]
    for r in ctl:
        print("control: %s's input, not migrated, at %s differs from its start in %d settings (e.g. %s): "
              "the oracle sees a change when there is one" % (r["name"], target, len(r["control"]),
                                                             "; ".join(r["control"][:2]) or "none"))
        if not r["control"]:
            failures.append("control %s: the unmigrated input shows no change at %s" % (r["name"], target))
    ran = {r["name"] for r in rows}
    for k in known:
        if k.split("/")[0] in ran and k not in used:
            tighten.append("%s no longer differs: remove it from KNOWN_DIFFS" % k)
    for t in tighten:
        print("tighten: " + t)
    print("seconds: %.0f" % (time.time() - t0))
    for f in failures:
        print("FAIL " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
