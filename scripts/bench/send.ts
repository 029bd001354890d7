// send: to a live idle demo peer against `node -e 0`; 100 messages from 10 parallel senders;
// wake-on-send. send-io: what one send reads and runs, counted with strace.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Home, type Section, cleanup, cli, iapeer, makeHome, median, percentile, registerDemoPeers, round, timeNodeNoop, timedCall } from './kit.js';

const SEND_RUNS = 21;
const SEND_PEERS = 10;
const SENDS_EACH = 10;

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

export const sendSection: Section = {
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
};

export const sendioSection: Section = {
  run: benchSendIo,
  rows: (io) =>
    io['skipped'] === 1
      ? [['send: reads and tmux calls', 'strace not installed', 'report', '']]
      : [
          ['send to a live peer: registry reads / marker reads / tmux calls', `${io['liveRegistryReads']} / ${io['liveMarkerReads']} / ${io['liveTmuxCalls']}`, 'report', ''],
          ['wake-on-send: registry reads / marker reads / tmux calls', `${io['wakeRegistryReads']} / ${io['wakeMarkerReads']} / ${io['wakeTmuxCalls']}`, 'report', ''],
        ],
};
