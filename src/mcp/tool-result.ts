import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { isIapeerError } from '../core/errors.js';
import { escapeControl } from '../core/text/terminal-text.js';

/** A successful tool answer: the value as JSON text, and as structured content for clients that read it. */
export function toolValue(value: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: value };
}

/** A tool error the agent can read: iapeer's own one-line message, or an unexpected failure named as such. */
export function toolError(error: unknown): CallToolResult {
  const message = isIapeerError(error)
    ? error.message
    : `unexpected failure: ${error instanceof Error ? error.message : String(error)}`;
  return { content: [{ type: 'text', text: escapeControl(message.replace(/\s*\n\s*/g, '; ').trim()) }], isError: true };
}

/** Runs a tool's work; whatever it throws becomes a tool error, never a crash of the server. */
export async function answer(work: () => Promise<Record<string, unknown>> | Record<string, unknown>): Promise<CallToolResult> {
  try {
    return toolValue(await work());
  } catch (error) {
    return toolError(error);
  }
}
