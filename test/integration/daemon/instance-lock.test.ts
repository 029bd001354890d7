// One daemon per home (README, Daemon): real processes race for the daemon socket; exactly
// one wins, a SIGKILLed winner leaves nothing that blocks the next, a live one (even hung)
// is never taken over.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readlinkSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { pathsFor } from '../../../src/core/paths.js';
import { acquireDaemonLock, probeDaemon } from '../../../src/daemon/instance-lock.js';
import { type TestHome, waitFor } from '../../helpers/cli.js';
import { useHome } from '../../helpers/use-home.js';
import { scaled, testTimeoutFor } from '../../helpers/deadline.js';
import { type Fixture, allExited, describeFixture, exited, releaseTogether, spawnFixture } from '../../helpers/fixtures.js';

const STARTERS = 10;

const testHome = useHome();

interface Outcome {
  readonly pid: number;
  readonly held: boolean;
  readonly otherPid?: number | null;
}

function outcomeOf(fixture: Fixture): Outcome | undefined {
  const line = fixture.stdout.split('\n').find((text) => text.startsWith('{'));
  return line === undefined ? undefined : (JSON.parse(line) as Outcome);
}

async function outcome(fixture: Fixture): Promise<Outcome> {
  return waitFor(
    () => {
      const found = outcomeOf(fixture);
      if (!found && exited(fixture)) throw new Error(`starter ended without an outcome: ${describeFixture(fixture)}`);
      return found;
    },
    `starter ${fixture.child.pid} to report`,
    scaled(30_000),
  );
}

/** Starts `count` starters together; returns the one holder and the losers (all exited 0). */
async function race(testHome: TestHome, count: number): Promise<{ holder: Fixture; losers: Fixture[] }> {
  const goFile = join(testHome.home, `go-${Date.now()}`);
  const starters = Array.from({ length: count }, () => spawnFixture('daemon-lock-starter', [testHome.home, goFile]));
  await releaseTogether(starters, goFile, 30_000);
  const outcomes = await Promise.all(starters.map(outcome));
  const holders = starters.filter((_, index) => outcomes[index]?.held === true);
  expect(holders, starters.map((starter) => starter.stdout.trim()).join(' | ')).toHaveLength(1);
  const holder = holders[0] as Fixture;
  const losers = starters.filter((starter) => starter !== holder);
  for (const loser of losers) expect(outcomeOf(loser)?.otherPid).toBe(holder.child.pid);
  await allExited(losers, 'the losers to exit', 30_000);
  expect(exited(holder)).toBe(false);
  return { holder, losers };
}

async function startOne(testHome: TestHome): Promise<{ fixture: Fixture; result: Outcome }> {
  const fixture = spawnFixture('daemon-lock-starter', [testHome.home]);
  return { fixture, result: await outcome(fixture) };
}

/** SIGKILLs a holder: its socket file stays behind with nobody listening. */
async function killHolder(holder: Fixture, socket: string): Promise<void> {
  holder.child.kill('SIGKILL');
  await holder.exit;
  expect(lstatSync(socket).isSocket()).toBe(true);
}

function socketIdentity(socket: string): string {
  const info = lstatSync(socket);
  return `${info.dev}:${info.ino}`;
}

describe('one daemon per home', () => {
  it(
    'of ten starters exactly one holds; the others are told its pid and exit 0; SIGKILLed, it blocks nobody',
    async () => {
      const socket = pathsFor(testHome).daemonSocket;
      const { holder } = await race(testHome, STARTERS);

      await killHolder(holder, socket);
      const next = await startOne(testHome);
      expect(next.result.held).toBe(true);

      // A graceful stop removes the socket.
      next.fixture.child.kill('SIGTERM');
      await waitFor(() => next.fixture.stdout.includes('released\n'), 'the holder to release', scaled(15_000));
      await allExited([next.fixture], 'the holder to exit', 15_000);
      expect(existsSync(socket)).toBe(false);
    },
    testTimeoutFor(100_000),
  );

  it(
    'ten starters meeting a dead daemon\'s socket: exactly one takes it over',
    async () => {
      const socket = pathsFor(testHome).daemonSocket;
      const first = await startOne(testHome);
      expect(first.result.held).toBe(true);
      await killHolder(first.fixture, socket);

      const { holder } = await race(testHome, STARTERS);
      expect(await probeDaemon(pathsFor(testHome))).toEqual({ running: true, pid: holder.child.pid });
    },
    testTimeoutFor(100_000),
  );

  it(
    'a live holder is never taken over, even when it is hung',
    async () => {
      const socket = pathsFor(testHome).daemonSocket;
      const first = await startOne(testHome);
      expect(first.result.held).toBe(true);
      const claimed = socketIdentity(socket);

      first.fixture.child.kill('SIGSTOP');
      try {
        // A hung daemon cannot say its pid, but the kernel still accepts the connection.
        const goFile = join(testHome.home, 'go-hung');
        const starters = Array.from({ length: 3 }, () => spawnFixture('daemon-lock-starter', [testHome.home, goFile]));
        await releaseTogether(starters, goFile, 30_000);
        const outcomes = await Promise.all(starters.map(outcome));
        for (const result of outcomes) expect(result).toMatchObject({ held: false, otherPid: null });
        await allExited(starters, 'the starters to exit', 30_000);
      } finally {
        first.fixture.child.kill('SIGCONT');
      }
      expect(socketIdentity(socket)).toBe(claimed);

      const later = await startOne(testHome);
      expect(later.result).toMatchObject({ held: false, otherPid: first.fixture.child.pid });
      expect(exited(first.fixture)).toBe(false);
    },
    testTimeoutFor(100_000),
  );

  it(
    'a starter that died holding the start-up lock blocks nobody',
    async () => {
      const socket = pathsFor(testHome).daemonSocket;
      mkdirSync(testHome.sockDir, { mode: 0o700 });
      // The start-up lock as a starter SIGKILLed inside it leaves it, its mtime set ahead so
      // that only the dead-holder check (not the stale window) can free it.
      const dead = spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' }).pid;
      const lockDir = `${socket}.lock`;
      mkdirSync(lockDir);
      let pidns: string | undefined;
      try {
        pidns = readlinkSync('/proc/self/ns/pid');
      } catch {
        pidns = undefined;
      }
      writeFileSync(join(lockDir, 'holder'), `${JSON.stringify({ token: 'deadbeef', pid: dead, host: hostname(), ...(pidns ? { pidns } : {}) })}\n`);
      const future = new Date(Date.now() + 3_600_000);
      utimesSync(lockDir, future, future);

      const next = await startOne(testHome);
      expect(next.result.held).toBe(true);
    },
    testTimeoutFor(40_000),
  );
});

describe('the claim in process', () => {
  it('refuses a socket path over the limit with the error naming IAPEER_SOCK_DIR, creating nothing', async () => {
    const sockDir = join(testHome.home, 'a'.repeat(100));
    const error = await acquireDaemonLock(pathsFor({ home: testHome.home, sockDir })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/^IAPEER_SOCK_DIR: socket path .* over the 100-byte limit/);
    expect(existsSync(sockDir)).toBe(false);
  });

  it('probes without creating the socket directory', async () => {
    expect(await probeDaemon(pathsFor(testHome))).toEqual({ running: false });
    expect(existsSync(testHome.sockDir)).toBe(false);
  });

  it('release removes its own socket, so the next claim is at once a clean one', async () => {
    const paths = pathsFor(testHome);
    const lock = await acquireDaemonLock(paths);
    expect(lock.alreadyRunning).toBe(false);
    expect(await probeDaemon(paths)).toEqual({ running: true, pid: process.pid });
    if (!lock.alreadyRunning) await lock.release();
    expect(existsSync(paths.daemonSocket)).toBe(false);
    expect(await probeDaemon(paths)).toEqual({ running: false });
    const again = await acquireDaemonLock(paths);
    expect(again.alreadyRunning).toBe(false);
    if (!again.alreadyRunning) await again.release();
  });

  it('release leaves alone a socket path that is no longer its own', async () => {
    const paths = pathsFor(testHome);
    const lock = await acquireDaemonLock(paths);
    if (lock.alreadyRunning) throw new Error('expected to hold the lock');
    renameSync(paths.daemonSocket, join(testHome.sockDir, 'moved.sock'));
    writeFileSync(paths.daemonSocket, 'someone else');
    await lock.release();
    expect(lstatSync(paths.daemonSocket).isFile()).toBe(true);
    // Nobody must reach the still-open server at its new name once the test is done.
    rmSync(join(testHome.sockDir, 'moved.sock'));
  });
});
