// hooks: what the agent-event hook adds to each prompt. The runtime runs it as `/bin/sh -c`
// (Claude Code, the demo) or `/bin/bash -c` (Codex) with the event's JSON on stdin, in the
// agent's bare environment; timed here the same way, against `node -e 0` in the same run.
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { hookCommand } from '../../src/runtimes/hook-command.js';
import { type Section, cleanup, makeHome, median, percentile, round, timeNodeNoop } from './kit.js';

const HOOK_RUNS = 200;

/** A UserPromptSubmit payload of about `bytes`, shaped like Claude Code's. */
function payload(bytes: number): string {
  const head = { session_id: '0b6f3c1e-1111-4222-8333-944445555666', transcript_path: '/root/.claude/projects/-w/x.jsonl', cwd: '/w', hook_event_name: 'UserPromptSubmit' };
  const prompt = `[iap from=operator topic=none id=mhwxk3c1z000-11a9-9f2c4a]\n${'x'.repeat(Math.max(0, bytes - 300))}`;
  return `${JSON.stringify({ ...head, prompt })}\n`;
}

function timeHook(shell: string, command: string, input: string): number {
  const started = performance.now();
  const result = spawnSync(shell, ['-c', command], { input, env: { PATH: '/usr/bin:/bin' }, stdio: ['pipe', 'pipe', 'pipe'] });
  const ms = performance.now() - started;
  if (result.status !== 0 || result.stdout.length > 0) throw new Error(`the hook exited ${result.status} or printed: ${result.stdout.toString()}`);
  return ms;
}

function benchHooks(): Promise<Record<string, number>> {
  const home = makeHome();
  try {
    const dir = join(home.dir, 'state', 'claude-bench');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'events');
    const command = hookCommand(file, 'UserPromptSubmit');
    const small = payload(600);
    const large = payload(64 * 1024);
    const noop: number[] = [];
    const shSmall: number[] = [];
    const shLarge: number[] = [];
    const bash: number[] = [];
    const shExit: number[] = [];
    for (let run = 0; run < HOOK_RUNS; run++) {
      if (run % 10 === 0) noop.push(timeNodeNoop());
      shExit.push(timeHook('/bin/sh', 'exit 0', small));
      shSmall.push(timeHook('/bin/sh', command, small));
      shLarge.push(timeHook('/bin/sh', command, large));
      bash.push(timeHook('/bin/bash', command, small));
    }
    const lines = HOOK_RUNS * 3;
    return Promise.resolve({
      runs: HOOK_RUNS,
      nodeNoopMedianMs: round(median(noop)),
      shellOnlyMedianMs: round(median(shExit), 2),
      shMedianMs: round(median(shSmall), 2),
      shP99Ms: round(percentile(shSmall, 99), 2),
      shLargeMedianMs: round(median(shLarge), 2),
      shLargeP99Ms: round(percentile(shLarge, 99), 2),
      bashMedianMs: round(median(bash), 2),
      bashP99Ms: round(percentile(bash, 99), 2),
      bytesPerEvent: round(statSync(file).size / lines, 0),
    });
  } finally {
    cleanup(home);
  }
}

export const hooksSection: Section = {
  run: benchHooks,
  rows: (hooks) => [
    ['hook: /bin/sh -c "exit 0" alone (median)', `${hooks['shellOnlyMedianMs']} ms`, 'report', ''],
    [
      'hook, /bin/sh, 600 B event (median / p99)',
      `${hooks['shMedianMs']} / ${hooks['shP99Ms']} ms`,
      'a few ms, far below node -e 0',
      `node -e 0 ${hooks['nodeNoopMedianMs']} ms ${(hooks['shMedianMs'] ?? 99) <= 10 && (hooks['shMedianMs'] ?? 99) * 4 <= (hooks['nodeNoopMedianMs'] ?? 0) ? 'ok' : 'MISSED'}`,
    ],
    ['hook, /bin/sh, 64 KiB prompt, kept 8 KiB (median / p99)', `${hooks['shLargeMedianMs']} / ${hooks['shLargeP99Ms']} ms`, 'report', `${hooks['bytesPerEvent']} B per line on average`],
    ['hook, /bin/bash (Codex), 600 B event (median / p99)', `${hooks['bashMedianMs']} / ${hooks['bashP99Ms']} ms`, 'report', ''],
  ],
};
