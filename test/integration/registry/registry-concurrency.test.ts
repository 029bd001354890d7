// The registry and its lock under real multi-process load: many writers at once, a writer
// killed while holding the lock mid-write, holders that died, the waiting line, takeover
// races, and corrupt registries.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, readdir, readlink, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { contextFromEnv } from '../../../src/cli/context-from-env.js';
import { isTempFileOf } from '../../../src/core/fs/atomic-write.js';
import { LockError } from '../../../src/core/errors.js';
import { acquireLock } from '../../../src/core/lock/file-lock.js';
import type { LockWaitEvent } from '../../../src/core/lock/lock-options.js';
import { withIdentityLocks } from '../../../src/core/lock/identity-lock.js';
import { pathsFor } from '../../../src/core/paths.js';
import { parseRegistry } from '../../../src/registry/read-registry.js';
import { newPeerRecord, withPeer } from '../../../src/registry/schema.js';
import { updateRegistry } from '../../../src/registry/update-registry.js';
import { type TestHome, waitFor } from '../../helpers/cli.js';
import { useHome } from '../../helpers/use-home.js';
import { scaled, testTimeoutFor } from '../../helpers/deadline.js';
import { type Fixture, allExited, describeFixture, exited, releaseTogether, spawnFixture } from '../../helpers/fixtures.js';

const homes = useHome();

/** A fresh home for the test (some make several), cleaned up after it with the others. */
function newHome(): Promise<TestHome> {
  return homes.another();
}

// ---------------------------------------------------------------- helpers about the files

const REGISTRY = 'peers.json';

/** Entries beside the registry that a finished writer must never leave: locks, claims, the waiting line, temp files. */
async function leftovers(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((name) => name.startsWith(`${REGISTRY}.lock`) || name.endsWith('.tmp') || isTempFileOf(join(dir, REGISTRY), name));
}

function modeOf(info: { mode: number }): string {
  return (info.mode & 0o777).toString(8).padStart(4, '0');
}

function peerRecord(personality: string): Record<string, unknown> {
  return {
    personality,
    runtimes: ['demo'],
    cwd: '/tmp',
    description: '',
    alwaysOn: false,
    idleTimeoutSec: null,
    initialPrompt: null,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
  };
}

function registryText(peers: readonly Record<string, unknown>[]): string {
  return `${JSON.stringify({ version: 2, peers }, null, 2)}\n`;
}

// ---------------------------------------------------------------- the tests

describe('registry under concurrent writers', () => {
  // 16 processes on a 2-core machine contend as hard as 32 do; 20 upserts each keep them
  // contending for the whole run.
  it('16 processes x 20 upserts at once: every peer lands, the file is valid and private, nothing is left behind', { timeout: testTimeoutFor(90_000) }, async () => {
    const WORKERS = 16;
    const UPSERTS = 20;
    const t = await newHome();
    // A home that does not exist yet: the writers race to create it too.
    const home = join(t.home, 'home');
    const goFile = join(t.home, 'go');

    const workers = Array.from({ length: WORKERS }, (_, index) =>
      spawnFixture('registry-writer', [home, String(index), String(UPSERTS), goFile]),
    );
    await releaseTogether(workers, goFile, 45_000);
    const started = Date.now();
    await allExited(workers, 'all registry writers to finish', 45_000);
    const elapsed = Date.now() - started;

    const waits = workers.flatMap((worker) => {
      const report = JSON.parse(worker.stdout.trim().split('\n').at(-1) ?? '{}') as { lockWaitMs: number[] };
      expect(report.lockWaitMs, describeFixture(worker)).toHaveLength(UPSERTS);
      return report.lockWaitMs;
    });
    waits.sort((a, b) => a - b);
    console.log(
      `registry: ${WORKERS * UPSERTS} upserts by ${WORKERS} processes in ${elapsed} ms; lock wait median ${waits[Math.floor(waits.length / 2)]} ms, p99 ${waits[Math.floor(waits.length * 0.99)]} ms, max ${waits.at(-1)} ms`,
    );

    const file = join(home, REGISTRY);
    const registry = parseRegistry(file, await readFile(file, 'utf8'));
    const names = registry.peers.map((peer) => peer.personality);
    const expected = Array.from({ length: WORKERS }, (_, index) => Array.from({ length: UPSERTS }, (_, n) => `w${index}-${n}`)).flat();
    expect(names).toHaveLength(WORKERS * UPSERTS);
    expect(new Set(names)).toEqual(new Set(expected));

    expect(modeOf(await stat(file))).toBe('0600');
    expect(modeOf(await stat(home))).toBe('0700');
    expect(await leftovers(home)).toEqual([]);
  });

  it('a writer SIGKILLed while holding the lock mid-write: the next add takes the lock over from the dead holder and succeeds', async () => {
    const t = await newHome();
    const file = join(t.home, REGISTRY);
    const seeded = await t.run(['add', 'seed', '--runtime', 'demo']);
    expect(seeded, seeded.stderr).toMatchObject({ code: 0 });
    const before = await readFile(file);

    // A stale window of an hour: only the holder record can free the lock in time.
    const holder = await lockedBy(spawnFixture('lock-holder', [t.home, '3600000']));
    const orphan = holder.path;
    expect(isTempFileOf(file, orphan.slice(t.home.length + 1))).toBe(true);
    expect(existsSync(orphan)).toBe(true);
    expect(await holderPid(join(t.home, `${REGISTRY}.lock`))).toBe(holder.fixture.child.pid);

    holder.fixture.child.kill('SIGKILL');
    await holder.fixture.exit;
    expect(holder.fixture.child.signalCode).toBe('SIGKILL');
    // The killed writer left its lock and its half-written temp file behind.
    expect(existsSync(join(t.home, `${REGISTRY}.lock`))).toBe(true);
    expect(existsSync(orphan)).toBe(true);

    let done = false;
    const next = t.run(['add', 'next', '--runtime', 'demo']).finally(() => (done = true));
    // While the next writer waits and writes, a reader only ever sees a whole registry.
    let reads = 0;
    while (!done) {
      const text = readFileSync(file, 'utf8');
      const registry = parseRegistry(file, text);
      if (text !== before.toString('utf8')) expect(registry.peers.map((peer) => peer.personality)).toEqual(['seed', 'next']);
      reads++;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const result = await next;
    console.log(`killed writer: next add exited ${result.code} (${reads} concurrent reads)`);
    expect(result, result.stderr).toMatchObject({ code: 0 });

    const registry = parseRegistry(file, await readFile(file, 'utf8'));
    expect(registry.peers.map((peer) => peer.personality)).toEqual(['seed', 'next']);
    expect(modeOf(await stat(file))).toBe('0600');
    expect(existsSync(orphan)).toBe(false);
    expect(await leftovers(t.home)).toEqual([]);
  });

  it('8 CLI loops x 3 adds at once: every add succeeds', { timeout: testTimeoutFor(60_000) }, async () => {
    const t = await newHome();
    const results = await Promise.all(
      Array.from({ length: 8 }, async (_, loop) => {
        const codes = [];
        for (let n = 0; n < 3; n++) codes.push(await t.run(['add', `l${loop}-${n}`, '--runtime', 'demo']));
        return codes;
      }),
    );
    for (const result of results.flat()) expect(result, result.stderr).toMatchObject({ code: 0 });
    const registry = parseRegistry(join(t.home, REGISTRY), await readFile(join(t.home, REGISTRY), 'utf8'));
    expect(registry.peers).toHaveLength(24);
    expect(await leftovers(t.home)).toEqual([]);
  });

  for (const kind of ['stale', 'dead'] as const) {
    it(`8 processes race to take over the same ${kind === 'stale' ? 'stale lock' : 'lock of a dead holder'}: exactly one takes it over, never two critical sections at once`, { timeout: testTimeoutFor(90_000) }, async () => {
      const CONTENDERS = 8;
      const ROUNDS_EACH = 5;
      const SCENARIOS = 2;
      const racersPerScenario: number[] = [];
      for (let scenario = 0; scenario < SCENARIOS; scenario++) {
        const t = await newHome();
        const lockDir = join(t.home, `${REGISTRY}.lock`);
        const sharedLog = join(t.home, 'sections.log');
        const goFile = join(t.home, 'go');
        await mkdir(lockDir);
        if (kind === 'stale') {
          // A lock left by a process that died a minute ago, before it recorded itself.
          const past = new Date(Date.now() - 60_000);
          await utimes(lockDir, past, past);
        } else {
          // A fresh lock whose recorded holder is dead.
          await writeHolderRecord(lockDir, { pid: deadPid() });
        }
        await writeFile(sharedLog, '');

        const contenders = Array.from({ length: CONTENDERS }, () =>
          spawnFixture('lock-contender', [t.home, sharedLog, String(ROUNDS_EACH), goFile]),
        );
        await releaseTogether(contenders, goFile, 40_000, 500);
        await allExited(contenders, 'all lock contenders to finish', 40_000);

        const reports = contenders.map((contender) => JSON.parse(contender.stdout.trim().split('\n').at(-1) ?? '{}') as { staleSeen: number; tookOver: number });
        const racers = reports.filter((report) => report.staleSeen > 0).length;
        console.log(`takeover race (${kind}) ${scenario + 1}/${SCENARIOS}: ${racers} of ${CONTENDERS} contenders saw the abandoned lock`);
        racersPerScenario.push(racers);
        expect(racers).toBeGreaterThanOrEqual(1);
        expect(reports.reduce((sum, report) => sum + report.tookOver, 0)).toBe(1);

        const events = await sections(sharedLog);
        expect(events).toHaveLength(CONTENDERS * ROUNDS_EACH * 2);
        expect(overlapsIn(events)).toEqual([]);
        expect(await leftovers(t.home)).toEqual([]);
        const names = await readdir(t.home);
        expect(names.filter((name) => name.includes('.takeover-'))).toEqual([]);
        await t.cleanup();
      }
      // It was a race only if several contenders met the same abandoned lock; on a loaded
      // machine one scenario may start out of step, but not all of them.
      expect(Math.max(...racersPerScenario)).toBeGreaterThanOrEqual(2);
    });
  }
});

// ---------------------------------------------------------------- holders and the line

interface Sectioned {
  readonly kind: string | undefined;
  readonly pid: number;
  readonly at: number;
  readonly position: number;
  readonly text: string;
}

async function sections(sharedLog: string): Promise<Sectioned[]> {
  return (await readFile(sharedLog, 'utf8'))
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((text, position) => {
      const [kind, pid, at] = text.split(' ');
      return { kind, pid: Number(pid), at: Number(at), position, text };
    });
}

/** Critical sections that overlap, by time (ties kept in file order) and by the file's own order. */
function overlapsIn(events: readonly Sectioned[]): string[] {
  const overlaps: string[] = [];
  const check = (list: readonly Sectioned[], label: string) => {
    for (let i = 0; i < list.length; i += 2) {
      const enter = list[i];
      const leave = list[i + 1];
      if (enter?.kind !== 'enter' || leave?.kind !== 'leave' || leave.pid !== enter.pid) overlaps.push(`${label} ${i}: ${enter?.text} / ${leave?.text}`);
    }
  };
  check([...events].sort((a, b) => a.at - b.at || a.position - b.position), 'at');
  // The file order (the true order of the O_APPEND writes) must alternate too.
  check(events, 'line');
  return overlaps;
}

/** A pid that no process has now: one that just exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

/** A holder record as iapeer writes it, for this host and pid namespace. */
async function writeHolderRecord(lockDir: string, fields: { pid: number; start?: string }): Promise<void> {
  const pidns = await readlink('/proc/self/ns/pid').catch(() => undefined);
  const record = { token: `t${Date.now()}${fields.pid}`, pid: fields.pid, host: hostname(), ...(fields.start ? { start: fields.start } : {}), ...(pidns ? { pidns } : {}) };
  await writeFile(join(lockDir, 'holder'), `${JSON.stringify(record)}\n`, { mode: 0o600 });
}

async function holderPid(lockDir: string): Promise<number | undefined> {
  const text = await readFile(join(lockDir, 'holder'), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as { pid: number }).pid;
}

async function lockedBy(fixture: Fixture): Promise<{ fixture: Fixture; path: string }> {
  const line = await waitFor(
    () => {
      if (exited(fixture)) throw new Error(`lock-holder exited: ${describeFixture(fixture)}`);
      return /^locked (\S+)\n/.exec(fixture.stdout);
    },
    'the lock holder to take the lock',
    scaled(30_000),
    20,
  );
  return { fixture, path: line[1] ?? '' };
}

const HOUR = 3_600_000;

describe('a lock whose holder died is taken over at once; a live holder is waited for', () => {
  it('the registry lock of a SIGKILLed holder: taken over without waiting for the (hour-long) stale window', async () => {
    const t = await newHome();
    const paths = pathsFor({ home: t.home, sockDir: t.sockDir });
    const holder = await lockedBy(spawnFixture('lock-holder', [t.home, String(HOUR)]));
    const pid = holder.fixture.child.pid;
    holder.fixture.child.kill('SIGKILL');
    await holder.fixture.exit;

    const events: LockWaitEvent[] = [];
    const lock = await acquireLock(paths.registry, paths.registryLock, { staleMs: HOUR, waitMs: scaled(60_000), onWait: (event) => events.push(event) });
    expect(await holderPid(paths.registryLock)).toBe(process.pid);
    await lock.assertHeld();
    await lock.release();
    expect(events).toEqual([{ kind: 'took-over', holderPid: pid, reason: 'dead' }]);
    expect((await leftovers(t.home)).filter((name) => !isTempFileOf(paths.registry, name))).toEqual([]);
  });

  it('a holder whose pid now names another process (a different start time) is dead too', async () => {
    const t = await newHome();
    const paths = pathsFor({ home: t.home, sockDir: t.sockDir });
    await mkdir(paths.registryLock);
    await writeHolderRecord(paths.registryLock, { pid: process.pid, start: '1' });
    const events: LockWaitEvent[] = [];
    const lock = await acquireLock(paths.registry, paths.registryLock, { staleMs: HOUR, waitMs: scaled(60_000), onWait: (event) => events.push(event) });
    await lock.release();
    expect(events).toEqual([{ kind: 'took-over', holderPid: process.pid, reason: 'dead' }]);
    expect(await leftovers(t.home)).toEqual([]);
  });

  it('the identity lock of a SIGKILLed start: the next holder is told it took over from the dead pid', async () => {
    const t = await newHome();
    const paths = pathsFor({ home: t.home, sockDir: t.sockDir });
    const holder = await lockedBy(spawnFixture('lock-holder', [t.home, String(HOUR), 'demo-x']));
    const pid = holder.fixture.child.pid;
    holder.fixture.child.kill('SIGKILL');
    await holder.fixture.exit;
    expect(existsSync(holder.path)).toBe(true);

    const notices: string[] = [];
    const ran = await withIdentityLocks(paths, ['demo-x'], async () => holderPid(holder.path), { onWait: (message) => notices.push(message) });
    expect(ran).toBe(process.pid);
    expect(notices).toEqual([`took over the lock of demo-x from pid ${pid}, which died holding it`]);
    expect(existsSync(holder.path)).toBe(false);
  });

  it('a live holder is never taken over: the waiter says once whom it waits for, then gives up naming it', async () => {
    const t = await newHome();
    const paths = pathsFor({ home: t.home, sockDir: t.sockDir });
    const holder = await lockedBy(spawnFixture('lock-holder', [t.home, String(HOUR)]));
    const pid = holder.fixture.child.pid;
    const events: LockWaitEvent[] = [];
    const attempt = acquireLock(paths.registry, paths.registryLock, { staleMs: HOUR, waitMs: 1500, noticeAfterMs: 200, onWait: (event) => events.push(event) });
    await expect(attempt).rejects.toThrow(LockError);
    await expect(attempt).rejects.toThrow(`(pid ${pid})`);
    expect(events).toEqual([{ kind: 'waiting', holderPid: pid }]);
    expect(await holderPid(paths.registryLock)).toBe(pid);
  });

  it('a live holder keeps refreshing its lock, so it is never stale however long it holds it', async () => {
    const t = await newHome();
    const paths = pathsFor({ home: t.home, sockDir: t.sockDir });
    // Refreshed every 3 s, stale after 6 s; the waiter gives up after 15 s without a change.
    const holder = await lockedBy(spawnFixture('lock-holder', [t.home, '6000']));
    const events: LockWaitEvent[] = [];
    const attempt = acquireLock(paths.registry, paths.registryLock, { staleMs: 6000, waitMs: 15_000, onWait: (event) => events.push(event) });
    await expect(attempt).rejects.toThrow(LockError);
    expect(events.filter((event) => event.kind === 'took-over')).toEqual([]);
    expect(exited(holder.fixture)).toBe(false);
    expect(await holderPid(paths.registryLock)).toBe(holder.fixture.child.pid);
  });

  it('the CLI context says on stderr, once, what an update waits for: iapeer: <verb>: waiting for the registry lock (held by pid N)…', async () => {
    const t = await newHome();
    const holder = await lockedBy(spawnFixture('lock-holder', [t.home]));
    const pid = holder.fixture.child.pid;
    let stderr = '';
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        stderr += chunk.toString();
        callback();
      },
    });
    const { ctx } = contextFromEnv({ env: t.env, cwd: t.home, homeDir: t.home, nodeBin: process.execPath, stdout: sink, stderr: sink, stdinIsTTY: () => false, verb: 'add' });
    const update = updateRegistry(
      ctx.paths,
      (current) => ({ next: withPeer(current, newPeerRecord({ personality: 'waited', runtimes: ['demo'], cwd: t.home }, new Date().toISOString())), value: undefined }),
      { onWait: ctx.notice },
    );
    await waitFor(() => stderr.includes('waiting'), 'the waiting notice', scaled(15_000));
    holder.fixture.child.kill('SIGTERM');
    await holder.fixture.exit;
    expect((await update).registry.peers.map((peer) => peer.personality)).toContain('waited');
    expect(stderr).toBe(`iapeer: add: waiting for the registry lock (held by pid ${pid})…\n`);
    expect(await leftovers(t.home)).toEqual([]);
  });

  it('waiters get the lock in the order they came, and one that dies in line does not hold up the rest', async () => {
    const t = await newHome();
    const holder = await lockedBy(spawnFixture('lock-holder', [t.home]));
    const sharedLog = join(t.home, 'sections.log');
    const goFile = join(t.home, 'go');
    await writeFile(sharedLog, '');
    await writeFile(goFile, '0');
    const queueDir = join(t.home, `${REGISTRY}.lock.queue`);
    const waiters: Fixture[] = [];
    for (let index = 0; index < 4; index++) {
      const waiter = spawnFixture('lock-contender', [t.home, sharedLog, '1', goFile]);
      waiters.push(waiter);
      // The next one comes only once this one stands in line.
      await waitFor(
        async () => {
          if (exited(waiter)) throw new Error(`waiter exited: ${describeFixture(waiter)}`);
          return (await readdir(queueDir).catch(() => [] as string[])).length === index + 1;
        },
        `waiter ${index} in line`,
        scaled(30_000),
        20,
      );
    }
    const [first, dying, ...rest] = waiters;
    dying?.child.kill('SIGKILL');
    await dying?.exit;
    holder.fixture.child.kill('SIGTERM');
    const living = [first, ...rest].filter((waiter): waiter is Fixture => waiter !== undefined);
    await allExited(living, 'the waiters to get the lock in turn', 30_000);
    const enters = (await sections(sharedLog)).filter((event) => event.kind === 'enter').map((event) => event.pid);
    expect(enters).toEqual(living.map((waiter) => waiter.child.pid));
    expect((await leftovers(t.home)).filter((name) => !isTempFileOf(join(t.home, REGISTRY), name))).toEqual([]);
  });
});

describe('a corrupt registry is refused and preserved', () => {
  const valid = registryText([peerRecord('seed')]);
  const cases: ReadonlyArray<{ name: string; content: Buffer; existing: string }> = [
    { name: 'truncated JSON', content: Buffer.from(valid.slice(0, Math.floor(valid.length / 2))), existing: 'seed' },
    { name: 'null', content: Buffer.from('null\n'), existing: 'seed' },
    { name: 'a UTF-8 BOM before valid JSON', content: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(valid)]), existing: 'seed' },
    { name: 'version 1', content: Buffer.from('{"version":1,"peers":[]}'), existing: 'seed' },
    { name: 'a duplicate peer', content: Buffer.from(registryText([peerRecord('dup'), peerRecord('other'), peerRecord('dup')])), existing: 'dup' },
  ];

  it.each(cases)('$name: add, remove, list and start exit 1 naming the file, which stays byte-identical', async ({ content, existing }) => {
    const t = await newHome();
    const file = join(t.home, REGISTRY);
    await writeFile(file, content, { mode: 0o600 });

    const commands: ReadonlyArray<readonly string[]> = [
      ['add', 'x', '--runtime', 'demo'],
      ['remove', existing],
      ['list'],
      ['start', 'x'],
    ];
    for (const args of commands) {
      const verb = args[0] ?? '';
      const result = await t.run(args);
      const context = `iapeer ${args.join(' ')}: ${JSON.stringify(result)}`;
      expect(result.code, context).toBe(1);
      const lines = result.stderr.split('\n');
      expect(lines.at(-1), context).toBe('');
      expect(lines, context).toHaveLength(2);
      expect(lines[0]?.startsWith(`iapeer: ${verb}: `), context).toBe(true);
      expect(lines[0], context).toContain(file);
      expect(result.stdout, context).toBe('');
      expect(Buffer.compare(await readFile(file), content), `${context}: the file changed`).toBe(0);
      expect(await leftovers(t.home), context).toEqual([]);
    }
  });
});
