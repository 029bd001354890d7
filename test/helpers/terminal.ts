import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { onTestFinished } from 'vitest';
import { CLI, type TestHome, waitFor } from './cli.js';
import { scaled } from './deadline.js';

/**
 * A terminal for a full-screen program: a tmux server of its own on a temp socket, one pane
 * running a shell script around the program. Keys are typed with send-keys, the screen is
 * read with capture-pane, and the script records the pane's `stty -a` before and after the
 * program, and its exit code, so that what it left behind can be checked.
 */
export interface Terminal {
  readonly socket: string;
  /** The pane's visible rows, exactly as many as it has; `escapes` keeps the colours and attributes. */
  screen(options?: { escapes?: boolean }): string[];
  /** Keys by tmux's names (`Enter`, `C-c`, `End`, …) or characters. */
  keys(...keys: string[]): void;
  /** Text typed as it is, character by character. */
  type(text: string): void;
  /** Whether the alternate screen is on and the cursor shown, as tmux has them for the pane. */
  modes(): { alternate: boolean; cursor: boolean };
  size(): { columns: number; rows: number };
  resize(columns: number, rows: number): void;
  /** The program's pid: the pane shell's child. */
  programPid(): number;
  /** Waits until `check` holds for the screen; returns it. */
  waitForScreen(check: (lines: string[]) => boolean, what: string, timeoutMs?: number): Promise<string[]>;
  /** Waits for the program to exit; its exit code and the pane's `stty -a` before and after. */
  exited(timeoutMs?: number): Promise<{ code: number; sttyBefore: string; sttyAfter: string }>;
}

export interface TerminalOptions {
  readonly columns?: number;
  readonly rows?: number;
  /** The environment of the tmux server, hence of the pane: the home's (no locale, NO_COLOR=1), with these changes (undefined removes). */
  readonly env?: Record<string, string | undefined>;
  /** The iapeer arguments run in the pane (default `top`), and a shell redirection after them. */
  readonly args?: readonly string[];
  readonly redirect?: string;
}

const quoted = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/** `tmux -u`: the test's own client reads the screen as UTF-8 whatever the server's locale. */
function tmuxIn(socket: string, args: readonly string[], env?: NodeJS.ProcessEnv): string {
  return execFileSync('tmux', ['-u', '-S', socket, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000, ...(env ? { env } : {}) });
}

let terminals = 0;

/** Opens a terminal running `iapeer top` (or `args`) for the home; ended when the test finishes. */
export function openTerminal(home: TestHome, options: TerminalOptions = {}): Terminal {
  terminals += 1;
  const dir = home.home;
  const name = `term${terminals}`;
  const socket = join(dir, `${name}.sock`);
  const file = (what: string) => join(dir, `${name}.${what}`);
  const env: NodeJS.ProcessEnv = { ...home.env };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const command = [process.execPath, CLI, ...(options.args ?? ['top'])].map(quoted).join(' ') + (options.redirect === undefined ? '' : ` ${options.redirect}`);
  const script = [
    `stty -a > ${quoted(file('stty-before'))}`,
    'echo "before the program"',
    command,
    'code=$?',
    `stty -a > ${quoted(file('stty-after'))}`,
    'echo "exited $code"',
    `echo $code > ${quoted(file('code.tmp'))}`,
    `mv ${quoted(file('code.tmp'))} ${quoted(file('code'))}`,
    'exec sleep 600',
  ].join('; ');
  const columns = options.columns ?? 120;
  const rows = options.rows ?? 40;
  tmuxIn(socket, ['-f', '/dev/null', 'new-session', '-d', '-s', name, '-x', String(columns), '-y', String(rows), 'sh', '-c', script], env);
  const serverPid = Number(tmuxIn(socket, ['display-message', '-p', '#{pid}']).trim());
  onTestFinished(() => {
    try {
      tmuxIn(socket, ['kill-server']);
    } catch {
      try {
        process.kill(serverPid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
  const target = ['-t', `=${name}:`];
  const display = (format: string) => tmuxIn(socket, ['display-message', '-p', ...target, format]).trim();

  const terminal: Terminal = {
    socket,
    screen: (screenOptions = {}) => {
      const text = tmuxIn(socket, ['capture-pane', '-p', ...(screenOptions.escapes === true ? ['-e'] : []), ...target]);
      const lines = text.split('\n');
      if (lines.at(-1) === '') lines.pop();
      return lines;
    },
    keys: (...keys) => void tmuxIn(socket, ['send-keys', ...target, ...keys]),
    type: (text) => void tmuxIn(socket, ['send-keys', ...target, '-l', text]),
    modes: () => {
      const [alternate, cursor] = display('#{alternate_on} #{cursor_flag}').split(' ');
      return { alternate: alternate === '1', cursor: cursor === '1' };
    },
    size: () => {
      const [width, height] = display('#{pane_width} #{pane_height}').split(' ').map(Number);
      return { columns: width ?? 0, rows: height ?? 0 };
    },
    resize: (newColumns, newRows) => void tmuxIn(socket, ['resize-window', ...target, '-x', String(newColumns), '-y', String(newRows)]),
    programPid: () => {
      const shell = display('#{pane_pid}');
      const child = execFileSync('pgrep', ['-P', shell], { encoding: 'utf8' }).trim().split('\n')[0];
      return Number(child);
    },
    waitForScreen: async (check, what, timeoutMs = 15_000) => {
      let last: string[] = [];
      try {
        return await waitFor(
          () => {
            last = terminal.screen();
            return check(last) ? last : undefined;
          },
          what,
          scaled(timeoutMs),
          50,
        );
      } catch (error) {
        throw new Error(`${(error as Error).message}; the screen:\n${last.join('\n')}`);
      }
    },
    exited: async (timeoutMs = 15_000) => {
      const code = await waitFor(() => readFile(file('code'), 'utf8').catch(() => undefined), 'the program to exit', scaled(timeoutMs), 50);
      return { code: Number(code.trim()), sttyBefore: await readFile(file('stty-before'), 'utf8'), sttyAfter: await readFile(file('stty-after'), 'utf8') };
    },
  };
  return terminal;
}

/** The words of `stty -a`'s settings: `echo`, `-echo`, `icanon`, … */
export function sttyFlags(text: string): Set<string> {
  return new Set(text.split(/[\s;]+/).filter((word) => /^-?[a-z0-9]+$/.test(word)));
}

/** One identity's row as `iapeer top` draws it, read back from the screen by its column titles. */
export interface TopRow {
  readonly selected: boolean;
  /** Marked `!`: it needs input. */
  readonly marked: boolean;
  readonly peer: string;
  readonly runtime: string;
  readonly state: string;
  readonly activity: string;
  readonly since: string;
  readonly idle: string;
  readonly queue: string;
  readonly event: string;
  /** The words on the line under a row marked `!`. */
  readonly attention?: string;
}

const TITLES = ['PEER', 'RUNTIME', 'STATE', 'ACTIVITY', 'SINCE', 'IDLE', 'QUEUE', 'LAST EVENT'] as const;

/** The rows of top's fleet table on `lines` (a whole screen: header, body, status line, key line). */
export function topRows(lines: readonly string[]): TopRow[] {
  const titleAt = lines.findIndex((line) => /^ {2}PEER +RUNTIME +STATE +ACTIVITY +SINCE +IDLE +QUEUE +LAST EVENT/.test(line));
  if (titleAt === -1) return [];
  const title = lines[titleAt] ?? '';
  const starts = TITLES.map((word) => title.indexOf(word));
  const cell = (line: string, index: number) => line.slice(starts[index], starts[index + 1]).trim();
  const rows: TopRow[] = [];
  for (const line of lines.slice(titleAt + 1, -2)) {
    const last = rows.at(-1);
    if (line.startsWith('    ! ') && last !== undefined) {
      rows[rows.length - 1] = { ...last, attention: line.slice('    ! '.length).trimEnd() };
      continue;
    }
    if (line.trim() === '') break;
    const [peer = '', runtime = '', state = '', activity = '', since = '', idle = '', queue = '', event = ''] = TITLES.map((_, index) => cell(line, index));
    rows.push({ selected: line[0] !== ' ', marked: line[1] === '!', peer, runtime, state, activity, since, idle, queue, event });
  }
  return rows;
}

/** The row of `identity` (`<runtime>-<personality>`) on the screen, if drawn. */
export function topRowOf(lines: readonly string[], identity: string): TopRow | undefined {
  return topRows(lines).find((row) => `${row.runtime}-${row.peer}` === identity);
}

/** Retries `check` (an assertion) until it passes or the deadline passes; then its last failure is thrown. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs: number, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + scaled(timeoutMs);
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await sleep(intervalMs);
  }
}
