// Shared pieces of the agent-event probes (run by hand with tsx, never by `npm test`): a
// temp tmux server running one real agent CLI against the loopback fake model API, the
// screen, bracketed pastes, and the events recorded by record-hook.sh.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AgentLaunch } from '../agent-homes.js';

export const PROBES = import.meta.dirname;
export const RECORD_HOOK = join(PROBES, 'record-hook.sh');

export function tempDir(prefix: string): string {
  return realpathSync(mkdtempSync(join(tmpdir(), prefix)));
}

export function log(...parts: unknown[]): void {
  const t = new Date().toISOString().slice(11, 23);
  process.stdout.write(`[${t}] ${parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(' ')}\n`);
}

/** Polls `check` until truthy; undefined after `timeoutMs` (a probe reports, never throws). */
export async function until<T>(check: () => T, timeoutMs: number, intervalMs = 100): Promise<T | undefined> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > end) return undefined;
    await sleep(intervalMs);
  }
}

export interface Pane {
  readonly socket: string;
  screen(): string;
  /** One bracketed paste (`paste-buffer -p -r`), as iapeer delivers. */
  paste(text: string): void;
  keys(...keys: string[]): void;
  /** Literal keystrokes. */
  type(text: string): void;
  /** `#{pane_dead}` / gone: whether the agent ended. */
  alive(): boolean;
  /** Pane's process status once it died (remain-on-exit keeps it). */
  deadStatus(): string;
  kill(): void;
}

function tmux(socket: string, args: readonly string[], input?: string): string {
  return execFileSync('tmux', ['-u', '-S', socket, ...args], {
    encoding: 'utf8',
    input: input ?? '',
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: 10_000,
  });
}

/**
 * Starts `argv` in a new tmux server of its own (no config file, remain-on-exit on so a dead
 * pane can still be read), with exactly `env` added to the session (PATH and LANG from here).
 */
export function startPane(socketDir: string, name: string, cwd: string, env: Readonly<Record<string, string>>, argv: readonly string[]): Pane {
  mkdirSync(socketDir, { recursive: true });
  const socket = join(socketDir, name);
  const envArgs = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  execFileSync(
    'tmux',
    ['-u', '-S', socket, '-f', '/dev/null', 'new-session', '-d', '-s', name, '-x', '200', '-y', '50', '-c', cwd, ...envArgs, '--', ...argv],
    { stdio: 'ignore', timeout: 10_000 },
  );
  try {
    tmux(socket, ['set-option', '-g', 'remain-on-exit', 'on', ';', 'set-option', '-g', 'focus-events', 'on']);
  } catch {
    // the agent may have died already
  }
  const pane: Pane = {
    socket,
    screen: () => {
      try {
        return tmux(socket, ['capture-pane', '-p', '-N', '-t', '%0']);
      } catch {
        return '';
      }
    },
    paste: (text) => {
      tmux(socket, ['load-buffer', '-b', 'probe', '-'], text);
      tmux(socket, ['paste-buffer', '-p', '-r', '-d', '-b', 'probe', '-t', '%0']);
    },
    keys: (...keys) => {
      tmux(socket, ['send-keys', '-t', '%0', ...keys]);
    },
    type: (text) => {
      tmux(socket, ['send-keys', '-t', '%0', '-l', text]);
    },
    alive: () => {
      try {
        return tmux(socket, ['display-message', '-p', '-t', '%0', '#{pane_dead}']).trim() === '0';
      } catch {
        return false;
      }
    },
    deadStatus: () => {
      try {
        return tmux(socket, ['display-message', '-p', '-t', '%0', 'dead=#{pane_dead} status=#{pane_dead_status}']).trim();
      } catch (e) {
        return `no pane: ${String(e)}`;
      }
    },
    kill: () => {
      try {
        tmux(socket, ['kill-server']);
      } catch {
        // gone already
      }
    },
  };
  return pane;
}

/** With PROBE_SCREENS=<dir>, keeps a screen as <dir>/<name>.txt (as test/agents/screens/ holds them). */
export function saveScreen(name: string, screen: string): void {
  const dir = process.env.PROBE_SCREENS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.txt`), screen);
  log(`screen saved: ${join(dir, `${name}.txt`)}`);
}

/** The non-blank lines of a screen, right-trimmed (for printing). */
export function visible(screen: string): string {
  return screen
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '')
    .join('\n');
}

export interface HookEvent {
  readonly file: string;
  /** Nanoseconds since the epoch, when the hook started. */
  readonly ns: bigint;
  readonly tag: string;
  readonly stdin: string;
  readonly json: Record<string, unknown> | undefined;
  /** argv/pwd/tty/env as record-hook.sh wrote them. */
  readonly env: string;
}

/** Events record-hook.sh wrote into `dir`, oldest first. */
export function readEvents(dir: string): HookEvent[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.stdin'))
    .map((f) => {
      const [ns = '0', , ...rest] = f.replace(/\.stdin$/, '').split('-');
      const stdin = readFileSync(join(dir, f), 'utf8');
      // Codex's notify program gets its JSON as the last argument, not on stdin.
      const argvFile = join(dir, f.replace(/\.stdin$/, '.argv'));
      const payload = existsSync(argvFile) ? readFileSync(argvFile, 'utf8') : stdin;
      let json: Record<string, unknown> | undefined;
      try {
        json = JSON.parse(payload) as Record<string, unknown>;
      } catch {
        json = undefined;
      }
      const envFile = join(dir, f.replace(/\.stdin$/, '.env'));
      return { file: f, ns: BigInt(ns), tag: rest.join('-'), stdin, json, env: existsSync(envFile) ? readFileSync(envFile, 'utf8') : '' };
    })
    .sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0));
}

/** One short line per event: tag and the payload fields that matter. */
export function summarise(e: HookEvent, maxField = 160): string {
  const j = e.json ?? {};
  const fields = Object.entries(j).map(([k, v]) => {
    const s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v);
    return `${k}=${s.length > maxField ? `${s.slice(0, maxField)}…` : s}`;
  });
  return `${e.tag}: ${e.json ? fields.join(' ') : `(not JSON) ${JSON.stringify(e.stdin.slice(0, 200))}`}`;
}

export function cleanup(launch: AgentLaunch | undefined, ...dirs: string[]): void {
  if (process.env.PROBE_KEEP) {
    log('kept', launch?.home, ...dirs);
    return;
  }
  try {
    launch?.cleanup();
    for (const d of dirs) rmSync(d, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  } catch (e) {
    log('cleanup:', String(e));
  }
}

/**
 * Claude Code settings with one record-hook.sh command hook per event (no matcher: every
 * tool / notification type), tagged `<tagPrefix><event>`; extra words go to record-hook.sh
 * (sleep seconds, exit code, stdout text).
 */
export function inlineHooks(dir: string, events: readonly string[], tagPrefix = '', extra = '', timeoutS?: number): { hooks: Record<string, unknown> } {
  const hooks: Record<string, unknown> = {};
  for (const ev of events) {
    const hook: Record<string, unknown> = { type: 'command', command: `${RECORD_HOOK} ${dir} ${tagPrefix}${ev}${extra ? ` ${extra}` : ''}` };
    if (timeoutS !== undefined) hook.timeout = timeoutS;
    hooks[ev] = [{ hooks: [hook] }];
  }
  return { hooks };
}

/** The hook command of each probe variant (probe-*-hook-behaviour.ts); `F` is the events file, `D` the events dir. */
export function variantHook(variant: string, F: string, D: string): { command: string; timeout?: number } | undefined {
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  switch (variant) {
    case 'none':
      return undefined;
    case 'sh-cat': // the baseline: append the payload (one JSON line) as it is
      return { command: `{ cat >> ${q(F)}; } 2>/dev/null; exit 0` };
    case 'sh-date-cat': // the same with the arrival time first
      return { command: `{ { printf '%s ' "$(date +%s%N)"; cat; } >> ${q(F)}; } 2>/dev/null; exit 0` };
    case 'node': // a node one-liner doing the same
      return { command: `node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{require("fs").appendFileSync(process.argv[1],Date.now()+" "+s)}catch{}})' ${q(F)}` };
    case 'record': // record-hook.sh (forks date, env, tr…)
      return { command: `${RECORD_HOOK} ${D} hook` };
    case 'exit1':
      return { command: `${RECORD_HOOK} ${D} hook 0 1` };
    case 'exit2':
      return { command: `${RECORD_HOOK} ${D} hook 0 2` };
    case 'stderr-exit1':
      return { command: `echo HOOK-STDERR-MARKER >&2; exit 1` };
    case 'stdout':
      return { command: `${RECORD_HOOK} ${D} hook 0 0 HOOK-STDOUT-MARKER` };
    case 'sleep5':
      return { command: `${RECORD_HOOK} ${D} hook 5 0` };
    case 'sleep10-timeout2':
      return { command: `${RECORD_HOOK} ${D} hook 10 0`, timeout: 2 };
    case 'gone': // home deleted: the redirection fails
      return { command: `cat >> ${q(join(D, 'no-such-dir', 'events.jsonl'))}` };
    case 'gone-quiet':
      return { command: `{ cat >> ${q(join(D, 'no-such-dir', 'events.jsonl'))}; } 2>/dev/null; exit 0` };
    case 'full': // disk full
      return { command: `cat >> /dev/full` };
    case 'shell': // which shell runs the command, with which flags
      return { command: `{ ps -o args= -p $$; echo "0=$0 flags=$- SHELL=$SHELL BASH=\${BASH:-}"; } >> ${q(F)} 2>&1; exit 0` };
    case 'no-stdin-read': // does not read its stdin at all
      return { command: `exit 0` };
    default:
      throw new Error(`unknown variant ${variant}`);
  }
}
