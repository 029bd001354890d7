/**
 * `npm run bench`: measures the speed targets of the foundation issue on this machine,
 * prints a table and writes bench-results/latest.json.
 *
 * - list: `iapeer list --json` over 100 identities (50 live), median wall time, against
 *   `node -e 0` measured in the same run, interleaved so that drift hits both alike; and
 *   the same without the compile cache (`node dist/main.cjs`, which skips dist/cli.cjs,
 *   the only place the cache is turned on).
 * - stop --all of those 50 live demo peers: wall time.
 * - start: `iapeer start` of a demo peer until it is up (the runtime's prompt seen).
 * - registry: 16 concurrent writer processes × 50 upserts: throughput and p99 lock wait.
 * - adds: 32 concurrent loops × 20 `iapeer add` (the real CLI, one home): how many
 *   succeed, and the p50/p99 wall time of one call.
 * - send: `iapeer send` to a live idle demo peer, delivered and verified, against `node -e 0`;
 *   100 messages to 10 live peers from 10 parallel senders (total wall, per-message p50/p99);
 *   wake-on-send into a down demo peer, delivered.
 * - send-io: what one `send` reads and runs, counted with strace (when it is installed):
 *   registry reads (opens of peers.json), marker reads (listings of the identity's state
 *   directory: one per readMarkers) and tmux client processes, for a send to a live idle
 *   peer and for a wake-on-send.
 * - verbs: `peek` and `show` of a live demo peer in a fleet of 20 (10 live), median wall time
 *   against `node -e 0` in the same run; and `show` again once lifecycle.log holds 5 MiB (the
 *   size it rotates at) of other peers' lines, since show reads the log for its last events.
 * - daemon: one supervise tick over 200 identities (100 live), median, against 200
 *   sequential `tmux has-session` calls timed in the same run; the RSS of a real `daemon run`
 *   (with the node flags its OS service uses) on that fleet after warm-up and after 5,000
 *   ticks at a 10 ms interval.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../src/core/config.js';
import { pathsFor } from '../src/core/paths.js';
import { createContext } from '../src/lifecycle/context/app-context.js';
import { SERVICE_NODE_FLAGS } from '../src/lifecycle/services/service-setup.js';
import { Supervisor } from '../src/lifecycle/supervise/supervisor.js';
import { emptyRegistry, newPeerRecord } from '../src/registry/schema.js';
import { updateRegistry } from '../src/registry/update-registry.js';

const repo = resolve(import.meta.dirname, '..');
const cli = join(repo, 'dist', 'cli.cjs');
const mainBundle = join(repo, 'dist', 'main.cjs');

const LIST_PEERS = 100;
const LIST_LIVE = 50;
const LIST_RUNS = 31;
const START_RUNS = 15;
const WRITERS = 16;
const UPSERTS = 50;
const ADD_LOOPS = 32;
const ADDS_EACH = 20;

interface Home {
  readonly dir: string;
  readonly env: Record<string, string>;
}

function makeHome(): Home {
  const dir = mkdtempSync(join(tmpdir(), 'iapb-'));
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('IAPEER_') && key !== 'TMUX' && key !== 'PEER_IDENTITY' && key !== 'NODE_COMPILE_CACHE') env[key] = value;
  }
  return { dir, env: { ...env, IAPEER_HOME: dir, IAPEER_SOCK_DIR: join(dir, 'sock'), NO_COLOR: '1' } };
}

function iapeer(home: Home, args: string[], entry = cli): { ms: number; stdout: string } {
  const started = performance.now();
  const result = spawnSync(process.execPath, [entry, ...args], { env: home.env, encoding: 'utf8' });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`iapeer ${args.join(' ')} failed: ${result.stderr}`);
  return { ms, stdout: result.stdout };
}

function timeNodeNoop(): number {
  const started = performance.now();
  spawnSync(process.execPath, ['-e', '0']);
  return performance.now() - started;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

const median = (values: number[]) => percentile(values, 50);
const round = (value: number, digits = 1) => Number(value.toFixed(digits));

async function registerDemoPeers(home: Home, names: string[]): Promise<void> {
  const cwd = join(home.dir, 'work');
  mkdirSync(cwd, { recursive: true });
  const now = new Date().toISOString();
  await updateRegistry(pathsFor({ home: home.dir, sockDir: join(home.dir, 'sock') }), () => ({
    next: {
      ...emptyRegistry(),
      peers: names.map((name) => ({ ...newPeerRecord({ personality: name, runtimes: ['demo'], cwd }, now), description: `bench peer ${name}` })),
    },
    value: undefined,
  }));
}

function cleanup(home: Home): void {
  spawnSync(process.execPath, [cli, 'stop', '--all'], { env: home.env });
  rmSync(home.dir, { recursive: true, force: true });
}

async function benchList(): Promise<Record<string, number>> {
  const home = makeHome();
  try {
    const names = Array.from({ length: LIST_PEERS }, (_, index) => `peer${String(index).padStart(3, '0')}`);
    await registerDemoPeers(home, names);
    for (const name of names.slice(0, LIST_LIVE)) iapeer(home, ['start', name]);
    const rows = JSON.parse(iapeer(home, ['list', '--json']).stdout) as Array<{ state: string }>;
    const live = rows.filter((row) => row.state === 'live').length;
    if (rows.length !== LIST_PEERS || live !== LIST_LIVE) throw new Error(`list saw ${rows.length} rows, ${live} live`);
    const list: number[] = [];
    const uncached: number[] = [];
    const noop: number[] = [];
    for (let run = 0; run < LIST_RUNS; run++) {
      noop.push(timeNodeNoop());
      list.push(iapeer(home, ['list', '--json']).ms);
      uncached.push(iapeer(home, ['list', '--json'], mainBundle).ms);
    }
    // stop --all of the 50 live peers, twice (they are started again in between).
    const stops: number[] = [];
    for (let run = 0; run < 2; run++) {
      if (run > 0) for (const name of names.slice(0, LIST_LIVE)) iapeer(home, ['start', name]);
      stops.push(iapeer(home, ['stop', '--all']).ms);
      const after = JSON.parse(iapeer(home, ['list', '--json']).stdout) as Array<{ state: string }>;
      if (after.some((row) => row.state === 'live')) throw new Error('stop --all left a live peer');
    }
    const stopMs = Math.max(...stops);
    return {
      identities: rows.length,
      live,
      runs: LIST_RUNS,
      nodeNoopMedianMs: round(median(noop)),
      listMedianMs: round(median(list)),
      listP90Ms: round(percentile(list, 90)),
      ratio: round(median(list) / median(noop), 2),
      listNoCacheMedianMs: round(median(uncached)),
      cacheSavesMs: round(median(uncached) - median(list)),
      stopAllRuns: stops.length,
      stopAllMaxMs: round(stopMs),
      stopAllRatio: round(stopMs / median(noop), 2),
    };
  } finally {
    cleanup(home);
  }
}

async function benchStart(): Promise<Record<string, number>> {
  const home = makeHome();
  try {
    const names = Array.from({ length: START_RUNS }, (_, index) => `start${index}`);
    await registerDemoPeers(home, names);
    const times = names.map((name) => iapeer(home, ['start', name]).ms);
    return { runs: START_RUNS, medianMs: round(median(times)), p90Ms: round(percentile(times, 90)), maxMs: round(Math.max(...times)) };
  } finally {
    cleanup(home);
  }
}

function collect(child: ChildProcess): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolvePromise(out) : reject(new Error(`writer exited ${code ?? 'by signal'}`))));
  });
}

async function benchRegistry(): Promise<Record<string, number>> {
  const home = makeHome();
  try {
    const goFile = join(home.dir, 'go');
    const writer = join(repo, 'test', 'fixtures', 'registry-writer.ts');
    const children = Array.from({ length: WRITERS }, (_, index) =>
      spawn(process.execPath, ['--import', 'tsx', writer, home.dir, String(index), String(UPSERTS), goFile], {
        cwd: repo,
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    );
    const outputs = children.map(collect);
    // Wait until every writer has started, then release them all at one moment.
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolvePromise) => {
            const onData = (chunk: Buffer) => {
              if (chunk.toString().includes('ready')) {
                child.stdout?.off('data', onData);
                resolvePromise();
              }
            };
            child.stdout?.on('data', onData);
          }),
      ),
    );
    const startAt = Date.now() + 200;
    writeFileSync(goFile, String(startAt));
    const results = (await Promise.all(outputs)).map((out) => JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { lockWaitMs: number[] });
    const elapsedMs = Date.now() - startAt;
    const waits = results.flatMap((result) => result.lockWaitMs);
    const upserts = WRITERS * UPSERTS;
    if (waits.length !== upserts) throw new Error(`expected ${upserts} timings, got ${waits.length}`);
    return {
      writers: WRITERS,
      upserts,
      elapsedMs,
      upsertsPerSecond: round(upserts / (elapsedMs / 1000)),
      lockWaitP50Ms: median(waits),
      lockWaitP99Ms: percentile(waits, 99),
      lockWaitMaxMs: Math.max(...waits),
    };
  } finally {
    cleanup(home);
  }
}

function timedAdd(home: Home, name: string): Promise<{ ms: number; ok: boolean; stderr: string }> {
  return new Promise((resolvePromise) => {
    const started = performance.now();
    const child = spawn(process.execPath, [cli, 'add', name, '--runtime', 'demo', '--cwd', home.dir], { env: home.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolvePromise({ ms: performance.now() - started, ok: code === 0, stderr }));
  });
}

async function benchAdds(): Promise<Record<string, number>> {
  const home = makeHome();
  try {
    const noop = Array.from({ length: 5 }, timeNodeNoop);
    const started = performance.now();
    const calls = (
      await Promise.all(
        Array.from({ length: ADD_LOOPS }, async (_, loop) => {
          const results = [];
          for (let n = 0; n < ADDS_EACH; n++) results.push(await timedAdd(home, `a${loop}-${n}`));
          return results;
        }),
      )
    ).flat();
    const elapsedMs = performance.now() - started;
    const failed = calls.filter((call) => !call.ok);
    if (failed.length > 0) console.error(`adds: ${failed.length} failed, e.g. ${failed[0]?.stderr.trim()}`);
    const times = calls.map((call) => call.ms);
    return {
      loops: ADD_LOOPS,
      addsEach: ADDS_EACH,
      calls: calls.length,
      succeeded: calls.length - failed.length,
      noticed: calls.filter((call) => call.ok && call.stderr.includes('waiting for')).length,
      elapsedMs: round(elapsedMs),
      nodeNoopMedianMs: round(median(noop)),
      p50Ms: round(median(times)),
      p99Ms: round(percentile(times, 99)),
      maxMs: round(Math.max(...times)),
    };
  } finally {
    cleanup(home);
  }
}

const SEND_RUNS = 21;
const SEND_PEERS = 10;
const SENDS_EACH = 10;

/** One `iapeer` call in the background: its wall time and whether it succeeded. */
function timedCall(home: Home, args: string[]): Promise<{ ms: number; ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    const started = performance.now();
    const child = spawn(process.execPath, [cli, ...args], { env: home.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolvePromise({ ms: performance.now() - started, ok: code === 0, stdout, stderr }));
  });
}

function outcomeOf(stdout: string): string {
  return (JSON.parse(stdout) as { outcome: string }).outcome;
}

async function benchSend(): Promise<Record<string, number>> {
  const home = makeHome();
  try {
    const names = Array.from({ length: SEND_PEERS }, (_, index) => `send${index}`);
    const sleepers = Array.from({ length: 7 }, (_, index) => `wake${index}`);
    await registerDemoPeers(home, [...names, ...sleepers]);
    for (const name of names) iapeer(home, ['start', name]);
    // The first message to a session waits for the strict readiness gate; the bench times the ones after it.
    for (const name of names) iapeer(home, ['send', name, '--message', 'warm-up']);
    const single: number[] = [];
    const noop: number[] = [];
    for (let run = 0; run < SEND_RUNS; run++) {
      noop.push(timeNodeNoop());
      const { ms, stdout } = iapeer(home, ['send', 'send0', '--message', `bench message ${run}`, '--json']);
      if (outcomeOf(stdout) !== 'delivered') throw new Error(`send ${run} was not delivered: ${stdout}`);
      single.push(ms);
    }
    const started = performance.now();
    const perMessage = (
      await Promise.all(
        names.map(async (_, sender) => {
          const times: number[] = [];
          for (let index = 0; index < SENDS_EACH; index++) {
            const target = names[(sender + index) % names.length] as string;
            const result = await timedCall(home, ['send', target, '--message', `from sender ${sender}, message ${index}`, '--json']);
            if (!result.ok || outcomeOf(result.stdout) === 'queued') throw new Error(`parallel send failed: ${result.stderr || result.stdout}`);
            times.push(result.ms);
          }
          return times;
        }),
      )
    ).flat();
    const parallelMs = performance.now() - started;
    const wakes = sleepers.map((name) => {
      const { ms, stdout } = iapeer(home, ['send', name, '--message', 'wake up', '--json']);
      if (outcomeOf(stdout) !== 'woken-delivered') throw new Error(`wake-on-send gave ${stdout}`);
      return ms;
    });
    return {
      runs: SEND_RUNS,
      nodeNoopMedianMs: round(median(noop)),
      sendMedianMs: round(median(single)),
      sendP90Ms: round(percentile(single, 90)),
      sendRatio: round(median(single) / median(noop), 2),
      parallelMessages: perMessage.length,
      parallelWallMs: round(parallelMs),
      parallelP50Ms: round(median(perMessage)),
      parallelP99Ms: round(percentile(perMessage, 99)),
      wakeRuns: wakes.length,
      wakeMedianMs: round(median(wakes)),
    };
  } finally {
    cleanup(home);
  }
}

interface SendIo {
  readonly registryReads: number;
  readonly markerReads: number;
  readonly tmuxCalls: number;
}

/** One traced `send`: strace follows node and its children, and lets go of each at its execve (so tmux servers are never traced). */
function tracedSend(home: Home, target: string, identity: string): SendIo {
  const trace = join(home.dir, `trace-${target}`);
  const result = spawnSync('strace', ['-f', '-b', 'execve', '-qq', '-e', 'trace=openat,execve', '-o', trace, process.execPath, cli, 'send', target, '--message', 'counted'], {
    env: home.env,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`traced send failed: ${result.stderr}`);
  const lines = readFileSync(trace, 'utf8').split('\n');
  const stateDir = `${join(home.dir, 'state', identity)}"`;
  return {
    registryReads: lines.filter((line) => line.includes(`${join(home.dir, 'peers.json')}", O_RDONLY`)).length,
    markerReads: lines.filter((line) => line.includes(stateDir) && line.includes('O_DIRECTORY')).length,
    tmuxCalls: new Set(lines.filter((line) => /execve\("[^"]*\/tmux"/.test(line)).map((line) => line.split(' ')[0])).size,
  };
}

async function benchSendIo(): Promise<Record<string, number>> {
  if (spawnSync('strace', ['-V']).status !== 0) return { skipped: 1 };
  const home = makeHome();
  try {
    await registerDemoPeers(home, ['io', 'iowake']);
    iapeer(home, ['start', 'io']);
    iapeer(home, ['send', 'io', '--message', 'warm-up']);
    const live = tracedSend(home, 'io', 'demo-io');
    const wake = tracedSend(home, 'iowake', 'demo-iowake');
    return {
      liveRegistryReads: live.registryReads,
      liveMarkerReads: live.markerReads,
      liveTmuxCalls: live.tmuxCalls,
      wakeRegistryReads: wake.registryReads,
      wakeMarkerReads: wake.markerReads,
      wakeTmuxCalls: wake.tmuxCalls,
    };
  } finally {
    cleanup(home);
  }
}

const VERB_PEERS = 20;
const VERB_LIVE = 10;
const VERB_RUNS = 21;
const BIG_LOG_BYTES = 5 * 1024 * 1024;

/** A full lifecycle.log (the size it rotates at) of other peers' lines, then this home's own. */
function fillLog(home: Home): void {
  const file = join(home.dir, 'logs', 'lifecycle.log');
  const own = readFileSync(file, 'utf8');
  const line = (n: number) => `ts=2026-01-01T00:00:00.000Z ev=deliver identity=demo-other${n % 50} id=0mx9k572g${String(n % 1000).padStart(3, '0')}-8jp-kou557 outcome=delivered\n`;
  const lines: string[] = [];
  let size = 0;
  for (let n = 0; size < BIG_LOG_BYTES; n++) {
    const next = line(n);
    lines.push(next);
    size += next.length;
  }
  writeFileSync(file, lines.join('') + own, { mode: 0o600 });
}

/** `peek` and `show` of a live demo peer in a fleet of 20 (10 live), against `node -e 0`; show again over a 5 MiB lifecycle log. */
async function benchVerbs(): Promise<Record<string, number>> {
  const home = makeHome();
  try {
    const names = Array.from({ length: VERB_PEERS }, (_, index) => `verb${String(index).padStart(2, '0')}`);
    await registerDemoPeers(home, names);
    await startMany(home, names.slice(0, VERB_LIVE));
    for (const name of names.slice(0, VERB_LIVE)) iapeer(home, ['send', name, '--message', 'something to look at']);
    if (!iapeer(home, ['peek', 'verb00']).stdout.includes('[iap from=operator')) throw new Error('peek did not show the message');
    const noop: number[] = [];
    const peek: number[] = [];
    const show: number[] = [];
    for (let run = 0; run < VERB_RUNS; run++) {
      noop.push(timeNodeNoop());
      peek.push(iapeer(home, ['peek', 'verb00']).ms);
      show.push(iapeer(home, ['show', 'verb00']).ms);
    }
    fillLog(home);
    const bigShow: number[] = [];
    for (let run = 0; run < VERB_RUNS; run++) bigShow.push(iapeer(home, ['show', 'verb00', '--json']).ms);
    return {
      peers: VERB_PEERS,
      live: VERB_LIVE,
      runs: VERB_RUNS,
      nodeNoopMedianMs: round(median(noop)),
      peekMedianMs: round(median(peek)),
      peekRatio: round(median(peek) / median(noop), 2),
      showMedianMs: round(median(show)),
      showRatio: round(median(show) / median(noop), 2),
      showBigLogMedianMs: round(median(bigShow)),
      showBigLogRatio: round(median(bigShow) / median(noop), 2),
    };
  } finally {
    cleanup(home);
  }
}

const DAEMON_IDS = 200;
const DAEMON_LIVE = 100;
const TICK_RUNS = 21;
const RSS_TICKS = 5000;

/** Starts demo peers a few at a time: each start waits for its runtime's prompt. */
async function startMany(home: Home, names: readonly string[], atOnce = 8): Promise<void> {
  for (let index = 0; index < names.length; index += atOnce) {
    const batch = names.slice(index, index + atOnce);
    const results = await Promise.all(batch.map((name) => timedCall(home, ['start', name])));
    const failed = results.find((result) => !result.ok);
    if (failed) throw new Error(`start failed: ${failed.stderr}`);
  }
}

function rssMiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return round(Number(match?.[1] ?? Number.NaN) / 1024);
}

function daemonTicks(home: Home): number {
  try {
    return (JSON.parse(readFileSync(join(home.dir, 'daemon.json'), 'utf8')) as { ticks: number }).ticks;
  } catch {
    return 0;
  }
}

async function untilTicks(home: Home, ticks: number, child: ChildProcess): Promise<void> {
  while (daemonTicks(home) < ticks) {
    if (child.exitCode !== null) throw new Error(`the daemon exited (${child.exitCode})`);
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 50));
  }
}

async function benchDaemon(): Promise<Record<string, number>> {
  const home = makeHome();
  let daemon: ChildProcess | undefined;
  try {
    const names = Array.from({ length: DAEMON_IDS }, (_, index) => `tick${String(index).padStart(3, '0')}`);
    await registerDemoPeers(home, names);
    await startMany(home, names.slice(0, DAEMON_LIVE));

    // 200 sequential has-session calls, the way a naive supervisor asks tmux about each identity.
    const sock = join(home.dir, 'sock');
    const hasSession: number[] = [];
    for (let run = 0; run < 5; run++) {
      const started = performance.now();
      for (const name of names) spawnSync('tmux', ['-S', join(sock, `demo-${name}`), 'has-session', '-t', `=demo-${name}`], { stdio: 'ignore' });
      hasSession.push(performance.now() - started);
    }

    const ctx = createContext({ config: loadConfig(home.env, homedir()), env: home.env, cwd: repo, nodeBin: process.execPath });
    const supervisor = new Supervisor(ctx, { onError: (error) => console.error('tick error:', error) });
    const ticks: number[] = [];
    for (let run = 0; run < TICK_RUNS; run++) {
      const started = performance.now();
      const report = await supervisor.tick();
      ticks.push(performance.now() - started);
      const live = Object.values(report.peers).filter((state) => state === 'live').length;
      if (live !== DAEMON_LIVE || report.decisions.some((decision) => decision.kind !== 'alive')) throw new Error(`the tick saw ${live} live and acted`);
    }

    // Run as its OS service runs it (see SERVICE_NODE_FLAGS).
    daemon = spawn(process.execPath, [...SERVICE_NODE_FLAGS, cli, 'daemon', 'run'], { env: { ...home.env, IAPEER_SUPERVISE_INTERVAL_MS: '10' }, stdio: 'ignore' });
    await untilTicks(home, 200, daemon);
    const warm = rssMiB(daemon.pid ?? -1);
    const warmTicks = daemonTicks(home);
    await untilTicks(home, warmTicks + RSS_TICKS, daemon);
    const after = rssMiB(daemon.pid ?? -1);
    return {
      identities: DAEMON_IDS,
      live: DAEMON_LIVE,
      hasSession200MedianMs: round(median(hasSession)),
      tickMedianMs: round(median(ticks)),
      tickP90Ms: round(percentile(ticks, 90)),
      tickRatio: round(median(ticks) / median(hasSession), 3),
      rssWarmMiB: warm,
      rssAfterTicks: RSS_TICKS,
      rssAfterMiB: after,
      rssGrowthPercent: round(((after - warm) / warm) * 100, 1),
    };
  } finally {
    daemon?.kill('SIGTERM');
    if (daemon && daemon.exitCode === null) await new Promise((resolvePromise) => daemon?.once('close', resolvePromise));
    cleanup(home);
  }
}

type Results = Record<string, number>;
type Row = [string, string, string, string];

/** Each section: what it measures, and its rows in the table. */
const SECTIONS: Record<string, { run: () => Promise<Results>; rows: (r: Results) => Row[] }> = {
  list: {
    run: benchList,
    rows: (list) => [
      ['node -e 0 (median)', `${list['nodeNoopMedianMs']} ms`, '', ''],
      [`list --json, ${list['identities']} ids / ${list['live']} live (median)`, `${list['listMedianMs']} ms`, `≤ 1.5 × node -e 0`, `${list['ratio']}× ${(list['ratio'] ?? 99) <= 1.5 ? 'ok' : 'MISSED'}`],
      ['list --json without compile cache (median)', `${list['listNoCacheMedianMs']} ms`, 'report', `cache saves ${list['cacheSavesMs']} ms`],
      [
        `stop --all of ${list['live']} live demo peers (worst of ${list['stopAllRuns']})`,
        `${list['stopAllMaxMs']} ms`,
        '≤ 1500 ms and ≤ 12 × node -e 0',
        `${list['stopAllRatio']}× ${(list['stopAllMaxMs'] ?? 1e9) <= 1500 && (list['stopAllRatio'] ?? 99) <= 12 ? 'ok' : 'MISSED'}`,
      ],
    ],
  },
  start: {
    run: benchStart,
    rows: (start) => [
      ['start demo peer until up (median)', `${start['medianMs']} ms`, '≤ 600 ms', (start['medianMs'] ?? 1e9) <= 600 ? 'ok' : 'MISSED'],
      ['start demo peer (p90)', `${start['p90Ms']} ms`, '', ''],
    ],
  },
  registry: {
    run: benchRegistry,
    rows: (registry) => [
      [`registry ${WRITERS} writers × ${UPSERTS} upserts`, `${registry['upsertsPerSecond']} upserts/s`, 'report', ''],
      ['registry lock wait p99', `${registry['lockWaitP99Ms']} ms`, 'report', ''],
    ],
  },
  adds: {
    run: benchAdds,
    rows: (adds) => [
      [`${ADD_LOOPS} × ${ADDS_EACH} concurrent iapeer add: succeeded`, `${adds['succeeded']}/${adds['calls']}`, `${adds['calls']}/${adds['calls']}`, adds['succeeded'] === adds['calls'] ? 'ok' : 'MISSED'],
      ['concurrent add: wall time per call p50 / p99', `${adds['p50Ms']} / ${adds['p99Ms']} ms`, 'report', `all in ${round((adds['elapsedMs'] ?? 0) / 1000)} s`],
    ],
  },
  send: {
    run: benchSend,
    rows: (send) => [
      [
        'send to a live idle demo peer, delivered (median)',
        `${send['sendMedianMs']} ms`,
        '≤ 400 ms and ≤ 4 × node -e 0',
        `${send['sendRatio']}× ${(send['sendMedianMs'] ?? 1e9) <= 400 && (send['sendRatio'] ?? 99) <= 4 ? 'ok' : 'MISSED'}`,
      ],
      [
        `${send['parallelMessages']} messages to ${SEND_PEERS} peers from ${SEND_PEERS} parallel senders`,
        `${round((send['parallelWallMs'] ?? 0) / 1000, 2)} s`,
        'report',
        `per message p50 ${send['parallelP50Ms']} / p99 ${send['parallelP99Ms']} ms`,
      ],
      ['wake-on-send into a down demo peer, delivered (median)', `${send['wakeMedianMs']} ms`, 'report', ''],
    ],
  },
  verbs: {
    run: benchVerbs,
    rows: (verbs) => [
      ['peek of a live demo peer (median)', `${verbs['peekMedianMs']} ms`, 'report', `${verbs['peekRatio']}× node -e 0`],
      [`show of a live demo peer, ${verbs['peers']} peers / ${verbs['live']} live (median)`, `${verbs['showMedianMs']} ms`, 'report', `${verbs['showRatio']}× node -e 0`],
      ['show --json over a 5 MiB lifecycle.log (median)', `${verbs['showBigLogMedianMs']} ms`, 'report', `${verbs['showBigLogRatio']}× node -e 0`],
    ],
  },
  'send-io': {
    run: benchSendIo,
    rows: (io) =>
      io['skipped'] === 1
        ? [['send: reads and tmux calls', 'strace not installed', 'report', '']]
        : [
            ['send to a live peer: registry reads / marker reads / tmux calls', `${io['liveRegistryReads']} / ${io['liveMarkerReads']} / ${io['liveTmuxCalls']}`, 'report', ''],
            ['wake-on-send: registry reads / marker reads / tmux calls', `${io['wakeRegistryReads']} / ${io['wakeMarkerReads']} / ${io['wakeTmuxCalls']}`, 'report', ''],
          ],
  },
  daemon: {
    run: benchDaemon,
    rows: (daemon) => [
      [`${DAEMON_IDS} sequential tmux has-session (median of 5)`, `${daemon['hasSession200MedianMs']} ms`, '', ''],
      [
        `supervise tick, ${daemon['identities']} ids / ${daemon['live']} live (median of ${TICK_RUNS})`,
        `${daemon['tickMedianMs']} ms`,
        '≤ 0.5 × 200 has-session',
        `${daemon['tickRatio']}× ${(daemon['tickRatio'] ?? 99) <= 0.5 ? 'ok' : 'MISSED'}`,
      ],
      ['daemon RSS after warm-up', `${daemon['rssWarmMiB']} MiB`, '≤ 70 MiB', (daemon['rssWarmMiB'] ?? 1e9) <= 70 ? 'ok' : 'MISSED'],
      [
        `daemon RSS after ${RSS_TICKS} ticks at 10 ms`,
        `${daemon['rssAfterMiB']} MiB`,
        '≤ +5 %',
        `${daemon['rssGrowthPercent']} % ${(daemon['rssGrowthPercent'] ?? 99) <= 5 ? 'ok' : 'MISSED'}`,
      ],
    ],
  },
};

// `npm run bench -- daemon send` runs only those sections; no names runs them all.
const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !Object.hasOwn(SECTIONS, name));
if (unknown.length > 0) throw new Error(`unknown bench sections ${unknown.join(', ')}; known: ${Object.keys(SECTIONS).join(', ')}`);
const results: Record<string, Results> = {};
const rows: Row[] = [];
for (const [name, section] of Object.entries(SECTIONS)) {
  if (asked.length > 0 && !asked.includes(name)) continue;
  results[name] = await section.run();
  rows.push(...section.rows(results[name]));
}
const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => row[column]?.length ?? 0), 6));
const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ');
console.log(line(['metric', 'value', 'target', 'result']));
for (const row of rows) console.log(line(row));

const report = {
  at: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  ...results,
};
const outDir = join(repo, 'bench-results');
mkdirSync(outDir, { recursive: true });
// A partial run does not replace the full report.
const outFile = join(outDir, asked.length === 0 ? 'latest.json' : `latest-${asked.join('-')}.json`);
writeFileSync(outFile, `${JSON.stringify(report, null, 2)}\n`);
console.log(`\nwrote ${outFile}`);
