import { lstat, unlink } from 'node:fs/promises';
import { type Server, connect, createServer } from 'node:net';
import { basename } from 'node:path';
import { RefusedError, errnoCode } from '../core/errors.js';
import { type HeldLock, acquireLock } from '../core/lock/file-lock.js';
import { type Paths, checkSockDirIfPresent, ensureSockDir, socketPathOf } from '../core/paths.js';

export type DaemonLock =
  | { readonly alreadyRunning: false; release(): Promise<void> }
  | { readonly alreadyRunning: true; readonly pid?: number };

export type DaemonProbe = { readonly running: false } | { readonly running: true; readonly pid?: number };

/** How long a loser waits for the running daemon to say its pid; a hung daemon still counts as running. */
const PID_ANSWER_MS = 1000;
/** The start-up lock is held for milliseconds; a holder that stops refreshing it for this long is gone. */
const STARTUP_LOCK_STALE_MS = 10_000;
const STARTUP_LOCK_WAIT_MS = 30_000;
/** Releasing is best effort within the daemon's shutdown budget: a leftover socket is only stale. */
const RELEASE_LOCK_WAIT_MS = 2000;

/**
 * The daemon's socket path, refused like every socket of iapeer when too long for a
 * unix socket (the error names IAPEER_SOCK_DIR).
 */
function socketOf(paths: Paths): string {
  return socketPathOf(paths, basename(paths.daemonSocket));
}

function startupLock(socket: string, waitMs: number): Promise<HeldLock> {
  return acquireLock(socket, `${socket}.lock`, { staleMs: STARTUP_LOCK_STALE_MS, waitMs });
}

/**
 * Makes this process the one daemon of its home, or says another runs. The claim is a
 * listening unix socket: the kernel closes it when its process dies however it dies, so a
 * dead daemon leaves at most a socket file nobody answers on, and a reused pid proves
 * nothing either way. Bind, probe and stale-socket removal all happen under a short
 * start-up lock, and a holder is listening before it lets go of that lock, so whoever
 * finds the socket unanswered knows its owner is dead (not between bind and listen) and
 * that no other starter is about to bind it.
 */
export async function acquireDaemonLock(paths: Paths): Promise<DaemonLock> {
  const socket = socketOf(paths);
  await ensureSockDir(paths);
  const startup = await startupLock(socket, STARTUP_LOCK_WAIT_MS);
  try {
    for (let attempt = 0; ; attempt++) {
      const bound = await listenOn(socket);
      if (bound.kind === 'listening') return await claim(socket, bound.server);
      const probe = await probeDaemonSocket(socket);
      if (probe.running) return { alreadyRunning: true, ...(probe.pid === undefined ? {} : { pid: probe.pid }) };
      // Only a dead daemon's socket refuses connections here; the start-up lock keeps
      // other starters away while it is removed and bound again.
      if (attempt >= 2) throw new RefusedError(`cannot claim the daemon socket ${socket}: it is in use but nobody answers on it; move it aside`, 'EDAEMONLOCK');
      await unlink(socket).catch((error: unknown) => {
        if (errnoCode(error) !== 'ENOENT') throw error;
      });
    }
  } finally {
    // Losing the start-up lock now changes nothing: the socket is the claim.
    await startup.release().catch(() => {});
  }
}

async function claim(socket: string, server: Server): Promise<DaemonLock> {
  try {
    return held(socket, server, await identityOf(socket));
  } catch (error) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw error;
  }
}

/** Whether a daemon answers on this home's socket, without creating anything. */
export async function probeDaemon(paths: Paths): Promise<DaemonProbe> {
  const socket = socketOf(paths);
  await checkSockDirIfPresent(paths);
  return probeDaemonSocket(socket);
}

type Bound = { readonly kind: 'listening'; readonly server: Server } | { readonly kind: 'in-use' };

function listenOn(socket: string): Promise<Bound> {
  return new Promise((resolve, reject) => {
    const server = createServer((connection) => {
      // Every caller is told the holder's pid, then the connection ends.
      connection.on('error', () => {});
      connection.end(`${JSON.stringify({ pid: process.pid })}\n`);
    });
    const onError = (error: Error) => {
      server.close();
      if (errnoCode(error) === 'EADDRINUSE') resolve({ kind: 'in-use' });
      else reject(new RefusedError(`cannot listen on the daemon socket ${socket}: ${error.message}`, 'EDAEMONLOCK', { cause: error }));
    };
    server.once('error', onError);
    server.listen(socket, () => {
      server.off('error', onError);
      // The claim alone never keeps the process alive: the daemon's loop does.
      server.unref();
      server.on('error', () => {});
      resolve({ kind: 'listening', server });
    });
  });
}

/** The socket file's identity, to remove it on release only if it is still ours. */
async function identityOf(socket: string): Promise<string> {
  const info = await lstat(socket);
  return `${info.dev}:${info.ino}:${info.birthtimeMs}`;
}

function held(socket: string, server: Server, identity: string): DaemonLock {
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      // Removed while still listening and under the start-up lock, so no starter can have
      // bound a new socket at that path meanwhile. Closing a bound server unlinks its path
      // too (libuv does), so a path that is no longer ours is left open until exit instead.
      let startup: HeldLock | undefined;
      try {
        startup = await startupLock(socket, RELEASE_LOCK_WAIT_MS).catch(() => undefined);
        if ((await identityOf(socket).catch(() => undefined)) !== identity) return;
        await unlink(socket).catch(() => {});
        await new Promise<void>((resolve) => server.close(() => resolve()));
      } finally {
        await startup?.release().catch(() => {});
      }
    },
    alreadyRunning: false,
  };
}

/**
 * Connects to the daemon socket: answered means a daemon runs (it says its pid unless it
 * is hung); refused or absent means none does. Any other failure cannot tell, so it is an error.
 */
function probeDaemonSocket(socket: string): Promise<DaemonProbe> {
  return new Promise((resolve, reject) => {
    const connection = connect(socket);
    let text = '';
    let connected = false;
    let done = false;
    const timer = setTimeout(() => finish(), PID_ANSWER_MS);
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      connection.destroy();
      if (connected) {
        const pid = pidOf(text);
        resolve({ running: true, ...(pid === undefined ? {} : { pid }) });
        return;
      }
      const code = errnoCode(error);
      if (code === 'ECONNREFUSED' || code === 'ENOENT') resolve({ running: false });
      else reject(new RefusedError(`cannot tell whether a daemon runs on ${socket}: ${error?.message ?? 'no answer'}; retry`, 'EDAEMONLOCK', { cause: error }));
    };
    connection.setEncoding('utf8');
    connection.once('connect', () => {
      connected = true;
    });
    connection.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('\n') || text.length > 256) finish();
    });
    connection.once('end', () => finish());
    connection.once('error', (error) => finish(error));
  });
}

function pidOf(text: string): number | undefined {
  try {
    const value = (JSON.parse(text.split('\n')[0] ?? '') as { pid?: unknown }).pid;
    return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}
