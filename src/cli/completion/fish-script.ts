import { type CommandSpec, allCommands } from './command-tree.js';
import { TOKEN_LEGEND, argToken, fishQuoted, fixed, offeredFlags, oneLine, pathLabel, valueTokens } from './script-text.js';

const HEAD = fixed`# iapeer completion for fish (printed by: iapeer completion fish). Save it where fish looks:
#   iapeer completion fish > ~/.config/fish/completions/iapeer.fish
# Verbs, subcommands and flags are those of the iapeer that printed it; peers, identities,
# runtimes and hosts are asked of iapeer at each TAB.
`;

/*
 * The same walk as the bash script's: follow subcommands, skip each flag's value, count
 * positional arguments and keep the peer named, then print what the token under the cursor
 * takes (fish keeps those that fit it). Fish functions see none of their caller's locals,
 * so the tables are globals named __iapeer_*.
 */
const WALK = fixed`
# What the value of flag $argv[1] takes; fails for a flag that takes none.
function __iapeer_value --argument-names flag
    for token in $__iapeer_values
        set -l parts (string split -m1 : -- $token)
        if test "$parts[1]" = "$flag"
            echo $parts[2]
            return 0
        end
    end
    return 1
end

# What positional argument $argv[1] (from 0) takes; a last one marked + takes the rest.
function __iapeer_arg --argument-names n
    set -l total (count $__iapeer_args)
    if test $n -lt $total
        string replace -r '\+$' '' -- $__iapeer_args[(math $n + 1)]
    else if test $total -gt 0; and string match -q -- '*+' $__iapeer_args[-1]
        string replace -r '\+$' '' -- $__iapeer_args[-1]
    else
        echo -
    end
end

# Prints what kind $argv[1] takes; peer is the peer named before, prefix the --flag= typed with the value.
function __iapeer_offer --argument-names kind peer prefix
    set -l value (string sub -s (math (string length -- "$prefix") + 1) -- (commandline -ct))
    set -l found
    # A peer typed with an @ (peer@ho…) is offered on each host of hosts.json.
    if string match -q -- '*@' $kind
        set kind (string sub -e -1 -- $kind)
        if string match -q -- '?*@*' $value
            set -l name (string replace -r '@[^@]*$' '' -- $value)
            for host in (command iapeer completion fish --words hosts 2>/dev/null </dev/null)
                echo "$prefix$name@$host"
            end
            return
        end
    end
    switch $kind
        case files
            set found (__fish_complete_path "$value")
        case dirs
            set found (__fish_complete_directories "$value")
        case '=*'
            set found (string split , -- (string sub -s 2 -- $kind))
        case peer-runtimes
            if test -n "$peer"
                set found (command iapeer completion fish --words runtimes --of $peer 2>/dev/null </dev/null)
            end
        case peers identities targets runtimes hosts
            set found (command iapeer completion fish --words $kind 2>/dev/null </dev/null)
    end
    for word in $found
        echo "$prefix$word"
    end
end

function __iapeer_complete
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l cur (commandline -ct)
    set -l cmdpath ''
    set -l peer ''
    set -l want ''
    set -l optional ''
    set -l multi ''
    set -l variadic ''
    set -l ended ''
    set -l npos 0
    __iapeer_spec ''
    for word in $tokens
        if test -n "$want"
            set -l was $want
            set want ''
            # A value that may be left out is never a flag: such a word is read again below.
            if test -z "$optional"; or not string match -q -- '-*' $word
                if test -n "$multi"
                    set variadic $was
                end
                continue
            end
        end
        if test -z "$ended"; and string match -q -- '-*' $word
            set variadic ''
            if test "$word" = --
                set ended 1
                continue
            end
            set -l kind (__iapeer_value (string split -m1 = -- $word)[1]); or continue
            # --flag=value in one word: its value is in it.
            string match -q -- '*=*' $word; and continue
            set optional ''
            set multi ''
            if string match -q -- '*^' $kind
                set optional 1
                set kind (string sub -e -1 -- $kind)
            end
            if string match -q -- '*+' $kind
                set multi 1
                set kind (string sub -e -1 -- $kind)
            end
            set want $kind
            continue
        end
        test -n "$variadic"; and continue
        if test $npos -eq 0; and contains -- $word $__iapeer_subs
            if test -z "$cmdpath"
                set cmdpath $word
            else
                set cmdpath "$cmdpath $word"
            end
            __iapeer_spec "$cmdpath"
            continue
        end
        if contains -- (__iapeer_arg $npos) peers targets peers@ targets@
            set peer $word
        end
        set npos (math $npos + 1)
    end
    if test -n "$want"; and begin; test -z "$optional"; or not string match -q -- '-*' $cur; end
        __iapeer_offer $want "$peer" ''
        return
    end
    if test -z "$ended"; and string match -q -- '--*=*' $cur
        set -l flag (string split -m1 = -- $cur)[1]
        set -l kind (__iapeer_value $flag); or return
        __iapeer_offer (string replace -r '[+^]+$' '' -- $kind) "$peer" "$flag="
        return
    end
    if test -z "$ended"; and string match -q -- '-*' $cur
        for i in (seq (count $__iapeer_flags))
            printf '%s\t%s\n' $__iapeer_flags[$i] $__iapeer_flags_about[$i]
        end
        return
    end
    if test -n "$variadic"
        __iapeer_offer $variadic "$peer" ''
        return
    end
    if test $npos -eq 0
        for i in (seq (count $__iapeer_subs))
            printf '%s\t%s\n' $__iapeer_subs[$i] $__iapeer_subs_about[$i]
        end
    end
    __iapeer_offer (__iapeer_arg $npos) "$peer" ''
end

complete -c iapeer -e
complete -c iapeer -f -a '(__iapeer_complete)'
`;

const list = (words: readonly string[]): string => words.map(fishQuoted).join(' ');

function specCase(command: CommandSpec): string {
  const flags = offeredFlags(command.flags);
  const assignments = [
    `set -g __iapeer_subs ${list(command.subcommands.map((sub) => sub.path.at(-1) ?? ''))}`,
    `set -g __iapeer_subs_about ${list(command.subcommands.map((sub) => oneLine(sub.description)))}`,
    `set -g __iapeer_flags ${list(flags.map((flag) => flag.name))}`,
    `set -g __iapeer_flags_about ${list(flags.map((flag) => flag.description))}`,
    `set -g __iapeer_values ${list(valueTokens(command.flags))}`,
    `set -g __iapeer_args ${list(command.args.map(argToken))}`,
  ];
  return `        case ${fishQuoted(pathLabel(command))}\n            ${assignments.join('\n            ')}`;
}

/** The fish script: the tables of every command, then the walk that reads them. */
export function fishScript(root: CommandSpec): string {
  const spec = [
    ...TOKEN_LEGEND,
    'function __iapeer_spec',
    '    set -g __iapeer_subs',
    '    set -g __iapeer_subs_about',
    '    set -g __iapeer_flags',
    '    set -g __iapeer_flags_about',
    '    set -g __iapeer_values',
    '    set -g __iapeer_args',
    '    switch "$argv[1]"',
    ...allCommands(root).map(specCase),
    '    end',
    'end',
  ];
  return `${HEAD}\n${spec.join('\n')}\n${WALK}`;
}
