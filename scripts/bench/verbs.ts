// verbs: `peek` and `show` of a live demo peer in a fleet of 20 (10 live) against `node -e 0`,
// and `show` again over a 5 MiB lifecycle.log.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Home, type Section, cleanup, iapeer, makeHome, median, registerDemoPeers, round, startMany, timeNodeNoop } from './kit.js';

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

export const verbsSection: Section = {
  run: benchVerbs,
  rows: (verbs) => [
    ['peek of a live demo peer (median)', `${verbs['peekMedianMs']} ms`, 'report', `${verbs['peekRatio']}× node -e 0`],
    [`show of a live demo peer, ${verbs['peers']} peers / ${verbs['live']} live (median)`, `${verbs['showMedianMs']} ms`, 'report', `${verbs['showRatio']}× node -e 0`],
    ['show --json over a 5 MiB lifecycle.log (median)', `${verbs['showBigLogMedianMs']} ms`, 'report', `${verbs['showBigLogRatio']}× node -e 0`],
  ],
};
