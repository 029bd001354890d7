import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmux, waitFor } from '../../../helpers/cli.js';
import { useHome } from '../../../helpers/use-home.js';
import {
  expectError,
  expectOk,
  lifecycleLines,
  listJson,
  rowOf,
  serverUp,
  socketExists,
  transcript,
  waitForTranscript,
  workDir,
} from '../../../helpers/fleet.js';

const home = useHome();

async function addDemo(name: string, extra: string[] = []): Promise<string> {
  const cwd = await workDir(home, name);
  expectOk(await home.run(['add', name, '--runtime', 'demo', '--cwd', cwd, ...extra]));
  return cwd;
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('peer lifecycle on real tmux with the demo agent', () => {
  it('adds, starts, interrupts, compacts, stops, restarts and removes a peer', async () => {
    const cwd = await addDemo('boris', ['--description', 'the first demo peer']);
    const registryBefore = await readFile(join(home.home, 'peers.json'), 'utf8');

    const started = await home.run(['start', 'boris']);
    expectOk(started);
    expect(started.stdout).toMatch(/started demo-boris \(fresh, first-start\), pid \d+/);

    const live = await rowOf(home, 'demo-boris');
    expect(live).toMatchObject({ personality: 'boris', runtime: 'demo', state: 'live', alwaysOn: false, description: 'the first demo peer' });
    expect(live?.pid).toBeGreaterThan(0);
    expect(isProcessAlive(live?.pid ?? -1)).toBe(true);
    expect(live?.idleSeconds).toBeGreaterThanOrEqual(0);
    await waitForTranscript(cwd, 'the fresh start', (entry) => entry.kind === 'start' && entry.mode === 'fresh');

    expectOk(await home.run(['interrupt', 'boris']));
    await waitForTranscript(cwd, 'the interrupt', (entry) => entry.kind === 'interrupt');
    expectOk(await home.run(['compact', 'boris']));
    await waitForTranscript(cwd, 'the compact', (entry) => entry.kind === 'compact' && entry.text === '/compact');

    const stopped = await home.run(['stop', 'boris']);
    expectOk(stopped);
    expect(stopped.stdout).toBe('stopped demo-boris\n');
    expect(await rowOf(home, 'demo-boris')).toMatchObject({ state: 'stopped', pid: null, idleSeconds: null });
    expect(serverUp(home, 'demo-boris')).toBe(false);
    expect(socketExists(home, 'demo-boris')).toBe(false);
    // The pane's process has exited; its server reaps it as it finishes exiting.
    await waitFor(() => !isProcessAlive(live?.pid ?? -1), 'the pane process to be gone');

    // Stop is idempotent.
    expectOk(await home.run(['stop', 'boris']));

    // After a stop, start is fresh and says the operator caused it.
    const restarted = await home.run(['start', 'boris']);
    expect(restarted.stdout).toMatch(/started demo-boris \(fresh, operator\)/);
    expect((await rowOf(home, 'demo-boris'))?.state).toBe('live');
    const again = await home.run(['start', 'boris']);
    expectOk(again);
    expect(again.stdout).toMatch(/demo-boris is already live, pid \d+/);

    const refused = await home.run(['remove', 'boris']);
    expectError(refused, 1, 'remove', /boris is live.*--force/);
    expect(await readFile(join(home.home, 'peers.json'), 'utf8')).toBe(registryBefore);

    const pid = (await rowOf(home, 'demo-boris'))?.pid ?? -1;
    const removed = await home.run(['remove', 'boris', '--force']);
    expectOk(removed);
    expect(removed.stdout).toMatch(/removed boris \(ended demo-boris\)/);
    expect(await listJson(home)).toEqual([]);
    expect(serverUp(home, 'demo-boris')).toBe(false);
    expect(socketExists(home, 'demo-boris')).toBe(false);
    await waitFor(() => !isProcessAlive(pid), 'the pane process to be gone');
    // Removing what is absent is a no-op.
    expectOk(await home.run(['remove', 'boris']));

    const events = (await lifecycleLines(home)).map((line) => / ev=(\S+)/.exec(line)?.[1]);
    expect(events).toEqual(['add', 'wake', 'start', 'interrupt', 'compact', 'stop', 'stop', 'wake', 'start', 'start', 'remove', 'remove']);
    const wakes = (await lifecycleLines(home)).filter((line) => line.includes(' ev=wake '));
    expect(wakes[0]).toMatch(/^ts=\S+ ev=wake personality=boris runtime=demo mode=fresh cause=first-start session=[0-9a-f-]{36}$/);
    expect(wakes[1]).toMatch(/mode=fresh cause=operator session=[0-9a-f-]{36}$/);
  });

  it('resumes after an idle reap and starts fresh after a crash, clearing the zombie', async () => {
    const cwd = await addDemo('ivan');
    expectOk(await home.run(['start', 'ivan']));
    const socket = join(home.sockDir, 'demo-ivan');

    // The agent exits on its own with status 3: the pane stays dead (remain-on-exit).
    tmux(socket, ['send-keys', '-t', '=demo-ivan:', '/exit 3', 'Enter']);
    await waitFor(() => tmux(socket, ['list-panes', '-t', '=demo-ivan:', '-F', '#{pane_dead}']).stdout.trim() === '1', 'the pane to die');
    expect((await rowOf(home, 'demo-ivan'))?.state).toBe('down');

    const afterCrash = await home.run(['start', 'ivan']);
    expect(afterCrash.stdout).toMatch(/\(fresh, crash-or-self-close\)/);
    const lines = await lifecycleLines(home);
    // tmux does not always collect a dead pane's status (see Sessions.settleDeadPane).
    expect(lines.some((line) => /ev=supervise identity=demo-ivan action=reaped-gone reason=exited outcome=fresh-next-msg( exit=3)?$/.test(line))).toBe(true);

    // What the daemon's idle reap leaves behind: the session ended and an idle-reaped mark.
    expectOk(await home.run(['stop', 'ivan']));
    await writeFile(join(home.home, 'state', 'demo-ivan', 'idle-reaped'), JSON.stringify({ at: new Date().toISOString(), ageSec: 4000 }));
    const resumed = await home.run(['start', 'ivan']);
    expect(resumed.stdout).toMatch(/\(resume, idle-reaped\)/);
    await waitForTranscript(cwd, 'the resumed start', (entry) => entry.kind === 'start' && entry.mode === 'resume');
  });

  it('never touches another peer whose name shares a prefix', async () => {
    const boCwd = await addDemo('bo');
    const bobCwd = await addDemo('bob');
    expectOk(await home.run(['start', 'bob']));
    expectOk(await home.run(['start', 'bo']));

    expectOk(await home.run(['interrupt', 'bo']));
    await waitForTranscript(boCwd, 'the interrupt for bo', (entry) => entry.kind === 'interrupt');
    expect((await transcript(bobCwd)).some((entry) => entry.kind === 'interrupt')).toBe(false);

    expectOk(await home.run(['stop', 'bo']));
    expect(serverUp(home, 'demo-bo')).toBe(false);
    expect(serverUp(home, 'demo-bob')).toBe(true);
    expect((await rowOf(home, 'demo-bob'))?.state).toBe('live');

    expectOk(await home.run(['stop', '--all']));
    expect((await listJson(home)).map((row) => row.state)).toEqual(['stopped', 'stopped']);
    expect(serverUp(home, 'demo-bob')).toBe(false);
  });

  it('self-fresh is refused outside a session and, inside one, marks then ends it', async () => {
    const outside = await home.run(['self-fresh']);
    expectError(outside, 1, 'self-fresh', /PEER_IDENTITY is not set/);
    const bogus = await home.run(['self-fresh'], { env: { PEER_IDENTITY: 'not an identity' } });
    expectError(bogus, 1, 'self-fresh', /not an identity/);

    const cwd = await addDemo('sasha');
    expectOk(await home.run(['start', 'sasha']));
    const socket = join(home.sockDir, 'demo-sasha');
    // The agent calls iapeer from inside its session, as a real agent's shell tool would.
    const call = `!${process.execPath} ${join(process.cwd(), 'dist', 'cli.cjs')} self-fresh --handoff "carry on with step 2"`;
    tmux(socket, ['send-keys', '-t', '=demo-sasha:', '-l', call]);
    tmux(socket, ['send-keys', '-t', '=demo-sasha:', 'Enter']);

    await waitFor(() => !serverUp(home, 'demo-sasha') && !socketExists(home, 'demo-sasha'), 'the session to end');
    const marker = JSON.parse(await readFile(join(home.home, 'state', 'demo-sasha', 'new-eager'), 'utf8')) as { handoff: string };
    expect(marker.handoff).toBe('carry on with step 2');
    expect((await lifecycleLines(home)).some((line) => /ev=self-fresh identity=demo-sasha handoff=20$/.test(line))).toBe(true);

    // The relaunch is fresh and its first message is the handoff.
    const relaunched = await home.run(['start', 'sasha']);
    expect(relaunched.stdout).toMatch(/\(fresh, self-fresh\)/);
    await waitForTranscript(cwd, 'the handoff', (entry) => entry.kind === 'message' && /^\[iap from=demo-sasha topic=handoff id=[^\]]+\]\ncarry on with step 2$/.test(entry.text ?? ''));
    await expect(readFile(join(home.home, 'state', 'demo-sasha', 'new-eager'))).rejects.toThrow();
  });

  it('`iapeer demo --detach` registers the current directory and launches it fresh', async () => {
    const cwd = await workDir(home, 'My Project');
    const launched = await home.run(['demo', '--detach'], { cwd });
    expectOk(launched);
    expect(launched.stdout).toMatch(/launched demo-my-project fresh/);
    const [row] = await listJson(home);
    expect(row).toMatchObject({ personality: 'my-project', runtime: 'demo', state: 'live' });
    const registry = JSON.parse(await readFile(join(home.home, 'peers.json'), 'utf8')) as { peers: Array<{ cwd: string }> };
    expect(registry.peers[0]?.cwd).toBe(cwd);

    // Launching again while live starts no second session.
    const again = await home.run(['demo', '--detach'], { cwd });
    expect(again.stdout).toMatch(/already live/);
    // Without --detach it needs a terminal, and says so before changing anything.
    expectError(await home.run(['demo'], { cwd }), 2, 'demo', /needs a terminal/);
  });
});

describe('the socket directory', () => {
  it('is created 0700, and a shared one is refused', async () => {
    await addDemo('mode');
    expectOk(await home.run(['start', 'mode']));
    const { stat, chmod } = await import('node:fs/promises');
    expect((await stat(home.sockDir)).mode & 0o777).toBe(0o700);
    expect((await stat(home.home)).mode & 0o777).toBe(0o700);
    expectOk(await home.run(['stop', 'mode']));

    await chmod(home.sockDir, 0o755);
    expectError(await home.run(['start', 'mode']), 1, 'start', /mode 0755.*chmod 700/);
    expect(serverUp(home, 'demo-mode')).toBe(false);
  });

  it('refuses a socket path over 100 bytes, naming IAPEER_SOCK_DIR, before tmux is called', async () => {
    await addDemo('longpath');
    const sockDir = join(home.home, 'x'.repeat(100));
    // A tmux that does not exist proves the check comes first.
    const result = await home.run(['start', 'longpath'], { env: { IAPEER_SOCK_DIR: sockDir, IAPEER_TMUX: '/nonexistent/tmux' } });
    expectError(result, 2, 'start', /IAPEER_SOCK_DIR: socket path .* bytes, over the 100-byte limit/);
  });
});

describe('ending sessions leaves nothing behind', () => {
  it('escalates to TERM for a runtime that ignores the hang-up, so no process outlives stop', async () => {
    const cwd = await workDir(home, 'stubborn');
    const { writeFile: write } = await import('node:fs/promises');
    // A runtime that ignores SIGHUP, and a child of it that does too.
    await write(
      join(home.home, 'runtimes.json'),
      JSON.stringify({
        runtimes: { stubborn: { fresh: ['sh', '-c', "trap '' HUP; sleep 300 & echo $! > child.pid; echo 'ready>'; wait"], ready: '^ready>' } },
      }),
    );
    expectOk(await home.run(['add', 'stubborn', '--runtime', 'stubborn', '--cwd', cwd]));
    expectOk(await home.run(['start', 'stubborn']));
    const pid = (await rowOf(home, 'stubborn-stubborn'))?.pid ?? -1;
    const child = Number(await readFile(join(cwd, 'child.pid'), 'utf8'));
    expect(isProcessAlive(pid) && isProcessAlive(child)).toBe(true);

    expectOk(await home.run(['stop', 'stubborn']));
    await waitFor(() => !isProcessAlive(pid) && !isProcessAlive(child), 'the runtime and its child to be gone');
    expect(serverUp(home, 'stubborn-stubborn')).toBe(false);
    expect(socketExists(home, 'stubborn-stubborn')).toBe(false);
  });
});

describe('a socket directory owned by someone else', () => {
  it.runIf(process.getuid?.() === 0)('is refused (tested as root, by giving it to nobody)', async () => {
    await addDemo('owner');
    const { chown, mkdir: makeDir } = await import('node:fs/promises');
    await makeDir(home.sockDir, { mode: 0o700 });
    await chown(home.sockDir, 65534, 65534);
    expectError(await home.run(['start', 'owner']), 1, 'start', /owned by uid 65534, not you/);
  });
});

describe('attach on a real terminal', () => {
  it('starts the peer, shows its screen, and returns 0 on detach', async () => {
    const cwd = await workDir(home, 'viewer');
    expectOk(await home.run(['add', 'viewer', '--runtime', 'demo', '--cwd', cwd]));
    // An outer tmux server gives `iapeer attach` a real terminal to attach.
    const outer = join(home.home, 'outer');
    const env = Object.entries(home.env).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
    const command = `${process.execPath} ${join(process.cwd(), 'dist', 'cli.cjs')} attach viewer; echo "attach exited $?"; sleep 30`;
    expect(tmux(outer, ['-f', '/dev/null', 'new-session', '-d', '-s', 'outer', '-x', '120', '-y', '30', ...env, 'sh', '-c', command]).ok).toBe(true);
    try {
      const screen = () => tmux(outer, ['capture-pane', '-p', '-t', '=outer:']).stdout;
      await waitFor(() => /^demo>/m.test(screen()) && screen().includes('[demo-viewer]'), 'the attached peer on the outer screen');
      expect((await rowOf(home, 'demo-viewer'))?.state).toBe('live');
      tmux(outer, ['send-keys', '-t', '=outer:', 'C-b', 'd']);
      await waitFor(() => screen().includes('attach exited 0'), 'attach to return after the detach');
      // Detaching leaves the peer running.
      expect((await rowOf(home, 'demo-viewer'))?.state).toBe('live');
    } finally {
      tmux(outer, ['kill-server']);
    }
  });
});

async function defineRuntimes(runtimes: Record<string, unknown>): Promise<void> {
  await writeFile(join(home.home, 'runtimes.json'), JSON.stringify({ runtimes }));
}

describe('review-driven edges of the session layer', () => {
  it('stop ends a child that ignores the hang-up even when the agent itself obeys it', async () => {
    const cwd = await workDir(home, 'parent');
    await defineRuntimes({
      parent: { fresh: ['sh', '-c', "(trap '' HUP; exec sleep 300) & echo $! > child.pid; echo 'ready>'; wait"], ready: '^ready>' },
    });
    expectOk(await home.run(['add', 'parent', '--runtime', 'parent', '--cwd', cwd]));
    expectOk(await home.run(['start', 'parent']));
    const child = Number(await readFile(join(cwd, 'child.pid'), 'utf8'));
    expect(isProcessAlive(child)).toBe(true);
    expectOk(await home.run(['stop', 'parent']));
    await waitFor(() => !isProcessAlive(child), 'the HUP-ignoring child to be gone');
  });

  it('a runtime that dies during start-up is reported, recorded and cleared away', async () => {
    const cwd = await workDir(home, 'crashy');
    await defineRuntimes({ crashy: { fresh: ['sh', '-c', 'echo boom; exit 5'], ready: '^never-ready' } });
    expectOk(await home.run(['add', 'crashy', '--runtime', 'crashy', '--cwd', cwd]));
    const result = await home.run(['start', 'crashy']);
    // tmux may drop what a process writes just before it exits, so the quoted screen is best effort.
    expectError(result, 1, 'start', /crashy-crashy exited( with status 5)? before it was ready/);
    expect(serverUp(home, 'crashy-crashy')).toBe(false);
    expect(socketExists(home, 'crashy-crashy')).toBe(false);
    const deaths = JSON.parse(await readFile(join(home.home, 'state', 'crashy-crashy', 'deaths'), 'utf8')) as Array<{ fast: boolean }>;
    expect(deaths).toHaveLength(1);
    expect(deaths[0]?.fast).toBe(true);
    expect((await rowOf(home, 'crashy-crashy'))?.state).toBe('down');
  });

  it("keys go to the agent's pane even after someone splits the window", async () => {
    const cwd = await addDemo('split');
    expectOk(await home.run(['start', 'split']));
    const socket = join(home.sockDir, 'demo-split');
    expect(tmux(socket, ['split-window', '-t', '=demo-split:', '--', 'sleep', '300']).ok).toBe(true);
    expectOk(await home.run(['compact', 'split']));
    expectOk(await home.run(['interrupt', 'split']));
    await waitForTranscript(cwd, 'the compact', (entry) => entry.kind === 'compact');
    await waitForTranscript(cwd, 'the interrupt', (entry) => entry.kind === 'interrupt');
    expect((await rowOf(home, 'demo-split'))?.state).toBe('live');
  });

  it('a one-word runtime command with a space in its path runs as is, not through a shell', async () => {
    const cwd = await workDir(home, 'spaced');
    const dir = join(home.home, 'my agents');
    await mkdir(dir, { recursive: true });
    const agent = join(dir, 'agent.sh');
    await writeFile(agent, "#!/bin/sh\necho 'ready>'\nexec sleep 300\n", { mode: 0o755 });
    await defineRuntimes({ spaced: { fresh: [agent], ready: '^ready>' } });
    expectOk(await home.run(['add', 'spaced', '--runtime', 'spaced', '--cwd', cwd]));
    expectOk(await home.run(['start', 'spaced']));
    expect((await rowOf(home, 'spaced-spaced'))?.state).toBe('live');
  });

  it('start and stop racing on one identity always leave a consistent state', async () => {
    await addDemo('racer');
    for (let round = 0; round < 4; round++) {
      await Promise.all([home.run(['start', 'racer']), home.run(['stop', 'racer'])]);
      const stopped = existsSync(join(home.home, 'state', 'demo-racer', 'stopped'));
      const up = serverUp(home, 'demo-racer');
      // Whichever ran last wins, but never a stop mark on a running session or neither.
      expect(stopped !== up, `round ${round}: stopped=${stopped} server=${up}`).toBe(true);
    }
  });
});
