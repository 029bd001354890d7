/**
 * The `demo` runtime: a tiny stand-in for a coding agent that needs no account.
 * It shows a prompt, takes typed keys and bracketed pastes, treats Escape (or C-c)
 * as an interrupt, `/compact` as compact, `!<cmd>` as a shell command, `/exit [code]`
 * as leaving, and appends every submitted line to `.iapeer-demo/transcript.log`.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_PROMPT } from './builtin-runtimes.js';

const PASTE_START = '\x1b[200~';
const PASTE_END = '\x1b[201~';

type Entry = { kind: 'start'; mode: 'fresh' | 'resume' } | { kind: 'message' | 'compact' | 'command'; text: string } | { kind: 'interrupt' | 'exit' };

const { values } = parseArgs({
  options: { resume: { type: 'boolean', default: false }, delay: { type: 'string', default: '0' } },
});
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

let buffer = '';
let pasting = false;
/** Part of the line came from a paste: then it is a message, whatever it starts with. */
let pasted = false;
let busy = false;

function prompt(): void {
  out.write(`\r\n${DEMO_PROMPT}`);
}

function submit(): void {
  const text = buffer;
  const typed = !pasted;
  buffer = '';
  pasted = false;
  out.write('\r\n');
  const trimmed = text.trim();
  if (trimmed === '') return prompt();
  if (trimmed === '/compact') {
    record({ kind: 'compact', text: trimmed });
    out.write('(conversation compacted)');
    return prompt();
  }
  const exit = /^\/exit(?:\s+(\d+))?$/.exec(trimmed);
  if (exit) {
    record({ kind: 'exit' });
    out.write('bye\r\n');
    process.exit(Number(exit[1] ?? 0));
  }
  if (typed && trimmed.startsWith('!')) {
    record({ kind: 'command', text: trimmed.slice(1) });
    busy = true;
    const child = spawn('sh', ['-c', trimmed.slice(1)], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('close', (code) => {
      busy = false;
      out.write(`\r\n(exit ${code ?? 'signal'})`);
      prompt();
    });
    return;
  }
  record({ kind: 'message', text });
  const lines = text.split('\n');
  out.write(`received ${text.length} chars, ${lines.length} line(s): ${(lines[0] ?? '').slice(0, 60)}`);
  prompt();
}

function interrupt(): void {
  record({ kind: 'interrupt' });
  buffer = '';
  pasted = false;
  out.write('\r\n(interrupted)');
  prompt();
}

function typed(text: string): void {
  buffer += text;
  out.write(text.replace(/\n/g, '\r\n'));
}

/** Consumes one chunk of terminal input; escape sequences other than paste markers are ignored. */
function onInput(chunk: string): void {
  let rest = chunk;
  while (rest.length > 0) {
    if (pasting) {
      const end = rest.indexOf(PASTE_END);
      const body = end === -1 ? rest : rest.slice(0, end);
      pasted = true;
      typed(body.replace(/\r\n?/g, '\n'));
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
    if (char === '\r' || char === '\n') submit();
    else if (char === '\x03') interrupt();
    else if (char === '\x04' && buffer === '') process.exit(0);
    else if (char === '\x7f' || char === '\b') {
      if (buffer.length > 0) {
        buffer = buffer.slice(0, -1);
        out.write('\b \b');
      }
    } else if (char >= ' ' || char === '\t') typed(char);
  }
}

function start(): void {
  const mode = values.resume ? 'resume' : 'fresh';
  record({ kind: 'start', mode });
  // Listen before showing the prompt: whoever sees the prompt may type at once.
  if (process.stdin.isTTY) process.stdin.setRawMode(true);
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', onInput);
  process.stdin.on('end', () => process.exit(0));
  out.write('\x1b[?2004h');
  out.write(`iapeer demo agent · ${identity} · ${mode === 'resume' ? `resumed (${previousMessages()} earlier messages)` : 'fresh start'}\r\n`);
  out.write('Type and press Enter. Esc interrupts, /compact compacts, !cmd runs a command, /exit quits.\r\n');
  prompt();
}

const delay = Number(values.delay);
if (Number.isFinite(delay) && delay > 0) setTimeout(start, delay);
else start();
