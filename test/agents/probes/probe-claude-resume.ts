// Probe: Claude Code session ids and resume. Two sessions in ONE working directory:
//   A: fresh with `--session-id <uuid>` chosen by us, one message, ended by tmux kill-server
//      (as iapeer ends a session);  B: fresh, one message, ended by /exit.
// Then: `--continue` (which conversation?), `--resume <A>` (A's own? same id? source?),
// `--resume <unknown uuid>`, `--session-id <A>` again (refused?).
//   npx tsx test/agents/probes/probe-claude-resume.ts
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type AgentLaunch, claudeHome } from '../agent-homes.js';
import { startFakeModelApi } from '../fake-model-api.js';
import { type Pane, cleanup, inlineHooks, log, readEvents, startPane, summarise, tempDir, until, visible } from './probe-kit.js';

const READY = /^❯\u00a0\s*$/mu;

async function main(): Promise<void> {
  const api = await startFakeModelApi();
  const work = tempDir('probe-claude-res-');
  const cwd = join(work, 'proj');
  mkdirSync(cwd);
  let launch: AgentLaunch | undefined;
  let n = 0;
  try {
    launch = claudeHome({ port: api.port, cwd });
    const l = launch;
    /** Starts claude with `extra` args and hooks recording into a dir of its own. */
    const start = async (label: string, extra: string[]): Promise<{ pane: Pane; dir: string; ready: boolean }> => {
      const dir = join(work, `events-${label}`);
      mkdirSync(dir);
      const hooks = inlineHooks(dir, ['SessionStart', 'UserPromptSubmit', 'Stop', 'SessionEnd']);
      const argv = [...l.fresh, ...extra, '--settings', JSON.stringify(hooks)];
      log(`${label}: claude ${extra.join(' ')}`);
      const pane = startPane(join(work, 'sock'), `s${++n}`, cwd, l.env, argv);
      const ready = Boolean(await until(() => READY.test(pane.screen()) || !pane.alive(), 60_000));
      await sleep(800);
      return { pane, dir, ready: ready && pane.alive() };
    };
    const say = async (pane: Pane, text: string): Promise<void> => {
      const before = api.requests.length;
      pane.paste(text);
      await sleep(300);
      pane.keys('Enter');
      await until(() => api.requests.slice(before).some((r) => r.kind === 'main'), 30_000);
      await until(() => api.inFlight() === 0 && READY.test(pane.screen()), 20_000);
      await sleep(800);
    };
    const lastMain = (): string[] => [...(api.requests.filter((r) => r.kind === 'main').pop()?.userTexts ?? [])];
    const starts = (dir: string): string[] => readEvents(dir).filter((e) => e.tag === 'SessionStart' || e.tag === 'SessionEnd').map((e) => summarise(e).replace(/transcript_path="[^"]*" /, ''));

    const idA = randomUUID();
    const a = await start('A', [`--session-id=${idA}`]);
    log(`A ready=${String(a.ready)}; chosen id ${idA}; hooks:`, starts(a.dir));
    await say(a.pane, 'message from A');
    a.pane.kill();
    await sleep(1500);
    log('A after kill-server: hooks:', starts(a.dir));

    const b = await start('B', []);
    await say(b.pane, 'message from B');
    const idB = String(readEvents(b.dir).find((e) => e.tag === 'SessionStart')?.json?.session_id);
    b.pane.type('/exit');
    await sleep(400);
    b.pane.keys('Enter');
    await until(() => !b.pane.alive(), 15_000);
    await sleep(500);
    log(`B id ${idB}; after /exit: ${b.pane.deadStatus()}; hooks:`, starts(b.dir));
    log('B screen after exit (last lines):\n' + visible(b.pane.screen()).split('\n').slice(-4).join('\n'));
    b.pane.kill();
    log('transcripts:', readdirSync(join(l.home, '.claude', 'projects')).map((p) => `${p}: ${readdirSync(join(l.home, '.claude', 'projects', p)).join(' ')}`));

    // --continue: the most recent conversation in the cwd.
    const c = await start('continue', ['--continue']);
    log(`--continue ready=${String(c.ready)}; hooks:`, starts(c.dir));
    await say(c.pane, 'after --continue');
    log('--continue: the model saw', lastMain());
    c.pane.kill();
    await sleep(1000);

    // --resume <A>.
    const r = await start('resumeA', ['--resume', idA]);
    log(`--resume A ready=${String(r.ready)}; hooks:`, starts(r.dir));
    log('--resume A screen:\n' + visible(r.pane.screen()));
    await say(r.pane, 'after --resume A');
    log('--resume A: the model saw', lastMain());
    log('--resume A: UserPromptSubmit session_id', readEvents(r.dir).filter((e) => e.tag === 'UserPromptSubmit').map((e) => e.json?.session_id));
    r.pane.kill();
    await sleep(1000);

    // --resume of an id that does not exist.
    const u = await start('resumeUnknown', ['--resume', randomUUID()]);
    await sleep(2000);
    log(`--resume unknown: ready=${String(u.ready)} ${u.pane.deadStatus()}; screen:\n${visible(u.pane.screen())}`);
    u.pane.kill();

    // --session-id of a conversation that exists.
    const s = await start('sessionIdAgain', [`--session-id=${idA}`]);
    await sleep(2000);
    log(`--session-id A again: ready=${String(s.ready)} ${s.pane.deadStatus()}; screen:\n${visible(s.pane.screen())}`);
    s.pane.kill();

    // --resume A with --fork-session: a new id?
    const f = await start('fork', ['--resume', idA, '--fork-session']);
    log(`--resume A --fork-session ready=${String(f.ready)}; hooks:`, starts(f.dir));
    f.pane.kill();
  } finally {
    await api.close();
    cleanup(launch, work);
  }
}

await main();
