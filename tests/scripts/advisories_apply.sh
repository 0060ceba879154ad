#!/usr/bin/env bash
# Advisories only where they apply (issue 17, deliverable 2): over the
# realistic corpus (testdata/corpus), `plan -i` and `explain -i` from each
# inventory's tag to v2.31.0 show no advisory about a component the
# inventory does not enable (MetalLB, kube-vip, an API server load
# balancer, Calico, the ingress-nginx and dashboard add-ons). What an
# inventory enables is read here from its own text, independently of the
# tool: `name: value` / `name=value` lines the operator wrote, else
# Kubespray's default (calico, the others off). An advisory the tool cannot
# decide from the inventory alone (no hosts) must say so. The test is not
# vacuous: some advisory about an enabled component must be shown too.
# Offline (versions/): no shared data needed.
set -euo pipefail
: "${KSM_BIN:?KSM_BIN must name the kubespray-migrate binary}"
src="${KSM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}"
python3 - "$KSM_BIN" "$src/testdata/corpus" <<'PY'
import json, os, re, subprocess, sys

binary, corpus = sys.argv[1], sys.argv[2]

def entries():
    name = frm = inv = None
    for line in open(os.path.join(corpus, "corpus.yml")):
        m = re.match(r"\s+- name: (\S+)", line)
        if m:
            name, frm, inv = m.group(1), None, None
        m = re.match(r"\s+from: (\S+)", line)
        if m:
            frm = m.group(1)
        m = re.match(r"\s+inventory: (\S+)", line)
        if m:
            inv = m.group(1)
        if name and frm and inv:
            yield name, frm, inv
            name = frm = inv = None

def enabled(folder):
    """What the inventory's own lines set (first uncommented assignment wins)."""
    seen = {}
    for root, _, files in os.walk(folder):
        for f in sorted(files):
            if not re.search(r"\.(ya?ml|ini)$|^hosts$", f):
                continue
            for line in open(os.path.join(root, f), encoding="utf-8-sig", errors="replace"):
                m = re.match(r"^\s*([a-z_]+)\s*[:=]\s*(.*?)\s*$", line)
                if m and m.group(1) not in seen:
                    seen[m.group(1)] = m.group(2).strip("'\"")
    true = lambda k: seen.get(k, "false").lower() in ("true", "yes", "1")
    return {
        "metallb": true("metallb_enabled"),
        "kube_vip": true("kube_vip_enabled"),
        "lb_apiserver": "loadbalancer_apiserver" in seen,
        "calico": seen.get("kube_network_plugin", "calico") == "calico",
        "ingress_nginx": true("ingress_nginx_enabled"),
        "dashboard": true("dashboard_enabled"),
    }

def needs(adv_id, e):
    """Whether an advisory may be shown for these settings; None: not about a component."""
    if adv_id.startswith("calico-"):
        return e["calico"]
    if adv_id == "kube-vip-services-with-metallb":
        return e["metallb"] and e["kube_vip"]
    if adv_id.startswith("metallb-"):
        return e["metallb"]
    if adv_id.startswith("kube-vip-"):
        return e["kube_vip"]
    if adv_id == "v2.27.0-vip-kubelet-conf":
        return e["lb_apiserver"] or e["kube_vip"]
    if adv_id == "ingress-nginx-addon-removed":
        return e["ingress_nginx"]
    if adv_id == "dashboard-addon-removed":
        return e["dashboard"]
    return None

def run(args):
    p = subprocess.run([binary] + args, capture_output=True, text=True)
    if p.returncode == 1:
        sys.exit("FAIL: %s: exit 1: %s" % (" ".join(args), p.stderr))
    return json.loads(p.stdout)

failures, shown_for_component, checked = [], 0, 0
for name, frm, inv in entries():
    path = os.path.join(corpus, inv)
    folder = path if os.path.isdir(path) else os.path.dirname(path)
    e = enabled(folder)
    plan = run(["plan", "-i", path, "--to", "v2.31.0", "--format", "json"])
    for hop in plan["hops"]:
        for adv in hop["advisories"]:
            checked += 1
            ok = needs(adv["id"], e)
            if ok is False and name != "template-nohosts":
                failures.append("%s: plan -i shows %s at %s, which it does not enable" % (name, adv["id"], hop["to"]))
            shown_for_component += ok is True
    ex = run(["explain", "-i", path, frm, "v2.31.0", "--format", "json"])
    for c in ex["changes"]:
        if c["kind"] != "advisory":
            continue
        checked += 1
        adv_id = re.match(r"\[([^\]]+)\]", c["note"]).group(1)
        ok = needs(adv_id, e)
        undecided = "cannot be decided from the inventory alone" in c["note"]
        if ok is False and not undecided:
            failures.append("%s: explain -i shows %s, which it does not enable: %s" % (name, adv_id, c["note"][:160]))
        if name == "template-nohosts" and ok is not None and not undecided:
            failures.append("%s: %s decided without a host to evaluate on" % (name, adv_id))
        shown_for_component += ok is True and not undecided
for f in failures:
    print("FAIL:", f)
if failures:
    sys.exit(1)
if shown_for_component == 0:
    sys.exit("FAIL: no advisory about an enabled component was shown: the test proves nothing")
print("ok: %d advisories shown over the corpus, none about a component its inventory does not "
      "enable; %d about one it enables (explicitly or by default)" % (checked, shown_for_component))
PY
