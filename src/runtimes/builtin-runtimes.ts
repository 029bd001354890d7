import { fileURLToPath } from 'node:url';
import type { Runtime } from './runtime.js';

declare const IAPEER_DEMO_AGENT: string | undefined;
declare const IAPEER_CLI: string | undefined;

/** The build says where the bundled demo agent is; from source (tests) it is the one in dist/. */
export function demoAgentPath(): string {
  if (typeof IAPEER_DEMO_AGENT === 'string') return IAPEER_DEMO_AGENT;
  return fileURLToPath(new URL('../../dist/demo-agent.cjs', import.meta.url));
}

/** This iapeer's own command, by absolute path: agents start its MCP server, and iapeer may not be on their PATH. */
export function iapeerCliPath(): string {
  if (typeof IAPEER_CLI === 'string') return IAPEER_CLI;
  return fileURLToPath(new URL('../../dist/cli.cjs', import.meta.url));
}

export const DEMO_PROMPT = 'demo> ';

/**
 * Written into a runtime's argv, replaced at spawn by the session's values, JSON-escaped
 * (so they fit inside JSON and TOML strings): `@PEER_IDENTITY@`, `@IAPEER_HOME@`, `@IAPEER_SOCK_DIR@`.
 */
export const ARGV_TOKENS = ['PEER_IDENTITY', 'IAPEER_HOME', 'IAPEER_SOCK_DIR'] as const;

const MCP_TOOLS = ['whoami', 'list_peers', 'send_to_peer', 'self_fresh'].map((tool) => `mcp__iapeer__${tool}`);
const MCP_ENV = Object.fromEntries(ARGV_TOKENS.map((name) => [name, `@${name}@`]));

/** Claude Code: the iapeer MCP server given inline (the `=` form: the flag is variadic), its tools allowed. */
function claudeFlags(nodeBin: string): string[] {
  const config = { mcpServers: { iapeer: { type: 'stdio', command: nodeBin, args: [iapeerCliPath(), 'mcp'], env: MCP_ENV } } };
  return [`--mcp-config=${JSON.stringify(config)}`, `--allowedTools=${MCP_TOOLS.join(',')}`];
}

/** Codex: the iapeer MCP server as `-c` overrides (TOML values), its tools approved up front. */
function codexFlags(nodeBin: string): string[] {
  const env = Object.entries(MCP_ENV)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
    .join(',');
  return [
    '-c',
    `mcp_servers.iapeer.command=${JSON.stringify(nodeBin)}`,
    '-c',
    `mcp_servers.iapeer.args=${JSON.stringify([iapeerCliPath(), 'mcp'])}`,
    '-c',
    `mcp_servers.iapeer.env={${env}}`,
    '-c',
    'mcp_servers.iapeer.default_tools_approval_mode="approve"',
  ];
}

/** The Claude Code and Codex CLI versions the built-in claude and codex runtimes were checked against. */
export { AGENT_VERSIONS } from './agent-versions.js';

/**
 * The built-in runtimes. The claude and codex screen patterns are what Claude Code and Codex
 * CLI draw at the versions of AGENT_VERSIONS (checked against the real programs by
 * `npm run test:agents`).
 */
export function builtinRuntimes(nodeBin: string): Runtime[] {
  const demo = [nodeBin, demoAgentPath()];
  return [
    {
      name: 'claude',
      fresh: ['claude', ...claudeFlags(nodeBin)],
      resume: ['claude', '--continue', ...claudeFlags(nodeBin)],
      // The composer prompt is "❯" and a no-break space; lines of the history use a plain space.
      ready: /^❯\u00a0\s*$/m,
      composer: /^❯\u00a0(?!Press up to edit queued messages\s*$)\s*\S/m,
      // The spinner line ("✻ Warping…") or the footer hint, hidden while the composer holds text.
      busy: /^[·✢✳✶✻✽*] \S.*…|· esc to interrupt\b|^\s+⎿\s+Queued\b/m,
      settleMs: 200,
      enterRetries: 3,
      interrupt: 'Escape',
      compact: '/compact',
      env: {},
    },
    {
      name: 'codex',
      fresh: ['codex', ...codexFlags(nodeBin)],
      resume: ['codex', ...codexFlags(nodeBin), 'resume', '--last'],
      // "› " also starts the history's lines: only the empty composer's placeholder is the prompt.
      ready: /^› (?:Ask Codex to do anything|Ask a follow-up question)\s*$/m,
      // The placeholder, or the "? for shortcuts" footer: both are drawn only while the composer is empty.
      composerEmpty: /^› (?:Ask Codex to do anything|Ask a follow-up question)\s*$|^ {2}(?:← for agents · )?\? for shortcuts\b/m,
      busy: /^[•◦] .*\(\d+[smh]?.*esc to interrupt\)|Waiting for startup|^• Queued follow-up inputs/m,
      settleMs: 200,
      enterRetries: 3,
      interrupt: 'Escape',
      compact: '/compact',
      env: {},
    },
    {
      name: 'demo',
      fresh: demo,
      resume: [...demo, '--resume'],
      // The prompt as drawn, its trailing space included.
      ready: new RegExp(`^${DEMO_PROMPT}`, 'm'),
      composer: new RegExp(`^${DEMO_PROMPT}.*\\S`, 'm'),
      busy: /^\(working/m,
      settleMs: 20,
      enterRetries: 3,
      interrupt: 'Escape',
      compact: '/compact',
      env: {},
    },
  ];
}
