import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useHome } from '../../helpers/use-home.js';
import { expectError, expectOk, rowOf, workDir } from '../../helpers/fleet.js';
import { queuedFiles } from '../../fixtures/messages.js';

const home = useHome({ shared: true });
let registry: Buffer;

beforeAll(async () => {
  expectOk(await home.run(['add', 'boris', '--runtime', 'demo', '--cwd', await workDir(home, 'boris')]));
  registry = await readFile(join(home.home, 'peers.json'));
});

/** Every verb, each with arguments it would otherwise accept; the error names the verb as shown. */
const VERBS: ReadonlyArray<{ readonly args: readonly string[]; readonly verb: string }> = [
  { args: ['add', 'boris', '--runtime', 'demo'], verb: 'add' },
  { args: ['list'], verb: 'list' },
  { args: ['start', 'boris'], verb: 'start' },
  { args: ['start', '--all'], verb: 'start' },
  { args: ['restart', 'boris'], verb: 'restart' },
  { args: ['stop', 'boris'], verb: 'stop' },
  { args: ['remove', 'boris'], verb: 'remove' },
  { args: ['attach', 'boris'], verb: 'attach' },
  { args: ['interrupt', 'boris'], verb: 'interrupt' },
  { args: ['compact', 'boris'], verb: 'compact' },
  { args: ['peek', 'boris'], verb: 'peek' },
  { args: ['show', 'boris'], verb: 'show' },
  { args: ['self-fresh'], verb: 'self-fresh' },
  { args: ['send', 'boris', '--message', 'hi'], verb: 'send' },
  { args: ['send', '--all', '--message', 'hi'], verb: 'send' },
  { args: ['queue'], verb: 'queue' },
  { args: ['queue', 'show', '0mx9aaaaa000-aaa-aaaaaa'], verb: 'queue' },
  { args: ['queue', 'drop', '--set-aside'], verb: 'queue' },
  { args: ['queue', 'retry', '0mx9aaaaa000-aaa-aaaaaa'], verb: 'queue' },
  { args: ['status'], verb: 'status' },
  { args: ['log'], verb: 'log' },
  { args: ['doctor'], verb: 'doctor' },
  { args: ['daemon'], verb: 'daemon' },
  { args: ['daemon', 'run'], verb: 'daemon' },
  { args: ['daemon', 'install', '--dry-run'], verb: 'daemon' },
  { args: ['daemon', 'uninstall'], verb: 'daemon' },
  { args: ['daemon', 'peer', 'demo-boris'], verb: 'daemon' },
  { args: ['completion', 'bash'], verb: 'completion' },
  { args: ['completion', 'bash', '--words', 'peers'], verb: 'completion' },
  { args: ['mcp'], verb: 'mcp' },
];

/** Nothing ran: the registry, the queue and the peer are as they were. */
async function expectNothingChanged(): Promise<void> {
  expect(await readFile(join(home.home, 'peers.json'))).toEqual(registry);
  expect(await queuedFiles(home)).toEqual([]);
  expect(await rowOf(home, 'demo-boris')).toMatchObject({ state: 'down' });
}

describe('the launcher’s options belong to `iapeer <runtime>`, not to the verbs', () => {
  it.each(VERBS.map(({ args, verb }) => [args.join(' '), args, verb] as const))('iapeer %s --name x / --detach → exit 2 naming the option', async (_, args, verb) => {
    for (const option of [['--name', 'x'], ['--detach']]) {
      const result = await home.run([...args, ...option]);
      expectError(result, 2, verb, new RegExp(`unknown option '${option[0]}' \\(see: iapeer `));
      expect(result.stdout).toBe('');
      // Only the verb's own options are ever suggested.
      expect(result.stderr).not.toMatch(/did you mean/i);
    }
    await expectNothingChanged();
  });

  it('before the verb, too', async () => {
    expectError(await home.run(['start', '--name', 'other', 'boris']), 2, 'start', /unknown option '--name'/);
    expectError(await home.run(['--name', 'x', 'status']), 2, 'status', /--name and --detach are options of iapeer <runtime>, not of status/);
    expectError(await home.run(['--detach', 'start', 'boris']), 2, 'start', /--name and --detach are options of iapeer <runtime>, not of start/);
    await expectNothingChanged();
  });

  it('a mistyped option is matched against that verb’s own options only', async () => {
    expectError(await home.run(['list', '--watch']), 2, 'list', /^iapeer: list: unknown option '--watch' \(see: iapeer list --help\)$/);
    expectError(await home.run(['list', '--jsno']), 2, 'list', /^iapeer: list: unknown option '--jsno'; did you mean --json\? \(see: iapeer list --help\)$/);
    expectError(await home.run(['start', 'boris', '--detahc']), 2, 'start', /^iapeer: start: unknown option '--detahc' \(see: iapeer start --help\)$/);
    expectError(await home.run(['send', 'boris', '--mesage', 'hi']), 2, 'send', /unknown option '--mesage'; did you mean --message\?/);
    await expectNothingChanged();
  });

  it('the launcher still takes them', async () => {
    const launched = await home.run(['demo', '--name', 'scratch', '--detach'], { cwd: await workDir(home, 'scratch') });
    expectOk(launched);
    expect(launched.stdout).toMatch(/^launched demo-scratch fresh/);
    expectOk(await home.run(['stop', 'scratch']));
  });
});
