// top: `iapeer top` over 50 identities (25 live demo peers) in a real terminal (a tmux pane):
// its CPU while nothing happens (share of one core over 20 s), its RSS, one frame's render time
// and one read of the fleet (what it does each second), in process.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../src/core/config.js';
import { createContext } from '../../src/lifecycle/context/app-context.js';
import { LogTail } from '../../src/lifecycle/log/log-tail.js';
import { statusReport } from '../../src/lifecycle/supervise/status-report.js';
import { glyphsFor } from '../../src/cli/top/glyphs.js';
import { frame } from '../../src/cli/top/top-frame.js';
import { INITIAL } from '../../src/cli/top/top-state.js';
import { type Section, cleanup, cli, makeHome, median, percentile, registerDemoPeers, repo, round, rssMiB, startMany } from './kit.js';

const IDENTITIES = 50;
const LIVE = 25;
const IDLE_SAMPLE_MS = 20_000;
const FRAMES = 500;
const READS = 21;

/** User plus system CPU time of a process, in ms (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function benchTop(): Promise<Record<string, number>> {
  const home = makeHome();
  const socket = join(home.dir, 'term.sock');
  const tmux = (args: string[]) => spawnSync('tmux', ['-S', socket, ...args], { encoding: 'utf8' });
  try {
    const names = Array.from({ length: IDENTITIES }, (_, index) => `top${String(index).padStart(2, '0')}`);
    await registerDemoPeers(home, names);
    await startMany(home, names.slice(0, LIVE));

    // The pane runs top itself (exec), so the pane's pid is top's.
    const env = Object.entries({ ...home.env, LANG: 'C.UTF-8' }).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
    tmux(['-f', '/dev/null', 'new-session', '-d', '-x', '160', '-y', '60', ...env, `exec ${process.execPath} ${cli} top`]);
    const pid = Number(tmux(['display', '-p', '-t', '0', '#{pane_pid}']).stdout.trim());
    const deadline = Date.now() + 30_000;
    while (!tmux(['capture-pane', '-p', '-t', '0']).stdout.includes(`${IDENTITIES} identities`)) {
      if (Date.now() > deadline) throw new Error('top did not draw the fleet within 30 s');
      await sleep(50);
    }
    await sleep(3000);
    const cpuBefore = cpuMs(pid);
    const started = performance.now();
    await sleep(IDLE_SAMPLE_MS);
    const idleCpuPercent = ((cpuMs(pid) - cpuBefore) / (performance.now() - started)) * 100;
    const rss = rssMiB(pid);
    tmux(['send-keys', '-t', '0', 'q']);

    // In process: a read of the fleet, and frames drawn from it.
    const ctx = createContext({ config: loadConfig(home.env, homedir()), env: home.env, cwd: repo, nodeBin: process.execPath });
    const reads: number[] = [];
    let report = await statusReport(ctx);
    for (let run = 0; run < READS; run++) {
      const at = performance.now();
      report = await statusReport(ctx);
      reads.push(performance.now() - at);
    }
    const tail = new LogTail(ctx.paths.lifecycleLog);
    const stopTail = new AbortController();
    const following = tail.follow(stopTail.signal);
    await sleep(300);
    const frames: number[] = [];
    for (let run = 0; run < FRAMES; run++) {
      const at = performance.now();
      frame({
        report,
        lastEvent: (identity) => tail.lastAbout(identity),
        logLines: (identity, count) => tail.linesAbout(identity, count),
        state: INITIAL,
        nowMs: Date.now(),
        size: { columns: 160, rows: 60 },
        glyphs: glyphsFor({ LANG: 'C.UTF-8' }),
        color: true,
        pending: [],
      });
      frames.push(performance.now() - at);
    }
    stopTail.abort();
    await following;
    return {
      identities: IDENTITIES,
      live: LIVE,
      idleSampleS: IDLE_SAMPLE_MS / 1000,
      idleCpuPercentOfCore: round(idleCpuPercent, 2),
      rssMiB: rss,
      readMedianMs: round(median(reads)),
      readP90Ms: round(percentile(reads, 90)),
      frameMedianMs: round(median(frames), 3),
      frameP99Ms: round(percentile(frames, 99), 3),
    };
  } finally {
    tmux(['kill-server']);
    cleanup(home);
  }
}

export const topSection: Section = {
  run: benchTop,
  rows: (r) => [
    [`top idle CPU, ${r.identities} identities (${r.live} live), ${r.idleSampleS} s`, `${r.idleCpuPercentOfCore}% of a core`, '≤ 2%', (r.idleCpuPercentOfCore ?? 100) <= 2 ? 'ok' : 'MISSED'],
    ['top RSS', `${r.rssMiB} MiB`, '-', '-'],
    ['top read of the fleet (each second) median / p90', `${r.readMedianMs} / ${r.readP90Ms} ms`, '-', '-'],
    ['top one frame render median / p99', `${r.frameMedianMs} / ${r.frameP99Ms} ms`, '-', '-'],
  ],
};
