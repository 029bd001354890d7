// Probe: which Claude Code hooks fire, when, with what payload, given inline with
// `--settings '<json>'` (plus one hook in the user's own ~/.claude/settings.json, to see
// whether the two merge). Run by hand:  npx tsx test/agents/probes/probe-claude-hooks.ts
// Steps: start → a one-line envelope message → a 12-line one (bracketed paste) → a Bash tool
// call the model makes (`echo … > file`: auto mode ran it without asking, see
// probe-claude-permission.ts for the dialogs) → Escape → /compact → /exit.
// Prints every recorded hook event (tag + payload) and the screens that matter.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type AgentLaunch, claudeHome } from '../agent-homes.js';
import { startFakeModelApi } from '../fake-model-api.js';
import { cleanup, inlineHooks, log, readEvents, startPane, summarise, tempDir, until, visible } from './probe-kit.js';

const EVENTS = [
  'SessionStart',
  'UserPromptSubmit',
  'Stop',
  'StopFailure',
  'Notification',
  'PermissionRequest',
  'PermissionDenied',
  'PreToolUse',
  'PostToolUse',
  'PreCompact',
  'PostCompact',
  'SessionEnd',
];

const READY = /^❯\u00a0\s*$/mu;

async function main(): Promise<void> {
  const api = await startFakeModelApi();
  const work = tempDir('probe-claude-');
  const cwd = join(work, 'proj');
  const events = join(work, 'events');
  mkdirSync(cwd);
  mkdirSync(events);
  let launch: AgentLaunch | undefined;
  try {
    launch = claudeHome({ port: api.port, cwd });
    // The user's own hook, in ~/.claude/settings.json: does the inline one replace it?
    const userSettingsFile = join(launch.home, '.claude', 'settings.json');
    const userSettings = JSON.parse(readFileSync(userSettingsFile, 'utf8')) as Record<string, unknown>;
    userSettings.hooks = inlineHooks(events, ['SessionStart', 'UserPromptSubmit', 'Stop'], 'user-').hooks;
    writeFileSync(userSettingsFile, JSON.stringify(userSettings, null, 2));
    const settings = JSON.stringify(inlineHooks(events, EVENTS));
    const argv = [...launch.fresh, '--settings', settings];
    const env = { ...launch.env, PEER_IDENTITY: 'claude-probe', IAPEER_HOME: join(work, 'iapeer-home') };
    log('argv', argv.map((a) => (a.length > 120 ? `${a.slice(0, 120)}…` : a)).join(' '));
    const t0 = Date.now();
    const pane = startPane(join(work, 'sock'), 'probe', cwd, env, argv);
    const ready = await until(() => READY.test(pane.screen()), 60_000);
    log(`ready=${String(ready)} after ${Date.now() - t0} ms; events so far:`);
    for (const e of readEvents(events)) log('  ', summarise(e));

    // 1. A one-line envelope message.
    const id1 = 'mhwxk3c1z000-11a9-9f2c4a';
    const msg1 = `[iap from=operator topic=none id=${id1}]\nhello one line`;
    await sleep(500);
    pane.paste(msg1);
    await sleep(300);
    pane.keys('Enter');
    await until(() => readEvents(events).some((e) => e.tag === 'Stop'), 30_000);
    await sleep(500);
    // 2. A 12-line message as one bracketed paste ([Pasted text #1 +12 lines]).
    const id2 = 'mhwxk3c1z001-11a9-aaaaaa';
    const body2 = Array.from({ length: 12 }, (_, i) => `line ${i + 1}\twith a tab`).join('\n');
    pane.paste(`[iap from=claude-amy topic=build id=${id2}]\n${body2}`);
    await sleep(400);
    log('screen with the multi-line paste in the composer:\n' + visible(pane.screen()).split('\n').slice(-6).join('\n'));
    pane.keys('Enter');
    await until(() => readEvents(events).filter((e) => e.tag === 'Stop').length >= 2, 30_000);
    await sleep(500);

    // 3. The model calls Bash (auto mode lets this one run; the dialogs: probe-claude-permission.ts).
    api.setNext({ kind: 'tool', name: 'Bash', input: { command: 'echo probe-bash > bash-ran.txt', description: 'probe' }, thenText: 'bash done' });
    pane.paste('please run a command');
    await sleep(300);
    pane.keys('Enter');
    const asked = await until(() => readEvents(events).find((e) => e.tag === 'Notification' || e.tag === 'PermissionRequest'), 30_000);
    await sleep(1500);
    log(`permission hook seen: ${String(Boolean(asked))}; screen:\n${visible(pane.screen())}`);
    writeFileSync(join(work, 'screen-permission.txt'), pane.screen());
    await sleep(8000);
    log('events after waiting 8 s at the dialog (late Notification?):');
    for (const e of readEvents(events).filter((e) => e.tag === 'Notification')) log('  ', summarise(e));
    pane.keys('Escape');
    await sleep(2000);
    log('screen after Escape:\n' + visible(pane.screen()).split('\n').slice(-8).join('\n'));

    // 4. /compact.
    pane.type('/compact');
    await sleep(500);
    pane.keys('Enter');
    await until(() => readEvents(events).some((e) => e.tag === 'PostCompact'), 30_000);
    await sleep(1000);
    // 5. /exit.
    pane.type('/exit');
    await sleep(500);
    pane.keys('Enter');
    await until(() => !pane.alive(), 15_000);
    await sleep(500);
    log('after /exit:', pane.deadStatus());
    log('=== events');
    for (const e of readEvents(events)) log('  ', summarise(e, 400));
    const first = readEvents(events).find((e) => e.tag === 'UserPromptSubmit');
    if (first) log('=== env of the first UserPromptSubmit hook\n' + first.env);
    log('model requests:', api.requests.map((r) => `${r.kind}${r.sideReason ? `/${r.sideReason}` : ''}`).join(' '));
    pane.kill();
  } finally {
    await api.close();
    cleanup(launch, work);
  }
}

await main();
