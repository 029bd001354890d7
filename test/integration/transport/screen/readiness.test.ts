import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmux, waitFor } from '../../../helpers/cli.js';
import { useHome } from '../../../helpers/use-home.js';
import { expectError, expectOk, rowOf, serverUp, workDir } from '../../../helpers/fleet.js';

const home = useHome();

/** A start that hung would take the 120 s wake timeout; well before that, the test fails. */
const NO_HANG_MS = 60_000;

async function writeRuntimes(runtimes: Record<string, unknown>): Promise<string> {
  const file = join(home.home, 'runtimes.json');
  await writeFile(file, JSON.stringify({ runtimes }), { mode: 0o600 });
  return file;
}

async function addPeer(name: string, runtime: string): Promise<void> {
  const cwd = await workDir(home, name);
  expectOk(await home.run(['add', name, '--runtime', runtime, '--cwd', cwd]));
}

describe('readiness on real tmux', () => {
  it(
    'a ready pattern with a trailing space matches a prompt drawn with it',
    async () => {
      await writeRuntimes({ prompty: { fresh: ['/bin/sh', '-c', "printf 'Welcome\\n> '; exec sleep 600"], ready: '^> ' } });
      await addPeer('ann', 'prompty');
      const started = await home.run(['start', 'ann']);
      expectOk(started);
      expect((await rowOf(home, 'prompty-ann'))?.state).toBe('live');
    },
    NO_HANG_MS,
  );

  it(
    'a runtime with no pattern and a silent, blank screen becomes ready',
    async () => {
      await writeRuntimes({ quiet: { fresh: ['sleep', '600'] } });
      await addPeer('bea', 'quiet');
      expectOk(await home.run(['start', 'bea']));
      expect((await rowOf(home, 'quiet-bea'))?.state).toBe('live');
    },
    NO_HANG_MS,
  );

  it('a runtime that prints and exits at once is reported with its status and last line, every time', async () => {
    await writeRuntimes({ login: { fresh: ['/bin/sh', '-c', "echo 'Please log in'; exit 3"], ready: '^> ' } });
    await addPeer('cal', 'login');
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      const result = await home.run(['start', 'cal']);
      expectError(result, 1, 'start', /login-cal exited with status 3 before it was ready; its screen ends: "Please log in"/);
      expect(serverUp(home, 'login-cal'), `attempt ${attempt}`).toBe(false);
    }
  });

  it('a runtime killed by a signal is reported with 128 + the signal and its last line', async () => {
    await writeRuntimes({ doomed: { fresh: ['/bin/sh', '-c', "echo 'about to crash'; kill -TERM $$"], ready: '^> ' } });
    await addPeer('dan', 'doomed');
    const result = await home.run(['start', 'dan']);
    expectError(result, 1, 'start', /doomed-dan exited with status 143 before it was ready; its screen ends: "about to crash"/);
    const deaths = JSON.parse(await readFile(join(home.home, 'state', 'doomed-dan', 'deaths'), 'utf8')) as Array<{ exit: number | null }>;
    expect(deaths.at(-1)?.exit).toBe(143);
  });

  it('a runtime whose script is missing is reported with the lines that say why, not only the last one', async () => {
    await writeRuntimes({ broken: { fresh: [process.execPath, '/nonexistent.js'], ready: '^> ' } });
    await addPeer('gus', 'broken');
    const result = await home.run(['start', 'gus']);
    expectError(result, 1, 'start', /broken-gus exited with status 1 before it was ready; its screen ends: /);
    expect(result.stderr).toContain(`"Error: Cannot find module '/nonexistent.js'" / "code: 'MODULE_NOT_FOUND',"`);
    expect(result.stderr).toMatch(/ \/ "Node\.js v\d+\.\d+\.\d+"\n$/);
    expect(result.stderr).not.toMatch(/"at /);
  });

  it('C-c in a cooked terminal reaches the runtime without ending the session', async () => {
    // The runtime traps INT and says so; the session must outlive it.
    const script = "trap 'echo got-int' INT; printf 'ready> '; while :; do sleep 1; done";
    await writeRuntimes({ cooked: { fresh: ['/bin/sh', '-c', script], ready: '^ready>', interrupt: 'C-c' } });
    await addPeer('eve', 'cooked');
    expectOk(await home.run(['start', 'eve']));
    expectOk(await home.run(['interrupt', 'eve']));
    const socket = join(home.sockDir, 'cooked-eve');
    await waitFor(() => tmux(socket, ['capture-pane', '-p', '-t', '%0']).stdout.includes('got-int'), 'the runtime to see the interrupt');
    expect((await rowOf(home, 'cooked-eve'))?.state).toBe('live');
  });

  it('refuses a catastrophic ready pattern when loading runtimes.json, naming the file and the runtime', async () => {
    const file = await writeRuntimes({ slow: { fresh: ['sleep', '600'], ready: '^(a+)+$' } });
    const cwd = await workDir(home, 'fay');
    const result = await home.run(['add', 'fay', '--runtime', 'slow', '--cwd', cwd]);
    expectError(result, 1, 'add');
    expect(result.stderr).toContain(file);
    expect(result.stderr).toContain('runtimes.slow.ready');
    expect(result.stderr).toMatch(/runtimes.slow.ready: pattern refused/);
  });
});
