import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pathsFor } from '../../../../src/core/paths.js';
import { type DaemonState, readDaemonStatus } from '../../../../src/lifecycle/supervise/daemon-state.js';
import { useTempDir } from '../../../helpers/use-temp-dir.js';

/** A pid that no process holds: above the usual pid_max of Linux (4194304) and macOS (99998). */
const GONE_PID = 2 ** 30;

const dir = useTempDir('iapeer-daemon-state-');

function withState(state: Record<string, unknown>) {
  const paths = pathsFor({ home: dir(), sockDir: join(dir(), 'sock') });
  writeFileSync(paths.daemonState, JSON.stringify(state));
  return readDaemonStatus(paths);
}

const base: DaemonState = {
  pid: process.pid,
  startedAt: '2026-03-10T10:00:00.000Z',
  version: '0.1.0',
  lastTickAt: '2026-03-10T11:59:55.000Z',
  tickMs: 3,
  ticks: 100,
  peers: {},
  queue: 0,
  stoppedAt: null,
};

describe('readDaemonStatus', () => {
  it('reads a live owner as running and a dead one that never said it stopped as stale', () => {
    expect(withState(base).kind).toBe('running');
    expect(withState({ ...base, pid: GONE_PID }).kind).toBe('stale');
  });

  it('reads a daemon that stopped cleanly as stopped, even when its pid now belongs to another process', () => {
    const stoppedAt = '2026-03-10T12:00:00.000Z';
    expect(withState({ ...base, pid: GONE_PID, stoppedAt })).toEqual({ kind: 'stopped', state: { ...base, pid: GONE_PID, stoppedAt } });
    expect(withState({ ...base, stoppedAt }).kind).toBe('stopped');
  });

  it('takes a file without stoppedAt (written by an older daemon) by its pid alone', () => {
    const older: Record<string, unknown> = { ...base };
    delete older.stoppedAt;
    expect(withState(older).kind).toBe('running');
    expect(withState({ ...older, pid: GONE_PID }).kind).toBe('stale');
  });

  it('says so when the file is not the daemon state', () => {
    expect(withState({ pid: 'x' }).kind).toBe('unreadable');
    expect(readDaemonStatus(pathsFor({ home: join(dir(), 'none'), sockDir: join(dir(), 'sock') })).kind).toBe('never-ran');
  });
});
