// completion: the call a completion script makes at each TAB (`iapeer completion bash --words …`)
// against `iapeer list --json` on a fleet of 50 identities, none live (the cheapest list, so the
// strictest comparison), with `node -e 0` and the script itself (`iapeer completion bash`, run
// once per new shell) measured in the same run, interleaved so that drift hits all alike.
import { type Section, cleanup, iapeer, makeHome, median, percentile, registerDemoPeers, round, timeNodeNoop } from './kit.js';

const PEERS = 50;
const RUNS = 41;

async function benchCompletion(): Promise<Record<string, number>> {
  const home = makeHome();
  try {
    const names = Array.from({ length: PEERS }, (_, index) => `peer${String(index).padStart(2, '0')}`);
    await registerDemoPeers(home, names);
    const targets = iapeer(home, ['completion', 'bash', '--words', 'targets']).stdout.trim().split('\n');
    if (targets.length !== 2 * PEERS) throw new Error(`completion offered ${targets.length} targets, not ${2 * PEERS}`);
    const rows = JSON.parse(iapeer(home, ['list', '--json']).stdout) as unknown[];
    if (rows.length !== PEERS) throw new Error(`list saw ${rows.length} rows`);
    const noop: number[] = [];
    const list: number[] = [];
    const words: number[] = [];
    const runtimes: number[] = [];
    const script: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      noop.push(timeNodeNoop());
      list.push(iapeer(home, ['list', '--json']).ms);
      words.push(iapeer(home, ['completion', 'bash', '--words', 'targets']).ms);
      runtimes.push(iapeer(home, ['completion', 'bash', '--words', 'runtimes', '--of', 'peer07']).ms);
      script.push(iapeer(home, ['completion', 'bash']).ms);
    }
    return {
      identities: PEERS,
      runs: RUNS,
      nodeNoopMedianMs: round(median(noop)),
      listMedianMs: round(median(list)),
      wordsMedianMs: round(median(words)),
      wordsP90Ms: round(percentile(words, 90)),
      wordsVsList: round(median(words) / median(list), 2),
      peerRuntimesMedianMs: round(median(runtimes)),
      peerRuntimesVsList: round(median(runtimes) / median(list), 2),
      scriptMedianMs: round(median(script)),
      scriptRatio: round(median(script) / median(noop), 2),
    };
  } finally {
    cleanup(home);
  }
}

export const completionSection: Section = {
  run: benchCompletion,
  rows: (completion) => [
    ['node -e 0 (median)', `${completion['nodeNoopMedianMs']} ms`, '', ''],
    [`list --json, ${completion['identities']} ids, none live (median)`, `${completion['listMedianMs']} ms`, 'report', ''],
    [
      `completion --words targets, ${completion['identities']} ids (median)`,
      `${completion['wordsMedianMs']} ms`,
      '≤ list --json',
      `${completion['wordsVsList']}× list ${(completion['wordsVsList'] ?? 99) <= 1 ? 'ok' : 'MISSED'}`,
    ],
    [
      'completion --words runtimes --of <peer> (median)',
      `${completion['peerRuntimesMedianMs']} ms`,
      '≤ list --json',
      `${completion['peerRuntimesVsList']}× list ${(completion['peerRuntimesVsList'] ?? 99) <= 1 ? 'ok' : 'MISSED'}`,
    ],
    ['completion bash, the script (median)', `${completion['scriptMedianMs']} ms`, 'report', `${completion['scriptRatio']}× node -e 0`],
  ],
};
