import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { AnsweringTransport } from '../../../src/mcp/answering-transport.js';

/** The server side wrapped, the client side raw; resolves once the server has seen `count` messages. */
async function pair(): Promise<{ client: InMemoryTransport; server: AnsweringTransport; seen: (count: number) => Promise<void> }> {
  const [client, serverSide] = InMemoryTransport.createLinkedPair();
  const server = new AnsweringTransport(serverSide);
  const received: JSONRPCMessage[] = [];
  const waiting: { count: number; resolve: () => void }[] = [];
  server.onmessage = (message) => {
    received.push(message);
    for (const waiter of waiting) if (received.length >= waiter.count) waiter.resolve();
  };
  await server.start();
  await client.start();
  const seen = (count: number) => (received.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ count, resolve })));
  return { client, server, seen };
}

/** Whether the promise has settled once the queued callbacks ran. */
async function settled(promise: Promise<void>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('AnsweringTransport', () => {
  it('is answered at once with nothing in flight, and once every request has its response', async () => {
    const { client, server, seen } = await pair();
    expect(await settled(server.answered())).toBe(true);
    await client.send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'a' } });
    await client.send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'b' } });
    await client.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    await seen(3);
    const answered = server.answered();
    await server.send({ jsonrpc: '2.0', id: 1, result: {} });
    expect(await settled(answered)).toBe(false);
    await server.send({ jsonrpc: '2.0', id: 2, error: { code: -32603, message: 'failed' } });
    expect(await settled(answered)).toBe(true);
  });

  it('owes no answer to a request the client cancelled', async () => {
    const { client, server, seen } = await pair();
    await client.send({ jsonrpc: '2.0', id: 'x', method: 'tools/call', params: { name: 'a' } });
    await seen(1);
    const answered = server.answered();
    expect(await settled(answered)).toBe(false);
    await client.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'x' } });
    await seen(2);
    expect(await settled(answered)).toBe(true);
  });
});
