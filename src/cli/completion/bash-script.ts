import { type CommandSpec, allCommands } from './command-tree.js';
import { TOKEN_LEGEND, argToken, fixed, offeredFlags, pathLabel, posixQuoted, valueTokens } from './script-text.js';

const HEAD = fixed`# iapeer completion for bash (printed by: iapeer completion bash). Load it from ~/.bashrc:
#   source <(iapeer completion bash)
# Verbs, subcommands and flags are those of the iapeer that printed it; peers, identities,
# runtimes and hosts are asked of iapeer at each TAB. No associative arrays: macOS's
# /bin/bash is 3.2.
`;

/*
 * The walk over the words before the cursor: it follows subcommands, skips each flag's
 * value (bash splits --flag=value at the '='), counts positional arguments and keeps the
 * peer named, then offers what the word under the cursor takes.
 */
const WALK = fixed`
# __iapeer_kind := what the value of flag $1 takes; fails for a flag that takes none.
__iapeer_value() {
  local token
  for token in $__iapeer_values; do
    if [ "$\{token%%:*}" = "$1" ]; then __iapeer_kind=$\{token#*:}; return 0; fi
  done
  return 1
}

# __iapeer_kind := what positional argument $1 (from 0) takes; a last one marked + takes the rest.
__iapeer_arg() {
  local n=$1 token last=''
  __iapeer_kind=-
  for token in $__iapeer_args; do
    if [ "$n" -eq 0 ]; then __iapeer_kind=$\{token%+}; return 0; fi
    n=$((n - 1))
    last=$token
  done
  case $last in *+) __iapeer_kind=$\{last%+} ;; esac
  return 0
}

__iapeer_is_sub() {
  local sub
  for sub in $__iapeer_subs; do
    if [ "$sub" = "$1" ]; then return 0; fi
  done
  return 1
}

# Adds each line read to COMPREPLY, spaces and all.
__iapeer_reply() {
  local line
  while IFS= read -r line; do
    if [ -n "$line" ]; then COMPREPLY+=("$line"); fi
  done
}

# __iapeer_words := the words up to the cursor as typed. bash splits peer@host at the @ (it is in
# COMP_WORDBREAKS): pieces with no space between them and an @ among them are joined back.
__iapeer_join() {
  local line=$\{COMP_LINE:0:COMP_POINT} word rest last='' i=0 n=-1
  __iapeer_words=()
  while [ "$i" -le "$COMP_CWORD" ]; do
    word=$\{COMP_WORDS[i]}
    i=$((i + 1))
    rest=$\{line#"$\{line%%[![:space:]]*}"}
    if [ "$n" -ge 0 ] && [ "$rest" = "$line" ] && { [ "$word" = @ ] || [ "$last" = @ ]; }; then
      __iapeer_words[n]=$\{__iapeer_words[n]}$word
    else
      n=$((n + 1))
      __iapeer_words[n]=$word
    fi
    line=$\{rest#"$word"}
    last=$word
  done
}

# Offers <peer>@<host> for each host of hosts.json that fits $1 (peer@ho…). Readline replaces only
# the word bash passed the function ($__iapeer_typed: from the @ on, when @ breaks words), so
# each is offered from where that word starts. The name is never expanded: no compgen -W.
__iapeer_hosted() {
  local cur=$1 name=$\{1%@*} lead='' full host
  if [ -z "$name" ]; then return 0; fi
  case $cur in *"$__iapeer_typed") lead=$\{cur%"$__iapeer_typed"} ;; esac
  while IFS= read -r host; do
    full="$name@$host"
    case $full in "$cur"*) COMPREPLY+=("$\{full#"$lead"}") ;; esac
  done < <(command iapeer completion bash --words hosts 2>/dev/null </dev/null)
}

# Offers what kind $1 takes, and the words $4, that start with $2; $3 is the peer named before.
__iapeer_offer() {
  local kind=$1 cur=$2 peer=$3 words=$4 list
  case $kind in
    *@)
      case $cur in *@*) __iapeer_hosted "$cur"; return 0 ;; esac
      kind=$\{kind%@} ;;
  esac
  case $kind in
    files | dirs)
      compopt -o filenames 2>/dev/null
      if [ "$kind" = dirs ]; then __iapeer_reply < <(compgen -d -- "$cur"); else __iapeer_reply < <(compgen -f -- "$cur"); fi
      return 0 ;;
    =*) list=$\{kind#=}; words="$words $\{list//,/ }" ;;
    peer-runtimes)
      if [ -n "$peer" ]; then words="$words $(command iapeer completion bash --words runtimes --of "$peer" 2>/dev/null </dev/null)"; fi ;;
    peers | identities | targets | runtimes | hosts)
      words="$words $(command iapeer completion bash --words "$kind" 2>/dev/null </dev/null)" ;;
  esac
  __iapeer_reply < <(compgen -W "$words" -- "$cur")
}

_iapeer() {
  local __iapeer_subs __iapeer_flags __iapeer_values __iapeer_args __iapeer_kind __iapeer_words __iapeer_typed=$2
  __iapeer_join
  local last=$(($\{#__iapeer_words[@]} - 1))
  local cur=$\{__iapeer_words[last]} word cmdpath='' peer='' want='' was optional='' multi='' variadic='' ended='' subs=''
  local npos=0 i=1
  COMPREPLY=()
  __iapeer_spec ''
  while [ "$i" -lt "$last" ]; do
    word=$\{__iapeer_words[i]}
    i=$((i + 1))
    if [ -n "$want" ]; then
      if [ "$word" = '=' ]; then continue; fi
      was=$want
      want=''
      # A value that may be left out is never a flag: such a word is read again below.
      if [ -z "$optional" ] || [ "$\{word#-}" = "$word" ]; then
        if [ -n "$multi" ]; then variadic=$was; fi
        continue
      fi
    fi
    if [ -z "$ended" ] && [ "$\{word#-}" != "$word" ]; then
      variadic=''
      if [ "$word" = '--' ]; then ended=1; continue; fi
      __iapeer_value "$\{word%%=*}" || continue
      # --flag=value in one word: its value is in it.
      if [ "$\{word#*=}" != "$word" ]; then continue; fi
      want=$__iapeer_kind optional='' multi=''
      case $want in *^) optional=1 want=$\{want%^} ;; esac
      case $want in *+) multi=1 want=$\{want%+} ;; esac
      continue
    fi
    if [ -n "$variadic" ]; then continue; fi
    if [ "$npos" -eq 0 ] && __iapeer_is_sub "$word"; then
      cmdpath="$\{cmdpath:+$cmdpath }$word"
      __iapeer_spec "$cmdpath"
      continue
    fi
    __iapeer_arg "$npos"
    case $__iapeer_kind in peers | targets | peers@ | targets@) peer=$word ;; esac
    npos=$((npos + 1))
  done
  if [ -n "$want" ]; then
    if [ "$cur" = '=' ]; then cur=''; fi
    if [ -z "$optional" ] || [ "$\{cur#-}" = "$cur" ]; then
      __iapeer_offer "$want" "$cur" "$peer" ''
      return 0
    fi
  fi
  if [ -z "$ended" ] && [ "$\{cur#-}" != "$cur" ]; then
    __iapeer_reply < <(compgen -W "$__iapeer_flags" -- "$cur")
    return 0
  fi
  if [ -n "$variadic" ]; then
    __iapeer_offer "$variadic" "$cur" "$peer" ''
    return 0
  fi
  if [ "$npos" -eq 0 ]; then subs=$__iapeer_subs; fi
  __iapeer_arg "$npos"
  __iapeer_offer "$__iapeer_kind" "$cur" "$peer" "$subs"
  return 0
}

complete -F _iapeer iapeer
`;

function specCase(command: CommandSpec): string {
  const assignments = [
    `__iapeer_subs=${posixQuoted(command.subcommands.map((sub) => sub.path.at(-1) ?? '').join(' '))}`,
    `__iapeer_flags=${posixQuoted(offeredFlags(command.flags).map((flag) => flag.name).join(' '))}`,
    `__iapeer_values=${posixQuoted(valueTokens(command.flags).join(' '))}`,
    `__iapeer_args=${posixQuoted(command.args.map(argToken).join(' '))}`,
  ];
  return `    ${posixQuoted(pathLabel(command))})\n      ${assignments.join('\n      ')} ;;`;
}

/** The bash script: the tables of every command, then the walk that reads them. */
export function bashScript(root: CommandSpec): string {
  const cases = allCommands(root).map(specCase);
  const spec = [
    ...TOKEN_LEGEND,
    '__iapeer_spec() {',
    '  case "$1" in',
    ...cases,
    "    *) __iapeer_subs='' __iapeer_flags='' __iapeer_values='' __iapeer_args='' ;;",
    '  esac',
    '}',
  ];
  return `${HEAD}\n${spec.join('\n')}\n${WALK}`;
}
