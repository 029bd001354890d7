import { homedir } from 'node:os';
import { CommanderError } from 'commander';
import { isIapeerError } from '../core/errors.js';
import { escapeControl } from '../core/terminal-text.js';
import { VERSION } from '../core/version.js';
import { buildProgram } from './program.js';

type Env = Readonly<Record<string, string | undefined>>;

/** `IAPEER_DEBUG=1` adds stacks to errors; read here, where errors are printed. */
function isDebug(env: Env): boolean {
  return ['1', 'true', 'yes', 'on'].includes((env['IAPEER_DEBUG'] ?? '').toLowerCase());
}

/** The verb a command line names, for error messages from argument parsing. */
function verbOf(argv: readonly string[]): string {
  return argv.slice(2).find((arg) => !arg.startsWith('-')) ?? 'iapeer';
}

/** One line on stderr, whatever the message holds: text from argv or files is shown, never obeyed. */
function oneLine(text: string): string {
  return escapeControl(text.replace(/^error: /, '').replace(/\s*\n\s*/g, '; ').trim());
}

/**
 * Runs iapeer and returns its exit code: the only place that turns errors into exit
 * codes. The environment is validated inside each verb's bundle (contextFromEnv), so
 * `--help` and `--version` never depend on it.
 */
async function main(argv: readonly string[], env: Env): Promise<number> {
  let verb = verbOf(argv);
  let exitCode = 0;
  const program = buildProgram(
    async (name, action) => {
      verb = name;
      exitCode =
        (await action({
          env,
          cwd: process.cwd(),
          homeDir: homedir(),
          nodeBin: process.execPath,
          stdout: process.stdout,
          stderr: process.stderr,
          // Asked only when a verb needs it: setting up process.stdin costs start-up time.
          stdinIsTTY: () => process.stdin.isTTY === true,
        })) ?? 0;
    },
    VERSION,
    verb,
  );

  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0;
      process.stderr.write(`iapeer: ${verb}: ${oneLine(error.message)} (see: iapeer ${verb === 'iapeer' ? '' : `${verb} `}--help)\n`);
      return 2;
    }
    if (isIapeerError(error)) {
      process.stderr.write(`iapeer: ${verb}: ${oneLine(error.message)}\n`);
      if (isDebug(env)) process.stderr.write(`${error.stack ?? ''}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`iapeer: ${verb}: unexpected failure: ${oneLine(message)}${isDebug(env) ? '' : ' (IAPEER_DEBUG=1 shows the stack)'}\n`);
    if (isDebug(env) && error instanceof Error) process.stderr.write(`${error.stack ?? ''}\n`);
    return 1;
  }
}

// A reader that goes away (`iapeer list | head -1`) is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

void main(process.argv, process.env).then((code) => {
  process.exitCode = code;
});
