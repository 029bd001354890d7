import { fileURLToPath } from 'node:url';
import type { Runtime } from './runtime.js';

declare const IAPEER_DEMO_AGENT: string | undefined;

/** The build says where the bundled demo agent is; from source (tests) it is the one in dist/. */
export function demoAgentPath(): string {
  if (typeof IAPEER_DEMO_AGENT === 'string') return IAPEER_DEMO_AGENT;
  return fileURLToPath(new URL('../../dist/demo-agent.cjs', import.meta.url));
}

export const DEMO_PROMPT = 'demo> ';

export function builtinRuntimes(nodeBin: string): Runtime[] {
  const demo = [nodeBin, demoAgentPath()];
  return [
    {
      name: 'claude',
      fresh: ['claude'],
      resume: ['claude', '--continue'],
      // Claude Code's input line starts with '>' or '❯', inside a box on older versions.
      // The screen is matched as drawn: an empty prompt ends in a space, or at the marker
      // when nothing was drawn after it.
      ready: /^[\s│]*[>❯](\s|$)/m,
      interrupt: 'Escape',
      compact: '/compact',
      env: {},
    },
    {
      name: 'codex',
      fresh: ['codex'],
      resume: ['codex', 'resume', '--last'],
      ready: /^[\s│]*[›▌>](\s|$)/m,
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
      interrupt: 'Escape',
      compact: '/compact',
      env: {},
    },
  ];
}
