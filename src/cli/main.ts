import { homedir } from 'node:os';
import { type Command, CommanderError } from 'commander';
import { ConfigError, UsageError, isIapeerError } from '../core/errors.js';
import { escapeControl } from '../core/text/terminal-text.js';
import { VERSION } from '../core/version.js';
import { nearest } from './output.js';
import { VERB_NAMES, buildProgram, isVerb } from './program.js';

type Env = Readonly<Record<string, string | undefined>>;

// The words every iapeer flag variable takes (as in core/config.ts, which main does not load: it brings zod).
const TRUE_WORDS = ['1', 'true', 'yes', 'on'];
const FALSE_WORDS = ['0', 'false', 'no', 'off'];

/** `IAPEER_DEBUG=1` adds stacks to errors; read here, where errors are printed. A value that is no flag is refused. */
function debugSetting(env: Env): boolean | ConfigError {
  const raw = env['IAPEER_DEBUG'];
  if (raw === undefined) return false;
  const word = raw.toLowerCase();
  if (TRUE_WORDS.includes(word)) return true;
  if (FALSE_WORDS.includes(word)) return false;
  const expected = [...TRUE_WORDS, ...FALSE_WORDS].join(', ');
  return new ConfigError(
    'IAPEER_DEBUG',
    raw === '' ? `is set but empty; expected one of ${expected}, or unset it` : `expected one of ${expected}, got ${JSON.stringify(raw.slice(0, 80))}`,
  );
}

function isDebug(env: Env): boolean {
  return debugSetting(env) === true;
}

/** `iapeer help [verb]` is `iapeer [verb] --help`; a word after help that is no verb is refused. */
function helpRewritten(argv: readonly string[]): readonly string[] {
  if (argv[2] !== 'help') return argv;
  const topic = argv[3];
  if (topic === undefined) return [...argv.slice(0, 2), '--help'];
  if (!isVerb(topic) || argv.length > 4) {
    const guess = isVerb(topic) ? undefined : nearest(topic, VERB_NAMES);
    const problem = isVerb(topic) ? 'takes one verb' : `unknown verb ${JSON.stringify(topic)}${guess === undefined ? '' : `; did you mean ${guess}?`}`;
    throw new UsageError(`${problem} (verbs: ${VERB_NAMES.join(', ')})`);
  }
  return [...argv.slice(0, 2), topic, '--help'];
}

/** The verb a command line names, for error messages from argument parsing. */
function verbOf(argv: readonly string[]): string {
  return argv.slice(2).find((arg) => !arg.startsWith('-')) ?? 'iapeer';
}

/** The command whose --help a usage error points at: the verb, and its subcommand if one was named (`daemon install`). */
function helpTopic(program: Command, argv: readonly string[]): string {
  const words: string[] = [];
  let command = program;
  for (const arg of argv.slice(2)) {
    if (arg.startsWith('-')) continue;
    const sub = command.commands.find((candidate) => candidate.name() === arg);
    if (sub === undefined) break;
    words.push(arg);
    command = sub;
  }
  return words.map((word) => `${word} `).join('');
}

/** `iapeer: <verb>` before an error; just `iapeer` when no verb was named. */
function prefixOf(verb: string): string {
  // The verb is a word from argv, maybe mistyped: shown, never obeyed.
  return verb === 'iapeer' ? 'iapeer' : `iapeer: ${escapeControl(verb)}`;
}

/** commander's words, in iapeer's: `unknown option '--jsno'; did you mean --json?`. */
function commanderMessage(error: CommanderError): string {
  return error.message.replace(/\n\(Did you mean (.*)\?\)$/, '; did you mean $1?');
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
async function main(rawArgv: readonly string[], env: Env): Promise<number> {
  let argv: readonly string[];
  try {
    argv = helpRewritten(rawArgv);
  } catch (error) {
    process.stderr.write(`iapeer: help: ${oneLine((error as Error).message)}\n`);
    return 2;
  }
  let verb = verbOf(argv);
  let exitCode = 0;
  const program = buildProgram(
    async (name, action) => {
      verb = name;
      // Checked before a verb runs, like every other variable; help and version need none.
      const debug = debugSetting(env);
      if (debug instanceof ConfigError && name !== 'iapeer') throw debug;
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
      process.stderr.write(`${prefixOf(verb)}: ${oneLine(commanderMessage(error))} (see: iapeer ${helpTopic(program, argv)}--help)\n`);
      return 2;
    }
    if (isIapeerError(error)) {
      process.stderr.write(`${prefixOf(verb)}: ${oneLine(error.message)}\n`);
      if (isDebug(env)) process.stderr.write(`${error.stack ?? ''}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${prefixOf(verb)}: unexpected failure: ${oneLine(message)}${isDebug(env) ? '' : ' (IAPEER_DEBUG=1 shows the stack)'}\n`);
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
  // The daemon and an always-on keeper end when told to, leaving any wake or delivery under way
  // (the queue marks a paste before it starts, so a cut-short one is never pasted twice).
  if (process.argv[2] === 'daemon') process.exit(code);
});
