// Probe: Codex CLI session ids and resume. Two sessions in ONE working directory (A ended by
// tmux kill-server as iapeer ends a session, B by /quit), then a third in ANOTHER directory:
// which does `resume --last` pick, does `resume <A>` continue A (same id? SessionStart
// source?), what does `resume <unknown>` do, and where else the id can be read (rollout file
// name under CODEX_HOME/sessions, `codex exec --json`).
//   npx tsx test/agents/probes/probe-codex-resume.ts
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type AgentLaunch, codexHome } from '../agent-homes.js';
import { startFakeModelApi } from '../fake-model-api.js';
import { type Pane, RECORD_HOOK, cleanup, log, readEvents, saveScreen, startPane, summarise, tempDir, until, visible } from './probe-kit.js';

const READY = /^› (?:Ask Codex to do anything|Ask a follow-up question)\s*$/mu;
const IDLE = /\? for shortcuts/;
const tomlString = (s: string): string => JSON.stringify(s);

function rollouts(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out.push(e.name);
    }
  };
  try {
    walk(dir);
  } catch {
    // none yet
  }
  return out.sort();
}

async function main(): Promise<void> {
  const api = await startFakeModelApi();
  const work = tempDir('probe-codex-res-');
  const cwd = join(work, 'proj');
  const cwd2 = join(work, 'other');
  mkdirSync(cwd);
  mkdirSync(cwd2);
  let launch: AgentLaunch | undefined;
  let n = 0;
  try {
    launch = codexHome({ port: api.port, cwd });
    const l = launch;
    const bin = l.fresh[0] ?? 'codex';
    const start = async (label: string, dir: string, sub: string[]): Promise<{ pane: Pane; ev: string; ready: boolean }> => {
      const ev = join(work, `events-${label}`);
      mkdirSync(ev);
      const hooks = ['SessionStart', 'UserPromptSubmit', 'Stop', 'SessionEnd'].flatMap((e) => [
        '-c',
        `hooks.${e}=[{hooks=[{type="command",command=${tomlString(`${RECORD_HOOK} ${ev} ${e}`)}}]}]`,
      ]);
      // The test home trusts only `cwd`: trust cwd2 too for this run.
      const trust = ['-c', `projects.${tomlString(cwd2)}.trust_level="trusted"`];
      const argv = [bin, ...sub, ...l.fresh.slice(1), ...hooks, ...trust, '--dangerously-bypass-hook-trust'];
      log(`${label}: codex ${sub.join(' ')} (cwd ${dir === cwd ? 'proj' : 'other'})`);
      const pane = startPane(join(work, 'sock'), `s${++n}`, dir, l.env, argv);
      const ready = Boolean(await until(() => (READY.test(pane.screen()) && IDLE.test(pane.screen())) || !pane.alive(), 60_000));
      await sleep(1200);
      return { pane, ev, ready: ready && pane.alive() };
    };
    const say = async (pane: Pane, text: string): Promise<void> => {
      const before = api.requests.length;
      pane.paste(text);
      await sleep(300);
      pane.keys('Enter');
      await until(() => api.requests.slice(before).some((r) => r.kind === 'main'), 30_000);
      await until(() => api.inFlight() === 0 && READY.test(pane.screen()) && IDLE.test(pane.screen()), 20_000);
      await sleep(1000);
    };
    const lastMain = (): string[] => [...(api.requests.filter((r) => r.kind === 'main').pop()?.userTexts ?? [])];
    const starts = (ev: string): string[] =>
      readEvents(ev)
        .filter((e) => e.tag === 'SessionStart' || e.tag === 'SessionEnd')
        .map((e) => summarise(e).replace(/transcript_path="[^"]*" /, ''));
    const sessionOf = (ev: string): string => String(readEvents(ev).find((e) => e.tag === 'SessionStart')?.json?.session_id);
    const sessions = join(l.home, '.codex', 'sessions');

    const a = await start('A', cwd, []);
    await say(a.pane, 'message from A');
    const idA = sessionOf(a.ev);
    a.pane.kill();
    await sleep(1500);
    log(`A id ${idA}; hooks after kill-server:`, starts(a.ev));
    log('rollout files:', rollouts(sessions));

    const b = await start('B', cwd, []);
    await say(b.pane, 'message from B');
    const idB = sessionOf(b.ev);
    b.pane.type('/quit');
    await sleep(500);
    b.pane.keys('Enter');
    await until(() => !b.pane.alive(), 15_000);
    log(`B id ${idB}; after /quit: ${b.pane.deadStatus()}; hooks:`, starts(b.ev));
    b.pane.kill();

    const r1 = await start('resumeLast', cwd, ['resume', '--last']);
    log(`resume --last: ready=${String(r1.ready)}; hooks:`, starts(r1.ev));
    await say(r1.pane, 'after resume --last');
    log('resume --last: the model saw', lastMain());
    r1.pane.kill();
    await sleep(1000);

    const r2 = await start('resumeA', cwd, ['resume', idA]);
    log(`resume A: ready=${String(r2.ready)}; hooks:`, starts(r2.ev));
    log('resume A screen:\n' + visible(r2.pane.screen()).split('\n').filter((x) => !/⣿|⠿|⣀|⠉/.test(x)).join('\n'));
    await say(r2.pane, 'after resume A');
    log('resume A: the model saw', lastMain());
    log('resume A: hooks after the first prompt:', starts(r2.ev));
    log('resume A: UserPromptSubmit session_id', readEvents(r2.ev).filter((e) => e.tag === 'UserPromptSubmit').map((e) => e.json?.session_id));
    r2.pane.kill();
    await sleep(1000);
    log('rollout files:', rollouts(sessions));

    // A session in another directory, the most recent of all; then resume --last from proj.
    const c = await start('C', cwd2, []);
    await say(c.pane, 'message from C in other');
    const idC = sessionOf(c.ev);
    c.pane.kill();
    await sleep(1000);
    const r3 = await start('resumeLastFromProj', cwd, ['resume', '--last']);
    await say(r3.pane, 'after resume --last from proj, C being newest');
    log(`C id ${idC}; resume --last from proj picked ${String(readEvents(r3.ev).find((e) => e.tag === 'SessionStart')?.json?.session_id)}; model saw`, lastMain());
    r3.pane.kill();
    await sleep(1000);
    const r4 = await start('resumeAFromOther', cwd2, ['resume', idA]);
    saveScreen('codex-resume-other-cwd', r4.pane.screen());
    log('resume A from the other dir, screen:\n' + visible(r4.pane.screen()).split('\n').filter((x) => !/⣿|⠿|⣀|⠉/.test(x)).join('\n'));
    await say(r4.pane, 'after resume A from other');
    log(`resume A from other dir: ready=${String(r4.ready)} hooks:`, starts(r4.ev), 'model saw', lastMain());
    r4.pane.kill();
    await sleep(1000);

    const u = await start('resumeUnknown', cwd, ['resume', randomUUID()]);
    await sleep(3000);
    log(`resume unknown: ready=${String(u.ready)} ${u.pane.deadStatus()}; screen:\n${visible(u.pane.screen()).split('\n').slice(0, 12).join('\n')}`);
    u.pane.kill();

    // codex exec --json: does it print the session (thread) id?
    try {
      const out = execFileSync(bin, ['exec', '--json', '--skip-git-repo-check', ...l.fresh.slice(1), 'say hi from exec'], {
        cwd,
        env: { ...process.env, ...l.env },
        encoding: 'utf8',
        // 0.169 printed thread.started and turn.started, then never ended against the fake API.
        timeout: 20_000,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      log('codex exec --json first lines:\n' + out.split('\n').slice(0, 4).join('\n'));
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      log('codex exec --json failed:', String(e).slice(0, 200), '\nstdout:', (err.stdout ?? '').slice(0, 600), '\nstderr:', (err.stderr ?? '').slice(-600));
    }
  } finally {
    await api.close();
    cleanup(launch, work);
  }
}

await main();
