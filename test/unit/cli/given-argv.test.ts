import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { commandPath, givenOptions } from '../../../src/cli/given-argv.js';
import { buildProgram } from '../../../src/cli/program.js';

interface Given {
  readonly path: string[];
  readonly words: string[];
  readonly options: Record<string, unknown>;
  readonly args: string[];
}

/** Parses `argv` with iapeer's own declaration of its verb, whose action is replaced: what it read, and its options written back. */
async function given(argv: readonly string[]): Promise<Given> {
  const program = buildProgram(() => Promise.resolve(), '0.0.0', argv[0]);
  let command = program.commands.find((one) => one.name() === argv[0]) as Command;
  const sub = command.commands.find((one) => one.name() === argv[1]);
  if (sub !== undefined) command = sub;
  let seen: Given | undefined;
  command.action((...params: unknown[]) => {
    const self = params.at(-1) as Command;
    seen = { path: commandPath(self), words: givenOptions(self), options: self.opts(), args: self.args };
  });
  await program.parseAsync([...argv], { from: 'user' });
  if (seen === undefined) throw new Error(`${argv.join(' ')}: the action did not run`);
  return seen;
}

/** What another host's iapeer reads from the words written back, as on-host.ts lays them out. */
async function readThere(first: Given): Promise<Given> {
  return given([...first.path, ...first.words, ...(first.args.length === 0 ? [] : ['--', ...first.args])]);
}

describe('givenOptions', () => {
  it.each([
    ['a variadic option', ['add', 'x', '--runtime', 'claude', 'codex'], ['--runtime=claude', '--runtime=codex']],
    ['a variadic option repeated', ['add', 'x', '--runtime', 'claude', '--runtime', 'codex'], ['--runtime=claude', '--runtime=codex']],
    ['a repeated option', ['send', 'a', '--attachment', 'one', '--attachment', 'two'], ['--attachment=one', '--attachment=two']],
    ['a flag', ['add', 'x', '--always-on'], ['--always-on']],
    ['a negated flag', ['add', 'x', '--no-always-on'], ['--no-always-on']],
    ['a flag then its negation: the last one given', ['add', 'x', '--always-on', '--no-always-on'], ['--no-always-on']],
    ['a negated flag with no positive one', ['send', 'a', '--no-wake'], ['--no-wake']],
    ['a value starting with -', ['add', 'x', '--description', '-x'], ['--description=-x']],
    ['a value that is an option', ['add', 'x', '--description=--json'], ['--description=--json']],
    ['a value with spaces and =', ['add', 'x', '--description', 'a = b'], ['--description=a = b']],
    ['a value starting with =', ['add', 'x', '--description', '=b'], ['--description==b']],
    ['an empty value', ['add', 'x', '--description', ''], ['--description=']],
    ['a value over lines, with quotes', ['add', 'x', '--initial-prompt', `it's\n"two" $(lines)`], [`--initial-prompt=it's\n"two" $(lines)`]],
    ['an optional value left out', ['queue', 'drop', '--set-aside'], ['--set-aside']],
    ['an optional value given', ['queue', 'drop', '--set-aside', 'boris'], ['--set-aside=boris']],
    ['nothing given: defaults are left out', ['log'], []],
    ['options in the order of their declaration', ['log', '--follow', '--peer', 'b', '--json'], ['--peer=b', '--follow', '--json']],
  ])('%s: %j → %j', async (_what, argv, words) => {
    const first = await given(argv);
    expect(first.words).toEqual(words);
    // The host there reads the very options read here, and writes them back the same.
    const there = await readThere(first);
    expect(there.options).toEqual(first.options);
    expect(there.args).toEqual(first.args);
    expect(there.words).toEqual(first.words);
  });

  it('names after -- stay names there, even one that looks like an option', async () => {
    const first = await given(['stop', '--', '--all']);
    expect(first).toMatchObject({ args: ['--all'], words: [] });
    expect((await readThere(first)).options).toEqual({});
  });
});

describe('commandPath', () => {
  it('is the words naming a command under the program', async () => {
    expect((await given(['queue', 'drop', 'id1'])).path).toEqual(['queue', 'drop']);
    expect((await given(['log'])).path).toEqual(['log']);
  });
});
