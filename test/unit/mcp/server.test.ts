import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/core/config.js';
import { stateDirOf } from '../../../src/core/paths.js';
import { addPeer } from '../../../src/lifecycle/peers/add-peer.js';
import { type AppContext, createContext } from '../../../src/lifecycle/context/app-context.js';
import { listQueue } from '../../../src/lifecycle/messages/list-queue.js';
import { createMcpServer } from '../../../src/mcp/server.js';
import { readMarkers, writeMarker } from '../../../src/registry/markers.js';
import { useHome } from '../../helpers/use-home.js';

const home = useHome();
let work: string;
const clients: Client[] = [];

function contextFor(peerIdentity?: string): AppContext {
  const env = { IAPEER_HOME: home.home, IAPEER_SOCK_DIR: home.sockDir, ...(peerIdentity === undefined ? {} : { PEER_IDENTITY: peerIdentity }) };
  return createContext({ config: loadConfig(env, undefined), env, cwd: work, nodeBin: process.execPath });
}

/** A client connected to a fresh server for the given caller. */
async function connect(peerIdentity?: string): Promise<Client> {
  const server = createMcpServer(contextFor(peerIdentity));
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'mcp-tools-test', version: '1' });
  await client.connect(clientSide);
  clients.push(client);
  return client;
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

function textOf(result: CallToolResult): string {
  const first = result.content[0];
  return first?.type === 'text' ? first.text : '';
}

beforeEach(async () => {
  work = join(home.home, 'work');
  await mkdir(work);
  const ctx = contextFor();
  await addPeer(ctx, { peer: 'a', runtimes: ['demo'], cwd: work, description: 'first' });
  await addPeer(ctx, { peer: 'b', runtimes: ['demo'], cwd: work });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

describe('iapeer mcp tools', () => {
  it('lists the four tools with their input schemas and bounds', async () => {
    const { tools } = await (await connect('demo-a')).listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['list_peers', 'self_fresh', 'send_to_peer', 'whoami']);
    const send = tools.find((tool) => tool.name === 'send_to_peer');
    expect(send?.inputSchema.required).toEqual(['to', 'message']);
    expect(send?.inputSchema.properties).toMatchObject({
      to: { type: 'string', maxLength: 100 },
      message: { type: 'string' },
      topic: { type: 'string' },
      attachments: { type: 'array', maxItems: 32, items: { type: 'string' } },
    });
    const fresh = tools.find((tool) => tool.name === 'self_fresh');
    expect(fresh?.inputSchema.properties).toMatchObject({ handoff: { type: 'string' } });
    expect(fresh?.inputSchema.required ?? []).toEqual([]);
  });

  it('whoami names the caller', async () => {
    const result = await call(await connect('demo-a'), 'whoami');
    expect(result.isError).toBeFalsy();
    const expected = { identity: 'demo-a', personality: 'a', runtime: 'demo', home: home.home };
    expect(JSON.parse(textOf(result))).toEqual(expected);
    expect(result.structuredContent).toEqual(expected);
  });

  it('every tool answers a clear tool error without PEER_IDENTITY, and the server keeps serving', async () => {
    const client = await connect();
    for (const [name, args] of [
      ['whoami', {}],
      ['list_peers', {}],
      ['send_to_peer', { to: 'b', message: 'hi' }],
      ['self_fresh', {}],
    ] as const) {
      const result = await call(client, name, args);
      expect(result.isError, name).toBe(true);
      expect(textOf(result), name).toMatch(/^PEER_IDENTITY is not set/);
    }
    expect(await listQueue(contextFor())).toEqual([]);
  });

  it('refuses a PEER_IDENTITY that is not registered', async () => {
    const result = await call(await connect('demo-zed'), 'whoami');
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe('PEER_IDENTITY demo-zed is not a registered peer and runtime');
  });

  it('list_peers gives one row per peer and runtime', async () => {
    const result = await call(await connect('demo-a'), 'list_peers');
    expect(result.isError).toBeFalsy();
    const { peers } = JSON.parse(textOf(result)) as { peers: { identity: string; state: string; description: string }[] };
    expect(peers.map((row) => [row.identity, row.state, row.description])).toEqual([
      ['demo-a', 'down', 'first'],
      ['demo-b', 'down', ''],
    ]);
    expect(result.structuredContent).toEqual({ peers });
  });

  it('send_to_peer to an unknown peer is a tool error naming it', async () => {
    const result = await call(await connect('demo-a'), 'send_to_peer', { to: 'nobody', message: 'hi' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe('no peer or identity named "nobody": see iapeer list');
  });

  it('send_to_peer to a stopped peer is refused and nothing is queued', async () => {
    const ctx = contextFor();
    await writeMarker(stateDirOf(ctx.paths, 'demo-b'), 'stopped', { at: new Date().toISOString() });
    const result = await call(await connect('demo-a'), 'send_to_peer', { to: 'b', message: 'hi' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^demo-b is stopped: nothing was sent or queued; start it first: iapeer start b demo$/);
    expect(await listQueue(ctx)).toEqual([]);
  });

  it('send_to_peer refuses input past its bounds before anything is queued', async () => {
    const client = await connect('demo-a');
    const tooMany = await call(client, 'send_to_peer', { to: 'b', message: 'hi', attachments: Array.from({ length: 33 }, () => 'x') });
    expect(tooMany.isError).toBe(true);
    expect(textOf(tooMany)).toMatch(/attachments/);
    const longTarget = await call(client, 'send_to_peer', { to: 'b'.repeat(101), message: 'hi' });
    expect(longTarget.isError).toBe(true);
    expect(textOf(longTarget)).toMatch(/\bto\b/);
    const tooBig = await call(client, 'send_to_peer', { to: 'b', message: 'x'.repeat(256 * 1024 + 1) });
    expect(tooBig.isError).toBe(true);
    expect(textOf(tooBig)).toMatch(/over the 262144-byte limit/);
    const badTopic = await call(client, 'send_to_peer', { to: 'b', message: 'hi', topic: 'two words' });
    expect(badTopic.isError).toBe(true);
    expect(textOf(badTopic)).toMatch(/^invalid topic "two words"/);
    expect(await listQueue(contextFor())).toEqual([]);
  });

  it('send_to_peer refuses a message to the caller itself, by identity or by its peer name', async () => {
    const client = await connect('demo-a');
    for (const to of ['demo-a', 'a']) {
      const result = await call(client, 'send_to_peer', { to, message: 'note to self' });
      expect(result.isError, to).toBe(true);
      expect(textOf(result), to).toBe('demo-a is the sender and the target: a peer cannot message itself (it would land in its own prompt); name another peer');
    }
    expect(await listQueue(contextFor())).toEqual([]);
  });

  it('every tool error is told in the words of the tool, never a CLI option', async () => {
    await writeMarker(stateDirOf(contextFor().paths, 'demo-b'), 'stopped', { at: new Date().toISOString() });
    const caller = await connect('demo-a');
    const nobody = await connect();
    const cases: readonly [Client, string, Record<string, unknown>, string | RegExp][] = [
      [nobody, 'send_to_peer', { to: 'b', message: 'hi' }, /^PEER_IDENTITY is not set: /],
      [nobody, 'self_fresh', {}, /^PEER_IDENTITY is not set: /],
      [caller, 'send_to_peer', { to: 'nobody', message: 'hi' }, 'no peer or identity named "nobody": see iapeer list'],
      [caller, 'send_to_peer', { to: 'b', message: 'hi', topic: 'two words' }, /^invalid topic "two words": use 1-64 of letters/],
      [caller, 'send_to_peer', { to: 'b', message: 'x'.repeat(256 * 1024 + 1) }, 'the message is 262145 bytes, over the 262144-byte limit; send a file as an attachment instead'],
      [caller, 'send_to_peer', { to: 'b', message: 'hi', attachments: ['no-such-file'] }, 'attachment "no-such-file": no such file or directory'],
      [caller, 'send_to_peer', { to: 'b', message: 'hi' }, 'demo-b is stopped: nothing was sent or queued; start it first: iapeer start b demo'],
      [caller, 'send_to_peer', { to: 'a', message: 'hi' }, /^demo-a is the sender and the target: /],
      [caller, 'self_fresh', { handoff: 'x'.repeat(256 * 1024 + 1) }, 'the handoff is 262145 bytes, over the 262144-byte limit of a message'],
    ];
    for (const [client, name, args, says] of cases) {
      const result = await call(client, name, args);
      const text = textOf(result);
      expect(result.isError, text).toBe(true);
      expect(text).toMatch(typeof says === 'string' ? new RegExp(`^${says.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : says);
      expect(text).not.toMatch(/(^|[\s(])--[a-z]/);
    }
    expect(await listQueue(contextFor())).toEqual([]);
    expect(readMarkers(stateDirOf(contextFor().paths, 'demo-a'))['new-eager']).toBeUndefined();
  });

  it('send_to_peer takes a topic of up to 64 characters, as the CLI does, and its schema says so', async () => {
    const client = await connect('demo-a');
    const send = (await client.listTools()).tools.find((tool) => tool.name === 'send_to_peer');
    expect(send?.inputSchema.properties?.['topic']).toMatchObject({ type: 'string', minLength: 1, maxLength: 64 });
    // b is stopped: reaching that refusal means the topic was accepted.
    await writeMarker(stateDirOf(contextFor().paths, 'demo-b'), 'stopped', { at: new Date().toISOString() });
    const longest = await call(client, 'send_to_peer', { to: 'b', message: 'hi', topic: 't'.repeat(64) });
    expect(longest.isError).toBe(true);
    expect(textOf(longest)).toMatch(/^demo-b is stopped/);
    const tooLong = await call(client, 'send_to_peer', { to: 'b', message: 'hi', topic: 't'.repeat(65) });
    expect(tooLong.isError).toBe(true);
    expect(textOf(tooLong)).toMatch(/\btopic\b/);
    expect(textOf(tooLong)).toMatch(/\b64\b/);
    expect(await listQueue(contextFor())).toEqual([]);
  });

  it('send_to_peer refuses an empty or white-space message, and nothing is queued', async () => {
    const client = await connect('demo-a');
    for (const message of ['', ' \n\t ', '\x07\x1b\x7f\u009b']) {
      const result = await call(client, 'send_to_peer', { to: 'b', message });
      expect(result.isError, JSON.stringify(message)).toBe(true);
      expect(textOf(result)).toBe('the message is empty (or only white space): nothing was sent or queued; give it some text');
    }
    expect(await listQueue(contextFor())).toEqual([]);
  });

  it('self_fresh marks the caller with its handoff and answers', async () => {
    const result = await call(await connect('demo-a'), 'self_fresh', { handoff: 'carry on with step 3' });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ identity: 'demo-a', marked: true });
    const ctx = contextFor();
    expect(readMarkers(stateDirOf(ctx.paths, 'demo-a'))['new-eager']).toMatchObject({ handoff: 'carry on with step 3' });
    expect(readMarkers(stateDirOf(ctx.paths, 'demo-b'))['new-eager']).toBeUndefined();
  });
});
