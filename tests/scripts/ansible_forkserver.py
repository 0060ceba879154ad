"""Ansible's own command-line programs without a Python start-up per run.

A differential test that asks ansible-inventory about hundreds of inputs pays
Python's start-up and Ansible's imports (about a second) every time. This
server imports the program's module once and forks a child for every run:
the child starts from the state just after the imports, exactly as a fresh
process would, and runs the program's own main() (ansible.cli.inventory.main
for ansible-inventory) with the run's arguments, its stdout and stderr, and
stdin from /dev/null. Nothing of one run reaches the next (each is a child
of the pristine parent), so there is no global state of Ansible to reset.

What a fresh process reads at import time is read once, when the server
starts: the environment (ANSIBLE_CONFIG and the other ANSIBLE_* settings)
and the current directory (ansible.cfg). Start the server after both are
set, as tests/scripts/ansible_forkserver.bash does.

Protocol (stdin/stdout, one line each way per run): a request is
tab-separated fields CWD, STDOUT_PATH, STDERR_PATH, PROGRAM, ARGS... (the
child runs in CWD, the caller's current directory); the output
files are opened for appending (the caller has created or truncated them,
or they are /proc/PID/fd/N of the caller's descriptors), and the reply is
the run's exit status.
"""
import importlib
import os
import shutil
import sys
import traceback

MODULES = {
    "ansible-inventory": "ansible.cli.inventory",
    "ansible-playbook": "ansible.cli.playbook",
}
loaded = {}


def run_child(cwd, out, err, prog, args):
    os.chdir(cwd)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    for fd, path in ((1, out), (2, err)):
        f = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        os.dup2(f, fd)
        os.close(f)
    code = 0
    try:
        mod = loaded[prog]
        argv = [shutil.which(prog) or prog] + args
        sys.argv = argv
        code = mod.main(argv)
    except SystemExit as e:
        code = e.code
    except BaseException:
        traceback.print_exc()
        code = 1
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    for f in (sys.stdout, sys.stderr):
        try:
            f.flush()
        except Exception:
            pass
    os._exit(code & 0xFF)


class Client:
    """The server from Python: Client().run(["ansible-inventory", "-i", X, "--list"])
    returns what subprocess.run(cmd, capture_output=True, text=True) would
    (returncode, stdout, stderr), for a server started with this process's
    environment plus env and run in its current directory. The server runs
    under Ansible's interpreter (ansible-inventory's #! line). One run at a
    time."""

    def __init__(self, env=None):
        import subprocess
        import tempfile
        python = sys.executable
        prog = shutil.which("ansible-inventory")
        if prog:
            with open(prog) as f:
                first = f.readline()
            if first.startswith("#!"):
                words = first[2:].split()
                if words and words[0] == "/usr/bin/env" and len(words) > 1:
                    words = words[1:]
                if words and shutil.which(words[0]):
                    python = words[0]
        self.tmp = tempfile.mkdtemp(prefix="ansible-forkserver-")
        self.proc = subprocess.Popen([python, os.path.abspath(__file__)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     env=dict(os.environ, **(env or {})))

    def run(self, cmd):
        import types
        out, err = os.path.join(self.tmp, "out"), os.path.join(self.tmp, "err")
        for path in (out, err):
            open(path, "w").close()
        self.proc.stdin.write("\t".join([os.getcwd(), out, err] + list(cmd)) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("ansible_forkserver: the server stopped")
        with open(out) as fo, open(err) as fe:
            return types.SimpleNamespace(returncode=int(line), stdout=fo.read(), stderr=fe.read())

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)


def main():
    for line in sys.stdin:
        fields = line.rstrip("\n").split("\t")
        if len(fields) < 4 or fields[3] not in MODULES:
            print(2, flush=True)
            continue
        cwd, out, err, prog, args = fields[0], fields[1], fields[2], fields[3], fields[4:]
        if prog not in loaded:
            loaded[prog] = importlib.import_module(MODULES[prog])
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            run_child(cwd, out, err, prog, args)
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        print(code if code >= 0 else 128 - code, flush=True)


if __name__ == "__main__":
    main()
