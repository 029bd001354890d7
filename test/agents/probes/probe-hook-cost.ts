// Probe: what one hook command costs, outside any agent: each candidate is run N times as the
// agents run hooks (`/bin/sh -c <command>`, the event JSON on stdin) in a bare environment
// (PATH=/usr/bin:/bin, no locale), and the wall time of each run is measured.
//   npx tsx test/agents/probes/probe-hook-cost.ts [runs=200]
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { log, tempDir } from './probe-kit.js';

const runs = Number(process.argv[2] ?? '200');
const dir = tempDir('probe-hook-cost-');
const F = join(dir, 'events.jsonl');
const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

const small = `${JSON.stringify({
  session_id: '9e3c1d2f-a7f3-4604-ac2c-37298bd428d9',
  transcript_path: '/home/u/.claude/projects/-tmp-proj/9e3c1d2f-a7f3-4604-ac2c-37298bd428d9.jsonl',
  cwd: '/tmp/proj',
  prompt_id: '491566b6-6b3e-4e48-9901-dc47eb526709',
  permission_mode: 'auto',
  hook_event_name: 'UserPromptSubmit',
  prompt: '[iap from=operator topic=none id=mhwxk3c1z000-11a9-9f2c4a]\nhello one line',
})}\n`;
const big = `${JSON.stringify({ session_id: 'x', hook_event_name: 'UserPromptSubmit', prompt: `[iap from=operator topic=none id=mhwxk3c1z000-11a9-9f2c4a]\n${'y'.repeat(256 * 1024)}` })}\n`;

const nodeScript = join(dir, 'hook.cjs');
writeFileSync(
  nodeScript,
  `let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{try{require('fs').appendFileSync(process.argv[2],Date.now()+' '+s)}catch{}})\n`,
);
const shScript = join(dir, 'hook.sh');
writeFileSync(shScript, `#!/bin/sh\ncat >> "$1" 2>/dev/null\nexit 0\n`, { mode: 0o755 });

const candidates: [string, string][] = [
  ['sh: exit 0 (shell start only)', 'exit 0'],
  ['sh: cat >> F', `{ cat >> ${q(F)}; } 2>/dev/null; exit 0`],
  ['sh: head -c 4096 >> F (capped)', `{ { head -c 4096; echo; } >> ${q(F)}; } 2>/dev/null; exit 0`],
  ['sh: time + cat >> F', `{ { printf '%s ' "$(date +%s%N)"; cat; } >> ${q(F)}; } 2>/dev/null; exit 0`],
  ['sh script file', `${q(shScript)} ${q(F)}`],
  ['node -e append', `node -e ${q(readFileSync(nodeScript, 'utf8').trim().replace('argv[2]', 'argv[1]'))} ${q(F)} 2>/dev/null; exit 0`],
  ['node file append', `node ${q(nodeScript)} ${q(F)} 2>/dev/null; exit 0`],
];

function measure(command: string, input: string): { median: number; p99: number; max: number } {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync('/bin/sh', ['-c', command], { input, env: { PATH: '/usr/bin:/bin' }, stdio: ['pipe', 'ignore', 'ignore'] });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (r.status !== 0) throw new Error(`${command} exited ${String(r.status)}`);
  }
  times.sort((a, b) => a - b);
  const at = (p: number): number => times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? NaN;
  return { median: at(0.5), p99: at(0.99), max: times[times.length - 1] ?? NaN };
}

log(`${runs} runs each; payload ${small.length} B and ${big.length} B; load ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
for (const [name, command] of candidates) {
  for (const [label, input] of [['small', small], ['256KiB', big]] as const) {
    rmSync(F, { force: true });
    const m = measure(command, input);
    let size = 0;
    try {
      size = statSync(F).size;
    } catch {
      size = 0;
    }
    log(`${name.padEnd(34)} ${label.padEnd(6)} median ${m.median.toFixed(2)} ms  p99 ${m.p99.toFixed(2)} ms  max ${m.max.toFixed(2)} ms  (file ${size} B)`);
  }
}
// With the home gone: the baseline must still exit 0 and print nothing.
const gone = spawnSync('/bin/sh', ['-c', `{ cat >> ${q(join(dir, 'gone', 'events.jsonl'))}; } 2>/dev/null; exit 0`], { input: small, env: { PATH: '/usr/bin:/bin' } });
log(`home gone: exit ${String(gone.status)}, stdout ${JSON.stringify(gone.stdout.toString())}, stderr ${JSON.stringify(gone.stderr.toString())}`);
const full = spawnSync('/bin/sh', ['-c', `{ cat >> /dev/full; } 2>/dev/null; exit 0`], { input: big, env: { PATH: '/usr/bin:/bin' } });
log(`disk full (/dev/full): exit ${String(full.status)}, stderr ${JSON.stringify(full.stderr.toString())}`);
const naked = spawnSync('/bin/sh', ['-c', `cat >> ${q(join(dir, 'gone', 'events.jsonl'))}`], { input: small, env: { PATH: '/usr/bin:/bin' } });
const late = spawnSync('/bin/sh', ['-c', `cat >> ${q(join(dir, 'gone', 'events.jsonl'))} 2>/dev/null; exit 0`], { input: small, env: { PATH: '/usr/bin:/bin' } });
log(`home gone, 'cat >> F 2>/dev/null; exit 0' (2> after >>): exit ${String(late.status)}, stderr ${JSON.stringify(late.stderr.toString().trim())}`);
log(`home gone, no '; exit 0': exit ${String(naked.status)} (Claude Code treats exit 2 as "block"), stderr ${JSON.stringify(naked.stderr.toString().trim())}`);
rmSync(dir, { recursive: true, force: true });
