/** The demo agent's command line. */
export interface DemoArgs {
  readonly mode: 'fresh' | 'resume';
  /** `--session-id <id>` (fresh) or `--resume <id>`; a bare `--resume` resumes the transcript under a new id. */
  readonly sessionId: string | undefined;
  /** `--hooks <json>`: Claude-settings shaped hooks. */
  readonly hooks: string | undefined;
  readonly delayMs: number;
  readonly mountMs: number;
  readonly dropEnters: number;
}

const VALUED = new Set(['session-id', 'hooks', 'delay', 'mount-ms', 'drop-enters']);

function count(name: string, text: string | undefined): number {
  const value = Number(text ?? '0');
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name}: expected a number, got ${JSON.stringify(text)}`);
  return value;
}

/** Parses argv (without node and the script); throws on an unknown option or a missing value. */
export function parseDemoArgs(argv: readonly string[]): DemoArgs {
  const values = new Map<string, string>();
  let resume: string | boolean = false;
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? '';
    const match = /^--([a-z-]+)(?:=([\s\S]*))?$/.exec(arg);
    if (!match) throw new Error(`unexpected argument ${JSON.stringify(arg)}`);
    const [, name = '', inline] = match;
    if (name === 'resume') {
      const next = argv[index + 1];
      // The id is optional: a bare `--resume` (the last argument, or followed by an option) resumes the transcript.
      if (inline !== undefined) resume = inline;
      else if (next !== undefined && !next.startsWith('--')) {
        resume = next;
        index += 1;
      } else resume = true;
      continue;
    }
    if (!VALUED.has(name)) throw new Error(`unknown option --${name}`);
    const value = inline ?? argv[index + 1];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    if (inline === undefined) index += 1;
    values.set(name, value);
  }
  if (resume !== false && values.has('session-id')) throw new Error('--session-id is for a fresh start; give the id to --resume');
  return {
    mode: resume === false ? 'fresh' : 'resume',
    sessionId: typeof resume === 'string' ? resume : values.get('session-id'),
    hooks: values.get('hooks'),
    delayMs: count('delay', values.get('delay')),
    mountMs: count('mount-ms', values.get('mount-ms')),
    dropEnters: count('drop-enters', values.get('drop-enters')),
  };
}
