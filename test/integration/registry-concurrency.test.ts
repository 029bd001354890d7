// The registry under real multi-process load: many writers at once, a writer killed while
// holding the lock mid-write, a stale-lock takeover race, and corrupt registries (section 3).
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isTempFileOf } from '../../src/core/atomic-write.js';
import { parseRegistry } from '../../src/registry/read-registry.js';
import { type TestHome, makeHome, waitFor } from '../helpers/cli.js';
import { allExited, describeFixture, exited, killFixtures, releaseTogether, spawnFixture } from '../helpers/fixtures.js';

const homes: TestHome[] = [];

afterEach(async () => {
  await killFixtures();
  await Promise.all(homes.splice(0).map((home) => home.cleanup()));
});

async function newHome(): Promise<TestHome> {
  const home = await makeHome();
  homes.push(home);
  return home;
}

// ---------------------------------------------------------------- helpers about the files

const REGISTRY = 'peers.json';

/** Entries beside the registry that a finished writer must never leave: locks, claims, temp files. */
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
  it('32 processes x 50 upserts at once: every peer lands, the file is valid and private, nothing is left behind', async () => {
    const WORKERS = 32;
    const UPSERTS = 50;
    const t = await newHome();
    // A home that does not exist yet: the writers race to create it too.
    const home = join(t.home, 'home');
    const goFile = join(t.home, 'go');

    const workers = Array.from({ length: WORKERS }, (_, index) =>
      spawnFixture('registry-writer', [home, String(index), String(UPSERTS), goFile]),
    );
    await releaseTogether(workers, goFile, 50_000);
    const started = Date.now();
    await allExited(workers, 'all registry writers to finish', 55_000);
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

  it('a writer SIGKILLed while holding the lock mid-write: the next add waits out the stale window, then succeeds', async () => {
    const t = await newHome();
    const file = join(t.home, REGISTRY);
    const seeded = await t.run(['add', 'seed', '--runtime', 'demo']);
    expect(seeded, seeded.stderr).toMatchObject({ code: 0 });
    const before = await readFile(file);

    const holder = spawnFixture('lock-holder', [t.home]);
    const line = await waitFor(
      () => {
        if (exited(holder)) throw new Error(`lock-holder exited: ${describeFixture(holder)}`);
        return /^locked (\S+)\n/.exec(holder.stdout);
      },
      'the lock holder to take the lock',
      30_000,
      20,
    );
    const orphan = line[1] ?? '';
    expect(isTempFileOf(file, orphan.slice(t.home.length + 1))).toBe(true);
    expect(existsSync(orphan)).toBe(true);
    expect(existsSync(join(t.home, `${REGISTRY}.lock`))).toBe(true);

    holder.child.kill('SIGKILL');
    await holder.exit;
    expect(holder.child.signalCode).toBe('SIGKILL');
    // The killed writer left its lock and its half-written temp file behind.
    expect(existsSync(join(t.home, `${REGISTRY}.lock`))).toBe(true);
    expect(existsSync(orphan)).toBe(true);

    const started = Date.now();
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
    const elapsed = Date.now() - started;
    console.log(`killed writer: next add exited ${result.code} after ${elapsed} ms (${reads} concurrent reads)`);
    expect(result, result.stderr).toMatchObject({ code: 0 });
    expect(elapsed).toBeGreaterThanOrEqual(9_000);
    expect(elapsed).toBeLessThan(30_000);

    const registry = parseRegistry(file, await readFile(file, 'utf8'));
    expect(registry.peers.map((peer) => peer.personality)).toEqual(['seed', 'next']);
    expect(modeOf(await stat(file))).toBe('0600');
    expect(existsSync(orphan)).toBe(false);
    expect(await leftovers(t.home)).toEqual([]);
  });

  it('8 processes race to take over the same stale lock: never two critical sections at once', async () => {
    const CONTENDERS = 8;
    const ROUNDS_EACH = 5;
    const SCENARIOS = 3;
    const racersPerScenario: number[] = [];
    for (let scenario = 0; scenario < SCENARIOS; scenario++) {
      const t = await newHome();
      const lockDir = join(t.home, `${REGISTRY}.lock`);
      const sharedLog = join(t.home, 'sections.log');
      const goFile = join(t.home, 'go');
      // A lock left by a process that died a minute ago.
      await mkdir(lockDir);
      const past = new Date(Date.now() - 60_000);
      await utimes(lockDir, past, past);
      await writeFile(sharedLog, '');

      const contenders = Array.from({ length: CONTENDERS }, () =>
        spawnFixture('lock-contender', [t.home, sharedLog, String(ROUNDS_EACH), goFile]),
      );
      await releaseTogether(contenders, goFile, 40_000, 500);
      await allExited(contenders, 'all lock contenders to finish', 40_000);

      const staleSeen = contenders.map((contender) => (JSON.parse(contender.stdout.trim().split('\n').at(-1) ?? '{}') as { staleSeen: number }).staleSeen);
      const racers = staleSeen.filter((count) => count > 0).length;
      console.log(`takeover race ${scenario + 1}/${SCENARIOS}: ${racers} of ${CONTENDERS} contenders saw the stale lock`);
      racersPerScenario.push(racers);
      expect(racers).toBeGreaterThanOrEqual(1);

      const events = (await readFile(sharedLog, 'utf8'))
        .trim()
        .split('\n')
        .map((text, position) => {
          const [kind, pid, at] = text.split(' ');
          return { kind, pid: Number(pid), at: Number(at), position, text };
        });
      expect(events).toHaveLength(CONTENDERS * ROUNDS_EACH * 2);
      // Order of the appends, ties in time kept in file order.
      const ordered = [...events].sort((a, b) => a.at - b.at || a.position - b.position);
      const overlaps: string[] = [];
      for (let i = 0; i < ordered.length; i += 2) {
        const enter = ordered[i];
        const leave = ordered[i + 1];
        if (enter?.kind !== 'enter' || leave?.kind !== 'leave' || leave.pid !== enter.pid) {
          overlaps.push(`at ${i}: ${enter?.text} / ${leave?.text}`);
        }
      }
      // The file order (the true order of the O_APPEND writes) must alternate too.
      for (let i = 0; i < events.length; i += 2) {
        const enter = events[i];
        const leave = events[i + 1];
        if (enter?.kind !== 'enter' || leave?.kind !== 'leave' || leave.pid !== enter.pid) {
          overlaps.push(`line ${i + 1}: ${enter?.text} / ${leave?.text}`);
        }
      }
      expect(overlaps).toEqual([]);
      expect(await leftovers(t.home)).toEqual([]);
      const names = await readdir(t.home);
      expect(names.filter((name) => name.includes('.takeover-'))).toEqual([]);
      await t.cleanup();
      homes.splice(homes.indexOf(t), 1);
    }
    // It was a race only if several contenders met the same stale lock; on a loaded machine
    // one scenario may start out of step, but not all of them.
    expect(Math.max(...racersPerScenario)).toBeGreaterThanOrEqual(2);
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
