/**
 * Every tmux command line iapeer runs is built here. Targets are always exact: the
 * session `=<identity>`, the agent's pane by its id. Formats are tab-separated for
 * parsing, and each server gets iapeer's own config file so that user settings cannot
 * change its behaviour.
 */

export const PANE_FORMAT =
  '#{pane_pid}\t#{pane_dead}\t#{pane_dead_status}\t#{pane_tty}\t#{pane_in_mode}\t#{pid}\t#{pane_dead_signal}';

/**
 * The agent's pane. Each identity has a server of its own, created together with its
 * session, and tmux numbers panes per server from 0: the agent's pane is always %0,
 * whatever panes a user adds while attached. (`=<identity>:` would mean the active pane.)
 */
export const AGENT_PANE = '%0';
const ONLY_AGENT_PANE = `#{==:#{pane_id},${AGENT_PANE}}`;
export const SPAWN_FORMAT = '#{pane_pid}\t#{pane_tty}\t#{pid}';

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

export function newSessionArgs(server: Server, spec: NewSessionSpec): string[] {
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
    // tmux hands a single argument to the shell as a command string; `env` runs it as is.
    ...(spec.argv.length === 1 ? ['env', '--', ...spec.argv] : spec.argv),
  ]);
}

/** The agent's pane only: no line at all when the session exists but that pane does not. */
export function listPanesArgs(server: Server, identity: string): string[] {
  return command(server, ['list-panes', '-s', '-t', `=${identity}`, '-f', ONLY_AGENT_PANE, '-F', PANE_FORMAT]);
}

/** The pane's state and its screen in one tmux client call: the first line is PANE_FORMAT. */
export function paneAndScreenArgs(server: Server, identity: string): string[] {
  // The ';' separator is added unescaped on purpose: it joins two tmux commands.
  return [...listPanesArgs(server, identity), ';', ...['capture-pane', '-p', '-t', AGENT_PANE].map(escapeTmuxArg)];
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

/** `-p` wraps the paste in bracketed-paste markers when the program asked for them; `-d` deletes the buffer. */
export function pasteBufferArgs(server: Server, buffer: string): string[] {
  return command(server, ['paste-buffer', '-p', '-d', '-b', buffer, '-t', AGENT_PANE]);
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
set -g status-right "iapeer · detach: C-b d"
`;
