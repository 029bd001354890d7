import type { Paths } from '../../core/paths.js';
import { loadRuntimes } from '../../runtimes/load-runtimes.js';
import type { RuntimeTable } from '../../runtimes/runtime.js';
import { composerLines, showsBusy } from '../../transport/screen/composer.js';
import { matchesLine } from '../../transport/screen/readiness.js';
import { Sessions } from '../../transport/tmux/sessions.js';
import { createTmuxRunner } from '../../transport/tmux/tmux-client.js';
import type { ScreenFacts } from './activity.js';

/** An identity's screen judged by its runtime's patterns: null when the runtime has none, undefined when the screen could not be had. */
export type ScreenCapturer = (identity: string, runtime: string) => Promise<ScreenFacts | null | undefined>;

/**
 * One tmux runner and the runtime table for a listing's captures, made on the first. A broken
 * `runtimes.json` only leaves the screens out (the activity is then unknown).
 */
export interface CapturerInput {
  readonly paths: Paths;
  readonly tmux: { readonly bin: string; readonly env: Readonly<Record<string, string>> };
  readonly nodeBin: string;
}

export function screenCapturer(input: CapturerInput): ScreenCapturer {
  let table: Promise<RuntimeTable> | undefined;
  let sessions: Sessions | undefined;
  return async (identity, name) => {
    table ??= loadRuntimes(input.paths.runtimes, input.nodeBin).catch(() => new Map());
    const runtime = (await table).get(name);
    if (runtime === undefined) return undefined;
    if (runtime.ready === undefined && runtime.busy === undefined) return null;
    sessions ??= new Sessions(createTmuxRunner(input.tmux.bin, input.tmux.env), input.paths);
    try {
      const { liveness, screen, cursor } = await sessions.look(identity);
      if (liveness.state !== 'live') return undefined;
      // Judged where the composer is, as the delivery judges them: never on history lines.
      const knobs = { ready: runtime.ready, composer: runtime.composer, composerEmpty: runtime.composerEmpty, busy: runtime.busy };
      return {
        busy: showsBusy(screen, knobs, cursor),
        ready: runtime.ready !== undefined && matchesLine(runtime.ready, composerLines(screen, knobs, cursor).join('\n')),
      };
    } catch {
      return undefined;
    }
  };
}
