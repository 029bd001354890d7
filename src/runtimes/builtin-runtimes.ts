import { fileURLToPath } from 'node:url';
import type { Runtime } from './runtime.js';

/** The demo agent is built beside the CLI bundle as `demo-agent.js`. */
export function demoAgentPath(): string {
  return fileURLToPath(new URL('./demo-agent.js', import.meta.url));
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
      // capture-pane drops trailing spaces, so an empty prompt line ends at the marker.
      ready: /^[\s│]*[>❯](\s|$)/m,
      interrupt: 'Escape',
      compact: '/compact',
      env: {},
      builtin: true,
    },
    {
      name: 'codex',
      fresh: ['codex'],
      resume: ['codex', 'resume', '--last'],
      ready: /^[\s│]*[›▌>](\s|$)/m,
      interrupt: 'Escape',
      compact: '/compact',
      env: {},
      builtin: true,
    },
    {
      name: 'demo',
      fresh: demo,
      resume: [...demo, '--resume'],
      ready: new RegExp(`^${DEMO_PROMPT.trimEnd()}`, 'm'),
      interrupt: 'Escape',
      compact: '/compact',
      env: {},
      builtin: true,
    },
  ];
}
