/**
 * Every tmux command line iapeer runs is built here. Targets are always exact: the
 * session `=<identity>`, the agent's pane by its id. Formats separate fields with a
 * printable character, and each server gets iapeer's own config file so that user
 * settings cannot change its behaviour.
 */

/**
 * Without a UTF-8 locale (launchd, cron) a tmux client prints `_` for a tab or any other
 * control character, so fields are separated by a character that survives any locale.
 */
export const FIELD_SEPARATOR = '|';

export const PANE_FORMAT = [
  '#{pane_pid}',
  '#{pane_dead}',
  '#{pane_dead_status}',
  '#{pane_tty}',
  '#{pane_in_mode}',
  '#{pid}',
  '#{pane_dead_signal}',
].join(FIELD_SEPARATOR);

/**
 * The agent's pane. Each identity has a server of its own, created together with its
 * session, and tmux numbers panes per server from 0: the agent's pane is always %0,
 * whatever panes a user adds while attached. (`=<identity>:` would mean the active pane.)
 */
export const AGENT_PANE = '%0';
const ONLY_AGENT_PANE = `#{==:#{pane_id},${AGENT_PANE}}`;
export const SPAWN_FORMAT = ['#{pane_pid}', '#{pane_tty}', '#{pid}'].join(FIELD_SEPARATOR);

export interface PaneFields {
  readonly pid: number;
  readonly dead: boolean;
  /** Exit status, 128 + N for a death by signal N; undefined when tmux recorded neither. */
  readonly exitStatus: number | undefined;
  readonly tty: string;
  readonly inMode: boolean;
  readonly serverPid: number;
}

const PID = /^[1-9]\d{0,9}$/;
const FLAG = /^[01]$/;
const OPTIONAL_NUMBER = /^\d{0,9}$/;

/** A line of PANE_FORMAT, or undefined when it is not one (never read as "dead" or "absent"). */
export function parsePaneLine(line: string): PaneFields | undefined {
  const fields = line.split(FIELD_SEPARATOR);
  if (fields.length !== 7) return undefined;
  const [pid = '', dead = '', status = '', tty = '', inMode = '', serverPid = '', signal = ''] = fields;
  const numbers = PID.test(pid) && PID.test(serverPid) && OPTIONAL_NUMBER.test(status) && OPTIONAL_NUMBER.test(signal);
  if (!numbers || !FLAG.test(dead) || !FLAG.test(inMode)) return undefined;
  const exitStatus = status !== '' ? Number(status) : signal !== '' ? 128 + Number(signal) : undefined;
  return { pid: Number(pid), dead: dead === '1', exitStatus, tty, inMode: inMode === '1', serverPid: Number(serverPid) };
}

/** What new-session prints with SPAWN_FORMAT, or undefined when it is not that. */
export function parseSpawnLine(line: string): { pid: number; tty: string; serverPid: number } | undefined {
  const fields = line.split(FIELD_SEPARATOR);
  if (fields.length !== 3) return undefined;
  const [pid = '', tty = '', serverPid = ''] = fields;
  if (!PID.test(pid) || !PID.test(serverPid) || tty === '') return undefined;
  return { pid: Number(pid), tty, serverPid: Number(serverPid) };
}

/** History lines read with a dead pane's screen: tmux's "Pane is dead" notice scrolls the screen. */
const LAST_WORDS_HISTORY = 20;

/**
 * The runtime runs under a small sh that writes its exit status to a file before leaving:
 * tmux 3.3 sometimes never records a dead pane's status. The sh catches INT and QUIT, so
 * that C-c or C-\ in a cooked terminal reaches the runtime without ending the session
 * (a caught signal is back to its default in the runtime). Its own messages (such as
 * "Terminated" for a runtime killed by a signal) go to /dev/null, not onto the runtime's
 * screen; an inner sh gives the runtime its stderr back and execs it. `"$@"` runs argv as
 * it is, never through a shell string. A runtime killed by signal N leaves 128 + N.
 *
 * Before leaving, the sh drains the screen: tmux 3.3 throws away output it has not read yet
 * when the pane's process exits, so a runtime that prints and exits at once (a login prompt)
 * would often leave a blank screen. The sh asks the terminal for its status (DSR, `ESC [ 5 n`)
 * and waits for the answer, at most 2 s per byte read: tmux answers only once it has parsed
 * everything written before the question. Stray typed bytes are skipped, up to 64 of them.
 */
const DRAIN_SCREEN = `if stty -icanon -echo min 0 time 20; then printf '\\033[5n'; i=0; while [ $i -lt 64 ]; do c=$(dd bs=1 count=1); { [ -z "$c" ] || [ "$c" = n ]; } && break; i=$((i+1)); done; fi`;
const RUN_AND_RECORD = `f=$1; shift; trap : INT QUIT; exec 4>&2 2>/dev/null; /bin/sh -c 'exec 2>&4 4>&-; exec "$@"' "$0" "$@"; s=$?; echo "$s" > "$f"; ${DRAIN_SCREEN}; exit "$s"`;
export const WRAPPER_NAME = 'iapeer-run';

/** Session window size for detached servers; tmux resizes it to the terminal on attach. */
const WIDTH = '200';
const HEIGHT = '50';

/**
 * tmux reads any argument ending in ';' as a command separator and drops the ';'.
 * Writing the last ';' as '\;' makes tmux keep it (and turns a preceding '\' into ';'
 * only when it is that escape), so every argument reaches the command unchanged.
 */
export function escapeTmuxArg(arg: string): string {
  return arg.endsWith(';') ? `${arg.slice(0, -1)}\\;` : arg;
}

export interface Server {
  readonly socket: string;
  readonly configFile: string;
}

function command(server: Server, args: readonly string[]): string[] {
  return ['-S', server.socket, '-f', server.configFile, ...args.map(escapeTmuxArg)];
}


export interface NewSessionSpec {
  readonly identity: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly argv: readonly string[];
}

/** `exitFile` is where the wrapper records the runtime's exit status. */
export function newSessionArgs(server: Server, spec: NewSessionSpec, exitFile: string): string[] {
  const envArgs = Object.entries(spec.env).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
  return command(server, [
    'new-session',
    '-d',
    '-s',
    spec.identity,
    '-c',
    spec.cwd,
    '-x',
    WIDTH,
    '-y',
    HEIGHT,
    ...envArgs,
    '-P',
    '-F',
    SPAWN_FORMAT,
    '--',
    '/bin/sh',
    '-c',
    RUN_AND_RECORD,
    WRAPPER_NAME,
    exitFile,
    ...spec.argv,
  ]);
}

/** The agent's pane only: no line at all when the session exists but that pane does not. */
export function listPanesArgs(server: Server, identity: string): string[] {
  return command(server, ['list-panes', '-s', '-t', `=${identity}`, '-f', ONLY_AGENT_PANE, '-F', PANE_FORMAT]);
}

/** The terminal cursor as tmux reports it: column and row of the visible screen, from 0. */
export interface Cursor {
  readonly x: number;
  readonly y: number;
}

/** PANE_FORMAT and the cursor's column and row, read in the same tmux command queue as the screen. */
export const LOOK_FORMAT = [PANE_FORMAT, '#{cursor_x}', '#{cursor_y}'].join(FIELD_SEPARATOR);
const CURSOR_FIELD = /^\d{1,5}$/;

/**
 * A line of LOOK_FORMAT: the PANE_FORMAT part (for parsePaneLine) and the cursor, undefined
 * when its fields are not numbers (the pane line is then left whole, for its parser to judge).
 */
export function splitLookLine(line: string): { paneLine: string; cursor: Cursor | undefined } {
  const fields = line.split(FIELD_SEPARATOR);
  const y = fields.pop() ?? '';
  const x = fields.pop() ?? '';
  if (!CURSOR_FIELD.test(x) || !CURSOR_FIELD.test(y)) return { paneLine: line, cursor: undefined };
  return { paneLine: fields.join(FIELD_SEPARATOR), cursor: { x: Number(x), y: Number(y) } };
}

/**
 * The pane's state, cursor and screen in one tmux client call: the first line is LOOK_FORMAT.
 * The server runs the two commands back to back, so the cursor is where it was for that screen.
 * `-N` keeps trailing spaces, so a ready pattern sees the screen as drawn (`^> ` matches).
 */
export function paneAndScreenArgs(server: Server, identity: string): string[] {
  const listPanes = command(server, ['list-panes', '-s', '-t', `=${identity}`, '-f', ONLY_AGENT_PANE, '-F', LOOK_FORMAT]);
  // The ';' separator is added unescaped on purpose: it joins two tmux commands.
  return [...listPanes, ';', ...['capture-pane', '-p', '-N', '-t', AGENT_PANE].map(escapeTmuxArg)];
}

/** Lines of history `peek --lines` may ask for: the servers keep 50000 (TMUX_CONFIG), plus the screen. */
export const MAX_PEEK_LINES = 100_000;

/**
 * The pane's state, then its text for `peek`: as drawn but without colours or attributes
 * (no -e), trailing spaces trimmed (no -N), wrapped lines as drawn (no -J). The visible
 * screen, and with `historyLines` that many lines of history above it.
 */
export function paneAndTextArgs(server: Server, identity: string, historyLines?: number): string[] {
  const history = historyLines === undefined ? [] : ['-S', `-${Math.min(MAX_PEEK_LINES, Math.max(0, Math.floor(historyLines)))}`];
  return [...listPanesArgs(server, identity), ';', ...['capture-pane', '-p', ...history, '-t', AGENT_PANE].map(escapeTmuxArg)];
}

/** What paneAndScreenArgs and paneAndTextArgs print: the PANE_FORMAT line, then the pane's lines. */
export function splitPaneAndScreen(stdout: string): { paneLine: string; screen: string } {
  const newline = stdout.indexOf('\n');
  return newline === -1 ? { paneLine: stdout, screen: '' } : { paneLine: stdout.slice(0, newline), screen: stdout.slice(newline + 1) };
}

/** A dead pane's screen with the last lines of history, where its last words may have scrolled. */
export function lastWordsArgs(server: Server): string[] {
  return command(server, ['capture-pane', '-p', '-S', `-${LAST_WORDS_HISTORY}`, '-t', AGENT_PANE]);
}

export function killServerArgs(server: Server): string[] {
  return command(server, ['kill-server']);
}

export function sendKeyArgs(server: Server, key: string): string[] {
  return command(server, ['send-keys', '-t', AGENT_PANE, key]);
}

export function sendLiteralArgs(server: Server, text: string): string[] {
  return command(server, ['send-keys', '-l', '-t', AGENT_PANE, '--', text]);
}

export function cancelModeArgs(server: Server): string[] {
  return command(server, ['send-keys', '-X', '-t', AGENT_PANE, 'cancel']);
}

/** Reads the buffer from stdin, so message text never appears in a process list. */
export function loadBufferArgs(server: Server, buffer: string): string[] {
  return command(server, ['load-buffer', '-b', buffer, '-']);
}

/**
 * `-p` wraps the paste in bracketed-paste markers when the program asked for them; `-r` keeps
 * line feeds as they are (tmux would make them carriage returns); `-d` deletes the buffer.
 */
export function pasteBufferArgs(server: Server, buffer: string): string[] {
  return command(server, ['paste-buffer', '-p', '-r', '-d', '-b', buffer, '-t', AGENT_PANE]);
}

export function attachArgs(server: Server, identity: string): string[] {
  return command(server, ['attach-session', '-t', `=${identity}`]);
}

/** The config every iapeer tmux server starts with. */
export const TMUX_CONFIG = `# Written by iapeer for its per-peer tmux servers; edits are overwritten.
# A dead pane stays, so its exit status can be read.
set -g remain-on-exit on
set -g exit-empty on
set -g destroy-unattached off
set -g history-limit 50000
set -s escape-time 10
set -g status-left "[#{session_name}] "
set -g status-left-length 70
# Inside another tmux (the client's terminal answers as tmux, or its TERM is tmux's), C-b d
# would detach that outer tmux: its C-b C-b sends C-b through, then d detaches this one.
set -g status-right-length 60
# ASCII only: without a UTF-8 locale a terminal draws other characters as underscores.
set -g status-right "#{?#{||:#{m:tmux*,#{client_termtype}},#{m:tmux*,#{client_termname}}},iapeer - nested: detach with C-b C-b d,iapeer - detach: C-b d}"
`;
