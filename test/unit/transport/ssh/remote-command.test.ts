import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { STARTED_MARKER, quoteWord, remoteCommandLine, splitStarted, stopCommandLine } from '../../../../src/transport/ssh/remote-command.js';

const HOSTILE = [
  'plain',
  '',
  'two words',
  "it's",
  "''",
  '"double"',
  '$HOME',
  '${HOME}',
  '$(id)',
  '`id`',
  'a;b',
  'a && b || c',
  'a|b',
  '>out',
  '<in',
  'line\nbreak',
  'tab\there',
  '\\back\\slash',
  '*',
  '?',
  '[a]',
  '~',
  '~/x',
  '#comment',
  '!event',
  '%self',
  '-n',
  '--json',
  'a=b',
  '{a,b}',
  'é ünïcode ✓',
  "mixed 'single' \"double\" $var `cmd` \\ end",
];

/** A remote iapeer stand-in: prints its arguments and IAPEER_HOME as JSON. */
const ECHO_ARGV = [process.execPath, '-e', 'process.stdout.write(JSON.stringify({ args: process.argv.slice(1), home: process.env.IAPEER_HOME ?? null }))'];

/** What a POSIX login shell does with ssh's command string: `<shell> -c <line>`. */
function throughShell(shell: string, line: string, home = '/home/tester'): { args: string[]; home: string | null } {
  const out = execFileSync(shell, ['-c', line], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out) as { args: string[]; home: string | null };
}

describe('quoteWord', () => {
  it.each([
    ['plain', 'plain'],
    ['/opt/iapeer/dist/cli.cjs', '/opt/iapeer/dist/cli.cjs'],
    ['--json', '--json'],
    ['boris@build', 'boris@build'],
    ['', "''"],
    ['two words', "'two words'"],
    ["it's", "'it'\\''s'"],
    ['$HOME', "'$HOME'"],
    ['a;b', "'a;b'"],
    ['line\nbreak', "'line\nbreak'"],
    ['~/x', "'~/x'"],
    ['%self', "'%self'"],
  ])('%j → %s', (word, quoted) => {
    expect(quoteWord(word)).toBe(quoted);
  });

  it('refuses a NUL, which no command line can carry', () => {
    expect(() => quoteWord('a\0b')).toThrow(/NUL/);
  });
});

describe('remoteCommandLine', () => {
  it('announces the start, then execs env with the home and every word quoted', () => {
    expect(remoteCommandLine({ iapeer: ['iapeer'], args: ['list', '--json'] })).toBe(`printf '%s %s\\n' ${STARTED_MARKER} "$$" >&2 && exec env iapeer list --json`);
    expect(remoteCommandLine({ iapeer: ['node', '/opt/my dir/cli.cjs'], home: '/srv/it\'s', args: ['send', 'a b'] })).toBe(
      `printf '%s %s\\n' ${STARTED_MARKER} "$$" >&2 && exec env IAPEER_HOME='/srv/it'\\''s' node '/opt/my dir/cli.cjs' send 'a b'`,
    );
    expect(remoteCommandLine({ iapeer: ['iapeer'], args: ['attach', 'boris'] }, { marker: false })).toBe('exec env iapeer attach boris');
    expect(remoteCommandLine({ iapeer: ['iapeer'], home: '~/.iapeer-b', args: [] })).toBe(`printf '%s %s\\n' ${STARTED_MARKER} "$$" >&2 && exec env IAPEER_HOME="$HOME"/.iapeer-b iapeer`);
  });

  for (const shell of ['/bin/sh', 'bash']) {
    it(`hands every hostile argument to the remote iapeer intact through ${shell} -c`, () => {
      const line = remoteCommandLine({ iapeer: ECHO_ARGV, args: HOSTILE });
      expect(throughShell(shell, line)).toEqual({ args: HOSTILE, home: null });
    });

    it.each([
      ['/srv/iapeer', '/srv/iapeer'],
      ["/srv/it's \"quoted\" $HOME `id` ;x", "/srv/it's \"quoted\" $HOME `id` ;x"],
      ['/srv/line\tbreak', '/srv/line\tbreak'],
      ['~', '/home/o w'],
      ['~/.iapeer', '/home/o w/.iapeer'],
      ["~/it's $x", "/home/o w/it's $x"],
    ])(`sets the remote home %j as %j through ${shell} -c`, (home, expected) => {
      const line = remoteCommandLine({ iapeer: ECHO_ARGV, home, args: ['x'] });
      expect(throughShell(shell, line, '/home/o w')).toEqual({ args: ['x'], home: expected });
    });

    it(`runs nothing but the command through ${shell} -c: a word that looks like a command is an argument`, () => {
      const line = remoteCommandLine({ iapeer: ECHO_ARGV, args: ['; echo pwned', '$(echo pwned)', '`echo pwned`'] });
      const out = execFileSync(shell, ['-c', line], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' } });
      expect(out).not.toMatch(/^pwned/m);
      expect(JSON.parse(out)).toEqual({ args: ['; echo pwned', '$(echo pwned)', '`echo pwned`'], home: null });
    });
  }

  it('prints the started marker on stderr first, with the pid the command then has, which splitStarted takes out', () => {
    const line = remoteCommandLine({ iapeer: [process.execPath, '-e', 'process.stderr.write(`remote said ${process.pid}\\n`)'], args: [] });
    // As sshd runs it: `<shell> -c <line>`, no subshell around it (in one, $$ is its parent's).
    const { stderr } = spawnSync('/bin/sh', ['-c', line], { encoding: 'utf8' });
    const split = splitStarted(stderr);
    expect(split.pid).toBeGreaterThan(1);
    expect(split).toEqual({ started: true, stderr: `remote said ${split.pid}\n`, pid: split.pid });
    expect(splitStarted('ssh: connect to host b port 22: Connection refused\n')).toEqual({ started: false, stderr: 'ssh: connect to host b port 22: Connection refused\n' });
    expect(splitStarted(`${STARTED_MARKER}\n`).started).toBe(false);
    // The login shell's start-up files may say things first: not the command's words.
    expect(splitStarted(`pyenv: cannot rehash\n${STARTED_MARKER} 42\nno peer named x\n`)).toEqual({ started: true, stderr: 'no peer named x\n', pid: 42 });
  });
});

describe('stopCommandLine', () => {
  it('signals one pid, and nothing that is not one', () => {
    expect(stopCommandLine(4242)).toBe('kill -TERM 4242');
    for (const pid of [0, 1, -5, 1.5, Number.NaN, 2 ** 60]) expect(() => stopCommandLine(pid), String(pid)).toThrow(/not a pid/);
  });
});
