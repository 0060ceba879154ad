# Sourced by the differential tests: `ansible-inventory` (and
# `ansible-playbook` after ansible_forkserver_start ansible-playbook) become
# shell functions that run Ansible's own program in a child forked from ONE
# Python process that imported Ansible once (tests/scripts/ansible_forkserver.py),
# not a Python start-up and Ansible's imports per run. The calls keep their
# form: arguments, redirections (the child writes to the caller's own stdout
# and stderr, through /proc/PID/fd), current directory and exit status.
#
# ansible_forkserver_start [PROGRAM...]: start the server and define a
# function for each PROGRAM (default ansible-inventory). Ansible reads its
# configuration at import, once: start the server once the ANSIBLE_*
# environment and HOME are final. A call whose ANSIBLE_* or HOME differ from
# the server's (`ANSIBLE_X=1 ansible-inventory ...`), or that runs where an
# ansible.cfg the server did not see could be read (another directory, no
# ANSIBLE_CONFIG), fails with status 125 and says so, rather than run with
# the wrong configuration. Not inside $(...) or a pipeline: a subshell does not
# have the coprocess's descriptors.
ansible_forkserver_env() {
  local n IFS=$' \t\n'
  printf 'HOME=%s\n' "${HOME:-}"
  for n in $(compgen -e ANSIBLE_); do printf '%s=%s\n' "$n" "${!n}"; done
}
ansible_forkserver_start() {
  local py prog
  ANSIBLE_FORKSERVER_ENV=$(ansible_forkserver_env)
  ANSIBLE_FORKSERVER_PWD=$PWD
  py="$(head -1 "$(command -v ansible-inventory)" | sed -e 's/^#! *//' -e 's/^\/usr\/bin\/env  *//')"
  command -v "${py%% *}" >/dev/null || py=python3
  coproc ANSIBLE_FORKSERVER { exec $py "$KSM_SRC/tests/scripts/ansible_forkserver.py"; }
  [ $# -gt 0 ] || set -- ansible-inventory
  for prog in "$@"; do
    eval "$prog() { ansible_forkserver_run $prog \"\$@\"; }"
  done
}

# ANSIBLE_FORKSERVER_VERIFY=FILE: every call also runs the program as a process
# of its own and appends to FILE a line per run ("same" or "DIFFERS", the
# program and arguments): the check that both give the same bytes and status.
ansible_forkserver_verify() {
  local prog=$1 v=${ANSIBLE_FORKSERVER_VERIFY}.d rc1 rc2
  shift
  mkdir -p "$v"
  : >"$v/o1"; : >"$v/e1"
  ansible_forkserver_call "$v/o1" "$v/e1" "$prog" "$@"; rc1=$?
  command "$prog" "$@" >"$v/o2" 2>"$v/e2" </dev/null; rc2=$?
  if [ "$rc1" = "$rc2" ] && cmp -s "$v/o1" "$v/o2" && cmp -s "$v/e1" "$v/e2"; then
    echo "same $prog $*" >>"$ANSIBLE_FORKSERVER_VERIFY"
  else
    echo "DIFFERS (status $rc1 vs $rc2) $prog $*" >>"$ANSIBLE_FORKSERVER_VERIFY"
  fi
  cat "$v/o1"; cat "$v/e1" >&2
  return "$rc1"
}

# ansible_forkserver_call OUT ERR PROGRAM ARGS...
ansible_forkserver_call() {
  local out=$1 err=$2 rc IFS=$'\t'
  shift 2
  if [ -z "${ANSIBLE_FORKSERVER[1]:-}" ]; then
    echo "ansible_forkserver: the server is not running" >&2; return 125
  fi
  if [ "$(ansible_forkserver_env)" != "$ANSIBLE_FORKSERVER_ENV" ]; then
    echo "ansible_forkserver: ANSIBLE_* or HOME differ from the server's (started with them)" >&2; return 125
  fi
  if [ "$PWD" != "$ANSIBLE_FORKSERVER_PWD" ] && [ -z "${ANSIBLE_CONFIG:-}" ] && [ -e ansible.cfg ]; then
    echo "ansible_forkserver: an ansible.cfg here the server did not read" >&2; return 125
  fi
  printf '%s\t%s\t%s\t%s\n' "$PWD" "$out" "$err" "$*" >&"${ANSIBLE_FORKSERVER[1]}"
  read -r rc <&"${ANSIBLE_FORKSERVER[0]}" || { echo "ansible_forkserver: the server stopped" >&2; return 125; }
  return "$rc"
}

# ansible_forkserver_run PROGRAM ARGS...
ansible_forkserver_run() {
  if [ -n "${ANSIBLE_FORKSERVER_VERIFY:-}" ]; then
    ansible_forkserver_verify "$@"; return
  fi
  ansible_forkserver_call "/proc/$BASHPID/fd/1" "/proc/$BASHPID/fd/2" "$@"
}
