import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastLineOf } from '../../core/text/last-line.js';

/**
 * `top` acts through the verbs themselves: `iapeer stop <identity>` and the rest run as child
 * processes of this same iapeer, with their locks, their log lines and their outcome, so that
 * a key in `top` does exactly what the command line does. Their output is read, never shown
 * raw: one line of it becomes `top`'s status line.
 */
export interface Verbs {
  /** Runs `iapeer <args>` with `stdin` as its input; its outcome in one line. */
  run(args: readonly string[], stdin?: string): Promise<{ readonly ok: boolean; readonly line: string }>;
  /** Runs `iapeer <args>` on this terminal (attach); its exit code. */
  onTerminal(args: readonly string[]): Promise<number>;
  /** Opens `$VISUAL`/`$EDITOR` (default vi) on a new file on this terminal; what was written, or undefined if it failed. */
  edit(): Promise<string | undefined>;
}

export interface VerbsInput {
  readonly nodeBin: string;
  readonly cliPath: string;
  readonly env: Readonly<Record<string, string>>;
}

function waitFor(child: ReturnType<typeof spawn>): Promise<number> {
  return new Promise((resolve) => {
    child.on('error', () => resolve(127));
    child.on('close', (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
  });
}

export function verbsOf({ nodeBin, cliPath, env }: VerbsInput): Verbs {
  return {
    async run(args, stdin) {
      const child = spawn(nodeBin, [cliPath, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(stdin ?? '');
      const code = await waitFor(child);
      const said = lastLineOf(code === 0 ? out : err) || lastLineOf(out) || `exit ${code}`;
      return { ok: code === 0, line: said.replace(/^iapeer: /, '') };
    },

    onTerminal(args) {
      return waitFor(spawn(nodeBin, [cliPath, ...args], { env, stdio: 'inherit' }));
    },

    async edit() {
      const dir = await mkdtemp(join(tmpdir(), 'iapeer-top-'));
      const file = join(dir, 'message.txt');
      try {
        await writeFile(file, '', { mode: 0o600 });
        const words = (env['VISUAL'] || env['EDITOR'] || 'vi').split(/\s+/).filter((word) => word !== '');
        const [editor = 'vi', ...options] = words;
        const code = await waitFor(spawn(editor, [...options, file], { env, stdio: 'inherit' }));
        if (code !== 0) return undefined;
        return (await readFile(file, 'utf8')).replace(/\n+$/, '');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
