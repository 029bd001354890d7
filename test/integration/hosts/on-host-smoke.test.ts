import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testTimeoutFor } from '../../helpers/deadline.js';
import { type TestHosts, startHosts } from '../../helpers/hosts.js';
import { useHome } from '../../helpers/use-home.js';

const home = useHome({ shared: true });
let set: TestHosts;
beforeAll(async () => {
  set = await startHosts(['h1', 'h2'], () => home.another());
  await set.writeHostsFile(home);
}, testTimeoutFor(30_000));
afterAll(async () => set?.cleanup());

describe('verbs on another host', () => {
  it('add, list --host and stop run there, with their output and exit codes', async () => {
    const env = { IAPEER_SSH: set.sshBin };
    const added = await home.run(['add', 'boris@h1', '--runtime', 'demo', '--cwd', '/tmp', '--description', 'on h1'], { env });
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const listed = await home.run(['list', '--host', 'h1', '--json'], { env });
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ personality: 'boris', description: 'on h1' }]);
    expect(JSON.parse((await set.host('h1').home.run(['list', '--json'])).stdout)).toHaveLength(1);
    expect(JSON.parse((await set.host('h2').home.run(['list', '--json'])).stdout)).toHaveLength(0);
    const missing = await home.run(['stop', 'nobody@h2'], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^iapeer: stop: .*nobody/);
  }, testTimeoutFor(60_000));
});
