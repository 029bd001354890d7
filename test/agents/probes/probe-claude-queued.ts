// Probe: UserPromptSubmit for messages sent while Claude Code is busy (queued), while a tool
// runs (folded into the tool-result turn?), and for a very large paste: is each message
// reported once, on its own, with its envelope id, and when?
//   npx tsx test/agents/probes/probe-claude-queued.ts
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type AgentLaunch, claudeHome } from '../agent-homes.js';
import { startFakeModelApi } from '../fake-model-api.js';
import { cleanup, inlineHooks, log, readEvents, startPane, tempDir, until, visible } from './probe-kit.js';

const READY = /^❯\u00a0\s*$/mu;
const envelope = (id: string, body: string): string => `[iap from=operator topic=none id=${id}]\n${body}`;

async function main(): Promise<void> {
  const api = await startFakeModelApi();
  const work = tempDir('probe-claude-q-');
  const cwd = join(work, 'proj');
  const D = join(work, 'events');
  mkdirSync(cwd);
  mkdirSync(D);
  let launch: AgentLaunch | undefined;
  const t0 = Date.now();
  const rel = (ms: number | bigint): string => `+${Number(ms) - t0}ms`;
  const ups = (): { at: string; ids: string[]; len: number }[] =>
    readEvents(D)
      .filter((e) => e.tag === 'UserPromptSubmit')
      .map((e) => {
        const p = typeof e.json?.prompt === 'string' ? e.json.prompt : '';
        return { at: rel(e.ns / 1_000_000n), ids: [...p.matchAll(/id=([0-9a-z-]+)\]/g)].map((m) => m[1] ?? ''), len: p.length };
      });
  try {
    launch = claudeHome({ port: api.port, cwd });
    const hooks = inlineHooks(D, ['UserPromptSubmit', 'Stop', 'PreToolUse', 'PostToolUse']);
    const pane = startPane(join(work, 'sock'), 'probe', cwd, launch.env, [...launch.fresh, '--settings', JSON.stringify(hooks)]);
    if (!(await until(() => READY.test(pane.screen()), 60_000))) log('not ready:\n' + visible(pane.screen()));
    await sleep(1000);
    const send = async (text: string): Promise<void> => {
      pane.paste(text);
      await sleep(300);
      pane.keys('Enter');
      log(`sent ${JSON.stringify(text.slice(0, 60))} at ${rel(Date.now())}`);
    };

    // 1. Two messages sent while a slow turn runs.
    api.setNext({ kind: 'text', text: 'slow answer', delayMs: 8000 });
    await send(envelope('aaaaaaaaaaaa-1-aaaaaa', 'slow task'));
    await until(() => api.inFlight() > 0, 10_000, 50);
    await sleep(1000);
    await send(envelope('bbbbbbbbbbbb-1-bbbbbb', 'queued one'));
    await sleep(1500);
    await send(envelope('cccccccccccc-1-cccccc', 'queued two'));
    await sleep(500);
    log('screen while queued:\n' + visible(pane.screen()).split('\n').slice(-10).join('\n'));
    await until(() => api.inFlight() === 0 && readEvents(D).filter((e) => e.tag === 'Stop').length >= 2 && READY.test(pane.screen()), 40_000);
    await sleep(2000);
    log('UserPromptSubmit so far:', ups());
    log('main requests (new user text):', api.requests.filter((r) => r.kind !== 'side').map((r) => `${rel(r.at)} ${r.kind} ${JSON.stringify((r.newUserText ?? '').slice(0, 80))}`));

    // 2. A message sent while a tool runs.
    const nReq = api.requests.length;
    api.setNext({ kind: 'tool', name: 'Bash', input: { command: 'sleep 6', description: 'wait' }, thenText: 'tool done' });
    await send(envelope('dddddddddddd-1-dddddd', 'run a slow tool'));
    await until(() => readEvents(D).some((e) => e.tag === 'PreToolUse'), 20_000, 50);
    await sleep(1500);
    await send(envelope('eeeeeeeeeeee-1-eeeeee', 'sent while the tool runs'));
    await sleep(500);
    log('screen while the tool runs:\n' + visible(pane.screen()).split('\n').slice(-10).join('\n'));
    await until(() => api.inFlight() === 0 && readEvents(D).filter((e) => e.tag === 'Stop').length >= 4 && READY.test(pane.screen()), 40_000);
    await sleep(2000);
    log('UserPromptSubmit so far:', ups());
    log('requests since:', api.requests.slice(nReq).map((r) => `${rel(r.at)} ${r.kind} new=${JSON.stringify((r.newUserText ?? '').slice(0, 80))} results=${JSON.stringify(r.toolResults.map((t) => t.slice(0, 40)))}`));
    log('events since:', readEvents(D).map((e) => `${rel(e.ns / 1_000_000n)} ${e.tag}`).join(', '));

    // 3. A 200 KiB message.
    const big = envelope('ffffffffffff-1-ffffff', Array.from({ length: 4000 }, (_, i) => `big line ${i} ${'x'.repeat(40)}`).join('\n'));
    log(`big message: ${big.length} chars`);
    const nBig = api.requests.length;
    await send(big);
    await until(() => api.requests.slice(nBig).some((r) => r.kind === 'main'), 30_000);
    await sleep(2000);
    const last = ups().pop();
    log('last UserPromptSubmit:', last);
    const req = api.requests.slice(nBig).find((r) => r.kind === 'main');
    log(`model got ${req?.newUserText?.length ?? 0} chars of it; hook payload prompt ${last?.len ?? 0} chars`);
    log('screen:\n' + visible(pane.screen()).split('\n').slice(-8).join('\n'));
    pane.kill();
  } finally {
    await api.close();
    cleanup(launch, work);
  }
}

await main();
