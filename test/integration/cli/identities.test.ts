// Every verb that names a peer also takes an identity (runtime-peer), as send and log do.
import { describe, expect, it } from 'vitest';
import { useHome } from '../../helpers/use-home.js';
import { addPeer, lifecycleLog, screenOf } from '../../fixtures/messages.js';
import { waitFor } from '../../helpers/cli.js';

describe('a peer or its identity', () => {
  const home = useHome();

  it('start, interrupt, compact and stop take an identity such as demo-scratch', async () => {
    await addPeer(home, 'scratch');
    const started = await home.run(['start', 'demo-scratch']);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toMatch(/^started demo-scratch \(fresh, first-start\), pid \d+\n$/);
    await waitFor(() => screenOf(home, 'demo-scratch').includes('demo> '), 'the prompt', 30_000);
    expect((await home.run(['interrupt', 'demo-scratch'])).stdout).toBe('sent Escape to demo-scratch\n');
    expect((await home.run(['compact', 'demo-scratch'])).code).toBe(0);
    const stopped = await home.run(['stop', 'demo-scratch']);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(await lifecycleLog(home)).toMatch(/ ev=stop identity=demo-scratch/);
  });

  it('an identity of a runtime in use here is not offered as a new peer; a plain unknown name is', async () => {
    await addPeer(home, 'scratch');
    const identity = await home.run(['start', 'demo-nobody']);
    expect(identity.code).toBe(2);
    expect(identity.stderr).toBe(`iapeer: start: no peer or identity named "demo-nobody": see 'iapeer list'\n`);
    const runtime = await home.run(['stop', 'codex-scratch']);
    expect(runtime.stderr).toBe('iapeer: stop: peer scratch has no runtime "codex" (it has: demo)\n');
    const plain = await home.run(['start', 'nobody']);
    expect(plain.stderr).toMatch(/no peer named "nobody".*iapeer add nobody --runtime <runtime>/);
    const both = await home.run(['start', 'demo-scratch', 'codex']);
    expect(both.stderr).toMatch(/demo-scratch is the identity of peer scratch on demo/);
  });
});
