// Probe: iapeer's own wiring (src/runtimes/launch-argv.ts) on the real CLIs. Starts claude and
// codex with exactly the argv launchArgv builds (its hooks, MCP flags and session flags, on
// the test home's base command), sends one message, and shows the events file the hook one-liner
// wrote; then ends the session as iapeer does (tmux kill-server), resumes it by id with
// launchArgv's resume argv and sends another: same id, `source:"resume"`, the first message
// in the model's request. Runs in a bare PATH and no locale, like a service's agent.
//   npx tsx test/agents/probes/probe-iapeer-wiring.ts [claude|codex]...
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type AgentLaunch, claudeHome, codexHome } from '../agent-homes.js';
import { startFakeModelApi } from '../fake-model-api.js';
import { builtinRuntimes } from '../../../src/runtimes/builtin-runtimes.js';
import { launchArgv } from '../../../src/runtimes/launch-argv.js';
import type { Runtime } from '../../../src/runtimes/runtime.js';
import { type Pane, cleanup, log, startPane, tempDir, until, visible } from './probe-kit.js';

const READY = {
  claude: /^❯\u00a0\s*$/mu,
  codex: /^› (?:Ask Codex to do anything|Ask a follow-up question)\s*$/mu,
};

interface Line {
  readonly kind: string;
  readonly sessionId: string | undefined;
  readonly source: string | undefined;
  readonly prompt: string | undefined;
}

function lines(file: string): Line[] {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const field = (name: string) => new RegExp(`"${name}":"((?:[^"\\\\]|\\\\.)*)"`).exec(line)?.[1];
      return { kind: line.split(' ')[0] ?? '', sessionId: field('session_id'), source: field('source'), prompt: field('prompt')?.slice(0, 60) };
    });
}

async function probe(cli: 'claude' | 'codex'): Promise<void> {
  const api = await startFakeModelApi();
  const work = tempDir(`probe-wiring-${cli}-`);
  const cwd = join(work, 'proj');
  mkdirSync(cwd);
  const iapeerHome = join(work, 'iapeer-home');
  const events = join(iapeerHome, 'state', `${cli}-pia`, 'events');
  mkdirSync(dirname(events), { recursive: true });
  let launch: AgentLaunch | undefined;
  let pane: Pane | undefined;
  try {
    launch = cli === 'claude' ? claudeHome({ port: api.port, cwd, version: '2.1.332' }) : codexHome({ port: api.port, cwd });
    const l = launch;
    const builtin = builtinRuntimes(process.execPath).find((runtime) => runtime.name === cli) as Runtime;
    // The built-in's wiring on the test home's command (its binary and its own flags).
    const runtime: Runtime = { ...builtin, fresh: l.fresh, resume: l.fresh };
    const tokens = { PEER_IDENTITY: `${cli}-pia`, IAPEER_HOME: iapeerHome, IAPEER_SOCK_DIR: join(work, 'sock') };
    const env = { ...l.env, PATH: '/usr/bin:/bin', LANG: '', LC_ALL: '', PEER_IDENTITY: tokens.PEER_IDENTITY, IAPEER_HOME: iapeerHome };
    let n = 0;
    const start = async (mode: 'fresh' | 'resume', sessionId: string | undefined): Promise<Pane> => {
      const argv = launchArgv(runtime, { mode, sessionId, eventsFile: events, nodeBin: process.execPath, tokens });
      log(`${cli} ${mode}: …${argv.slice(-3).map((a) => (a.length > 60 ? `${a.slice(0, 60)}…` : a)).join(' ')}`);
      const started = startPane(join(work, 'sock'), `s${++n}`, cwd, env, argv);
      const ready = await until(() => READY[cli].test(started.screen()) || !started.alive(), 90_000);
      log(`${cli} ${mode}: ready=${String(Boolean(ready) && started.alive())}`);
      if (!started.alive() || !ready) log(visible(started.screen()));
      return started;
    };
    const say = async (p: Pane, text: string): Promise<void> => {
      const stops = lines(events).filter((line) => line.kind === 'Stop').length;
      p.paste(text);
      // Enter once the paste shows (no guess: the first line of the text on screen).
      await until(() => p.screen().includes(text.split('\n')[0]?.slice(0, 30) ?? ''), 10_000);
      p.keys('Enter');
      const done = await until(() => lines(events).filter((line) => line.kind === 'Stop').length > stops, 60_000);
      log(`${cli}: Stop after the message: ${String(Boolean(done))}`);
    };

    const chosen = cli === 'claude' ? randomUUID() : undefined;
    pane = await start('fresh', chosen);
    await until(() => cli === 'codex' || lines(events).length > 0, 20_000);
    await say(pane, `[iap from=demo-x topic=probe id=probe-${cli}-1]\nfirst message`);
    log(`${cli} fresh events:`, lines(events));
    const id = chosen ?? lines(events).find((line) => line.sessionId)?.sessionId;
    log(`${cli}: session id ${String(id)} (chosen: ${String(chosen)})`);
    pane.kill();
    pane = undefined;
    const before = lines(events).length;

    pane = await start('resume', id);
    await say(pane, `[iap from=demo-x topic=probe id=probe-${cli}-2]\nafter the resume`);
    const after = lines(events).slice(before);
    log(`${cli} resume events:`, after);
    const main = api.requests.filter((request) => request.kind === 'main').pop();
    log(`${cli}: the model's last request holds`, (main?.userTexts ?? []).map((text) => text.slice(-40)));
    const same = after.every((line) => line.sessionId === undefined || line.sessionId === id);
    log(`${cli}: RESULT fresh+resume by id: ${same && after.some((line) => line.kind === 'SessionStart' && line.source === 'resume') ? 'ok' : 'NOT OK'}`);
  } finally {
    pane?.kill();
    cleanup(launch, work);
    await api.close();
  }
}

const clis = process.argv.slice(2).filter((arg): arg is 'claude' | 'codex' => arg === 'claude' || arg === 'codex');
for (const cli of clis.length === 0 ? (['claude', 'codex'] as const) : clis) await probe(cli);
