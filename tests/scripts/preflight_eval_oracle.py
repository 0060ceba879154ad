#!/usr/bin/env python3
"""Helper of preflight_eval_oracle.sh: the Ansible side of the agreement
test of `preflight`'s evaluation, and the comparison.

  play    TREE EVAL.json OUTDIR   write OUTDIR/oracle.yml and OUTDIR/roles/
                                  (an Ansible project evaluating the same
                                  assertions, see below)
  compare EVAL.json ANSIBLE.json TAG TREE   per-tag figures; exit 1 on a
                                  disagreement on an assertion we call known

The generated project gives Ansible what a real upgrade-cluster.yml run
would see at each assertion, minus the tasks before it:
  * roles/: every role of the tag with its defaults/, vars/ and meta/ (so
    dependencies load their defaults too), and no tasks of its own;
  * one play per (hosts pattern, role) the assertions are reached from, with
    `roles: [kubespray-defaults]`, connection local, no fact gathering, and
    an import_role of that role's generated task file (its defaults and
    vars/main in scope, the reach's role params as vars);
  * in that file: a set_fact of the values preflight simulated from the live
    cluster (calico_pool_conf, ...: the "registered" values), then each
    assertion as written (assert/fail, that, msg, loop, run_once, task vars)
    under its inherited and own conditions, with ignore_errors: true and
    the task named "ksm <id>".
Ansible runs with a fact cache (testdata/vars/builder4-facts) that
preflight does not get: an assertion we call known without facts must not
depend on them. Ansible's result per host: skipped, ok (pass), failed
(fail), or an error. Errors that say nothing about our answer are not
compared, and listed: a variable an earlier task of the real run sets
(register/set_fact), a collection filter this controller lacks
(ansible.utils.fact_diff in a fail_msg), and Ansible versions newer than the tag supports
refusing templated conditionals.
"""
import json
import os
import shutil
import sys

import yaml


class _Dumper(yaml.SafeDumper):
    pass


def _str(d, s):
    return d.represent_scalar("tag:yaml.org,2002:str", s, style='"' if "\n" not in s else "|")


_Dumper.add_representer(str, _str)


def copy_roles(tree, out):
    base = os.path.join(tree, "roles")
    roles = []
    for root, dirs, files in os.walk(base):
        dirs.sort()
        rel = os.path.relpath(root, base)
        if not any(os.path.isdir(os.path.join(root, d))
                   for d in ("defaults", "vars", "meta", "tasks", "handlers")):
            continue
        has = [d for d in ("defaults", "vars", "meta") if os.path.isdir(os.path.join(root, d))]
        roles.append(rel)
        os.makedirs(os.path.join(out, "roles", rel), exist_ok=True)
        for d in has:
            shutil.copytree(os.path.join(root, d), os.path.join(out, "roles", rel, d), dirs_exist_ok=True)
        dirs[:] = [d for d in dirs if d not in ("defaults", "vars", "meta", "tasks", "handlers",
                                                  "templates", "files")]
    return roles


def play_project(tree, eval_path, out):
    ev = json.load(open(eval_path))
    os.makedirs(out, exist_ok=True)
    copy_roles(tree, out)
    live = {k: v["value"] for k, v in ev["live"].items() if v["known"] and v["defined"]}
    groups = {}  # (hosts, role, vars json) -> [task]
    for a in ev["assertions"]["assertions"]:
        for r in a["reaches"]:
            if r["in_rescue"]:
                continue
            args = {}
            if a["module"] == "assert":
                args["that"] = a["that"]
                if a["msg"] is not None:
                    args["msg"] = a["msg"]
            elif a["msg"] is not None:
                args["msg"] = a["msg"]
            t = {"name": "ksm " + a["id"], ("assert" if a["module"] == "assert" else "fail"): args}
            if r["conditions"]:
                t["when"] = r["conditions"]
            if a["run_once"] is not None:
                t["run_once"] = a["run_once"]
            if a.get("vars"):
                t["vars"] = a["vars"]
            if a.get("loop_keyword"):
                t[a["loop_keyword"]] = a["loop_items"]
            t["ignore_errors"] = True
            key = (r["hosts"], r["role"], json.dumps(r.get("vars") or {}, sort_keys=True))
            groups.setdefault(key, []).append(t)
    plays = []
    n = 0
    for (hosts, role, vars_json), tasks in groups.items():
        n += 1
        body = ([{"name": "ksm live values", "set_fact": live}] if live else []) + tasks
        play = {"name": "ksm play %d" % n, "hosts": hosts, "gather_facts": False,
                "connection": "local", "any_errors_fatal": False}
        # The role holding the defaults: from v2.30 a stub roles/kubespray-defaults
        # (tasks only) stays beside the real roles/kubespray_defaults.
        kd = "kubespray-defaults" if os.path.isdir(os.path.join(out, "roles", "kubespray-defaults", "defaults")) \
            else "kubespray_defaults"
        if role and role not in (kd,):
            fname = "ksm_%d.yml" % n
            tdir = os.path.join(out, "roles", role, "tasks")
            os.makedirs(tdir, exist_ok=True)
            with open(os.path.join(tdir, fname), "w") as f:
                yaml.dump(body, f, Dumper=_Dumper, sort_keys=False, width=1000)
            play["roles"] = [kd]
            imp = {"import_role": {"name": role, "tasks_from": fname}}
            rv = json.loads(vars_json)
            if rv:
                imp["vars"] = rv
            play["tasks"] = [imp]
        else:
            play["roles"] = [kd]
            play["vars"] = json.loads(vars_json)
            play["tasks"] = body
        plays.append(play)
    with open(os.path.join(out, "oracle.yml"), "w") as f:
        yaml.dump(plays, f, Dumper=_Dumper, sort_keys=False, width=1000)


RANK = {"fail": 4, "error": 3, "pass": 2, "skipped": 1}


def ansible_results(path):
    doc = json.load(open(path))
    res = {}  # id -> host -> (status, msg)
    for p in doc.get("plays", []):
        for t in p["tasks"]:
            name = t["task"]["name"]
            if " : " in name:  # "ROLE : NAME" for a task of a role
                name = name.split(" : ", 1)[1]
            if not name.startswith("ksm ") or name == "ksm live values":
                continue
            aid = name[4:]
            for host, h in t["hosts"].items():
                msg = str(h.get("msg", ""))
                if h.get("skipped"):
                    st = "skipped"
                elif h.get("failed"):
                    items = h.get("results") or [h]
                    errs = [i for i in items if i.get("failed") and is_error(str(i.get("msg", "")))]
                    fails = [i for i in items if i.get("failed") and not is_error(str(i.get("msg", "")))]
                    st = "fail" if fails else ("error" if errs or is_error(msg) else "fail")
                else:
                    st = "pass"
                cur = res.setdefault(aid, {}).get(host)
                if cur is None or RANK[st] > RANK[cur[0]]:
                    res[aid][host] = (st, msg[:300])
    return res


def runtime_names(tree):
    """Names tasks set at run time (register, set_fact) anywhere in the tree."""
    names = set()

    class L(yaml.SafeLoader):
        pass
    L.add_constructor("!unsafe", lambda l, n: l.construct_scalar(n))
    L.add_constructor("!vault", lambda l, n: "<vault>")

    def walk(x):
        if isinstance(x, list):
            for e in x:
                walk(e)
        elif isinstance(x, dict):
            if isinstance(x.get("register"), str):
                names.add(x["register"])
            for k in ("set_fact", "ansible.builtin.set_fact"):
                if isinstance(x.get(k), dict):
                    names.update(x[k].keys())
            for v in x.values():
                if isinstance(v, (list, dict)):
                    walk(v)
    for root, _, files in os.walk(tree):
        for f in files:
            if f.endswith((".yml", ".yaml")) and "/tasks" in root:
                try:
                    walk(yaml.load(open(os.path.join(root, f)), Loader=L))
                except Exception:  # noqa: BLE001 - not ours to judge
                    pass
    return names


def oracle_limit(msg, runtime):
    """Why an Ansible error says nothing about our answer, or None."""
    if 'Could not load "' in msg or "No filter named" in msg or "No test named" in msg:
        return "a filter or test of a collection this controller lacks"
    if "Conditional is marked as unsafe" in msg:
        return "this Ansible refuses templated conditionals (newer than the tag supports)"
    for n in runtime:
        if ("'%s' is undefined" % n) in msg:
            return "%s is set by an earlier task of the real run" % n
    return None


def is_error(msg):
    return ("conditional check" in msg and "failed. The error was" in msg) or \
        "is undefined" in msg or "error while evaluating conditional" in msg or \
        "template error" in msg or "Unexpected templating type error" in msg


def compare(eval_path, ansible_path, tag, tree):
    ev = json.load(open(eval_path))
    ans = ansible_results(ansible_path)
    runtime = runtime_names(tree)
    total = known = agree = 0
    bad = []
    limits = []
    compared_out = []
    by_status = {}
    for o in ev["outcomes"]:
        total += 1
        by_status[o["status"]] = by_status.get(o["status"], 0) + 1
        if o["status"] == "unknown":
            continue
        known += 1
        theirs = ans.get(o["id"], {})
        ok = True
        limited = False
        for host, h in o["hosts"].items():
            if h["status"] == "unknown":
                continue
            t = theirs.get(host, ("skipped", "not run on this host"))
            why = oracle_limit(t[1], runtime) if t[0] == "error" else None
            if why:
                limited = True
                limits.append("%s %r on %s: ours %s, Ansible cannot tell: %s" % (
                    o["id"], o["name"], host, h["status"], why))
                continue
            if t[0] != h["status"]:
                ok = False
                bad.append("%s %r on %s: ours %s (%s), Ansible %s (%s)" % (
                    o["id"], o["name"], host, h["status"], h["reason"][:120], t[0], t[1][:200]))
        if limited and ok:
            compared_out.append(o["id"])
            continue
        agree += ok
    compared = known - len(compared_out)
    share = 100.0 * known / total if total else 0
    agreement = 100.0 * agree / compared if compared else 100.0
    print("%s: %d reachable assertions, known without facts %d (%.1f%%), compared %d, "
          "agreement %d/%d (%.1f%%) [%s]" % (
              tag, total, known, share, compared, agree, compared, agreement,
              ", ".join("%s %d" % kv for kv in sorted(by_status.items()))))
    for b in bad:
        print("  DISAGREE " + b)
    for li in limits:
        print("  not compared: " + li)
    json.dump({"tag": tag, "total": total, "known": known, "compared": compared, "agree": agree},
              open(eval_path + ".figures.json", "w"))
    return 1 if bad else 0


if __name__ == "__main__":
    if sys.argv[1] == "play":
        play_project(sys.argv[2], sys.argv[3], sys.argv[4])
    elif sys.argv[1] == "compare":
        sys.exit(compare(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]))
    else:
        sys.exit("usage: see the module docstring")
