import type { Runtime } from './runtime.js';
import type { RuntimeDefinition } from './runtimes-schema.js';

function patternOf(source: string | undefined): RegExp | undefined {
  return source === undefined ? undefined : new RegExp(source, 'm');
}

/** The fields a definition sets, as a Runtime's; the ones it leaves out are absent (`resume` follows a new `fresh`). */
function setFields(def: RuntimeDefinition): Partial<Runtime> {
  const fields: Partial<Record<keyof Runtime, unknown>> = {
    fresh: def.fresh,
    resume: def.resume ?? def.fresh,
    ready: patternOf(def.ready),
    composer: patternOf(def.composer),
    composerEmpty: patternOf(def.composerEmpty),
    busy: patternOf(def.busy),
    settleMs: def.settleMs,
    enterRetries: def.enterRetries,
    interrupt: def.interrupt,
    compact: def.compact,
    env: def.env,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

const PLAIN = { ready: undefined, interrupt: 'Escape', compact: '/compact', env: {} } as const;

/**
 * One `runtimes.json` entry over what it builds on: the built-in of its name (an override
 * replaces only the fields it sets; patterns, knobs and wiring stay), else the built-in its
 * `wiring` names (a wrapper script around claude or codex takes that wiring and, unless it
 * sets them, its patterns and knobs, not its env), else the plain defaults.
 * Returns the runtime, or what is wrong as `<field>: <reason>`.
 */
export function mergeRuntime(name: string, def: RuntimeDefinition, builtins: ReadonlyMap<string, Runtime>): Runtime | string {
  const own = builtins.get(name);
  const wiring = def.wiring === 'none' ? undefined : (def.wiring ?? own?.wiring);
  const fields = setFields(def);
  if (own !== undefined) return { ...own, ...fields, name, wiring };
  const { fresh, resume } = fields;
  if (fresh === undefined || resume === undefined) return 'fresh: required for a runtime that is not built in';
  const wired = wiring === undefined ? undefined : builtins.get(wiring);
  const base = wired === undefined ? PLAIN : { ...wired, env: {} };
  return { ...base, ...fields, fresh, resume, name, wiring };
}
