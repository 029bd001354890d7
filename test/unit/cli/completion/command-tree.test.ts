import { Argument, Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { type CommandSpec, allCommands, commandTree } from '../../../../src/cli/completion/command-tree.js';
import { VERB_NAMES, buildProgram } from '../../../../src/cli/program.js';
import { LOG_EVENTS } from '../../../../src/lifecycle/log/log-filter.js';

const tree = commandTree(buildProgram(() => Promise.resolve(), '0.0.0'));

function at(root: CommandSpec, ...path: string[]): CommandSpec {
  const found = allCommands(root).find((command) => command.path.join(' ') === path.join(' '));
  if (found === undefined) throw new Error(`no command ${path.join(' ')}`);
  return found;
}

function flag(command: CommandSpec, name: string) {
  return command.flags.find((candidate) => candidate.names.includes(name));
}

describe('commandTree of the iapeer program', () => {
  it('has every verb, in the order of the help, and their subcommands', () => {
    expect(tree.subcommands.map((verb) => verb.path[0])).toEqual([...VERB_NAMES]);
    expect(at(tree, 'queue').subcommands.map((sub) => sub.path[1])).toEqual(['show', 'drop', 'retry']);
    expect(at(tree, 'daemon').subcommands.map((sub) => sub.path[1])).toEqual(['run', 'install', 'uninstall', 'peer', 'help']);
  });

  it('has each verb’s flags as --help shows them, and not the hidden ones', () => {
    expect(at(tree, 'list').flags.map((entry) => entry.names)).toEqual([['--json'], ['--host'], ['--all-hosts'], ['--help', '-h']]);
    expect(flag(at(tree, 'list'), '--host')?.value?.words).toEqual({ kind: 'read', source: 'hosts' });
    expect(tree.flags.map((entry) => entry.names[0])).toEqual(['--version', '--name', '--detach', '--help']);
    expect(flag(at(tree, 'completion'), '--words')).toBeUndefined();
    expect(flag(at(tree, 'add'), '--no-always-on')).toMatchObject({ names: ['--no-always-on'] });
  });

  it('knows what each argument takes: peers (here or on a host), then that peer’s runtimes; targets; identities; fixed choices', () => {
    expect(at(tree, 'start').args).toEqual([
      { words: { kind: 'read', source: 'peers', hosted: true }, variadic: false },
      { words: { kind: 'peer-runtimes' }, variadic: false },
    ]);
    expect(tree.args).toEqual([{ words: { kind: 'read', source: 'runtimes' }, variadic: false }]);
    expect(at(tree, 'send').args).toEqual([{ words: { kind: 'read', source: 'targets', hosted: true }, variadic: true }]);
    for (const verb of ['add', 'stop', 'restart', 'remove', 'attach', 'interrupt', 'compact', 'peek', 'show']) {
      expect(at(tree, verb).args[0]?.words, verb).toEqual({ kind: 'read', source: 'peers', hosted: true });
    }
    expect(at(tree, 'daemon', 'peer').args).toEqual([{ words: { kind: 'read', source: 'identities' }, variadic: false }]);
    expect(at(tree, 'completion').args).toEqual([{ words: { kind: 'choices', choices: ['bash', 'zsh', 'fish'] }, variadic: false }]);
    expect(at(tree, 'queue', 'retry').args).toEqual([{ words: { kind: 'none' }, variadic: true }]);
    expect(at(tree, 'daemon', 'help').args).toEqual([{ words: { kind: 'choices', choices: ['run', 'install', 'uninstall', 'peer'] }, variadic: false }]);
  });

  it('knows what each flag’s value takes', () => {
    const add = at(tree, 'add');
    expect(flag(add, '--runtime')?.value).toEqual({ words: { kind: 'read', source: 'runtimes' }, variadic: true, optional: false });
    expect(flag(add, '--cwd')?.value?.words).toEqual({ kind: 'dirs' });
    expect(flag(add, '--description')?.value?.words).toEqual({ kind: 'none' });
    expect(flag(add, '--always-on')?.value).toBeUndefined();
    const send = at(tree, 'send');
    expect(flag(send, '--from')?.value?.words).toEqual({ kind: 'read', source: 'identities' });
    expect(flag(send, '--attachment')?.value?.words).toEqual({ kind: 'files' });
    expect(flag(send, '--message-file')?.value?.words).toEqual({ kind: 'files' });
    expect(flag(at(tree, 'log'), '--peer')?.value?.words).toEqual({ kind: 'read', source: 'targets', hosted: true });
    expect(flag(at(tree, 'log'), '--ev')?.value?.words).toEqual({ kind: 'choices', choices: LOG_EVENTS });
    // What is set aside is in this host's queue: its peers only.
    expect(flag(at(tree, 'queue', 'drop'), '--set-aside')?.value).toEqual({ words: { kind: 'read', source: 'targets' }, variadic: false, optional: true });
    expect(flag(at(tree, 'daemon', 'install'), '--target')?.value?.words).toEqual({ kind: 'choices', choices: ['launchd', 'systemd'] });
    // The launcher's --name names a peer to create: no existing word fits.
    expect(flag(tree, '--name')?.value?.words).toEqual({ kind: 'none' });
  });
});

describe('commandTree of a program iapeer may grow into', () => {
  const program = new Command('iapeer').helpCommand(false);
  program.command('list').option('--host <h>', 'that host’s fleet').option('--all-hosts', 'every host');
  const hosts = program.command('hosts');
  hosts.command('check').argument('[host]', 'one host');
  program.command('secret', { hidden: true });
  program.command('top').addOption(new Option('--debug-keys').hideHelp()).addArgument(new Argument('[mode]').choices(['a', 'b c', 'd']));
  const grown = commandTree(program);

  it('offers hosts wherever a host is named, by the name of its value or argument', () => {
    expect(flag(at(grown, 'list'), '--host')?.value?.words).toEqual({ kind: 'read', source: 'hosts' });
    expect(at(grown, 'hosts', 'check').args).toEqual([{ words: { kind: 'read', source: 'hosts' }, variadic: false }]);
  });

  it('leaves out what --help hides, and a choice that would need quoting in a script', () => {
    expect(grown.subcommands.map((command) => command.path[0])).toEqual(['list', 'hosts', 'top']);
    expect(at(grown, 'top').flags.map((entry) => entry.names[0])).toEqual(['--help']);
    expect(at(grown, 'top').args[0]?.words).toEqual({ kind: 'choices', choices: ['a', 'd'] });
  });
});
