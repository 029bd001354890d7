import { Command, Option } from 'commander';
import type { AppContext } from '../core/context.js';
import type { AddOptions } from './commands/add.js';

/** Runs one verb with a context built from the environment; returns the exit code or nothing for 0. */
export type VerbRunner = (verb: string, action: (ctx: AppContext) => Promise<number | void>) => Promise<void>;

/** Declares iapeer's commands. Each action loads only its own module, which keeps start-up fast. */
export function buildProgram(run: VerbRunner, version: string): Command {
  const program = new Command('iapeer')
    .description('Supervise a fleet of AI coding agents, each in its own tmux server.')
    .version(version, '-V, --version')
    .exitOverride()
    .configureOutput({ outputError: () => {} })
    .showSuggestionAfterError(true)
    .helpCommand(false);

  program
    .command('add')
    .description('register a peer, or update it (upsert)')
    .argument('<peer>', 'peer name, e.g. boris')
    .requiredOption('--runtime <runtime...>', 'runtimes in order of preference (claude, codex, demo, or runtimes.json)')
    .option('--cwd <dir>', 'working directory (default: the current directory)')
    .option('--description <text>', 'what the peer is for (at most 450 characters)')
    .option('--always-on', 'keep it up as an OS service instead of spawning on demand')
    .option('--idle-timeout <seconds>', 'reap after this many idle seconds (0 never); overrides IAPEER_IDLE_TIMEOUT_S')
    .option('--initial-prompt <text>', 'first message after a first start')
    .action((peer: string, options: Omit<AddOptions, 'peer'>) =>
      run('add', async (ctx) => (await import('./commands/add.js')).add({ ...options, peer }, ctx)),
    );

  program
    .command('list')
    .description('one row per peer and runtime: state, idle time, description')
    .option('--json', 'print a JSON array')
    .action((options: { json?: boolean }) =>
      run('list', async (ctx) => (await import('./commands/list.js')).list({ json: options.json === true }, ctx)),
    );

  program
    .command('start')
    .description('clear stop/block marks and make the session live (resume after an idle reap, else fresh)')
    .argument('<peer>')
    .argument('[runtime]', 'default: the peer’s first runtime')
    .action((peer: string, runtime: string | undefined) =>
      run('start', async (ctx) => (await import('./commands/start.js')).start({ peer, runtime }, ctx)),
    );

  program
    .command('stop')
    .description('durable stop: nothing wakes the peer until start; ends its session')
    .argument('[peer]')
    .argument('[runtime]', 'default: all the peer’s runtimes')
    .option('--all', 'stop every peer')
    .action((peer: string | undefined, runtime: string | undefined, options: { all?: boolean }) =>
      run('stop', async (ctx) => (await import('./commands/stop.js')).stop({ peer, runtime, all: options.all === true }, ctx)),
    );

  program
    .command('remove')
    .description('delete a peer’s record (refused while it is live unless --force)')
    .argument('<peer>')
    .option('--force', 'end its live sessions first')
    .action((peer: string, options: { force?: boolean }) =>
      run('remove', async (ctx) => (await import('./commands/remove.js')).remove({ peer, force: options.force === true }, ctx)),
    );

  program
    .command('attach')
    .description('make the session live, then attach this terminal to it')
    .argument('<peer>')
    .argument('[runtime]')
    .action((peer: string, runtime: string | undefined) =>
      run('attach', async (ctx) => (await import('./commands/attach.js')).attach({ peer, runtime }, ctx)),
    );

  program
    .command('interrupt')
    .description('send the runtime’s interrupt key (Escape for claude, codex, demo); context is kept')
    .argument('<peer>')
    .argument('[runtime]')
    .action((peer: string, runtime: string | undefined) =>
      run('interrupt', async (ctx) => (await import('./commands/interrupt.js')).interrupt({ peer, runtime }, ctx)),
    );

  program
    .command('compact')
    .description('submit the runtime’s compact command (/compact)')
    .argument('<peer>')
    .argument('[runtime]')
    .action((peer: string, runtime: string | undefined) =>
      run('compact', async (ctx) => (await import('./commands/compact.js')).compact({ peer, runtime }, ctx)),
    );

  program
    .command('self-fresh')
    .description('for an agent inside its session: relaunch me fresh, handing this text to my next self')
    .option('--handoff <text>', 'first message after the relaunch')
    .action((options: { handoff?: string }) =>
      run('self-fresh', async (ctx) => (await import('./commands/self-fresh.js')).selfFresh({ handoff: options.handoff }, ctx)),
    );

  program
    .argument('[runtime]', 'launch the current directory’s peer on this runtime, always fresh (e.g. iapeer claude)')
    .addOption(new Option('--name <peer>', 'peer name (default: the directory’s name)'))
    .addOption(new Option('--detach', 'do not attach after launching'))
    .action((runtime: string | undefined, options: { name?: string; detach?: boolean }) => {
      if (runtime === undefined) {
        program.outputHelp({ error: true });
        return run('iapeer', () => Promise.resolve(2));
      }
      return run(runtime, async (ctx) =>
        (await import('./commands/launch.js')).launch({ runtime, name: options.name, detach: options.detach === true }, ctx),
      );
    });

  return program;
}
