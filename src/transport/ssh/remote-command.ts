/**
 * The one place a command line for another host is written. ssh hands the remote command to
 * the remote user's login shell as one string, so every word is quoted here, whatever it
 * holds: quotes, spaces, `$`, `;`, a newline. A word is put in single quotes, and a single
 * quote in it is written `'\''` (close, an escaped quote, reopen). That is how POSIX shells
 * read it (sh, dash, bash, zsh, ksh); the README asks for one of them as the remote login shell.
 */
export function quoteWord(word: string): string {
  if (word.includes('\0')) throw new Error('a NUL cannot cross to another host in a command line');
  // Left bare only when no shell gives any of these characters a meaning, at any position.
  if (/^[A-Za-z0-9_@+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A remote home as the remote shell must see it: `~/x` becomes "$HOME"/'x', anything else is quoted whole. */
function quoteHome(home: string): string {
  if (home === '~') return '"$HOME"';
  return home.startsWith('~/') ? `"$HOME"/${quoteWord(home.slice(2))}` : quoteWord(home);
}

export interface RemoteCommand {
  /** The command that runs iapeer there, e.g. ['iapeer'] or ['node', '/opt/iapeer/dist/cli.cjs']. */
  readonly iapeer: readonly string[];
  /** The remote IAPEER_HOME, if not its default. */
  readonly home?: string | undefined;
  /** iapeer's arguments, e.g. ['list', '--json']. */
  readonly args: readonly string[];
}

/**
 * The line the remote shell prints on stderr before it runs the command, with its pid (which
 * `exec` hands on to the command): a call that saw it knows the command started there, and one
 * that did not knows it never did (and may retry); one stopped early can signal it there.
 */
export const STARTED_MARKER = 'iapeer-remote-started';

/**
 * `printf … >&2 && exec env IAPEER_HOME=… iapeer <args>`, every word quoted: what ssh is given
 * to run there. `env` sets the home whatever the login shell's syntax for a variable is.
 * A call with a terminal (`ssh -t`) goes without the marker, which would be printed on it.
 */
export function remoteCommandLine({ iapeer, home, args }: RemoteCommand, options: { marker?: boolean } = {}): string {
  const env = home === undefined ? [] : [`IAPEER_HOME=${quoteHome(home)}`];
  const command = `exec ${['env', ...env, ...[...iapeer, ...args].map(quoteWord)].join(' ')}`;
  return options.marker === false ? command : `printf '%s %s\\n' ${STARTED_MARKER} "$$" >&2 && ${command}`;
}

/**
 * `kill -TERM <pid>`: ends there a command that started (its pid from the started marker). Over
 * ssh without a terminal nothing else tells it that its reader went, and it would write on.
 */
export function stopCommandLine(pid: number): string {
  if (!Number.isSafeInteger(pid) || pid <= 1) throw new Error(`not a pid to signal: ${pid}`);
  return `kill -TERM ${pid}`;
}

const STARTED_LINE = new RegExp(`${STARTED_MARKER} (\\d+)\\n`);

/**
 * What the remote command wrote on stderr (what follows the started marker), whether the marker
 * came, and the pid it gave; without the marker, all of it (ssh's own words). What came before
 * it is the remote login shell's, from its start-up files (`pyenv: cannot rehash …`): not the
 * command's, so neither shown nor taken for its error line.
 */
export function splitStarted(stderr: string): { readonly started: boolean; readonly stderr: string; readonly pid?: number } {
  const match = STARTED_LINE.exec(stderr);
  if (match === null) return { started: false, stderr };
  return { started: true, stderr: stderr.slice(match.index + match[0].length), pid: Number(match[1]) };
}
