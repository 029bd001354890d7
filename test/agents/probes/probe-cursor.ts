// Probe: where the real Claude Code and Codex leave the terminal cursor (tmux #{cursor_x},
// #{cursor_y}, #{cursor_flag}) at each state delivery judges: the empty composer, typed text,
// a 12-line paste, busy, text typed while busy, a queued message. Composer and busy patterns
// are judged from the cursor's line (see src/transport/screen/composer-region.ts).
//   npx tsx test/agents/probes/probe-cursor.ts [claude|codex]
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type AgentLaunch, claudeHome, codexHome } from '../agent-homes.js';
import { startFakeModelApi } from '../fake-model-api.js';
import { cleanup, log, startPane, tempDir, until, visible } from './probe-kit.js';

const which = process.argv[2] ?? 'claude';
const READY = which === 'claude' ? /^❯\u00a0\s*$/mu : /^› (?:Ask Codex to do anything|Ask a follow-up question)\s*$/mu;
const COMPOSER = which === 'claude' ? /^❯\u00a0/u : /^› /u;

function cursorOf(socket: string): { x: number; y: number; shown: boolean } {
  const out = execFileSync('tmux', ['-S', socket, 'display-message', '-p', '-t', '%0', '#{cursor_x},#{cursor_y},#{cursor_flag}'], { encoding: 'utf8' }).trim();
  const [x = '0', y = '0', flag = '0'] = out.split(',');
  return { x: Number(x), y: Number(y), shown: flag === '1' };
}

function report(state: string, socket: string, screen: string): void {
  const cursor = cursorOf(socket);
  const lines = screen.split('\n');
  const composerRows = lines.flatMap((line, row) => (COMPOSER.test(line) ? [row] : []));
  log(`${state}: cursor x=${cursor.x} y=${cursor.y} shown=${cursor.shown}; composer-like rows ${composerRows.join(',')}; cursor line ${JSON.stringify((lines[cursor.y] ?? '').trimEnd())}`);
  const from = Math.max(0, cursor.y - 8);
  log(lines.slice(from, lines.length).map((l, i) => `${String(from + i).padStart(2)}${from + i === cursor.y ? '>' : ' '}${l.trimEnd()}`).filter((l) => l.length > 3).join('\n'));
}

async function main(): Promise<void> {
  const api = await startFakeModelApi();
  const work = tempDir('probe-cursor-');
  const cwd = join(work, 'proj');
  mkdirSync(cwd);
  let launch: AgentLaunch | undefined;
  try {
    launch = which === 'claude' ? claudeHome({ port: api.port, cwd, version: '2.1.332' }) : codexHome({ port: api.port, cwd });
    const pane = startPane(join(work, 'sock'), 'probe', cwd, launch.env, launch.fresh);
    if (!(await until(() => READY.test(pane.screen()), 60_000))) log('not ready:\n' + visible(pane.screen()));
    await sleep(1500);
    report('ready', pane.socket, pane.screen());
    pane.type('hello composer text');
    await sleep(500);
    report('typed', pane.socket, pane.screen());
    pane.keys('C-u');
    await sleep(300);
    pane.keys('C-a', 'C-k');
    await sleep(300);
    pane.paste(Array.from({ length: 12 }, (_, i) => `line ${i + 1} of a pasted message`).join('\n'));
    await sleep(800);
    report('pasted 12 lines', pane.socket, pane.screen());
    api.setNext({ kind: 'text', text: 'slow answer', delayMs: 6000 });
    pane.keys('Enter');
    await until(() => api.inFlight() > 0, 10_000, 50);
    await sleep(800);
    report('busy', pane.socket, pane.screen());
    pane.type('typed while busy');
    await sleep(500);
    report('busy with text', pane.socket, pane.screen());
    pane.keys(which === 'claude' ? 'Enter' : 'Tab');
    await sleep(800);
    report('queued', pane.socket, pane.screen());
    await until(() => api.inFlight() === 0 && READY.test(pane.screen()), 30_000, 100);
    await sleep(1500);
    report('after the turns', pane.socket, pane.screen());
    pane.kill();
  } finally {
    cleanup(launch, work);
    await api.close();
  }
}

void main();
