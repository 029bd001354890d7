import { type ArgSpec, type CommandSpec, type FlagSpec, PLAIN_WORD, type Words } from './command-tree.js';

/*
 * The tokens every script's tables are written in, read by the same walk in each shell:
 * - what a word takes: `-` nothing, `files`, `dirs`, `peer-runtimes`, a source iapeer reads
 *   (`peers`, `runtimes`, …; `peers@` also `<peer>@<host>`, the host from hosts.json), or
 *   `=a,b,c` a fixed list;
 * - an argument: that, with `+` when it takes every word after it (`targets+`);
 * - a flag that takes a value: `--flag:` and that, with `+` when it takes several words
 *   and `^` when the value may be left out (`--runtime:runtimes+`, `--set-aside:targets^`).
 * None holds a space, a quote or a glob character, so they split and compare safely in any shell.
 */

/** The tokens, explained at the head of each script's tables (as comment lines). */
export const TOKEN_LEGEND: readonly string[] = [
  '# Per command (by the words naming it): its subcommands, the flags offered after a -, the',
  '# flags that take a value (--flag:what, + several words, ^ may be left out) and what each',
  '# argument takes (+ every word after it). What: - nothing, files, dirs, =a,b a fixed list,',
  '# peer-runtimes the runtimes of the peer named before, else words asked of iapeer --words',
  '# (peers@, targets@: or <peer>@<host>, the hosts asked of iapeer --words hosts).',
];

function wordsToken(words: Words): string {
  switch (words.kind) {
    case 'none':
      return '-';
    case 'read':
      return words.hosted === true ? `${words.source}@` : words.source;
    case 'choices':
      return words.choices.length === 0 ? '-' : `=${words.choices.join(',')}`;
    default:
      return words.kind;
  }
}

export function argToken(arg: ArgSpec): string {
  return `${wordsToken(arg.words)}${arg.variadic ? '+' : ''}`;
}

/** One token per name of each flag that takes a value. */
export function valueTokens(flags: readonly FlagSpec[]): string[] {
  return flags.flatMap(({ names, value }) =>
    value === undefined ? [] : names.map((name) => `${name}:${wordsToken(value.words)}${value.variadic ? '+' : ''}${value.optional ? '^' : ''}`),
  );
}

/** The long name of each flag, as offered after a `-`. */
export function offeredFlags(flags: readonly FlagSpec[]): Array<{ name: string; description: string }> {
  return flags.flatMap(({ names, description }) => {
    const name = names.find((candidate) => candidate.startsWith('--')) ?? names[0];
    return name === undefined ? [] : [{ name, description: oneLine(description) }];
  });
}

/** A command's path as the case label of its table: `queue drop`. */
export function pathLabel(command: CommandSpec): string {
  for (const word of command.path) {
    // A name from program.ts; one that would need quoting in a script is a mistake there.
    if (!PLAIN_WORD.test(word)) throw new Error(`command name ${JSON.stringify(word)} cannot go into a completion script`);
  }
  return command.path.join(' ');
}

/** A description on one line, without control characters, short enough to show beside a word. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f\s]+/g, ' ').trim();
  return flat.length > 100 ? `${flat.slice(0, 99)}…` : flat;
}

/** A single-quoted word for bash and zsh. */
export function posixQuoted(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A single-quoted word for fish, where a backslash and a quote are escaped inside. */
export function fishQuoted(text: string): string {
  return `'${text.replace(/[\\']/g, '\\$&')}'`;
}

/**
 * A script's fixed text, as written: String.raw, with `$\{` standing for the shell's `${`
 * (a template literal would take that for its own).
 */
export function fixed(strings: TemplateStringsArray): string {
  return strings.raw.join('').replaceAll('$\\{', '${');
}
