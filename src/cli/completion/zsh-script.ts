import { type CommandSpec, allCommands } from './command-tree.js';
import { TOKEN_LEGEND, argToken, fixed, offeredFlags, oneLine, pathLabel, posixQuoted, valueTokens } from './script-text.js';

const HEAD = fixed`#compdef iapeer
# iapeer completion for zsh (printed by: iapeer completion zsh). Either save it as _iapeer in a
# directory of $fpath before compinit runs, or load it from ~/.zshrc after compinit:
#   source <(iapeer completion zsh)
# Verbs, subcommands and flags are those of the iapeer that printed it; peers, identities,
# runtimes and hosts are asked of iapeer at each TAB.
`;

/*
 * The same walk as the bash script's: follow subcommands, skip each flag's value, count
 * positional arguments and keep the peer named, then offer what the word under the cursor
 * takes. (No variable is called path: in zsh that is $PATH.)
 */
const WALK = fixed`
# __iapeer_kind := what the value of flag $1 takes; fails for a flag that takes none.
__iapeer_value() {
  local token
  for token in $__iapeer_values; do
    if [[ $\{token%%:*} == "$1" ]]; then __iapeer_kind=$\{token#*:}; return 0; fi
  done
  return 1
}

# __iapeer_kind := what positional argument $1 (from 0) takes; a last one marked + takes the rest.
__iapeer_arg() {
  local last=$\{__iapeer_args[-1]}
  if (( $1 < $#__iapeer_args )); then __iapeer_kind=$\{__iapeer_args[$1 + 1]%'+'}
  elif [[ $last == *'+' ]]; then __iapeer_kind=$\{last%'+'}
  else __iapeer_kind=-
  fi
}

# Offers what kind $1 takes; $2 is the peer named before. A peer typed with an @ (peer@ho…)
# is offered on each host of hosts.json.
__iapeer_offer() {
  local kind=$1 peer=$2 host
  local -a found
  if [[ $kind == *@ ]]; then
    kind=$\{kind%@}
    if [[ $PREFIX == ?*@* ]]; then
      for host in $\{(f)"$(command iapeer completion zsh --words hosts 2>/dev/null </dev/null)"}; do found+=("$\{PREFIX%@*}@$host"); done
      compadd -a found
      return
    fi
  fi
  case $kind in
    (files) _files ;;
    (dirs) _files -/ ;;
    ('='*) found=($\{(s:,:)$\{kind#=}}); compadd -a found ;;
    (peer-runtimes)
      if [[ -n $peer ]]; then
        found=($\{(f)"$(command iapeer completion zsh --words runtimes --of "$peer" 2>/dev/null </dev/null)"})
        compadd -a found
      fi ;;
    (peers|identities|targets|runtimes|hosts)
      found=($\{(f)"$(command iapeer completion zsh --words "$kind" 2>/dev/null </dev/null)"})
      compadd -a found ;;
  esac
}

_iapeer() {
  local cur=$\{words[CURRENT]} word cmdpath='' peer='' want='' was='' optional='' multi='' variadic='' ended=''
  local __iapeer_kind
  local -a __iapeer_subs __iapeer_flags __iapeer_values __iapeer_args
  integer npos=0 i=2
  __iapeer_spec ''
  while (( i < CURRENT )); do
    word=$\{words[i]}
    (( i += 1 ))
    if [[ -n $want ]]; then
      was=$want
      want=''
      # A value that may be left out is never a flag: such a word is read again below.
      if [[ -z $optional || $word != -* ]]; then
        if [[ -n $multi ]]; then variadic=$was; fi
        continue
      fi
    fi
    if [[ -z $ended && $word == -* ]]; then
      variadic=''
      if [[ $word == -- ]]; then ended=1; continue; fi
      __iapeer_value "$\{word%%=*}" || continue
      # --flag=value in one word: its value is in it.
      if [[ $word == *=* ]]; then continue; fi
      want=$__iapeer_kind optional='' multi=''
      if [[ $want == *'^' ]]; then optional=1 want=$\{want%'^'}; fi
      if [[ $want == *'+' ]]; then multi=1 want=$\{want%'+'}; fi
      continue
    fi
    if [[ -n $variadic ]]; then continue; fi
    if (( npos == 0 )) && (( $\{__iapeer_subs[(I)$\{(b)word}:*]} )); then
      cmdpath="$\{cmdpath:+$cmdpath }$word"
      __iapeer_spec "$cmdpath"
      continue
    fi
    __iapeer_arg $npos
    if [[ $__iapeer_kind == (peers|targets)(|@) ]]; then peer=$word; fi
    (( npos += 1 ))
  done
  if [[ -n $want ]] && [[ -z $optional || $cur != -* ]]; then
    __iapeer_offer "$want" "$peer"
    return
  fi
  if [[ -z $ended && $cur == --*=* ]]; then
    if __iapeer_value "$\{cur%%=*}"; then
      compset -P '*='
      want=$\{__iapeer_kind%'^'}
      __iapeer_offer "$\{want%'+'}" "$peer"
    fi
    return
  fi
  if [[ -z $ended && $cur == -* ]]; then
    _describe -t options 'iapeer option' __iapeer_flags
    return
  fi
  if [[ -n $variadic ]]; then
    __iapeer_offer "$variadic" "$peer"
    return
  fi
  if (( npos == 0 && $#__iapeer_subs )); then _describe -t commands 'iapeer command' __iapeer_subs; fi
  __iapeer_arg $npos
  __iapeer_offer "$__iapeer_kind" "$peer"
}

# Autoloaded from $fpath, this file is the body of _iapeer: run it. Sourced, register it.
if [[ $funcstack[1] == _iapeer ]]; then
  _iapeer "$@"
else
  compdef _iapeer iapeer
fi
`;

/** `name:description` entries for _describe (a name holds no colon). */
function described(entries: ReadonlyArray<{ name: string; description: string }>): string {
  return `(${entries.map(({ name, description }) => posixQuoted(`${name}:${description}`)).join(' ')})`;
}

function specCase(command: CommandSpec): string {
  const subs = command.subcommands.map((sub) => ({ name: sub.path.at(-1) ?? '', description: oneLine(sub.description) }));
  const assignments = [
    `__iapeer_subs=${described(subs)}`,
    `__iapeer_flags=${described(offeredFlags(command.flags))}`,
    `__iapeer_values=(${valueTokens(command.flags).map(posixQuoted).join(' ')})`,
    `__iapeer_args=(${command.args.map(argToken).map(posixQuoted).join(' ')})`,
  ];
  return `    (${posixQuoted(pathLabel(command))})\n      ${assignments.join('\n      ')} ;;`;
}

/** The zsh script: the tables of every command, then the walk that reads them. */
export function zshScript(root: CommandSpec): string {
  const spec = [
    ...TOKEN_LEGEND,
    '__iapeer_spec() {',
    '  case $1 in',
    ...allCommands(root).map(specCase),
    '    (*) __iapeer_subs=() __iapeer_flags=() __iapeer_values=() __iapeer_args=() ;;',
    '  esac',
    '}',
  ];
  return `${HEAD}\n${spec.join('\n')}\n${WALK}`;
}
