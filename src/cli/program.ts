import { Argument, Command, Option } from 'commander';
import { UsageError } from '../core/errors.js';
import { LOCAL_HOST, atHost } from '../core/names.js';
import type { AddOptions } from './commands/add.js';
import type { CompletionOptions } from './commands/completion.js';
import type { LogOptions } from './commands/log.js';
import type { HostPart, OnHostOptions } from './commands/on-host.js';
import type { SendOptions } from './commands/send.js';
import { SHELLS, WORD_SOURCES } from './completion/completion-names.js';
import type { Verb, VerbInput } from './context-from-env.js';
import { commandPath, givenOptions } from './given-argv.js';

/** Runs one verb; the action returns the exit code, or nothing for 0. */
export type VerbRunner = (verb: string, action: (input: VerbInput) => Promise<number | void>) => Promise<void>;

/** What the build adds to every verb's bundle (scripts/build.mjs): the context factory. */
interface VerbBundle {
  contextFromEnv(input: VerbInput): Verb;
}

/** Loads a verb's bundle, builds its context inside it, and calls the verb. */
function invoke<M>(
  load: Promise<M>,
  call: (module: M, verb: Verb) => Promise<number | void> | void,
): (input: VerbInput) => Promise<number | void> {
  return async (input) => {
    const module = (await load) as M & VerbBundle;
    return call(module, module.contextFromEnv(input));
  };
}

type Declare = (program: Command, run: VerbRunner) => void;

type Local = (names: Array<string | undefined>) => Promise<void>;

/** A target's name and host part: `boris@build` runs there, `boris@local` here; `@local` names nobody. */
function runsHere(name: string, host: string): boolean {
  return host === LOCAL_HOST && name !== '';
}

/**
 * A verb whose first argument names another host (`boris@build`) runs there, with the same
 * words but the host part: `local` runs it here. The host part is checked in full there.
 */
function hereOrOnHost(run: VerbRunner, command: Command, positionals: Array<string | undefined>, local: Local, interactive = false): Promise<void> {
  const first = positionals[0];
  const parts = first === undefined ? undefined : atHost(first);
  if (first === undefined || parts === undefined) return local(positionals);
  const names = [parts.name, ...positionals.slice(1)];
  if (runsHere(parts.name, parts.host)) return local(names);
  const given = names.filter((name): name is string => name !== undefined);
  return runOnHost(run, command, { target: first }, { names: given, options: givenOptions(command), interactive });
}

/** `<peer>@<host>` or `--host <h>` (or `--peer boris@build` on log): the verb there, see on-host.ts. */
function runOnHost(run: VerbRunner, command: Command, at: HostPart, there: Pick<OnHostOptions, 'options'> & Partial<OnHostOptions>): Promise<void> {
  const verb = commandPath(command);
  return run(verb[0] ?? 'iapeer', invoke(import('./commands/on-host.js'), (m, v) => m.onHost({ names: [], ...there, verb, at }, v)));
}

/** `--host <h>`: the verb's options there, without `--host` itself. */
function withoutHost(command: Command): string[] {
  return givenOptions(command).filter((word) => !word.startsWith('--host='));
}

/**
 * `list` and `status`: this machine (`local`), one host (`--host <h>`: the verb there, its
 * output as it is), or every host merged (`--all-hosts`, a bundle of its own: the local verb
 * loads no ssh code).
 */
function whichHosts(run: VerbRunner, command: Command, options: { host?: string; allHosts?: boolean }, local: () => Promise<void>, allHosts: () => Promise<void>): Promise<void> {
  const verb = commandPath(command)[0] ?? 'iapeer';
  if (options.host !== undefined && options.allHosts === true) {
    throw new UsageError(`--host asks one host, --all-hosts every host: give one (see: iapeer ${verb} --help)`);
  }
  if (options.host !== undefined) return runOnHost(run, command, { host: options.host }, { options: withoutHost(command) });
  return options.allHosts === true ? allHosts() : local();
}

/** What a verb's <peer> and [runtime] arguments take, the same in every verb's help. */
const PEER = 'a peer, e.g. boris, or one of its identities, e.g. claude-boris; on another host of hosts.json: boris@build';
const RUNTIME = 'one of the peer’s runtimes (default: its first; not needed after an identity)';

/** One declaration per verb. Each action loads only its own module, which keeps start-up fast. */
const VERBS: Readonly<Record<string, Declare>> = {
  add: (program, run) =>
    program
      .command('add')
      .description('register a peer, or update it (upsert): options left out keep their value')
      .argument('<peer>', 'peer name, e.g. boris; boris@build registers it on that host of hosts.json (with --cwd there)')
      .option('--runtime <runtime...>', 'runtimes in order of preference (claude, codex, demo, or runtimes.json); needed for a new peer')
      .option('--cwd <dir>', 'working directory (default: the current directory)')
      .option('--description <text>', 'what the peer is for (at most 450 characters)')
      .option('--always-on', 'keep it up as an OS service instead of spawning on demand')
      .option('--no-always-on', 'make it a warm peer again (spawned on demand, reaped when idle)')
      .option('--idle-timeout <seconds>', 'reap after this many idle seconds (0 never); overrides IAPEER_IDLE_TIMEOUT_S')
      .option('--initial-prompt <text>', 'first message after a first start')
      .action((peer: string, options: Omit<AddOptions, 'peer'>, command: Command) =>
        hereOrOnHost(run, command, [peer], ([name = peer]) => run('add', invoke(import('./commands/add.js'), (m, verb) => m.add({ ...options, peer: name }, verb)))),
      ),

  list: (program, run) =>
    program
      .command('list')
      .description('one row per peer and runtime: state, idle time, messages waiting, description')
      .option('--json', 'print a JSON array')
      .option('--host <host>', 'the peers of that host of hosts.json')
      .option('--all-hosts', 'the peers of this host and of every host of hosts.json, with their host (one that does not answer: unreachable)')
      .action((options: { json?: boolean; host?: string; allHosts?: boolean }, command: Command) =>
        whichHosts(
          run,
          command,
          options,
          () => run('list', invoke(import('./commands/list.js'), (m, verb) => m.list({ json: options.json === true }, verb))),
          () => run('list', invoke(import('./commands/list-all-hosts.js'), (m, verb) => m.listAllHosts({ json: options.json === true }, verb))),
        ),
      ),

  start: (program, run) =>
    program
      .command('start')
      .description('clear stop/block marks and make the session live (resume after an idle reap, else fresh)')
      .argument('[peer]', PEER)
      .argument('[runtime]', RUNTIME)
      .option('--all', 'start every peer that is down (stopped and blocked ones are left so)')
      .action((peer: string | undefined, runtime: string | undefined, options: { all?: boolean }, command: Command) =>
        hereOrOnHost(run, command, [peer, runtime], ([name, rt]) =>
          run('start', invoke(import('./commands/start.js'), (m, verb) => m.start({ peer: name, runtime: rt, all: options.all === true }, verb))),
        ),
      ),

  restart: (program, run) =>
    program
      .command('restart')
      .description('stop, then start: the peer comes back fresh (resumed only if it was down after an idle reap)')
      .argument('<peer>', PEER)
      .argument('[runtime]', 'one of the peer’s runtimes (default: its live ones, or its first if none is; not needed after an identity)')
      .action((peer: string, runtime: string | undefined, _options: unknown, command: Command) =>
        hereOrOnHost(run, command, [peer, runtime], ([name = peer, rt]) =>
          run('restart', invoke(import('./commands/restart.js'), (m, verb) => m.restart({ peer: name, runtime: rt }, verb))),
        ),
      ),

  stop: (program, run) =>
    program
      .command('stop')
      .description('durable stop: nothing wakes the peer until start; ends its session')
      .argument('[peer]', PEER)
      .argument('[runtime]', 'one of the peer’s runtimes (default: all of them; not needed after an identity)')
      .option('--all', 'stop every peer')
      .action((peer: string | undefined, runtime: string | undefined, options: { all?: boolean }, command: Command) =>
        hereOrOnHost(run, command, [peer, runtime], ([name, rt]) =>
          run('stop', invoke(import('./commands/stop.js'), (m, verb) => m.stop({ peer: name, runtime: rt, all: options.all === true }, verb))),
        ),
      ),

  remove: (program, run) =>
    program
      .command('remove')
      .description('delete a peer’s record (refused while it is live or has messages not delivered, unless --force)')
      .argument('<peer>', 'the peer to remove, e.g. boris, with all its runtimes, or the identity of a one-runtime peer (to drop one runtime: iapeer add boris --runtime <the others>)')
      .option('--force', 'end its live sessions first')
      .action((peer: string, options: { force?: boolean }, command: Command) =>
        hereOrOnHost(run, command, [peer], ([name = peer]) =>
          run('remove', invoke(import('./commands/remove.js'), (m, verb) => m.remove({ peer: name, force: options.force === true }, verb))),
        ),
      ),

  attach: (program, run) =>
    program
      .command('attach')
      .description('make the session live, then attach this terminal to it')
      .argument('<peer>', PEER)
      .argument('[runtime]', RUNTIME)
      .action((peer: string, runtime: string | undefined, _options: unknown, command: Command) =>
        hereOrOnHost(
          run,
          command,
          [peer, runtime],
          ([name = peer, rt]) => run('attach', invoke(import('./commands/attach.js'), (m, verb) => m.attach({ peer: name, runtime: rt }, verb))),
          true,
        ),
      ),

  interrupt: (program, run) =>
    program
      .command('interrupt')
      .description('send the runtime’s interrupt key (Escape for claude, codex, demo); context is kept')
      .argument('<peer>', PEER)
      .argument('[runtime]', RUNTIME)
      .action((peer: string, runtime: string | undefined, _options: unknown, command: Command) =>
        hereOrOnHost(
          run,
          command,
          [peer, runtime],
          ([name = peer, rt]) => run('interrupt', invoke(import('./commands/interrupt.js'), (m, verb) => m.interrupt({ peer: name, runtime: rt }, verb))),
        ),
      ),

  compact: (program, run) =>
    program
      .command('compact')
      .description('submit the runtime’s compact command (/compact)')
      .argument('<peer>', PEER)
      .argument('[runtime]', RUNTIME)
      .action((peer: string, runtime: string | undefined, _options: unknown, command: Command) =>
        hereOrOnHost(
          run,
          command,
          [peer, runtime],
          ([name = peer, rt]) => run('compact', invoke(import('./commands/compact.js'), (m, verb) => m.compact({ peer: name, runtime: rt }, verb))),
        ),
      ),

  peek: (program, run) =>
    program
      .command('peek')
      .description('print the agent’s screen as text, without attaching (a peer that is not live is not started)')
      .argument('<peer>', PEER)
      .argument('[runtime]', RUNTIME)
      .option('--lines <n>', 'the last n lines of history and screen (default: the screen)')
      .action((peer: string, runtime: string | undefined, options: { lines?: string }, command: Command) =>
        hereOrOnHost(run, command, [peer, runtime], ([name = peer, rt]) =>
          run('peek', invoke(import('./commands/peek.js'), (m, verb) => m.peek({ peer: name, runtime: rt, ...options }, verb))),
        ),
      ),

  show: (program, run) =>
    program
      .command('show')
      .description('a peer’s record and each runtime’s state, pid, deaths, waiting messages and last lifecycle events')
      .argument('<peer>', `${PEER} (that runtime only)`)
      .option('--json', 'print one JSON document')
      .action((peer: string, options: { json?: boolean }, command: Command) =>
        hereOrOnHost(run, command, [peer], ([name = peer]) =>
          run('show', invoke(import('./commands/show.js'), (m, verb) => m.show({ peer: name, json: options.json === true }, verb))),
        ),
      ),

  'self-fresh': (program, run) =>
    program
      .command('self-fresh')
      .description('for an agent inside its session: relaunch me fresh, handing this text to my next self')
      .option('--handoff <text>', 'first message after the relaunch')
      .action((options: { handoff?: string }) =>
        run('self-fresh', invoke(import('./commands/self-fresh.js'), (m, verb) => m.selfFresh({ handoff: options.handoff }, verb))),
      ),

  send: (program, run) =>
    program
      .command('send')
      .description('deliver a message to a peer (waking it if it is down), or queue it for the daemon')
      .argument('[targets...]', 'peers (each its live runtime, else its first) or identities such as claude-boris; on another host: boris@build')
      .option('--all', 'every registered peer but the sender’s own')
      .option('--message <text>', 'the message')
      .option('--message-file <file>', 'read the message from a file, or - for stdin')
      .option('--from <identity>', 'the sender: a registered identity (default: PEER_IDENTITY inside a session, else operator)')
      .option('--topic <topic>', 'a one-word topic for the header')
      .option('--attachment <path>', 'a file to point the peer at (repeatable)', (path: string, list: string[] = []) => [...list, path])
      .option('--no-wake', 'do not wake a down peer: queue the message instead')
      .option('--json', 'print {id, target, identity, outcome}; with several targets or --all, an array of them')
      .action((targets: string[], options: Omit<SendOptions, 'targets'>) =>
        run('send', invoke(import('./commands/send.js'), (m, verb) => m.send({ ...options, targets }, verb))),
      ),

  receive: (program, run) =>
    program
      .command('receive', { hidden: true })
      .description('take a message another host’s iapeer sends over ssh (JSON on stdin); what send <peer>@<host> runs there')
      .option('--json', 'print {id, target, identity, outcome}')
      .action((options: { json?: boolean }) =>
        run('receive', invoke(import('./commands/receive.js'), (m, verb) => m.receive({ json: options.json === true }, verb))),
      ),

  queue: (program, run) => {
    const queue = program
      .command('queue')
      .description('messages waiting for delivery, and those set aside after failing too often')
      .option('--json', 'print a JSON array (with --flush: {delivered, forwarded, left})')
      .option('--flush', 'try to deliver the waiting messages now (waking down peers), then say what went and list what is left')
      .option('--host <host>', 'the queue of that host of hosts.json')
      .action((options: { json?: boolean; flush?: boolean; host?: string }, command: Command) =>
        options.host !== undefined
          ? runOnHost(run, command, { host: options.host }, { options: withoutHost(command) })
          : run('queue', invoke(import('./commands/queue.js'), (m, verb) => m.queue({ json: options.json === true, flush: options.flush === true }, verb))),
      );
    const ID = 'a message id, as iapeer queue lists it';
    queue
      .command('show')
      .description('one message: its record, then its text as it will be pasted')
      .argument('<id>', ID)
      .option('--json', 'print one JSON document')
      .action((id: string, options: { json?: boolean }) =>
        run('queue', invoke(import('./commands/queue-message.js'), (m, verb) => m.queueShow({ id, json: options.json === true }, verb))),
      );
    queue
      .command('drop')
      .description('delete messages that wait or were set aside (logged as ev=deliver outcome=dropped)')
      .argument('[ids...]', ID)
      .option('--set-aside [peer]', 'every set-aside message instead, or those of one peer or identity')
      .action((ids: string[], options: { setAside?: string | boolean }) =>
        run('queue', invoke(import('./commands/queue-message.js'), (m, verb) => m.queueDrop({ ids, setAside: options.setAside }, verb))),
      );
    queue
      .command('retry')
      .description('put messages back in line with their attempts reset: set-aside ones move back to the queue')
      .argument('<ids...>', ID)
      .action((ids: string[]) => run('queue', invoke(import('./commands/queue-message.js'), (m, verb) => m.queueRetry({ ids }, verb))));
  },

  status: (program, run) =>
    program
      .command('status')
      .description('is the daemon running, when did it last tick, how many peers are in each state, how many messages wait')
      .option('--json', 'print one JSON document')
      .option('--host <host>', 'the status of that host of hosts.json')
      .option('--all-hosts', 'the status of this host and of every host of hosts.json, a row (a JSON document) each')
      .action((options: { json?: boolean; host?: string; allHosts?: boolean }, command: Command) =>
        whichHosts(
          run,
          command,
          options,
          () => run('status', invoke(import('./commands/status.js'), (m, verb) => m.status({ json: options.json === true }, verb))),
          () => run('status', invoke(import('./commands/status-all-hosts.js'), (m, verb) => m.statusAllHosts({ json: options.json === true }, verb))),
        ),
      ),

  log: (program, run) =>
    program
      .command('log')
      .description('read the lifecycle log and its rotated files, oldest first, filtered')
      .option('--peer <peer>', 'only lines about this peer (a personality or an identity); <peer>@<host>: in that host’s log')
      .option('--ev <event>', 'only this event, e.g. wake, supervise, deliver')
      .option('--since <duration>', 'only lines newer than this, e.g. 90s, 15m, 2h, 1d')
      .option('--follow', 'keep printing lines as they are written')
      .option('--json', 'print a JSON array of the lines (with --follow: one JSON document per line read; each on one line in a pipe)')
      .option('--host <host>', 'the lifecycle log of that host of hosts.json')
      .action((options: LogOptions & { host?: string }, command: Command) => {
        const { host, ...local } = options;
        const parts = options.peer === undefined ? undefined : atHost(options.peer);
        const peer = parts?.name ?? options.peer;
        const peerHost = parts?.host;
        if (host !== undefined && peerHost !== undefined && peerHost !== host) {
          throw new UsageError(`--host ${host} and --peer ${options.peer ?? ''} name two hosts: give one`);
        }
        const here = host === undefined && (peerHost === undefined || runsHere(peer ?? '', peerHost));
        if (here) return run('log', invoke(import('./commands/log.js'), (m, verb) => m.log(peer === undefined ? local : { ...local, peer }, verb)));
        const words = withoutHost(command).map((word) => (word.startsWith('--peer=') ? `--peer=${peer ?? ''}` : word));
        const there = peerHost !== undefined ? { target: options.peer ?? '' } : { host: host ?? '' };
        return runOnHost(run, command, there, { options: words, stoppable: options.follow === true });
      }),

  doctor: (program, run) =>
    program
      .command('doctor')
      .description('check tmux, directories and modes, socket paths, the registry and runtimes, the daemon')
      .option('--json', 'print one JSON document')
      // Given what the entry point knows, not a context: an invalid environment is one of its findings.
      .action((options: { json?: boolean }) =>
        run('doctor', async (input) => (await import('./commands/doctor.js')).doctorOnInput({ json: options.json === true }, input)),
      ),

  hosts: (program, run) => {
    const hosts = program
      .command('hosts')
      .description('the other hosts of hosts.json (name, ssh, remote home and command), and whether each answers')
      .option('--json', 'print a JSON array')
      .action((options: { json?: boolean }) =>
        run('hosts', invoke(import('./commands/hosts.js'), (m, verb) => m.hosts({ json: options.json === true }, verb))),
      );
    hosts
      .command('check')
      .description('ask each host in parallel: reachable, its iapeer version, its doctor summary, the round-trip time of a warm call')
      .argument('[host]', 'one host of hosts.json (default: all of them)')
      .option('--json', 'print a JSON array')
      .action((host: string | undefined, options: { json?: boolean }) =>
        run('hosts', invoke(import('./commands/hosts.js'), (m, verb) => m.hostsCheck({ host, json: options.json === true }, verb))),
      );
  },

  daemon: (program, run) => {
    const daemon = program
      .command('daemon')
      .description('the supervisor: reaps idle and dead sessions, relaunches, delivers queued messages');
    daemon
      .command('run')
      .description('run the daemon in the foreground (what the OS service runs)')
      .action(() => run('daemon', invoke(import('./commands/daemon-run.js'), (m, verb) => m.daemonRun({}, verb))));
    daemon
      .command('install')
      .description('write and load the OS service that runs the daemon (launchd on macOS, systemd --user on Linux)')
      .option('--dry-run', 'print the file and the commands; change nothing')
      .addOption(new Option('--target <manager>', 'the service manager (default: this OS’s)').choices(['launchd', 'systemd']))
      .action((options: { dryRun?: boolean; target?: 'launchd' | 'systemd' }) =>
        run(
          'daemon',
          invoke(import('./commands/daemon-service.js'), (m, verb) =>
            m.daemonInstall({ dryRun: options.dryRun === true, target: options.target }, verb),
          ),
        ),
      );
    daemon
      .command('uninstall')
      .description('unload and delete the daemon’s OS service')
      .action(() => run('daemon', invoke(import('./commands/daemon-service.js'), (m, verb) => m.daemonUninstall({}, verb))));
    daemon
      .command('peer')
      .description('keep one always-on peer’s session up in the foreground (what its OS service runs)')
      .argument('<identity>', 'e.g. claude-boris')
      .action((identity: string) =>
        run('daemon', invoke(import('./commands/daemon-peer.js'), (m, verb) => m.daemonPeer({ identity }, verb))),
      );
  },

  top: (program, run) =>
    program
      .command('top')
      .description('the live fleet view: every identity, what it does, what waits for it, its last event; keys to attach, stop, start, send')
      .action(() => run('top', invoke(import('./commands/top.js'), (m, verb) => m.top({}, verb)))),

  completion: (program, run) =>
    program
      .command('completion')
      .description('print a shell completion script: verbs, flags, peers, identities, runtimes, hosts')
      .addArgument(new Argument('<shell>', 'the shell it is for').choices(SHELLS))
      .addHelpText(
        'after',
        [
          '\nLoad it (then open a new shell):',
          "  bash  echo 'source <(iapeer completion bash)' >> ~/.bashrc",
          "  zsh   echo 'source <(iapeer completion zsh)' >> ~/.zshrc   (after compinit)",
          '  fish  iapeer completion fish > ~/.config/fish/completions/iapeer.fish',
        ].join('\n'),
      )
      // The script's own call at each TAB: the words of the home, one a line.
      .addOption(new Option('--words <source>').choices(WORD_SOURCES).hideHelp())
      .addOption(new Option('--of <peer>').hideHelp())
      .action((shell: CompletionOptions['shell'], options: Pick<CompletionOptions, 'words' | 'of'>) =>
        run(
          'completion',
          invoke(import('./commands/completion.js'), (m, verb) =>
            m.completion({ ...options, shell, program: () => buildProgram(run, program.version() ?? '') }, verb),
          ),
        ),
      ),

  mcp: (program, run) =>
    program
      .command('mcp')
      .description('the MCP server on stdio, for an agent inside its session (whoami, list_peers, send_to_peer, self_fresh)')
      .action(() => run('mcp', invoke(import('./commands/mcp.js'), (m, verb) => m.mcp({}, verb)))),
};

/** Verbs iapeer runs for itself on another host, not for people: left out of help, suggestions and completion. */
const HIDDEN_VERBS: ReadonlySet<string> = new Set(['receive']);

/** Every verb people run, in the order the help lists them. */
export const VERB_NAMES: readonly string[] = Object.keys(VERBS).filter((name) => !HIDDEN_VERBS.has(name));

export function isVerb(word: string): boolean {
  return Object.hasOwn(VERBS, word);
}

/**
 * The commander program. With `verb` naming a known verb, only that verb is declared:
 * declaring all of them is a measurable part of a short command's start-up, and the
 * parse of a known verb does not depend on the others.
 */
export function buildProgram(run: VerbRunner, version: string, verb?: string): Command {
  const program = new Command('iapeer')
    .description('Supervise a fleet of AI coding agents, each in its own tmux server.')
    .version(version, '-V, --version')
    .exitOverride()
    .configureOutput({ outputError: () => {} })
    .showSuggestionAfterError(true)
    // A verb's options come after it and are its own: `--name` and `--detach` are the launcher's.
    .enablePositionalOptions()
    .helpCommand(false);

  const only = verb === undefined ? undefined : VERBS[verb];
  if (only) only(program, run);
  else Object.values(VERBS).forEach((declare) => declare(program, run));

  program
    .hook('preSubcommand', (_program, verbCommand) => {
      const { name, detach } = program.opts<{ name?: string; detach?: boolean }>();
      if (name === undefined && detach !== true) return;
      const verbName = verbCommand.name();
      return run(verbName, () => Promise.reject(new UsageError(`--name and --detach are options of iapeer <runtime>, not of ${verbName} (see: iapeer ${verbName} --help)`)));
    })
    .argument('[runtime]', 'launch the current directory’s peer on this runtime, always fresh (e.g. iapeer claude)')
    .addOption(new Option('--name <peer>', 'peer name (default: the directory’s name)'))
    .addOption(new Option('--detach', 'do not attach after launching'))
    // A mistyped verb with its arguments and options (`iapeer lsit --json`) reaches launch,
    // which alone knows the runtimes, and there is told apart from a runtime with a bad option.
    .allowExcessArguments()
    .allowUnknownOption()
    .action((runtime: string | undefined, options: { name?: string; detach?: boolean }, command: Command) => {
      if (runtime?.startsWith('-') === true) {
        return run('iapeer', () => Promise.reject(new UsageError(`unknown option '${runtime}'; see iapeer --help`)));
      }
      if (runtime === undefined) {
        if (options.name === undefined && options.detach !== true) {
          // Bare `iapeer` asks for nothing but the help.
          program.outputHelp();
          return run('iapeer', () => Promise.resolve(0));
        }
        const flags = `${options.name === undefined ? '' : ` --name ${options.name}`}${options.detach === true ? ' --detach' : ''}`;
        return run('iapeer', () =>
          Promise.reject(new UsageError(`a runtime is needed to launch: iapeer <runtime>${flags} (e.g. iapeer claude${flags}); see iapeer --help`)),
        );
      }
      const extra = command.args.slice(1);
      return run(
        runtime,
        invoke(import('./commands/launch.js'), (m, verb) =>
          m.launch({ runtime, name: options.name, detach: options.detach === true, extra, verbs: Object.keys(VERBS) }, verb),
        ),
      );
    });

  return program;
}
