import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { MarkerSchemas, readMarkers } from '../../registry/markers.js';
import { RefusedError } from '../../core/errors.js';
import { type Paths, stateDirOf } from '../../core/paths.js';
import type { Liveness } from '../../transport/tmux/pane-liveness.js';
import type { SessionContext } from '../context/session-context.js';

/**
 * Ends whatever server the identity has (live, dead pane, or no session) and reports
 * what was there. Nothing is left: no process, no server, no socket. Without `liveness`,
 * what was recorded at spawn is offered to Sessions.kill, which checks it against the
 * process table before trusting it.
 */
export async function endSession(ctx: SessionContext, identity: string, liveness?: Liveness): Promise<Liveness> {
  if (liveness !== undefined) return ctx.sessions.kill(identity, liveness);
  return ctx.sessions.kill(identity, recordedPane(ctx, identity));
}

function recordedPane(ctx: SessionContext, identity: string): { pid: number; tty: string; serverPid: number } | undefined {
  try {
    return readMarkers(stateDirOf(ctx.paths, identity), ['spawned']).spawned;
  } catch {
    // An unreadable state directory only costs the shortcut: tmux is asked instead.
    return undefined;
  }
}

function oddStateEntry(path: string, what: string): RefusedError {
  return new RefusedError(`${path} ${what}, where iapeer keeps its own state; move it aside (mv ${path} ${path}.bad) and retry`, 'EBADSTATE');
}

/**
 * The identity's state must be what iapeer writes there: a directory of regular files.
 * Anything else (a file for the directory, a directory or link for a marker) is refused
 * by name before anything is changed, rather than failing halfway through. A handful of
 * local lstat calls, made synchronously like the marker reads.
 */
export function checkStateEntries(paths: Paths, identity: string): void {
  const dir = stateDirOf(paths, identity);
  const info = lstatSync(dir, { throwIfNoEntry: false });
  if (info === undefined) return;
  if (!info.isDirectory()) throw oddStateEntry(dir, 'is not a directory');
  for (const name of Object.keys(MarkerSchemas)) {
    const marker = lstatSync(join(dir, name), { throwIfNoEntry: false });
    if (marker !== undefined && !marker.isFile()) throw oddStateEntry(join(dir, name), 'is not a regular file');
  }
}
