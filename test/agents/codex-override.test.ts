// A runtimes.json `codex` that sets only `fresh` (a binary by absolute path) and `env`, as a
// user pointing iapeer at another Codex and CODEX_HOME would write it: it overrides those two
// fields only, so the built-in's patterns, knobs, MCP and hook wiring stay, and 12 messages to
// the real Codex each arrive once, in order, each a prompt of its own, confirmed by its hook.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentsToTest, installAgentsBinDir } from './agent-homes.js';
import { type AgentRig, type Sent, occurrences, ok, startRig, waitForConversation } from './agent-rig.js';
import { BODIES } from './agent-suite.js';
import { scaled } from '../helpers/deadline.js';

describe.skipIf(!agentsToTest())('a runtimes.json codex that sets only fresh and env', () => {
  let rig: AgentRig;

  beforeAll(async () => {
    rig = await startRig('codex');
    const override = { runtimes: { codex: { fresh: [join(installAgentsBinDir(), 'codex')], env: { CODEX_HOME: rig.env['CODEX_HOME'] ?? '' } } } };
    writeFileSync(join(rig.home.home, 'runtimes.json'), JSON.stringify(override), { mode: 0o600 });
  });

  afterAll(async () => {
    await rig?.close();
  });

  it('delivers 12 messages to the real Codex, each once, in order, none merged into another’s prompt', async () => {
    const sent: Sent[] = [];
    for (const body of BODIES) sent.push(await rig.send(body));
    expect(sent.map((s) => s.outcome)).toEqual(['woken-delivered', ...BODIES.slice(1).map(() => 'delivered')]);
    const seen = await waitForConversation(rig.api, sent.map((s) => s.text), scaled(60_000));
    // Each user turn of the conversation is one message: a second header in one would be a merge.
    expect(seen.map((text) => occurrences(text, '[iap from='))).toEqual(sent.map(() => 1));
    expect(seen).toEqual(sent.map((s) => s.text));
    const log = readFileSync(join(rig.home.home, 'logs', 'lifecycle.log'), 'utf8');
    for (const s of sent) expect(log).toMatch(new RegExp(`ev=deliver identity=codex-a id=${s.id} outcome=(woken-)?delivered confirmed=hook`));
    // The built-in's wiring stayed: the session's hooks reported each prompt.
    const prompts = readFileSync(join(rig.home.home, 'state', 'codex-a', 'events'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('UserPromptSubmit '));
    expect(prompts.map((line) => sent.findIndex((s) => line.includes(`id=${s.id}]`)))).toEqual(sent.map((_, index) => index));
    expect(ok(await rig.run(['queue', '--json']), 'queue').stdout.trim()).toBe('[]');
  });
});
