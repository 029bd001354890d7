// Temporary stand-in for src/runtimes/launch-argv.ts (helper H1): deleted when that lands.
import type { Runtime } from '../../runtimes/runtime.js';

const TOKEN = '@SESSION_ID@';
const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export class LaunchArgvError extends Error {
  override readonly name = 'LaunchArgvError';
}

export interface LaunchOptions {
  readonly mode: 'fresh' | 'resume';
  readonly sessionId?: string | undefined;
  readonly eventsFile: string;
  readonly nodeBin: string;
  readonly tokens?: Readonly<Record<string, string>> | undefined;
}

export function resumeNeedsSessionId(runtime: Runtime): boolean {
  return runtime.resume.some((arg) => arg.includes(TOKEN));
}

export function choosesSessionId(runtime: Runtime): boolean {
  return runtime.fresh.some((arg) => arg.includes(TOKEN));
}

export function launchArgv(runtime: Runtime, options: LaunchOptions): string[] {
  const base = options.mode === 'resume' ? runtime.resume : runtime.fresh;
  const id = options.sessionId;
  if (id === undefined && base.some((arg) => arg.includes(TOKEN))) throw new LaunchArgvError(`runtime ${runtime.name}: a ${options.mode} start needs a session id`);
  if (id !== undefined && !SESSION_ID.test(id)) throw new LaunchArgvError(`runtime ${runtime.name}: session id ${JSON.stringify(id)} is not a plain id`);
  const values: Record<string, string> = { ...options.tokens, ...(id === undefined ? {} : { SESSION_ID: id }) };
  return base.map((arg) =>
    arg.replace(/@(PEER_IDENTITY|IAPEER_HOME|IAPEER_SOCK_DIR|SESSION_ID)@/g, (token, name: string) => {
      const value = values[name];
      return value === undefined ? token : JSON.stringify(value).slice(1, -1);
    }),
  );
}
