import { setTimeout as sleep } from 'node:timers/promises';
import { SessionError } from '../../core/errors.js';
import { escapeControl } from '../../core/text/terminal-text.js';
import { type GateMode, INITIAL_GATE, WAKE_TIMEOUT_MS, gateStep } from './readiness.js';
import type { Liveness } from '../tmux/pane-liveness.js';
import type { Sessions } from '../tmux/sessions.js';

/** How many of the runtime's last lines an error quotes, and how much of each. */
const LAST_LINES = 5;
const LINE_CHARS = 160;

/**
 * The runtime's last words: its last non-blank lines, past tmux's own "Pane is dead" notice,
 * trimmed for display (the screen is captured with its trailing spaces). Stack frames
 * (`at f (file:1:2)`) are skipped: they say where it failed, the lines around them say what.
 */
export function lastLines(screen: string, count = LAST_LINES): string[] {
  return screen
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('Pane is dead') && !/^at \S/.test(line))
    .slice(-count)
    .map((line) => line.slice(0, LINE_CHARS));
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

/** `<identity> exited with status N before it was ready; its screen ends: "…" / "…"`, on one line, controls escaped. */
export function endedMessage(identity: string, exitStatus: number | undefined, screen: string): string {
  const status = exitStatus === undefined ? '' : ` with status ${exitStatus}`;
  const said = lastLines(screen).map((line) => escapeControl(JSON.stringify(line)));
  return `${identity} exited${status} before it was ready${said.length > 0 ? `; its screen ends: ${said.join(' / ')}` : ''}`;
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
      const exitStatus = settled.state === 'dead-pane' ? settled.pane.exitStatus : undefined;
      throw new RuntimeEndedError(endedMessage(identity, exitStatus, screen), settled);
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
