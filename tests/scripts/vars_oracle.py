#!/usr/bin/env python3
"""Helper of vars_oracle.sh: the Ansible side of the differential test of
`kubespray-migrate vars`, and the comparison.

  names   TREE ROLE...                     variable names the roles define
  ansible TREE INVENTORY FACTS OUT ROLE... one ansible-playbook run: every name
                                           of the roles, every host, as JSON;
                                           FACTS: a jsonfile fact cache folder
                                           ("-" for none)
  roles   TREE                             every role of the tree
  bench   TREE INVENTORY OUT               the benchmark's Ansible side: every
                                           role, every name, counts only
  compare ANSIBLE.json OURS_DIR TAG [LABEL]  per-tag figures; exit 1 on a
                                           disagreement on a known value

The Ansible run loads the roles as Kubespray's plays do (a play with
`roles:`, so role defaults and role vars/main are in scope exactly as
Ansible puts them there), without gathering facts (a jsonfile fact cache
may supply them, as --facts does for us), and dumps
`lookup('vars', name)` for every name in one looped debug task.
"""
import json
import os
import shutil
import subprocess
import sys

import yaml


def role_var_files(tree, role):
    """The files Ansible loads for defaults/main and vars/main of a role."""
    out = []
    for sub in ("defaults", "vars"):
        base = os.path.join(tree, "roles", role, sub)
        for ext in ("", ".yml", ".yaml", ".json"):
            p = os.path.join(base, "main" + ext)
            if os.path.isfile(p):
                out.append((sub, p))
                break
        d = os.path.join(base, "main")
        if os.path.isdir(d):
            for root, dirs, files in os.walk(d):
                dirs.sort()
                for f in sorted(files):
                    if f.endswith((".yml", ".yaml", ".json")):
                        out.append((sub, os.path.join(root, f)))
    return out


class _Loader(yaml.SafeLoader):
    pass


_Loader.add_constructor("!vault", lambda l, n: "<vault>")
_Loader.add_constructor("!unsafe", lambda l, n: l.construct_scalar(n))


def role_names(tree, roles):
    names = []
    seen = set()
    for role in roles:
        for _, path in role_var_files(tree, role):
            with open(path) as f:
                data = yaml.load(f, Loader=_Loader) or {}
            for k in data:
                if k not in seen:
                    seen.add(k)
                    names.append(k)
    return names


PLAYBOOK = """\
- hosts: all
  gather_facts: false
  connection: local
  roles: {roles}
  tasks:
    - name: ksm_dump
      debug:
        msg: "V{{{{ lookup('ksm_vars_each', *ksm_names, summary=ksm_summary | default(false)) | to_json }}}}"
"""

# lookup('vars', name) for every name, one at a time: Ansible's own `vars`
# lookup does the work; this only keeps one undefined name from failing
# the whole task (a looped task dies on the first undefined item).
LOOKUP_PLUGIN = """\
from ansible.plugins.lookup import LookupBase
from ansible.plugins.loader import lookup_loader


class LookupModule(LookupBase):
    def run(self, terms, variables=None, summary=False, **kwargs):
        inner = lookup_loader.get('vars', loader=self._loader, templar=self._templar)
        out = {}
        for term in terms:
            try:
                out[term] = {'ok': True, 'value': inner.run([term], variables)[0]}
            except Exception as e:  # noqa: BLE001 - every failure is a result here
                out[term] = {'ok': False, 'error': '%s: %s' % (type(e).__name__, e)}
        if summary:  # the benchmark: every value computed, only counts printed
            ok = sum(1 for r in out.values() if r['ok'])
            return [{'ok': ok, 'failed': len(out) - ok}]
        return [out]
"""

CFG = """\
[defaults]
roles_path = {tree}/roles
force_valid_group_names = ignore
deprecation_warnings = False
host_key_checking = False
stdout_callback = json
retry_files_enabled = False
gathering = explicit
forks = 4
{facts}"""

FACTS_CFG = """\
fact_caching = jsonfile
fact_caching_connection = {dir}
fact_caching_timeout = 0
"""


def all_roles(tree):
    """Every role of the tree (a folder under roles/ with defaults/ or vars/),
    kubespray-defaults first, as KubesprayTree lists them."""
    out = []
    base = os.path.join(tree, "roles")
    for root, dirs, files in os.walk(base):
        dirs.sort()
        if os.path.isdir(os.path.join(root, "defaults")) or os.path.isdir(os.path.join(root, "vars")):
            out.append(os.path.relpath(root, base))
    out.sort(key=lambda r: (r not in ("kubespray-defaults", "kubespray_defaults"), r))
    return out


def run_ansible(tree, inventory, facts, out, roles, summary=False):
    names = role_names(tree, roles)
    work = os.path.dirname(os.path.abspath(out))
    play = os.path.join(work, "oracle_play.yml")
    cfg = os.path.join(work, "oracle_ansible.cfg")
    namesfile = os.path.join(work, "oracle_names.json")
    with open(play, "w") as f:
        f.write(PLAYBOOK.format(roles=json.dumps(roles)))
    os.makedirs(os.path.join(work, "lookup_plugins"), exist_ok=True)
    with open(os.path.join(work, "lookup_plugins", "ksm_vars_each.py"), "w") as f:
        f.write(LOOKUP_PLUGIN)
    facts_cfg = "fact_caching = memory\n"
    if facts != "-":
        # a copy: Ansible may write to its cache
        cache = os.path.join(work, "oracle_facts")
        shutil.rmtree(cache, ignore_errors=True)
        shutil.copytree(facts, cache)
        facts_cfg = FACTS_CFG.format(dir=cache)
    with open(cfg, "w") as f:
        f.write(CFG.format(tree=os.path.abspath(tree), facts=facts_cfg))
    with open(namesfile, "w") as f:
        json.dump({"ksm_names": names, "ksm_summary": summary}, f)
    env = dict(os.environ, ANSIBLE_CONFIG=cfg, ANSIBLE_STDOUT_CALLBACK="json",
               ANSIBLE_NOCOLOR="1", ANSIBLE_LOCALHOST_WARNING="0",
               ANSIBLE_INVENTORY_UNPARSED_WARNING="0")
    proc = subprocess.run(
        ["ansible-playbook", "-i", inventory, "-e", "@" + namesfile, play],
        env=env, capture_output=True, text=True)
    try:
        doc = json.loads(proc.stdout)
    except ValueError:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        sys.exit(2)
    result = {}
    for play_doc in doc["plays"]:
        for task in play_doc["tasks"]:
            if task["task"]["name"] != "ksm_dump":
                continue
            for host, hres in task["hosts"].items():
                msg = hres.get("msg", "")
                if hres.get("failed") or not isinstance(msg, str) or not msg.startswith("V"):
                    sys.stderr.write("ansible failed on %s: %s\n" % (host, str(msg)[:2000]))
                    sys.exit(2)
                result[host] = json.loads(msg[1:])
    if summary:
        with open(out, "w") as f:
            json.dump({"names": len(names), "hosts": len(result),
                       "ok": sum(r["ok"] for r in result.values()),
                       "failed": sum(r["failed"] for r in result.values())}, f)
        return
    with open(out, "w") as f:
        json.dump({"names": names, "hosts": result}, f, indent=1, sort_keys=True)


# Ansible errors that say the oracle itself could not evaluate a value
# (a filter or collection this controller lacks), as opposed to a value
# that is undefined or fails for every controller.
def oracle_limit(err):
    return "No filter named" in err or "No test named" in err or "could not be found" in err


def compare(ansible_json, ours_dir, tag, label=""):
    with open(ansible_json) as f:
        ans = json.load(f)
    names = ans["names"]
    total = known = agree = 0
    kd_total = kd_known = 0
    both_undefined = kd_both_undefined = 0  # not counted as known: shown apart
    kd_names = set()
    kd_file = os.path.join(ours_dir, "kubespray_defaults_names.json")
    if os.path.exists(kd_file):
        with open(kd_file) as f:
            kd_names = set(json.load(f))
    mismatches = []
    ansible_errors_we_know = []
    for host, per in sorted(ans["hosts"].items()):
        with open(os.path.join(ours_dir, host + ".json")) as f:
            ours = json.load(f)["variables"]
        for name in names:
            a = per.get(name)
            o = ours.get(name)
            total += 1
            is_kd = name in kd_names
            kd_total += is_kd
            if o is None or not o.get("known"):
                # undefined for us and an undefined-variable error for Ansible
                # (e.g. names only set_fact tasks set): agreement on "no value"
                if (o is not None and str(o.get("reason", "")).startswith("undefined variable")
                        and a is not None and not a["ok"] and "ndefined" in a["error"]):
                    both_undefined += 1
                    kd_both_undefined += is_kd
                continue
            known += 1
            kd_known += is_kd
            if a is None:
                mismatches.append((host, name, "absent from the Ansible run", o.get("value")))
            elif a["ok"]:
                if a["value"] == o.get("value") and type_tag(a["value"]) == type_tag(o.get("value")):
                    agree += 1
                else:
                    mismatches.append((host, name, a["value"], o.get("value")))
            elif oracle_limit(a["error"]):
                known -= 1
                kd_known -= is_kd
                ansible_errors_we_know.append((host, name, a["error"]))
            else:
                mismatches.append((host, name, "ERROR " + a["error"], o.get("value")))
    share = 100.0 * known / total if total else 0.0
    kd_share = 100.0 * kd_known / kd_total if kd_total else 0.0
    agreement = 100.0 * agree / known if known else 100.0
    print(f"{tag}{label}: {len(names)} names x {len(ans['hosts'])} hosts = {total} values; "
          f"known {known} ({share:.1f}%), kubespray-defaults known {kd_known}/{kd_total} "
          f"({kd_share:.1f}%); agreement on known {agree}/{known} ({agreement:.1f}%)")
    if both_undefined:
        print(f"  undefined for both (an undefined-variable error in Ansible too, not counted as "
              f"known): {both_undefined} values, {kd_both_undefined} of kubespray-defaults")
    for host, name, exp, got in mismatches[:40]:
        print(f"  MISMATCH {tag} {host} {name}: ansible={json.dumps(exp)[:200]} "
              f"ours={json.dumps(got)[:200]}")
    if ansible_errors_we_know:
        print(f"  ({len(ansible_errors_we_know)} values the local Ansible cannot evaluate "
              f"were left out, e.g. {ansible_errors_we_know[0][1]}: "
              f"{ansible_errors_we_know[0][2][:120]})")
    summary = {"tag": tag, "values": total, "known": known, "agree": agree,
               "kd_values": kd_total, "kd_known": kd_known, "mismatches": len(mismatches),
               "both_undefined": both_undefined, "kd_both_undefined": kd_both_undefined}
    with open(os.path.join(ours_dir, "summary.json"), "w") as f:
        json.dump(summary, f)
    return 1 if mismatches else 0


def type_tag(v):
    # Python: True == 1 and 1 == 1.0; the types must agree too.
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, list):
        return "list:" + ",".join(type_tag(x) for x in v)
    if isinstance(v, dict):
        return "dict:" + ",".join(k + "=" + type_tag(x) for k, x in sorted(v.items()))
    return type(v).__name__


def main(argv):
    cmd = argv[1]
    if cmd == "names":
        for n in role_names(argv[2], argv[3:]):
            print(n)
        return 0
    if cmd == "ansible":
        run_ansible(argv[2], argv[3], argv[4], argv[5], argv[6:])
        return 0
    if cmd == "roles":
        for r in all_roles(argv[2]):
            print(r)
        return 0
    if cmd == "bench":
        run_ansible(argv[2], argv[3], "-", argv[4], all_roles(argv[2]), summary=True)
        return 0
    if cmd == "compare":
        return compare(argv[2], argv[3], argv[4], argv[5] if len(argv) > 5 else "")
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
