import { setTimeout as sleep } from 'node:timers/promises';
import { SessionError } from '../../core/errors.js';
import { type GateMode, INITIAL_GATE, WAKE_TIMEOUT_MS, gateStep } from './readiness.js';
import type { Liveness } from '../tmux/pane-liveness.js';
import type { Sessions } from '../tmux/sessions.js';

/**
 * The runtime's last words: the last non-blank line, past tmux's own "Pane is dead" notice,
 * trimmed for display (the screen is captured with its trailing spaces).
 */
export function lastLine(screen: string): string {
  const lines = screen
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('Pane is dead'));
  return (lines.at(-1) ?? '').slice(0, 160);
}

/** The runtime's session ended (or its pane died) before the runtime was ready. */
export class RuntimeEndedError extends SessionError {
  constructor(
    message: string,
    readonly liveness: Liveness,
  ) {
    super(message);
  }
}

function endedMessage(identity: string, liveness: Liveness, screen: string): string {
  const status = liveness.state === 'dead-pane' && liveness.pane.exitStatus !== undefined ? ` with status ${liveness.pane.exitStatus}` : '';
  const said = lastLine(screen);
  return `${identity} exited${status} before it was ready${said ? `; its screen ends: ${JSON.stringify(said)}` : ''}`;
}

/** Polls the pane until the runtime is ready (see readiness.ts); throws if it ends or times out. */
export async function waitUntilReady(
  sessions: Sessions,
  identity: string,
  ready: RegExp | undefined,
  mode: GateMode,
  timeoutMs = WAKE_TIMEOUT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let state = INITIAL_GATE;
  for (;;) {
    const { liveness, screen } = await sessions.look(identity);
    if (liveness.state !== 'live') {
      const settled = await sessions.settleDeadPane(identity, liveness);
      throw new RuntimeEndedError(endedMessage(identity, settled, screen), settled);
    }
    const step = gateStep(ready, mode, state, screen, Date.now());
    if (step.kind === 'ready') {
      if (step.afterMs > 0) await sleep(step.afterMs);
      return;
    }
    if (Date.now() + step.afterMs > deadline) {
      throw new SessionError(
        `${identity} did not become ready within ${Math.round(timeoutMs / 1000)} s; look at it with: iapeer attach ${identity.slice(identity.indexOf('-') + 1)}`,
      );
    }
    state = step.state;
    await sleep(step.afterMs);
  }
}
