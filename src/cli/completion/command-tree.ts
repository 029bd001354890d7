import type { Argument, Command, Option } from 'commander';
import { LOG_EVENTS } from '../../lifecycle/log/log-filter.js';
import type { WordSource } from './completion-names.js';

/**
 * What a word in one place takes: nothing offered (free text), the shell's own files or
 * directories, words read from the home, the runtimes of the peer named before it, or a fixed list.
 * `hosted`: a peer that may be on another host (`boris@build`), whose host part is completed
 * from hosts.json.
 */
export type Words =
  | { readonly kind: 'none' | 'files' | 'dirs' | 'peer-runtimes' }
  | { readonly kind: 'read'; readonly source: WordSource; readonly hosted?: true }
  | { readonly kind: 'choices'; readonly choices: readonly string[] };

export interface FlagSpec {
  /** The long name and the short one, as typed: `--runtime`, `-h`. */
  readonly names: readonly string[];
  readonly description: string;
  /** Absent for a flag that takes no value. */
  readonly value?: { readonly words: Words; readonly variadic: boolean; readonly optional: boolean };
}

export interface ArgSpec {
  readonly words: Words;
  readonly variadic: boolean;
}

export interface CommandSpec {
  /** The words that name it after `iapeer`: [] for iapeer itself, ['queue', 'drop']. */
  readonly path: readonly string[];
  readonly description: string;
  readonly flags: readonly FlagSpec[];
  readonly args: readonly ArgSpec[];
  readonly subcommands: readonly CommandSpec[];
}

const NONE: Words = { kind: 'none' };
const read = (source: WordSource): Words => ({ kind: 'read', source });
const hosted = (source: WordSource): Words => ({ kind: 'read', source, hosted: true });

/** A positional argument's words, by its name in program.ts. */
const BY_ARGUMENT: Readonly<Record<string, Words>> = {
  peer: hosted('peers'),
  targets: hosted('targets'),
  identity: read('identities'),
  host: read('hosts'),
};

/** An option's words, by the name of its value in program.ts (`--from <identity>`). */
const BY_VALUE: Readonly<Record<string, Words>> = {
  runtime: read('runtimes'),
  identity: read('identities'),
  peer: hosted('targets'),
  host: read('hosts'),
  h: read('hosts'),
  event: { kind: 'choices', choices: LOG_EVENTS },
  dir: { kind: 'dirs' },
  file: { kind: 'files' },
  path: { kind: 'files' },
};

/** Options whose value names something new, so no existing word fits: `iapeer claude --name <peer>`. */
const NEW_NAMES = new Set(['--name']);

/** Options naming a peer of this host only: what `queue drop` sets aside is in this host's queue. */
const HERE_ONLY = new Set(['--set-aside']);

/** Words safe to write into a script and to offer as they are. */
export const PLAIN_WORD = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;

function choices(list: readonly string[]): Words {
  return { kind: 'choices', choices: list.filter((word) => PLAIN_WORD.test(word)) };
}

function argumentWords(argument: Argument, earlier: readonly ArgSpec[], siblings: readonly string[]): Words {
  if (argument.argChoices !== undefined) return choices(argument.argChoices);
  const name = argument.name();
  // commander's own `help [command]` under a verb with subcommands takes one of them.
  if (name === 'command') return choices(siblings);
  // [runtime] after a peer is one of that peer's runtimes; alone (iapeer <runtime>), any runtime.
  if (name === 'runtime') {
    const afterPeer = earlier.some(({ words }) => words.kind === 'read' && (words.source === 'peers' || words.source === 'targets'));
    return afterPeer ? { kind: 'peer-runtimes' } : read('runtimes');
  }
  return BY_ARGUMENT[name] ?? NONE;
}

function optionWords(option: Option): Words {
  if (option.argChoices !== undefined) return choices(option.argChoices);
  if (option.long !== undefined && NEW_NAMES.has(option.long)) return NONE;
  const value = /[<[]([^>\]]+?)(?:\.\.\.)?[>\]]/.exec(option.flags)?.[1];
  const words = (value === undefined ? undefined : BY_VALUE[value]) ?? NONE;
  return words.kind === 'read' && option.long !== undefined && HERE_ONLY.has(option.long) ? read(words.source) : words;
}

function flagOf(option: Option): FlagSpec {
  const names = [option.long, option.short].filter((name): name is string => name !== undefined);
  const takesValue = option.required || option.optional;
  return {
    names,
    description: option.description,
    ...(takesValue ? { value: { words: optionWords(option), variadic: option.variadic, optional: option.optional } } : {}),
  };
}

function specOf(command: Command, path: readonly string[], siblings: readonly string[]): CommandSpec {
  const help = command.createHelp();
  const args: ArgSpec[] = [];
  for (const argument of command.registeredArguments) args.push({ words: argumentWords(argument, args, siblings), variadic: argument.variadic });
  // What --help shows: hidden commands and options (the script's own --words) are left out.
  const children = help.visibleCommands(command);
  const names = children.map((child) => child.name()).filter((name) => name !== 'help');
  return {
    path,
    description: command.description(),
    flags: help.visibleOptions(command).map(flagOf),
    args,
    subcommands: children.map((child) => specOf(child, [...path, child.name()], names)),
  };
}

/** The whole program as completion needs it: every command, its flags, its arguments and what each takes. */
export function commandTree(program: Command): CommandSpec {
  return specOf(program, [], []);
}

/** The tree as a list, parents before their subcommands. */
export function allCommands(root: CommandSpec): CommandSpec[] {
  return [root, ...root.subcommands.flatMap(allCommands)];
}
