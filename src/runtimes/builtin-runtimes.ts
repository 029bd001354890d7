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

/** The Claude Code and Codex CLI versions the built-in claude and codex runtimes were checked against. */
export { AGENT_VERSIONS } from './agent-versions.js';

/**
 * The built-in runtimes: base commands, to which launchArgv adds their wiring (MCP server,
 * event hooks, session id). The claude and codex screen patterns are what Claude Code and
 * Codex CLI draw at the versions of AGENT_VERSIONS (checked against the real programs by
 * `npm run test:agents`).
 */
export function builtinRuntimes(nodeBin: string): Runtime[] {
  const demo = [nodeBin, demoAgentPath()];
  return [
    {
      name: 'claude',
      fresh: ['claude'],
      resume: ['claude'],
      wiring: 'claude',
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
      fresh: ['codex'],
      resume: ['codex'],
      wiring: 'codex',
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
      resume: demo,
      wiring: 'demo',
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
