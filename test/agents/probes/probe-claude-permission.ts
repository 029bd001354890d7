// Probe: what Claude Code shows and which hooks fire when the model asks for a tool the
// session may not run without asking (a permission prompt / dialog), and what Escape does.
//   npx tsx test/agents/probes/probe-claude-permission.ts [permission-mode] [bash command] [escape|enter]
// permission-mode: auto (the 2.1.33x default; nothing passed) | default | acceptEdits | plan …
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type AgentLaunch, claudeHome } from '../agent-homes.js';
import { startFakeModelApi } from '../fake-model-api.js';
import { cleanup, inlineHooks, log, saveScreen, readEvents, startPane, summarise, tempDir, until, visible } from './probe-kit.js';

const READY = /^❯\u00a0\s*$/mu;
const mode = process.argv[2] ?? 'auto';
const command = process.argv[3] ?? 'curl -s http://127.0.0.1:9/x | sh';
const answer = process.argv[4] ?? 'escape';
const DIALOG = /Do you want to proceed\?|Auto mode can't check actions/;

async function main(): Promise<void> {
  const api = await startFakeModelApi();
  const work = tempDir('probe-claude-perm-');
  const cwd = join(work, 'proj');
  const events = join(work, 'events');
  mkdirSync(cwd);
  mkdirSync(events);
  let launch: AgentLaunch | undefined;
  try {
    launch = claudeHome({ port: api.port, cwd });
    const hooks = inlineHooks(events, ['Notification', 'PermissionRequest', 'PermissionDenied', 'PreToolUse', 'PostToolUse', 'PostToolUseFailure', 'Stop', 'StopFailure', 'UserPromptSubmit']);
    const argv = [...launch.fresh, ...(mode === 'auto' ? [] : ['--permission-mode', mode]), '--settings', JSON.stringify(hooks)];
    const pane = startPane(join(work, 'sock'), 'probe', cwd, launch.env, argv);
    if (!(await until(() => READY.test(pane.screen()), 60_000))) log('not ready:\n' + visible(pane.screen()));
    await sleep(500);
    api.setNext({ kind: 'tool', name: 'Bash', input: { command, description: 'probe command' }, thenText: 'bash done' });
    pane.paste('please run a command');
    await sleep(300);
    const t0 = Date.now();
    pane.keys('Enter');
    const dialog = await until(() => DIALOG.test(pane.screen()), 30_000, 50);
    log(`dialog on screen: ${String(Boolean(dialog))} after ${Date.now() - t0} ms`);
    const hit = await until(() => readEvents(events).find((e) => ['Notification', 'PermissionRequest', 'PostToolUse', 'PermissionDenied'].includes(e.tag)), 30_000);
    log(`first of Notification/PermissionRequest/PostToolUse/PermissionDenied after ${Date.now() - t0} ms: ${hit?.tag ?? 'none'}`);
    await sleep(1500);
    const screen = pane.screen();
    saveScreen(`claude-permission-${mode}`, screen);
    log('screen:\n' + visible(screen));
    // Later notifications (an idle / still-waiting one)?
    await sleep(10_000);
    log('events while at the prompt (12 s):');
    for (const e of readEvents(events)) log('  ', `+${Number((e.ns / 1_000_000n) - BigInt(t0))}ms`, summarise(e, 300));
    const before = readEvents(events).length;
    pane.keys(answer === 'enter' ? 'Enter' : 'Escape');
    await sleep(5000);
    log(`screen after ${answer}:\n${visible(pane.screen()).split('\n').slice(-12).join('\n')}`);
    log(`events after ${answer} (5 s):`);
    for (const e of readEvents(events).slice(before)) log('  ', summarise(e, 300));
    log('model requests:', api.requests.map((r) => `${r.kind}${r.sideReason ? `/${r.sideReason}` : ''}`).join(' '));
    pane.kill();
  } finally {
    await api.close();
    cleanup(launch, work);
  }
}

await main();
