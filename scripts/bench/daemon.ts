// daemon: one supervise tick over 200 identities (100 live) against 200 sequential
// `tmux has-session`; the RSS of a real `daemon run` after warm-up and after 5,000 ticks.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/core/config.js';
import { createContext } from '../../src/lifecycle/context/app-context.js';
import { SERVICE_NODE_FLAGS } from '../../src/lifecycle/services/service-setup.js';
import { Supervisor } from '../../src/lifecycle/supervise/supervisor.js';
import { type Home, type Section, cleanup, cli, makeHome, median, percentile, registerDemoPeers, repo, round, rssMiB, startMany } from './kit.js';

const DAEMON_IDS = 200;
const DAEMON_LIVE = 100;
const TICK_RUNS = 21;
const RSS_TICKS = 5000;

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

export const daemonSection: Section = {
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
};
