import { ARGV_TOKENS } from './argv-tokens.js';
import { iapeerCliPath } from './builtin-runtimes.js';

const MCP_TOOLS = ['whoami', 'list_peers', 'send_to_peer', 'self_fresh'].map((tool) => `mcp__iapeer__${tool}`);
const MCP_ENV = Object.fromEntries(ARGV_TOKENS.map((name) => [name, `@${name}@`]));

/** Claude Code: the iapeer MCP server given inline (the `=` form: the flag is variadic), its tools allowed. */
export function claudeMcpFlags(nodeBin: string): string[] {
  const config = { mcpServers: { iapeer: { type: 'stdio', command: nodeBin, args: [iapeerCliPath(), 'mcp'], env: MCP_ENV } } };
  return [`--mcp-config=${JSON.stringify(config)}`, `--allowedTools=${MCP_TOOLS.join(',')}`];
}

/** Codex: the iapeer MCP server as `-c` overrides (TOML values), its tools approved up front. */
export function codexMcpFlags(nodeBin: string): string[] {
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
