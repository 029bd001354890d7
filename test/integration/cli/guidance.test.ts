import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, REPO } from '../../helpers/cli.js';
import { useHome } from '../../helpers/use-home.js';
import { expectError, expectOk, rowOf, workDir } from '../../helpers/fleet.js';

const VERBS = ['add', 'list', 'start', 'stop', 'remove', 'attach', 'interrupt', 'compact', 'self-fresh'];

const home = useHome({ shared: true });

beforeAll(async () => {
  expectOk(await home.run(['add', 'boris', '--runtime', 'demo', '--cwd', await workDir(home, 'boris')]));
});

/** One stderr line, nothing on stdout, and no raw control character anywhere. */
function expectOneLine(result: CliResult, code: 1 | 2, pattern: RegExp): void {
  expect(result.code, result.stderr).toBe(code);
  expect(result.stdout).toBe('');
  const lines = result.stderr.split('\n').filter(Boolean);
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  // eslint-disable-next-line no-control-regex -- no control character may reach the terminal
  expect(result.stderr).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/);
}

describe('an unknown verb says so and suggests the nearest one', () => {
  it.each([
    [['strat', 'x'], 'strat', /unknown verb "strat"; did you mean start\?/],
    [['strat'], 'strat', /unknown verb "strat"; did you mean start\?/],
    [['stpo', 'boris'], 'stpo', /unknown verb "stpo"; did you mean stop\?/],
    [['lsit', '--json'], 'lsit', /unknown verb "lsit"; did you mean list\?/],
    [['Attach', 'boris'], 'Attach', /unknown verb "Attach"; did you mean attach\?/],
    [['claud'], 'claud', /unknown verb or runtime "claud"; did you mean claude\?/],
  ])('iapeer %j', async (args, verb, says) => {
    expectError(await home.run(args), 2, verb, says);
  });

  it('a word near nothing lists the runtimes', async () => {
    expectError(await home.run(['frobnicate', 'x']), 2, 'frobnicate', /"frobnicate" is neither a verb nor a runtime \(runtimes: claude, codex, demo\)/);
  });

  it('a known runtime with words or unknown options after it is refused, not launched', async () => {
    expectError(await home.run(['demo', 'boris']), 2, 'demo', /iapeer demo takes no arguments, got "boris"/);
    expectError(await home.run(['demo', '--nmae', 'x']), 2, 'demo', /unknown option '--nmae'; see iapeer --help/);
    expectOneLine(await home.run(['--bogus']), 2, /^iapeer: unknown option '--bogus'; see iapeer --help$/);
    expect(await rowOf(home, 'demo-boris')).toMatchObject({ state: 'down' });
  });

  it('a runtime from runtimes.json wins over a near verb, and runtimes.json is read only for such a word', async () => {
    const file = join(home.home, 'runtimes.json');
    // Broken on purpose: verbs that do not need the runtimes must not read it.
    await writeFile(file, '{ not json');
    expectOk(await home.run(['list']));
    expectOk(await home.run(['--help']));
    expectOneLine(await home.run(['stat']), 1, /^iapeer: stat: .*runtimes\.json is invalid/);

    await writeFile(file, JSON.stringify({ runtimes: { stat: { fresh: ['sh', '-c', "echo 'ready>'; exec sleep 300"], ready: '^ready>' } } }));
    try {
      const cwd = await workDir(home, 'statter');
      const launched = await home.run(['stat', '--detach'], { cwd });
      expectOk(launched);
      expect(launched.stdout).toMatch(/^launched stat-statter fresh/);
      expect((await rowOf(home, 'stat-statter'))?.state).toBe('live');
      expectOk(await home.run(['stop', 'statter']));
    } finally {
      await writeFile(file, JSON.stringify({ runtimes: {} }));
    }
  });

  it('control characters in the word are shown escaped, never sent to the terminal', async () => {
    expectOneLine(await home.run(['strat\x1b[2J', 'x']), 2, /^iapeer: strat\\e\[2J: invalid runtime name "strat\\u001b\[2J"/);
    expectOneLine(await home.run(['help', 'a\x07dd']), 2, /^iapeer: help: unknown verb "a\\u0007dd"/);
  });
});

describe('help', () => {
  it('every verb has --help (exit 0, its usage on stdout), and `iapeer help <verb>` prints the same', async () => {
    for (const verb of VERBS) {
      const viaOption = await home.run([verb, '--help']);
      expect(viaOption, verb).toMatchObject({ code: 0, stderr: '' });
      expect(viaOption.stdout).toMatch(new RegExp(`^Usage: iapeer ${verb} `));
      expect(await home.run(['help', verb])).toEqual(viaOption);
    }
  });

  it('`iapeer help`, `iapeer --help` and bare `iapeer` print the general help on stdout, exit 0', async () => {
    const general = await home.run(['--help']);
    expect(general).toMatchObject({ code: 0, stderr: '' });
    expect(general.stdout).toMatch(/^Usage: iapeer /);
    for (const verb of VERBS) expect(general.stdout).toContain(verb);
    expect(await home.run(['help'])).toEqual(general);
    expect(await home.run([])).toEqual(general);
  });

  it('every verb that names a peer describes its arguments: a peer or an identity, and the runtime', async () => {
    const words = async (args: string[]) => (await home.run(args)).stdout.replace(/\s+/g, ' ');
    for (const verb of ['start', 'stop', 'attach', 'interrupt', 'compact']) {
      const help = await words([verb, '--help']);
      expect(help, verb).toContain('Arguments: peer a peer, e.g. boris, or one of its identities, e.g. claude-boris; on another host of hosts.json: boris@build runtime one of the peer’s runtimes (default: ');
      expect(help, verb).toContain('not needed after an identity)');
    }
    expect(await words(['remove', '--help'])).toContain('Arguments: peer the peer to remove, e.g. boris, with all its runtimes');
  });

  it('a usage error points at the help of the command it is about, subcommands included', async () => {
    expectOneLine(
      await home.run(['daemon', 'install', '--target', 'upstart']),
      2,
      /^iapeer: daemon: option '--target <manager>' argument 'upstart' is invalid\. Allowed choices are launchd, systemd\. \(see: iapeer daemon install --help\)$/,
    );
    expectOneLine(await home.run(['daemon', 'install', '--dryrun']), 2, /^iapeer: daemon: unknown option '--dryrun'; did you mean --dry-run\? \(see: iapeer daemon install --help\)$/);
    expectOneLine(await home.run(['daemon', 'frob']), 2, /\(see: iapeer daemon --help\)$/);
    expectOneLine(await home.run(['send', '--message', 'daemon']), 2, /\(see: iapeer send --help\)$/);
  });

  it('`iapeer help <not a verb>` says so with the nearest verb', async () => {
    expectError(await home.run(['help', 'strat']), 2, 'help', /unknown verb "strat"; did you mean start\?/);
    expectError(await home.run(['help', 'add', 'list']), 2, 'help', /takes one verb/);
  });

  it('--version and -V print the package version', async () => {
    const { version } = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { version: string };
    expect(await home.run(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(await home.run(['-V'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('options without a runtime ask for one in a single line', async () => {
    expectOneLine(await home.run(['--name', 'foo']), 2, /^iapeer: a runtime is needed to launch: iapeer <runtime> --name foo \(e\.g\. iapeer claude --name foo\)/);
    expectOneLine(await home.run(['--detach']), 2, /^iapeer: a runtime is needed to launch: iapeer <runtime> --detach/);
  });
});

describe('the environment is named when it is the problem', () => {
  it('IAPEER_TMUX pointing at nothing names the variable, not a tmux command line', async () => {
    for (const bin of ['/nope/tmux', '/tmp']) {
      const result = await home.run(['start', 'boris'], { env: { IAPEER_TMUX: bin } });
      expectOneLine(
        result,
        1,
        new RegExp(`^iapeer: start: IAPEER_TMUX: tmux binary "${bin}" not found \\(or not executable\\); install tmux ≥ 3\\.2 or point IAPEER_TMUX at it$`),
      );
    }
  });

  it('no tmux on PATH says so', async () => {
    const emptyPath = join(home.home, 'empty-path');
    await mkdir(emptyPath, { recursive: true });
    expectOneLine(
      await home.run(['start', 'boris'], { env: { PATH: emptyPath } }),
      1,
      /^iapeer: start: tmux not found on PATH \(or not executable\); install tmux ≥ 3\.2 or point IAPEER_TMUX at it$/,
    );
  });

  it('IAPEER_DEBUG takes the flag words only, in any case', async () => {
    expectError(await home.run(['list'], { env: { IAPEER_DEBUG: 'maybe' } }), 2, 'list', /IAPEER_DEBUG: expected one of 1, true, yes, on, 0, false, no, off, got "maybe"/);
    expectError(await home.run(['list'], { env: { IAPEER_DEBUG: '' } }), 2, 'list', /IAPEER_DEBUG: is set but empty/);
    for (const value of ['1', 'TRUE', 'Yes', 'on', '0', 'False', 'NO', 'off']) {
      expect((await home.run(['list'], { env: { IAPEER_DEBUG: value } })).code, value).toBe(0);
    }
    const quiet = await home.run(['start', 'ghost'], { env: { IAPEER_DEBUG: 'off' } });
    expectError(quiet, 2, 'start', /no peer named "ghost"/);
    const loud = await home.run(['start', 'ghost'], { env: { IAPEER_DEBUG: 'ON' } });
    expect(loud.stderr).toMatch(/\n\s+at /);
  });
});
