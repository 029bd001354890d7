import { lstatSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { SessionError, errnoCode } from '../../core/errors.js';
import type { PaneInfo } from './pane-liveness.js';
import { probeSocket } from './socket-probe.js';
import * as args from './tmux-args.js';
import type { TmuxRunner } from './tmux-client.js';
import { isNoServer } from './tmux-client.js';

/** A server killed outright (SIGKILL) leaves its socket behind: remove it once nothing answers there. */
export async function removeStaleSocket(socket: string): Promise<void> {
  if (lstatSync(socket, { throwIfNoEntry: false })?.isSocket() !== true || (await probeSocket(socket))) return;
  await rm(socket, { force: true });
}

/**
 * tmux's kill-server is the server sending itself SIGTERM; with the server's pid known,
 * sending it from here does the same without starting a tmux client.
 */
export async function endServer(tmux: TmuxRunner, identity: string, server: args.Server, pane: PaneInfo | undefined): Promise<void> {
  if (pane !== undefined && Number.isInteger(pane.serverPid) && pane.serverPid > 1) {
    try {
      process.kill(pane.serverPid, 'SIGTERM');
    } catch (error) {
      if (errnoCode(error) !== 'ESRCH') throw error;
    }
    return;
  }
  const killed = await tmux.run(args.killServerArgs(server));
  if (!killed.ok && !isNoServer(killed.stderr)) {
    throw new SessionError(`tmux could not end ${identity}: ${killed.stderr.trim()}`);
  }
}
