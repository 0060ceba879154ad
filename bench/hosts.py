# A builder-style hosts.yaml of N hosts (2 control plane, 3 etcd, every host
# a node), for the benchmarks: python3 bench/hosts.py N DIR writes DIR/hosts.yaml.
import sys

n, d = int(sys.argv[1]), sys.argv[2]
out = ["all:", "  hosts:"]
for i in range(1, n + 1):
    ip = "10.%d.%d.%d" % (i // 62500, (i // 250) % 250, i % 250 + 1)
    out += ["    node%d:" % i, "      ansible_host: " + ip, "      ip: " + ip, "      access_ip: " + ip]
out += ["  children:", "    kube_control_plane:", "      hosts:", "        node1:", "        node2:",
        "    etcd:", "      hosts:", "        node1:", "        node2:", "        node3:",
        "    kube_node:", "      hosts:"] + ["        node%d:" % i for i in range(1, n + 1)]
out += ["    k8s_cluster:", "      children:", "        kube_control_plane:", "        kube_node:",
        "    calico_rr:", "      hosts: {}"]
open(d + "/hosts.yaml", "w").write("\n".join(out) + "\n")
