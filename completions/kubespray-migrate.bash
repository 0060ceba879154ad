# bash completion for kubespray-migrate, installed as
# /usr/share/bash-completion/completions/kubespray-migrate. Written once: the
# candidates come from the binary itself (`kubespray-migrate __complete
# WORDS...`, src/cli/complete.h), from the same definitions as --help, so a
# new subcommand or option completes with no change here. Its first line
# ":files" hands the word to the shell's own file-name completion (-i, -o...).

_kubespray_migrate() {
  local i words=() cur out line
  # bash splits "--to=v2" into "--to" "=" "v2": join them back, as the
  # binary expects the option and its value in one word.
  for ((i = 1; i <= COMP_CWORD; i++)); do
    if [[ ${COMP_WORDS[i]} == "=" || (${#words[@]} -gt 0 && ${words[-1]} == *= && ${words[-1]} == -*) ]]; then
      words[-1]+=${COMP_WORDS[i]}
    else
      words+=("${COMP_WORDS[i]}")
    fi
  done
  cur=${COMP_WORDS[COMP_CWORD]}
  [[ $cur == "=" ]] && cur=""
  out=$("${COMP_WORDS[0]}" __complete "${words[@]}" 2>/dev/null) || return 0
  COMPREPLY=()
  while IFS= read -r line; do
    if [[ $line == ":files" ]]; then
      compopt -o default 2>/dev/null
      COMPREPLY=()
      return 0
    fi
    line=${line%%$'\t'*}
    # A "--to=v2.18.0" candidate replaces only what bash calls the word: "v2.18.0".
    [[ ${words[-1]} == -*=* ]] && line=${line#*=}
    [[ -n $line ]] && COMPREPLY+=("$line")
  done <<<"$out"
  return 0
}
complete -F _kubespray_migrate kubespray-migrate
