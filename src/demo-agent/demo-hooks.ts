import { spawn } from 'node:child_process';
import * as z from 'zod/mini';

const CommandHook = z.object({ type: z.literal('command'), command: z.string().check(z.minLength(1)), timeout: z.optional(z.number().check(z.positive())) });
const Settings = z.object({
  disableAllHooks: z.optional(z.boolean()),
  hooks: z.optional(z.record(z.string(), z.array(z.object({ matcher: z.optional(z.string()), hooks: z.array(CommandHook) })))),
});

export type DemoHookEvent = 'SessionStart' | 'UserPromptSubmit' | 'Stop' | 'PermissionRequest' | 'Notification';

export interface HookCommand {
  readonly command: string;
  readonly timeoutS: number;
}

/** The commands per event of a `--hooks` JSON (Claude's settings shape); throws on a bad one. */
export function parseHooks(json: string | undefined): ReadonlyMap<string, readonly HookCommand[]> {
  if (json === undefined) return new Map();
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new Error(`--hooks: not JSON: ${(error as Error).message}`);
  }
  const settings = Settings.safeParse(parsed);
  if (!settings.success) throw new Error(`--hooks: ${settings.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  if (settings.data.disableAllHooks === true) return new Map();
  return new Map(
    Object.entries(settings.data.hooks ?? {}).map(([event, groups]) => [
      event,
      groups.flatMap((group) => group.hooks.map((hook) => ({ command: hook.command, timeoutS: hook.timeout ?? 600 }))),
    ]),
  );
}

/** Runs one command as the real agents do (`/bin/sh -c`, the JSON and a newline on stdin, no output kept). */
function runOne(hook: HookCommand, payload: string, cwd: string): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', hook.command], { cwd, stdio: ['pipe', 'ignore', 'ignore'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), hook.timeoutS * 1000);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    child.on('error', done);
    child.on('close', done);
    // A hook that does not read its stdin closes the pipe early.
    child.stdin.on('error', () => undefined);
    child.stdin.end(`${payload}\n`);
  });
}

/**
 * A runner that starts each event's hooks in the background, one event after another, so
 * the screen never waits on a hook and the events file gets them in the order they happened.
 */
export function hookRunner(hooks: ReadonlyMap<string, readonly HookCommand[]>, cwd: string): (event: DemoHookEvent, payload: Record<string, unknown>) => void {
  let chain = Promise.resolve();
  return (event, payload) => {
    const commands = hooks.get(event) ?? [];
    if (commands.length === 0) return;
    const line = JSON.stringify({ ...payload, hook_event_name: event });
    chain = chain.then(() => Promise.all(commands.map((hook) => runOne(hook, line, cwd))).then(() => undefined));
  };
}
