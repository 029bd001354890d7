/**
 * The `demo` runtime: a tiny stand-in for a coding agent that needs no account.
 * Like the real agents it draws a full screen: a history above and one composer line
 * (`demo> `) at the bottom, which shows what is being typed or pasted. It takes typed keys
 * and bracketed pastes, treats Escape (or C-c) as an interrupt, `/compact` as compact,
 * `!<cmd>` (typed, never pasted) as a shell command and `/exit [code]` as leaving, and
 * appends every submitted entry to `.iapeer-demo/transcript.log` in its working directory.
 *
 * `--session-id <uuid>` starts fresh under that id, `--resume [<uuid>]` resumes (its header
 * counts the transcript's earlier messages); `--hooks <json>` (Claude's settings shape) runs
 * SessionStart, UserPromptSubmit and Stop hooks as Claude Code does, in the background.
 *
 * `--mount-ms <n>` and `--drop-enters <n>` reproduce two hazards of real agents for tests:
 * a prompt drawn before the program takes input (keys and pastes are lost for n ms, and
 * bracketed paste is off until then), and Enter keys swallowed right after a start.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_PROMPT } from '../runtimes/builtin-runtimes.js';
import { counted } from '../core/text/counted.js';
import { type DemoArgs, parseDemoArgs } from './demo-args.js';
import { type DemoHookEvent, hookRunner, parseHooks } from './demo-hooks.js';

const PASTE_START = '\x1b[200~';
const PASTE_END = '\x1b[201~';

type Entry = { kind: 'start'; mode: 'fresh' | 'resume'; sessionId: string } | { kind: 'message' | 'compact' | 'command'; text: string } | { kind: 'interrupt' | 'exit' };

function argsOrExit(): { args: DemoArgs; runHooks: ReturnType<typeof hookRunner> } {
  try {
    const args = parseDemoArgs(process.argv.slice(2));
    return { args, runHooks: hookRunner(parseHooks(args.hooks), process.cwd()) };
  } catch (error) {
    process.stderr.write(`demo-agent: ${(error as Error).message}\n`);
    process.exit(2);
  }
}

const { args, runHooks } = argsOrExit();
const sessionId = args.sessionId ?? randomUUID();
const identity = process.env['PEER_IDENTITY'] ?? 'demo';
const transcriptDir = join(process.cwd(), '.iapeer-demo');
const transcript = join(transcriptDir, 'transcript.log');
const out = process.stdout;

function record(entry: Entry): void {
  mkdirSync(transcriptDir, { recursive: true });
  appendFileSync(transcript, `${JSON.stringify({ at: new Date().toISOString(), identity, ...entry })}\n`);
}

function previousMessages(): number {
  try {
    return readFileSync(transcript, 'utf8')
      .split('\n')
      .filter((line) => line.includes('"kind":"message"')).length;
  } catch {
    return 0;
  }
}

const history: string[] = [];
let buffer = '';
let pasting = false;
/** Part of the composer came from a paste: then it is a message, whatever it starts with. */
let pasted = false;
let busy = false;
/** A question waiting on a human (`/ask <question>`): drawn instead of the prompt until Enter or Escape. */
let asking: string | undefined;
let mounted = false;
let entersToDrop = args.dropEnters;
let header = '';

function hook(event: DemoHookEvent, fields: Record<string, unknown> = {}): void {
  runHooks(event, { session_id: sessionId, cwd: process.cwd(), ...fields });
}

function say(line: string): void {
  history.push(...line.split('\n'));
  if (history.length > 500) history.splice(0, history.length - 500);
}

/** What the composer line shows: the text, or for a multi-line text its first line and a count. */
function composerText(): string {
  if (buffer === '') return '';
  const lines = buffer.split(/\r\n?|\n/);
  const first = (lines[0] ?? '').trim() === '' ? '⏎' : (lines[0] ?? '');
  // Room for a whole `[iap …]` header (its id is how a sender finds its message on screen).
  const width = Math.max(20, (out.columns || 80) - DEMO_PROMPT.length - 16);
  const shown = first.length > width ? `${first.slice(0, width)}…` : first;
  return lines.length > 1 ? `${shown} [+${counted(lines.length - 1, 'line')}]` : shown;
}

let drawQueued = false;
/** Redraws the whole screen at most once per turn of the event loop (a paste comes in many chunks). */
function draw(): void {
  if (drawQueued) return;
  drawQueued = true;
  setImmediate(() => {
    drawQueued = false;
    const rows = out.rows || 24;
    // Rows 1 to rows-2: the header and the end of the history; then the composer; then the footer.
    const visible = history.slice(-Math.max(1, rows - 4)).map((line) => line.slice(0, (out.columns || 80) - 1));
    const footer = busy ? '(working… Esc interrupts)' : 'Enter sends · Esc interrupts · /compact · /exit';
    const screen = [header, '', ...visible].slice(0, Math.max(1, rows - 2));
    const composer = asking === undefined ? `${DEMO_PROMPT}${composerText()}` : `? ${asking} — Enter allows · Esc cancels`;
    out.write(`\x1b[H\x1b[2J${screen.join('\r\n')}\x1b[${rows};1H${footer}\x1b[${rows - 1};1H${composer}`);
  });
}

function submit(): void {
  const text = buffer;
  const typed = !pasted;
  buffer = '';
  pasted = false;
  const trimmed = text.trim();
  if (trimmed === '') return draw();
  if (trimmed === '/compact') {
    record({ kind: 'compact', text: trimmed });
    say('· (conversation compacted)');
    return draw();
  }
  const exit = /^\/exit(?:\s+(\d+))?$/.exec(trimmed);
  if (exit) {
    record({ kind: 'exit' });
    out.write('\x1b[?2004l\x1b[?1049l');
    out.write('bye\r\n');
    process.exit(Number(exit[1] ?? 0));
  }
  if (typed && trimmed.startsWith('/ask ')) {
    // A permission dialog, as Claude Code draws one: reported by hooks, answered by a human.
    asking = trimmed.slice('/ask '.length);
    record({ kind: 'command', text: trimmed });
    hook('UserPromptSubmit', { prompt: text });
    hook('PermissionRequest', { tool_name: 'Bash' });
    hook('Notification', { notification_type: 'permission_prompt', message: asking });
    return draw();
  }
  if (typed && trimmed.startsWith('!')) {
    record({ kind: 'command', text: trimmed.slice(1) });
    hook('UserPromptSubmit', { prompt: text });
    say(`$ ${trimmed.slice(1)}`);
    busy = true;
    draw();
    const child = spawn('sh', ['-c', trimmed.slice(1)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const output: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    child.on('close', (code) => {
      busy = false;
      const printed = Buffer.concat(output).toString('utf8').trimEnd();
      if (printed) say(printed);
      say(`(exit ${code ?? 'signal'})`);
      draw();
      hook('Stop');
    });
    return;
  }
  record({ kind: 'message', text });
  hook('UserPromptSubmit', { prompt: text });
  const lines = text.split(/\r\n?|\n/);
  say(`› ${(lines[0] ?? '').slice(0, 180)}${lines.length > 1 ? ` [+${counted(lines.length - 1, 'line')}]` : ''}`);
  say(`· received ${counted(text.length, 'char')}, ${counted(lines.length, 'line')}`);
  draw();
  hook('Stop');
}

function interrupt(): void {
  // Like Claude Code, an Escape at a dialog reports nothing to the hooks.
  asking = undefined;
  record({ kind: 'interrupt' });
  buffer = '';
  pasted = false;
  say('· (interrupted)');
  draw();
}

function typed(text: string): void {
  buffer += text;
  draw();
}

/** Consumes one chunk of terminal input; escape sequences other than paste markers are ignored. */
function onInput(chunk: string): void {
  // While mounting, input is lost, as it is in a real agent that draws its prompt early.
  if (!mounted) return;
  let rest = chunk;
  while (rest.length > 0) {
    if (pasting) {
      const end = rest.indexOf(PASTE_END);
      const body = end === -1 ? rest : rest.slice(0, end);
      pasted = true;
      // Kept as received: a CR here means the paste turned the sender's LFs into CRs.
      typed(body);
      if (end === -1) return;
      pasting = false;
      rest = rest.slice(end + PASTE_END.length);
      continue;
    }
    if (rest.startsWith(PASTE_START)) {
      pasting = true;
      rest = rest.slice(PASTE_START.length);
      continue;
    }
    const char = rest[0] ?? '';
    if (char === '\x1b') {
      // A lone ESC is the Escape key; ESC [ ... and ESC O x are other keys, skipped.
      // eslint-disable-next-line no-control-regex -- terminal escape sequences are the input
      const csi = /^\x1b\[[0-9;?]*[\x40-\x7e]/.exec(rest) ?? /^\x1bO./.exec(rest);
      if (csi) {
        rest = rest.slice(csi[0].length);
        continue;
      }
      interrupt();
      rest = rest.slice(1);
      continue;
    }
    rest = rest.slice(1);
    if (busy) continue;
    if (asking !== undefined) {
      if (char === '\r' || char === '\n') {
        asking = undefined;
        say('· (allowed)');
        draw();
        hook('Stop');
      }
      continue;
    }
    if (char === '\r' || char === '\n') {
      if (entersToDrop > 0) entersToDrop -= 1;
      else submit();
    } else if (char === '\x03') interrupt();
    else if (char === '\x04' && buffer === '') process.exit(0);
    else if (char === '\x7f' || char === '\b') {
      if (buffer.length > 0) {
        buffer = buffer.slice(0, -1);
        draw();
      }
    } else if (char >= ' ' || char === '\t') typed(char);
  }
}

function mount(): void {
  mounted = true;
  out.write('\x1b[?2004h');
}

function start(): void {
  const mode = args.mode;
  record({ kind: 'start', mode, sessionId });
  hook('SessionStart', { source: mode === 'resume' ? 'resume' : 'startup' });
  // Listen before showing the prompt: whoever sees the prompt may type at once.
  if (process.stdin.isTTY) process.stdin.setRawMode(true);
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', onInput);
  process.stdin.on('end', () => process.exit(0));
  process.stdout.on('resize', draw);
  out.write('\x1b[?1049h');
  header = `iapeer demo agent · ${identity} · ${mode === 'resume' ? `resumed (${counted(previousMessages(), 'earlier message')})` : 'fresh start'}`;
  say('Type and press Enter. Esc interrupts, /compact compacts, !cmd runs a command, /exit quits.');
  const mountMs = args.mountMs;
  if (mountMs > 0) setTimeout(mount, mountMs);
  else mount();
  draw();
}

if (args.delayMs > 0) setTimeout(start, args.delayMs);
else start();
