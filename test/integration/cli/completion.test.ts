// `iapeer completion <shell>`: the scripts hold every verb of the program, an unknown shell is a
// usage error, and the words a script asks for at a TAB come from the home alone.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { VERB_NAMES } from '../../../src/cli/program.js';
import { expectError, expectOk, workDir } from '../../helpers/fleet.js';
import { useHome } from '../../helpers/use-home.js';

const home = useHome({ shared: true });

beforeAll(async () => {
  await writeFile(join(home.home, 'runtimes.json'), JSON.stringify({ runtimes: { mybot: { fresh: ['mybot'] } } }), { mode: 0o600 });
  expectOk(await home.run(['add', 'alice', '--runtime', 'demo', '--cwd', await workDir(home, 'alice')]));
  expectOk(await home.run(['add', 'boris', '--runtime', 'codex', 'claude', '--cwd', await workDir(home, 'boris')]));
});

async function words(...args: string[]): Promise<string[]> {
  const result = await home.run(['completion', 'bash', '--words', ...args]);
  expectOk(result);
  expect(result.stderr).toBe('');
  return result.stdout.split('\n').filter(Boolean);
}

describe('iapeer completion <shell>', () => {
  it.each(['bash', 'zsh', 'fish'])('%s: a script naming every verb of the program', async (shell) => {
    const result = await home.run(['completion', shell]);
    expectOk(result);
    expect(result.stderr).toBe('');
    for (const verb of VERB_NAMES) expect(result.stdout, verb).toMatch(new RegExp(`['(\\s]${verb}['\\s:]`));
    // Nothing of the home is written into it: peers are asked for at each TAB.
    expect(result.stdout).not.toMatch(/alice|boris|mybot/);
  });

  it('an unknown shell is a usage error naming the shells; so is none', async () => {
    expectError(await home.run(['completion', 'tcsh']), 2, 'completion', /invalid for argument 'shell'\. Allowed choices are bash, zsh, fish/);
    expectError(await home.run(['completion']), 2, 'completion', /missing required argument 'shell'/);
    expectError(await home.run(['completion', 'bash', '--words', 'everything']), 2, 'completion', /Allowed choices are peers, identities, targets, runtimes, hosts/);
    expectError(await home.run(['completion', 'bash', '--of', 'boris']), 2, 'completion', /--of goes with --words runtimes/);
  });

  it('--help shows the shells and not the script’s own --words', async () => {
    const result = await home.run(['completion', '--help']);
    expectOk(result);
    expect(result.stdout).toMatch(/choices: "bash", "zsh", "fish"/);
    expect(result.stdout).not.toMatch(/--words|--of/);
  });
});

describe('the words a script asks for at a TAB', () => {
  it('peers, identities, and both (targets), sorted', async () => {
    expect(await words('peers')).toEqual(['alice', 'boris']);
    expect(await words('identities')).toEqual(['claude-boris', 'codex-boris', 'demo-alice']);
    expect(await words('targets')).toEqual(['alice', 'boris', 'claude-boris', 'codex-boris', 'demo-alice']);
  });

  it('runtimes: the built-ins and runtimes.json’s; of one peer, its own in its order', async () => {
    expect(await words('runtimes')).toEqual(['claude', 'codex', 'demo', 'mybot']);
    expect(await words('runtimes', '--of', 'boris')).toEqual(['codex', 'claude']);
    expect(await words('runtimes', '--of', 'nobody')).toEqual([]);
    // Of a peer on another host none are known here; @local is this machine.
    expect(await words('runtimes', '--of', 'boris@build')).toEqual([]);
    expect(await words('runtimes', '--of', 'boris@local')).toEqual(['codex', 'claude']);
  });

  it('hosts: the names of hosts.json, none when it is missing or not what is expected', async () => {
    const file = join(home.home, 'hosts.json');
    try {
      expect(await words('hosts')).toEqual([]);
      await writeFile(file, JSON.stringify({ hosts: { 'build-box': { ssh: 'me@build' }, laptop: {}, 'bad name; rm -rf ~': {} } }));
      expect(await words('hosts')).toEqual(['build-box', 'laptop']);
      for (const text of ['{"hosts": ', '[]', 'null', '{"hosts": ["a"]}', '{"hosts": "a"}', '{}']) {
        await writeFile(file, text);
        expect(await words('hosts'), text).toEqual([]);
      }
      // Not a file at all: refused by the reader, still no error at a TAB.
      await rm(file);
      await mkdir(file);
      expect(await words('hosts')).toEqual([]);
    } finally {
      await rm(file, { recursive: true, force: true });
    }
  });

  it('reads the home only: no tmux and no ssh is run', async () => {
    const calls = join(home.home, 'tmux-calls');
    const fake = join(home.home, 'fake-tmux');
    await writeFile(fake, `#!/bin/sh\necho "$*" >> '${calls}'\nexit 1\n`, { mode: 0o755 });
    await writeFile(join(home.home, 'hosts.json'), JSON.stringify({ hosts: { build: { ssh: 'build.invalid' } } }), { mode: 0o600 });
    const env = { IAPEER_TMUX: fake, IAPEER_SSH: fake };
    for (const source of ['peers', 'identities', 'targets', 'runtimes', 'hosts']) {
      expectOk(await home.run(['completion', 'bash', '--words', source], { env }));
    }
    expectOk(await home.run(['completion', 'bash', '--words', 'runtimes', '--of', 'boris'], { env }));
    expect(await words('hosts')).toEqual(['build']);
    expect(await readFile(calls, 'utf8').catch(() => 'none')).toBe('none');
    await rm(join(home.home, 'hosts.json'));
    // The fake is the tmux iapeer runs: doctor asks it for its version.
    await home.run(['doctor'], { env });
    expect(await readFile(calls, 'utf8')).toMatch(/-V/);
  });
});
