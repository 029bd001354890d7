import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, waitFor } from '../../helpers/cli.js';
import { useHome } from '../../helpers/use-home.js';
import { scaled } from '../../helpers/deadline.js';
import { expectOk, serverUp, transcript, workDir } from '../../helpers/fleet.js';

const home = useHome();
let clients: { client: Client; stderr: () => string }[];

beforeEach(() => {
  clients = [];
});

afterEach(async () => {
  await Promise.all(clients.map(({ client }) => client.close().catch(() => {})));
});

async function addDemo(name: string): Promise<string> {
  const cwd = await workDir(home, name);
  expectOk(await home.run(['add', name, '--runtime', 'demo', '--cwd', cwd]));
  return cwd;
}

/** `iapeer mcp` as an agent runtime starts it: the built CLI on stdio, the caller in PEER_IDENTITY. */
async function connect(peerIdentity: string | undefined, cwd: string): Promise<{ client: Client; stderr: () => string }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'mcp'],
    env: { ...home.env, ...(peerIdentity === undefined ? {} : { PEER_IDENTITY: peerIdentity }) },
    cwd,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const client = new Client({ name: 'mcp-integration-test', version: '1' });
  // Any byte on stdout that is no JSON-RPC message fails the client: the transport reports it.
  const garbage: unknown[] = [];
  client.onerror = (error) => garbage.push(error);
  await client.connect(transport);
  const entry = {
    client,
    stderr: () => {
      expect(garbage).toEqual([]);
      return stderr;
    },
  };
  clients.push(entry);
  return entry;
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

function textOf(result: CallToolResult): string {
  const first = result.content[0];
  return first?.type === 'text' ? first.text : '';
}

describe('iapeer mcp on stdio', () => {
  it('sends from the caller to a down peer, waking it; refuses an unknown peer', async () => {
    const aCwd = await addDemo('a');
    const bCwd = await addDemo('b');
    const { client, stderr } = await connect('demo-a', aCwd);

    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['list_peers', 'self_fresh', 'send_to_peer', 'whoami']);

    const sent = await call(client, 'send_to_peer', { to: 'b', message: 'hi from a' });
    expect(sent.isError, textOf(sent)).toBeFalsy();
    expect(sent.structuredContent).toMatchObject({ identity: 'demo-b', outcome: 'woken-delivered' });
    const id = (sent.structuredContent as { id: string }).id;

    const messages = await waitFor(
      async () => {
        const found = (await transcript(bCwd)).filter((entry) => entry.kind === 'message');
        return found.length > 0 ? found : undefined;
      },
      'the message in the transcript of b',
      scaled(15_000),
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]?.text).toMatch(/^\[iap from=demo-a topic=none id=/);
    expect(messages[0]?.text).toContain(`id=${id}]`);
    expect(messages[0]?.text).toContain('hi from a');

    const listed = await call(client, 'list_peers');
    expect((listed.structuredContent as { peers: { identity: string; state: string }[] }).peers).toEqual(
      expect.arrayContaining([expect.objectContaining({ identity: 'demo-b', state: 'live' })]),
    );

    const unknown = await call(client, 'send_to_peer', { to: 'nobody', message: 'hi' });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toBe('no peer or identity named "nobody": see iapeer list');

    // Still serving after a tool error.
    const me = await call(client, 'whoami');
    expect(me.structuredContent).toEqual({ identity: 'demo-a', personality: 'a', runtime: 'demo', home: home.home });
    expect(stderr()).toBe('');
  });

  it('without PEER_IDENTITY starts and lists its tools, but every call is a clear tool error', async () => {
    const bCwd = await addDemo('b');
    const { client, stderr } = await connect(undefined, bCwd);
    expect((await client.listTools()).tools).toHaveLength(4);
    const sent = await call(client, 'send_to_peer', { to: 'b', message: 'hi' });
    expect(sent.isError).toBe(true);
    expect(textOf(sent)).toMatch(/^PEER_IDENTITY is not set/);
    expect(serverUp(home, 'demo-b')).toBe(false);
    expect(await transcript(bCwd)).toEqual([]);
    expect(stderr()).toBe('');
  });

  it('self_fresh answers, marks the caller and ends its session', async () => {
    const bCwd = await addDemo('b');
    expectOk(await home.run(['start', 'b']));
    expect(serverUp(home, 'demo-b')).toBe(true);
    // The server runs outside the session here, so it outlives the end and the answer arrives.
    const { client, stderr } = await connect('demo-b', bCwd);
    const result = await call(client, 'self_fresh', { handoff: 'resume at step 3' });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ identity: 'demo-b', marked: true });
    await waitFor(() => !serverUp(home, 'demo-b'), 'the session of b to end', scaled(15_000));
    const marker = await readFile(join(home.home, 'state', 'demo-b', 'new-eager'), 'utf8');
    expect(JSON.parse(marker)).toMatchObject({ handoff: 'resume at step 3' });
    expect(stderr()).toBe('');
  });

  it('writes only protocol lines on stdout, skips a garbled line, and exits 0 when stdin closes', async () => {
    const cwd = await workDir(home, 'raw');
    const { replies, stderr, code } = await rawSession(cwd, 'demo-a', ['not json', { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'whoami', arguments: {} } }]);
    expect(code).toBe(0);
    expect(replies.map((reply) => [reply.jsonrpc, reply.id]).sort()).toEqual([
      ['2.0', 1],
      ['2.0', 2],
    ]);
    const whoami = replies.find((reply) => reply.id === 2);
    expect(whoami?.result?.isError).toBe(true);
    expect(whoami?.result?.content[0]?.text).toBe('PEER_IDENTITY demo-a is not a registered peer and runtime');
    expect(stderr).toMatch(/^iapeer: mcp: warning: .*not valid JSON\n$/);
  });

  it('answers a call still running when stdin closes, then exits 0', async () => {
    const aCwd = await addDemo('a');
    const bCwd = await addDemo('b');
    // b is down: the send wakes it and waits for its prompt, long after stdin has closed.
    const send = { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'send_to_peer', arguments: { to: 'b', message: 'sent as stdin closed' } } };
    const { replies, stderr, code } = await rawSession(aCwd, 'demo-a', [send]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const answer = replies.find((reply) => reply.id === 2);
    expect(answer?.result?.isError, JSON.stringify(answer)).toBeFalsy();
    expect(answer?.result?.structuredContent).toMatchObject({ identity: 'demo-b', outcome: 'woken-delivered' });
    const messages = (await transcript(bCwd)).filter((entry) => entry.kind === 'message');
    expect(messages).toHaveLength(1);
    expect(messages[0]?.text).toContain(`id=${(answer?.result?.structuredContent as { id: string }).id}]`);
  });
});

interface RawReply {
  readonly jsonrpc: string;
  readonly id: number;
  readonly result?: { isError?: boolean; content: { text: string }[]; structuredContent?: Record<string, unknown> };
}

/**
 * `iapeer mcp` driven by hand: initialize, then the given lines, then stdin ends at once.
 * Returns every line it wrote on stdout (each must be JSON-RPC), its stderr and exit code.
 */
async function rawSession(cwd: string, peerIdentity: string, lines: readonly (string | Record<string, unknown>)[]): Promise<{ replies: RawReply[]; stderr: string; code: number | null }> {
  const child = spawn(process.execPath, [CLI, 'mcp'], { cwd, env: { ...home.env, PEER_IDENTITY: peerIdentity }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const all = [
    { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } },
    { jsonrpc: '2.0', method: 'notifications/initialized' },
    ...lines,
  ];
  child.stdin.end(all.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n') + '\n');
  const code = await exit;
  const replies = stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RawReply);
  return { replies, stderr, code };
}
