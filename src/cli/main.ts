import { homedir } from 'node:os';
import { CommanderError } from 'commander';
import { loadConfig } from '../core/config.js';
import { type Io, createContext } from '../core/context.js';
import { isIapeerError } from '../core/errors.js';
import { VERSION } from '../core/version.js';
import { buildProgram } from './program.js';

type Env = Readonly<Record<string, string | undefined>>;

function isDebug(env: Env): boolean {
  return ['1', 'true', 'yes', 'on'].includes((env['IAPEER_DEBUG'] ?? '').toLowerCase());
}

/** The verb a command line names, for error messages from argument parsing. */
function verbOf(argv: readonly string[]): string {
  return argv.slice(2).find((arg) => !arg.startsWith('-')) ?? 'iapeer';
}

function oneLine(text: string): string {
  return text.replace(/^error: /, '').replace(/\s*\n\s*/g, '; ').trim();
}

/** Runs iapeer and returns its exit code. The only place that turns errors into exit codes. */
async function main(argv: readonly string[], env: Env, io: Io, cwd: string): Promise<number> {
  let verb = verbOf(argv);
  let exitCode = 0;
  const program = buildProgram(async (name, action) => {
    verb = name;
    const config = loadConfig(env, homedir());
    const ctx = createContext({ config, env, cwd, io, nodeBin: process.execPath });
    exitCode = (await action(ctx)) ?? 0;
  }, VERSION);

  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0;
      io.stderr.write(`iapeer: ${verb}: ${oneLine(error.message)} (see: iapeer ${verb === 'iapeer' ? '' : `${verb} `}--help)\n`);
      return 2;
    }
    if (isIapeerError(error)) {
      io.stderr.write(`iapeer: ${verb}: ${oneLine(error.message)}\n`);
      if (isDebug(env)) io.stderr.write(`${error.stack ?? ''}\n`);
      return error.exitCode;
    }
    io.stderr.write(`iapeer: ${verb}: unexpected failure: ${oneLine((error as Error)?.message ?? String(error))}${isDebug(env) ? '' : ' (IAPEER_DEBUG=1 shows the stack)'}\n`);
    if (isDebug(env)) io.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
    return 1;
  }
}

const code = await main(
  process.argv,
  process.env,
  {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    stdoutIsTTY: process.stdout.isTTY === true,
    stdinIsTTY: process.stdin.isTTY === true,
  },
  process.cwd(),
);
process.exitCode = code;
