// The real Claude Code calls its iapeer MCP tool send_to_peer with `to: "b@h2"`: the message
// crosses to another host (a loopback sshd with an IAPEER_HOME of its own) and arrives in b's
// session there once, from `claude-a@<this host's name>`, with the id the tool answered.
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostNameFrom } from '../../src/core/names.js';
import { type TestHome, makeHome, waitFor } from '../helpers/cli.js';
import { scaled } from '../helpers/deadline.js';
import { workDir } from '../helpers/fleet.js';
import { type TestHosts, startHosts } from '../helpers/hosts.js';
import { agentsToTest } from './agent-homes.js';
import { type AgentRig, demoTranscript, ok, startRig } from './agent-rig.js';

describe.skipIf(!agentsToTest())('claude sends to a peer on another host', () => {
  let set: TestHosts;
  let rig: AgentRig;
  const homes: TestHome[] = [];

  beforeAll(async () => {
    set = await startHosts(['h2'], async () => {
      const home = await makeHome();
      homes.push(home);
      return home;
    });
    rig = await startRig('claude', { env: { IAPEER_SSH: set.sshBin } });
    await set.writeHostsFile(rig.home);
  });

  afterAll(async () => {
    await rig?.close();
    for (const home of homes) await home.cleanup();
    await set?.cleanup();
  });

  it('MCP send_to_peer to b@h2 arrives there once, from claude-a@<this host>', async () => {
    const h2 = set.host('h2').home;
    const dir = await workDir(h2, 'b');
    ok(await h2.run(['add', 'b', '--runtime', 'demo', '--cwd', dir]), 'add b on h2');
    rig.api.setNext({ kind: 'tool', name: 'mcp__iapeer__send_to_peer', input: { to: 'b@h2', message: 'hello across hosts' }, thenText: 'sent it' });
    expect((await rig.send('please greet b on h2')).outcome).toBe('woken-delivered');
    const messages = await waitFor(
      () => {
        const got = demoTranscript(dir).filter((entry) => entry.kind === 'message');
        return got.length > 0 ? got : undefined;
      },
      `b on h2 to get a message\n${rig.screen()}`,
      scaled(90_000),
      200,
    );
    const result = await waitFor(
      () => rig.api.byKind('tool-result').flatMap((request) => request.toolResults).find((text) => text.includes('demo-b@h2')),
      'the tool result',
      scaled(30_000),
      200,
    );
    const id = /"id":\s*"([^"]+)"/.exec(result)?.[1];
    expect(id).toBeDefined();
    expect(messages).toHaveLength(1);
    expect(messages[0]?.text).toMatch(new RegExp(`^\\[iap from=claude-a@${hostNameFrom(hostname())} topic=none id=${id ?? ''}\\]\\n`));
    expect(messages[0]?.text).toContain('hello across hosts');
    expect(demoTranscript(dir).filter((entry) => entry.kind === 'message')).toHaveLength(1);
  });
});
