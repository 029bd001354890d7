import { escapeControl } from '../../core/text/terminal-text.js';
import { runMcpServer } from '../../mcp/server.js';
import type { Verb } from '../context-from-env.js';

export type McpOptions = Record<string, never>;

/**
 * The MCP server on stdio, for the agent runtime of a session: stdout carries the protocol
 * and nothing else; warnings go to stderr. Returns when the client closes its end.
 */
export async function mcp(_options: McpOptions, { ctx, io }: Verb): Promise<void> {
  await runMcpServer(ctx, process.stdin, io.stdout, {
    // This process runs inside the session self_fresh ends: the hang-up (and a TERM, if
    // the runtime lingers) reaches it too. Outlive them long enough to finish the clean-up,
    // which removes the socket; the runtime's exit then closes stdin, which ends this server.
    onSelfFreshMarked: () => {
      process.on('SIGHUP', () => {});
      process.on('SIGTERM', () => {});
    },
    warn: (message) => io.stderr.write(`iapeer: mcp: warning: ${escapeControl(message)}\n`),
  });
}
