import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach } from 'vitest';

export interface UseTempDirOptions {
  /** One directory for every test of the enclosing suite (made in beforeAll), not one per test. */
  readonly shared?: boolean;
}

/**
 * A fresh empty directory under the system temp directory, named `<prefix>XXXXXX`, for each
 * test of the enclosing suite (or for all of them with `shared`); returns the accessor of its
 * path. Call it at the top of a file or describe, before the hooks that use the directory. It
 * is deleted even when the test or another hook failed, after every afterEach hook.
 *
 * A plain directory: its cleanup only deletes it. For an IAPEER_HOME whose fixtures, daemons
 * and tmux servers must be ended too, use useHome(); its cleanup kills the pid of every
 * `spawned` marker in the home, so it is no place for markers with made-up pids.
 */
export function useTempDir(prefix: string, options: UseTempDirOptions = {}): () => string {
  let dir: string | undefined;
  const open = (): void => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  };
  const close = (): void => {
    const owned = dir;
    dir = undefined;
    if (owned !== undefined) rmSync(owned, { recursive: true, force: true });
  };

  if (options.shared === true) {
    beforeAll(open);
    afterAll(close);
  } else {
    beforeEach((context) => {
      context.onTestFinished(close);
      open();
    });
  }

  return () => {
    if (dir === undefined) throw new Error('useTempDir(): there is a directory only while a test, or a hook declared after useTempDir, runs');
    return dir;
  };
}
