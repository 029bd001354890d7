// Probe: what a Claude Code hook's exit status, stdout, slowness or a missing/full disk does
// to the agent, and what a hook costs each prompt (Enter → the model request).
//   npx tsx test/agents/probes/probe-claude-hook-behaviour.ts <variant> [prompts=3]
// The variant's command runs on UserPromptSubmit and Stop; every prompt's latency is
// printed, then the screen, then whether the model saw the prompt (and any hook stdout).
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type AgentLaunch, claudeHome } from '../agent-homes.js';
import { startFakeModelApi } from '../fake-model-api.js';
import { cleanup, log, startPane, tempDir, until, variantHook, visible } from './probe-kit.js';

const READY = /^❯\u00a0\s*$/mu;
const variant = process.argv[2] ?? 'none';
const prompts = Number(process.argv[3] ?? '3');

async function main(): Promise<void> {
  const api = await startFakeModelApi();
  const work = tempDir('probe-claude-beh-');
  const cwd = join(work, 'proj');
  const D = join(work, 'events');
  const F = join(D, 'events.jsonl');
  mkdirSync(cwd);
  mkdirSync(D);
  let launch: AgentLaunch | undefined;
  try {
    launch = claudeHome({ port: api.port, cwd });
    const hook = variantHook(variant, F, D);
    const args: string[] = [];
    if (hook) {
      const h = { type: 'command', ...hook };
      args.push('--settings', JSON.stringify({ hooks: { UserPromptSubmit: [{ hooks: [h] }], Stop: [{ hooks: [h] }] } }));
    }
    log(`variant ${variant}: ${hook ? JSON.stringify(hook) : 'no hook'}`);
    // Bare-ish environment for the hook: no locale, a minimal PATH (node kept reachable for the node variant).
    // PROBE_SHELL: the SHELL the agent sees (does it pick the hook's shell?).
    const env = { ...launch.env, LANG: '', LC_ALL: '', PATH: '/usr/bin:/bin', ...(process.env.PROBE_SHELL ? { SHELL: process.env.PROBE_SHELL } : {}) };
    const pane = startPane(join(work, 'sock'), 'probe', cwd, env, [...launch.fresh, ...args]);
    if (!(await until(() => READY.test(pane.screen()), 60_000))) log('not ready:\n' + visible(pane.screen()));
    await sleep(1000);
    const latencies: number[] = [];
    for (let i = 1; i <= prompts; i++) {
      const text = `prompt ${i} of ${variant}`;
      const before = api.requests.length;
      pane.paste(text);
      await sleep(300);
      const t0 = Date.now();
      pane.keys('Enter');
      const req = await until(() => api.requests.slice(before).find((r) => r.kind === 'main' && (r.newUserText ?? '').includes(text)), 30_000, 10);
      const lat = req ? req.at - t0 : NaN;
      latencies.push(lat);
      log(`prompt ${i}: Enter → model request ${req ? `${lat} ms` : 'NEVER (30 s)'}`);
      if (i === 1) {
        await sleep(1500);
        log('screen after prompt 1:\n' + visible(pane.screen()).split('\n').slice(3).join('\n'));
      }
      // Wait for the turn to end (idle composer, nothing in flight).
      await until(() => api.inFlight() === 0 && READY.test(pane.screen()) && !/esc to interrupt/.test(pane.screen()), 30_000);
      await sleep(700);
    }
    log(`latencies ms: ${latencies.join(' ')}`);
    const hookOut = api.requests.filter((r) => JSON.stringify(r.body).includes('HOOK-STDOUT-MARKER'));
    log(`model requests carrying the hook's stdout: ${hookOut.length}`);
    if (hookOut[0]) {
      const body = hookOut[0].body as { messages?: unknown };
      const s = JSON.stringify(body.messages ?? body);
      const at = s.indexOf('HOOK-STDOUT-MARKER');
      log(`  excerpt: …${s.slice(Math.max(0, at - 300), at + 80)}…`);
    }
    log('model requests:', api.requests.map((r) => `${r.kind}${r.sideReason ? `/${r.sideReason}` : ''}`).join(' '));
    log('final screen:\n' + visible(pane.screen()).split('\n').slice(3).join('\n'));
    if (existsSync(F)) log(`events file: ${readFileSync(F, 'utf8').split('\n').length - 1} lines; first: ${readFileSync(F, 'utf8').split('\n')[0]?.slice(0, 160) ?? ''}`);
    pane.kill();
  } finally {
    await api.close();
    cleanup(launch, work);
  }
}

await main();
