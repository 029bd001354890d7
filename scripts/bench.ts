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
 * - completion: the call a completion script makes at each TAB (`completion bash --words targets`,
 *   and `--words runtimes --of <peer>`) against `list --json` on 50 identities, none live (it
 *   must not be slower); and `completion bash`, the script itself, against `node -e 0`.
 * - hooks: the agent-event hook run as the agents run it (`/bin/sh -c`, `/bin/bash -c`, bare
 *   environment, the event on stdin), median and p99, against `node -e 0`.
 * - top: `iapeer top` over 50 identities (25 live) in a tmux pane: its CPU while nothing
 *   happens (share of one core over 20 s; goal ≤ 2 %), its RSS, one read of the fleet (what
 *   it does each second) and one frame's render time.
 * - daemon: one supervise tick over 200 identities (100 live), median, against 200
 *   sequential `tmux has-session` calls timed in the same run; the RSS of a real `daemon run`
 *   (with the node flags its OS service uses) on that fleet after warm-up and after 5,000
 *   ticks at a 10 ms interval.
 * - hosts: `list --all-hosts --json` over 3 hosts × 50 identities each (loopback sshds, the masters
 *   warm) and one host's `list --host`, against a local `list --json` of 50 in the same run; one
 *   connection per host throughout. A row waits for `send peer@host` against a local `send`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { daemonSection } from './bench/daemon.js';
import { completionSection } from './bench/completion.js';
import { hooksSection } from './bench/hooks.js';
import { hostsSection } from './bench/hosts.js';
import { type Results, type Row, type Section, repo } from './bench/kit.js';
import { listSection, startSection } from './bench/list.js';
import { addsSection, registrySection } from './bench/registry.js';
import { sendSection, sendioSection } from './bench/send.js';
import { topSection } from './bench/top.js';
import { verbsSection } from './bench/verbs.js';

/** The sections in the order they run; each is a file of scripts/bench/. */
const SECTIONS: Record<string, Section> = {
  list: listSection,
  start: startSection,
  registry: registrySection,
  adds: addsSection,
  send: sendSection,
  verbs: verbsSection,
  completion: completionSection,
  'send-io': sendioSection,
  daemon: daemonSection,
  hooks: hooksSection,
  top: topSection,
  hosts: hostsSection,
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
