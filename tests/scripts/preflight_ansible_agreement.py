"""Agreement of `preflight --list-assertions` with `ansible-playbook --list-tasks`.

Ansible lists the tasks it compiles statically (imports expanded, include_*
shown as the include task itself; rescue/always sections not listed). Checks
both ways, per play (matched by hosts pattern and name):
  1. every assertion we reach statically (not under an include_*, not in a
     rescue) is listed by Ansible in that play;
  2. every task Ansible lists in a play that is an assert/fail task of the
     tree (by role and name, from a YAML scan of the tree) is one we reach in
     that play.
"""
import json, os, re, sys
import yaml

ours = json.load(open(sys.argv[1]))
lines = open(sys.argv[2]).read().splitlines()
root = sys.argv[3]

plays = []  # [hosts, name, set of "role : name" lines]
for l in lines:
    m = re.match(r'\s+play #(\d+) \((.*?)\): (.*?)\tTAGS', l)
    if m:
        plays.append((m.group(2), m.group(3), set()))
        continue
    m = re.match(r'\s{6}(.*?)\tTAGS', l)
    if m and plays:
        plays[-1][2].add(m.group(1).strip())

def same_play(r, hosts, pname):
    if r['hosts'] != hosts: return False
    return r['play'].startswith('play ') or r['play'] == pname

bad = 0
static = 0
for a in ours['assertions']:
    for r in a['reaches']:
        if r['dynamic'] or r['in_rescue']: continue
        static += 1
        want = (r['role'] + ' : ' + a['name']) if r['role'] else a['name']
        if not any(same_play(r, h, n) and (want in t or a['name'] in t) for h, n, t in plays):
            bad += 1
            print("we reach, Ansible does not list:", a['id'], repr(a['name']), "in play", r['play'])

# Every assert/fail task of the tree, as (role, name).
keys = {'assert', 'fail', 'ansible.builtin.assert', 'ansible.builtin.fail'}
class L(yaml.SafeLoader): pass
L.add_constructor('!unsafe', lambda l, n: l.construct_scalar(n))
L.add_constructor('!vault', lambda l, n: l.construct_scalar(n))
tree = set()
def walk(tasks, role):
    if not isinstance(tasks, list): return
    for t in tasks:
        if not isinstance(t, dict): continue
        if keys & set(t) and isinstance(t.get('name'), str): tree.add((role, t['name']))
        for b in ('block', 'rescue', 'always', 'tasks', 'pre_tasks', 'post_tasks'):
            walk(t.get(b), role)
for d, _, fs in os.walk(root):
    for fn in fs:
        if not fn.endswith(('.yml', '.yaml')): continue
        rel = os.path.relpath(os.path.join(d, fn), root)
        if rel.startswith('roles/') and '/tasks/' in rel:
            role = rel[len('roles/'):rel.index('/tasks/')]
        elif rel.startswith('playbooks/') or '/' not in rel:
            role = ''
        else:
            continue
        try: doc = yaml.load(open(os.path.join(root, rel)), Loader=L)
        except Exception: continue
        walk(doc, role)
# Names of non-assert tasks, to skip ambiguous names.
listed = 0
for hosts, pname, tasks in plays:
    for line in tasks:
        role, _, name = line.rpartition(' : ')
        if (role, name) not in tree: continue
        listed += 1
        if not any(a['name'] == name and a['role'] == role and
                   any(same_play(r, hosts, pname) for r in a['reaches'])
                   for a in ours['assertions']):
            bad += 1
            print("Ansible lists, we do not reach:", line, "in play", pname or hosts)
print(f"{len(plays)} plays; {static} static reaches of ours, {listed} assert/fail lines of Ansible's; {bad} disagreements")
sys.exit(1 if bad else 0)
