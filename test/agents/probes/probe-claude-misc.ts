// Probe: smaller Claude Code hook questions, one scenario per run:
//   npx tsx test/agents/probes/probe-claude-misc.ts <scenario>
//   settings-file   hooks given as `--settings <file>` instead of inline JSON
//   clear           /clear: SessionEnd/SessionStart, and is the session id new?
//   idle            the idle_prompt Notification (threshold lowered in the test's ~/.claude.json)
//   disable-all     the user's settings.json says disableAllHooks: do inline hooks still run?
//                   (`disable-all override`: the inline settings say disableAllHooks: false)
//   interrupt       Escape during a slow turn: does Stop (or anything) fire?
//   project         a project .claude/settings.json hook next to the inline one
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type AgentLaunch, claudeHome } from '../agent-homes.js';
import { startFakeModelApi } from '../fake-model-api.js';
import { cleanup, inlineHooks, log, readEvents, startPane, summarise, tempDir, until, visible } from './probe-kit.js';

const READY = /^❯\u00a0\s*$/mu;
const scenario = process.argv[2] ?? 'settings-file';
const ALL = ['SessionStart', 'UserPromptSubmit', 'Stop', 'StopFailure', 'Notification', 'SessionEnd', 'PreToolUse', 'PostToolUse'];

async function main(): Promise<void> {
  const api = await startFakeModelApi();
  const work = tempDir('probe-claude-misc-');
  const cwd = join(work, 'proj');
  const D = join(work, 'events');
  mkdirSync(cwd);
  mkdirSync(D);
  let launch: AgentLaunch | undefined;
  const t0 = Date.now();
  const show = (): void => {
    for (const e of readEvents(D)) log('  ', `+${Number(e.ns / 1_000_000n) - t0}ms`, summarise(e, 200).replace(/transcript_path="[^"]*" /, ''));
  };
  try {
    launch = claudeHome({ port: api.port, cwd });
    const userSettingsFile = join(launch.home, '.claude', 'settings.json');
    const userSettings = JSON.parse(readFileSync(userSettingsFile, 'utf8')) as Record<string, unknown>;
    let settingsArg = JSON.stringify(inlineHooks(D, ALL));
    if (scenario === 'settings-file') {
      const file = join(work, 'iapeer-settings.json');
      writeFileSync(file, settingsArg);
      settingsArg = file;
    }
    if (scenario === 'disable-all') {
      userSettings.disableAllHooks = true;
      writeFileSync(userSettingsFile, JSON.stringify(userSettings));
      if (process.argv[3] === 'override') settingsArg = JSON.stringify({ disableAllHooks: false, ...inlineHooks(D, ALL) });
    }
    if (scenario === 'idle') {
      const cj = join(launch.home, '.claude.json');
      const claudeJson = JSON.parse(readFileSync(cj, 'utf8')) as Record<string, unknown>;
      claudeJson.messageIdleNotifThresholdMs = 4000;
      writeFileSync(cj, JSON.stringify(claudeJson));
    }
    if (scenario === 'project') {
      mkdirSync(join(cwd, '.claude'));
      writeFileSync(join(cwd, '.claude', 'settings.json'), JSON.stringify(inlineHooks(D, ['UserPromptSubmit'], 'project-')));
    }
    const pane = startPane(join(work, 'sock'), 'probe', cwd, launch.env, [...launch.fresh, '--settings', settingsArg]);
    if (!(await until(() => READY.test(pane.screen()), 60_000))) log('not ready:\n' + visible(pane.screen()));
    await sleep(1000);
    const send = async (text: string): Promise<void> => {
      pane.paste(text);
      await sleep(300);
      pane.keys('Enter');
    };
    const turn = async (text: string): Promise<void> => {
      const n = readEvents(D).filter((e) => e.tag === 'Stop').length;
      await send(text);
      await until(() => readEvents(D).filter((e) => e.tag === 'Stop').length > n, 20_000);
      await sleep(500);
    };

    if (scenario === 'clear') {
      await turn('before clear');
      pane.type('/clear');
      await sleep(500);
      pane.keys('Enter');
      await sleep(3000);
      await turn('after clear');
      log('model saw after /clear:', api.requests.filter((r) => r.kind === 'main').pop()?.userTexts);
    } else if (scenario === 'idle') {
      await turn('then wait');
      log('waiting 12 s idle…');
      await sleep(12_000);
      log('screen:\n' + visible(pane.screen()).split('\n').slice(-4).join('\n'));
    } else if (scenario === 'interrupt') {
      api.setNext({ kind: 'text', text: 'slow', delayMs: 15_000 });
      await send('a slow one');
      await until(() => api.inFlight() > 0, 10_000, 50);
      await sleep(1500);
      log('Escape while busy');
      pane.keys('Escape');
      await sleep(4000);
      log('screen after Escape:\n' + visible(pane.screen()).split('\n').slice(-6).join('\n'));
      // An interrupt after some output: a tool running.
      pane.keys('C-u');
      api.setNext({ kind: 'tool', name: 'Bash', input: { command: 'sleep 8', description: 'wait' }, thenText: 'done' });
      await send('run a slow tool');
      await until(() => readEvents(D).some((e) => e.tag === 'PreToolUse'), 10_000, 50);
      await sleep(1500);
      log('Escape while the tool runs');
      pane.keys('Escape');
      await sleep(4000);
      log('screen after Escape:\n' + visible(pane.screen()).split('\n').slice(-6).join('\n'));
      await turn('and a normal one after');
    } else {
      await turn('hello');
    }
    log('events:');
    show();
    pane.kill();
  } finally {
    await api.close();
    cleanup(launch, work);
  }
}

await main();
