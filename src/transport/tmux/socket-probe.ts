import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { listPanesArgs, parsePaneLine } from './tmux-args.js';

/** True when a server accepts connections on the unix socket (cheaper than asking tmux). */
export function probeSocket(path: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export interface TmuxCommand {
  readonly bin: string;
  /** The environment tmux runs with; the caller's when absent. */
  readonly env?: Readonly<Record<string, string>> | undefined;
}

export interface LivePane {
  readonly pid: number;
  readonly tty: string;
}

const ASK_TIMEOUT_MS = 5000;

/**
 * The agent's pane if tmux says it is live, asked synchronously for one identity: for
 * `list` when what was recorded at spawn cannot be trusted (missing, unreadable, or
 * older than the socket), which is rare enough not to cost the fleet's listing.
 * Anything but a live pane, a tmux that cannot run included, is undefined.
 */
export function askLivePaneSync(tmux: TmuxCommand, home: string, socket: string, identity: string): LivePane | undefined {
  const argv = listPanesArgs({ socket, configFile: join(home, 'tmux.conf') }, identity);
  const result = spawnSync(tmux.bin, argv, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: ASK_TIMEOUT_MS,
    ...(tmux.env === undefined ? {} : { env: { ...tmux.env } }),
  });
  if (result.status !== 0 || typeof result.stdout !== 'string') return undefined;
  const pane = parsePaneLine(result.stdout.split('\n')[0] ?? '');
  return pane === undefined || pane.dead ? undefined : { pid: pane.pid, tty: pane.tty };
}
