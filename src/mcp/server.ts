import type { Readable, Writable } from 'node:stream';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import * as z from 'zod/mini';
import { parseIdentity } from '../core/names.js';
import { MAX_TOPIC_CHARS } from '../core/limits.js';
import { VERSION } from '../core/version.js';
import type { AppContext } from '../lifecycle/context/app-context.js';
import { fleetStatus } from '../lifecycle/sessions/fleet-status.js';
import { callerIdentity, selfFresh } from '../lifecycle/sessions/self-fresh.js';
import { sendToTarget } from '../lifecycle/messages/send-to-target.js';
import { readRegistry } from '../registry/read-registry.js';
import { AnsweringTransport } from './answering-transport.js';
import { answer } from './tool-result.js';

export interface McpServerOptions {
  /**
   * Called by self_fresh once the mark is durable, just before the caller's session ends:
   * this process is in that session, and the entry point may choose to outlive the hang-up.
   */
  readonly onSelfFreshMarked?: () => void;
  /** Told of a failure no tool result can carry (self_fresh after its answer, a garbled message). */
  readonly warn?: (message: string) => void;
}

// Bounds on what a client may send: the message and handoff sizes are checked by the operations.
const MAX_TARGET_CHARS = 100;
const MAX_ATTACHMENTS = 32;
const MAX_PATH_CHARS = 4096;

const sendShape = {
  to: z.string().check(z.minLength(1), z.maxLength(MAX_TARGET_CHARS), z.describe('a peer name (its live runtime, else its first), an identity such as claude-boris, or either on another host: boris@build')),
  message: z.string().check(z.describe('the message, at most 256 KiB')),
  topic: z.optional(
    z
      .string()
      .check(
        z.minLength(1),
        z.maxLength(MAX_TOPIC_CHARS),
        z.describe(`a one-word topic for the header: 1-${MAX_TOPIC_CHARS} of letters, digits and . _ : / @ + -, starting with a letter or digit`),
      ),
  ),
  attachments: z.optional(
    z
      .array(z.string().check(z.minLength(1), z.maxLength(MAX_PATH_CHARS)))
      .check(z.maxLength(MAX_ATTACHMENTS), z.describe('files to point the peer at (paths, relative to this session’s directory)')),
  ),
};

const selfFreshShape = {
  handoff: z.optional(z.string().check(z.describe('the first message your fresh self receives, at most 256 KiB'))),
};

/** The MCP server of one caller (`PEER_IDENTITY`): the tools, wired to the operations. Connect it to a transport. */
export function createMcpServer(ctx: AppContext, options: McpServerOptions = {}): McpServer {
  const server = new McpServer({ name: 'iapeer', version: VERSION });

  server.registerTool(
    'whoami',
    {
      description: 'Your iapeer identity (runtime-peer), peer name, runtime, and the iapeer home.',
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    () =>
      answer(() => {
        const identity = callerIdentity(ctx);
        const { personality, runtime } = parseIdentity(identity);
        return { identity, personality, runtime, home: ctx.config.home };
      }),
  );

  server.registerTool(
    'list_peers',
    {
      description:
        'Every peer and runtime of the fleet: identity, state (live, down, stopped, blocked), activity (busy, idle, needs-input, unknown; null unless live) ' +
        'with activitySince and attention (what it waits on a human for), idle seconds, description.',
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    () =>
      answer(async () => {
        callerIdentity(ctx);
        return { peers: await fleetStatus(ctx, readRegistry(ctx.paths.registry)) };
      }),
  );

  server.registerTool(
    'send_to_peer',
    {
      description:
        'Send a message to another peer, from you. A down peer is woken; a stopped or blocked one is refused. ' +
        'To a peer on another host, name it <peer>@<host> (a host of hosts.json); it arrives from <you>@<this host>. ' +
          'The outcome is delivered, woken-delivered, unverified (submitted, but nothing could confirm it arrived), or queued (the daemon delivers it later).',
      inputSchema: sendShape,
      annotations: { destructiveHint: false, openWorldHint: false },
    },
    ({ to, message, topic, attachments }) =>
      answer(async () => {
        const from = callerIdentity(ctx);
        const result = await sendToTarget(ctx, { target: to, body: message, from, topic, attachments: attachments ?? [] });
        return {
          id: result.id,
          identity: result.identity,
          outcome: result.outcome,
          ...(result.reason === undefined ? {} : { reason: result.reason }),
        };
      }),
  );

  server.registerTool(
    'self_fresh',
    {
      description:
        'End your own session and be relaunched fresh, with an empty context; the handoff is your next self’s first message. ' +
        'This session ends right after the answer, which may not reach you.',
      inputSchema: selfFreshShape,
      annotations: { destructiveHint: true, idempotentHint: false, openWorldHint: false },
    },
    ({ handoff }) => answer(() => selfFreshAnswering(ctx, handoff, options)),
  );

  return server;
}

/**
 * Answers as soon as the mark is durable: ending the session may end this process, and
 * the answer is written first so that it has a chance to reach the client. A failure
 * after that point can only be told on stderr.
 */
function selfFreshAnswering(ctx: AppContext, handoff: string | undefined, options: McpServerOptions): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const marked = (identity: string) => {
      answered = true;
      options.onSelfFreshMarked?.();
      resolve({ identity, marked: true, message: `${identity} is marked for a fresh relaunch; this session is ending` });
    };
    selfFresh(ctx, { handoff }, { onMarked: marked }).then(
      ({ identity }) => {
        if (!answered) marked(identity);
      },
      (error: unknown) => {
        if (!answered) return reject(error instanceof Error ? error : new Error(String(error)));
        options.warn?.(`self_fresh: the mark is set but the session could not be ended: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
  });
}

/**
 * Serves the tools on a stdio pair until the client goes away (its end of stdin closes);
 * the calls still running then are finished and answered before the server closes.
 */
export async function runMcpServer(ctx: AppContext, stdin: Readable, stdout: Writable, options: McpServerOptions = {}): Promise<void> {
  const server = createMcpServer(ctx, options);
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = resolve;
  });
  // A line that is no JSON-RPC message is skipped; say so where the client's logs look.
  server.server.onerror = (error) => options.warn?.(error.message);
  const transport = new AnsweringTransport(new StdioServerTransport(stdin, stdout));
  let ending = false;
  const end = () => {
    if (ending) return;
    ending = true;
    void transport.answered().then(() => server.close());
  };
  stdin.once('end', end);
  stdin.once('close', end);
  await server.connect(transport);
  await closed;
}
