import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type TestHome, makeHome } from './cli.js';
import { killFixtures } from './fixtures.js';

/** The home of the test that runs now; the same object serves every test of the suite. */
export interface UsedHome extends TestHome {
  /** One more fresh home for this test (or suite), cleaned up with the first. */
  another(): Promise<TestHome>;
}

export interface UseHomeOptions {
  /** One home for every test of the enclosing suite (made in beforeAll), not one per test. */
  readonly shared?: boolean;
}

/**
 * A fresh IAPEER_HOME (see makeHome) for each test of the enclosing suite, or for all of them
 * with `shared`. Call it at the top of a file or describe, before the hooks that use the home:
 * those run after it is made and before it is cleaned up. The cleanup ends every fixture
 * process still running (daemons included), every tmux server on the home's sockets and the
 * panes' processes, then deletes the home; it runs even when the test or another hook failed.
 */
export function useHome(options: UseHomeOptions = {}): UsedHome {
  let homes: TestHome[] = [];
  const current = (): TestHome => {
    const home = homes[0];
    if (home === undefined) throw new Error('useHome(): there is a home only while a test, or a hook declared after useHome, runs');
    return home;
  };
  const open = async (): Promise<void> => {
    homes = [await makeHome()];
  };
  const close = async (): Promise<void> => {
    const owned = homes;
    homes = [];
    try {
      await killFixtures();
    } finally {
      await Promise.all(owned.map((home) => home.cleanup()));
    }
  };

  if (options.shared === true) {
    beforeAll(open);
    afterAll(close);
  } else {
    beforeEach(async (context) => {
      // After every afterEach hook, even one that throws: theirs end what uses the home first.
      context.onTestFinished(close);
      await open();
    });
  }

  return {
    get home() {
      return current().home;
    },
    get sockDir() {
      return current().sockDir;
    },
    get env() {
      return current().env;
    },
    run: (args, runOptions) => current().run(args, runOptions),
    cleanup: () => current().cleanup(),
    another: async () => {
      current();
      const home = await makeHome();
      homes.push(home);
      return home;
    },
  };
}
