// list: `iapeer list --json` over 100 identities (50 live) against `node -e 0`, with and without
// the compile cache; `stop --all` of the 50 live ones; start: `iapeer start` of a demo peer until it is up.
import { type Section, cleanup, iapeer, mainBundle, makeHome, median, percentile, registerDemoPeers, round, timeNodeNoop } from './kit.js';

const LIST_PEERS = 100;
const LIST_LIVE = 50;
const LIST_RUNS = 31;
const START_RUNS = 15;

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

export const listSection: Section = {
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
};

export const startSection: Section = {
  run: benchStart,
  rows: (start) => [
    ['start demo peer until up (median)', `${start['medianMs']} ms`, '≤ 600 ms', (start['medianMs'] ?? 1e9) <= 600 ? 'ok' : 'MISSED'],
    ['start demo peer (p90)', `${start['p90Ms']} ms`, '', ''],
  ],
};
