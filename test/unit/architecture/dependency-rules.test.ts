import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type ICruiseResult, cruise } from 'dependency-cruiser';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { afterEach, describe, expect, it } from 'vitest';
import config, { ENTRY_POINTS } from '../../../.dependency-cruiser.mjs';
import { REPO } from '../../helpers/cli.js';

/** Cruises `<dir>/src` with the project's rules, as `npm run lint` does; one line per violation, sorted. */
async function violationsIn(dir: string): Promise<string[]> {
  const tsConfig = join(dir, 'tsconfig.json');
  const { output } = await cruise(
    ['src'],
    { ...config.options, baseDir: dir, tsConfig: { fileName: tsConfig }, validate: true, ruleSet: { forbidden: config.forbidden } },
    {},
    { tsConfig: extractTSConfig(tsConfig) },
  );
  return ((output as ICruiseResult).summary.violations ?? [])
    .map(({ rule, from, to }) => (from === to ? `${rule.name}: ${from}` : `${rule.name}: ${from} → ${to}`))
    .sort();
}

const TSCONFIG = JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true }, include: ['src'] });

let dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  dirs = [];
});

/**
 * Writes a source tree (path → source) to a temp dir and cruises it. Every file the tree's
 * imports name is created (empty), and src/cli/main.ts imports every file that is not an
 * entry point, so that only the rule under test can fire; `reached: false` leaves that to the tree.
 */
async function violationsOf(tree: Record<string, string>, { reached = true } = {}): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'iapeer-depcruise-'));
  dirs.push(dir);
  const files = new Map(Object.entries(tree));
  for (const [file, source] of Object.entries(tree)) {
    for (const [, specifier] of source.matchAll(/['"](\.{1,2}\/[^'"]+)\.js['"]/g)) {
      const target = join(dirname(file), `${specifier}.ts`);
      if (!files.has(target)) files.set(target, 'export {};\n');
    }
  }
  const isEntry = (file: string) => ENTRY_POINTS.some((entry) => new RegExp(entry).test(file));
  if (reached && !files.has('src/cli/main.ts')) {
    const imports = [...files.keys()].filter((file) => !isEntry(file)).map((file) => `import '../../${file.replace(/\.ts$/, '.js')}';\n`);
    files.set('src/cli/main.ts', imports.join(''));
  }
  await writeFile(join(dir, 'tsconfig.json'), TSCONFIG);
  for (const [file, source] of files) {
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await writeFile(join(dir, file), source);
  }
  return violationsIn(dir);
}

describe('the dependency rules', () => {
  it.each([
    ['layer-core', 'src/core/x.ts', "import { a } from '../lifecycle/sessions/wake-peer.js';", 'src/lifecycle/sessions/wake-peer.ts'],
    ['layer-core', 'src/core/x.ts', "import type { B } from '../registry/schema.js';", 'src/registry/schema.ts'],
    ['layer-core', 'src/core/fs/x.ts', "export const c = () => import('../../cli/program.js');", 'src/cli/program.ts'],
    ['layer-registry', 'src/registry/x.ts', "import { d } from '../transport/tmux/sessions.js';", 'src/transport/tmux/sessions.ts'],
    ['layer-registry', 'src/registry/x.ts', "import { e } from '../runtimes/runtime.js';", 'src/runtimes/runtime.ts'],
    ['layer-runtimes', 'src/runtimes/x.ts', "import { f } from '../registry/peers.js';", 'src/registry/peers.ts'],
    ['layer-transport', 'src/transport/tmux/x.ts', "import { g } from '../../runtimes/runtime.js';", 'src/runtimes/runtime.ts'],
    ['layer-transport', 'src/transport/queue/x.ts', "import { h } from '../../registry/markers.js';", 'src/registry/markers.ts'],
    ['layer-transport', 'src/transport/screen/x.ts', "import type { I } from '../../lifecycle/context/app-context.js';", 'src/lifecycle/context/app-context.ts'],
    ['layer-lifecycle', 'src/lifecycle/peers/x.ts', "import { j } from '../../cli/output.js';", 'src/cli/output.ts'],
    ['layer-lifecycle', 'src/lifecycle/log/x.ts', "export { k } from '../../daemon/run-daemon.js';", 'src/daemon/run-daemon.ts'],
    ['layer-lifecycle', 'src/lifecycle/doctor/x.ts', "import { l } from '../../mcp/server.js';", 'src/mcp/server.ts'],
    ['layer-daemon', 'src/daemon/x.ts', "import { m } from '../cli/output.js';", 'src/cli/output.ts'],
    ['layer-daemon', 'src/daemon/x.ts', "import { n } from '../mcp/server.js';", 'src/mcp/server.ts'],
    ['layer-mcp', 'src/mcp/x.ts', "import { o } from '../daemon/run-daemon.js';", 'src/daemon/run-daemon.ts'],
    ['layer-mcp', 'src/mcp/x.ts', "import { p } from '../cli/output.js';", 'src/cli/output.ts'],
    ['layer-cli', 'src/cli/x.ts', "import { q } from '../demo-agent/demo-agent.js';", 'src/demo-agent/demo-agent.ts'],
    ['layer-runtimes', 'src/runtimes/x.ts', "import { r } from '../demo-agent/demo-agent.js';", 'src/demo-agent/demo-agent.ts'],
    ['layer-demo-agent', 'src/demo-agent/demo-agent.ts', "import { s } from '../lifecycle/sessions/wake-peer.js';", 'src/lifecycle/sessions/wake-peer.ts'],
  ])('%s refuses an import up or across the layers, from %s', async (rule, file, source, target) => {
    expect(await violationsOf({ [file]: source })).toEqual([`${rule}: ${file} → ${target}`]);
  });

  it.each([
    ['transport-room-queue', 'src/transport/queue/x.ts', "import { a } from '../tmux/sessions.js';", 'src/transport/tmux/sessions.ts'],
    ['transport-room-tmux', 'src/transport/tmux/x.ts', "import type { B } from '../screen/composer.js';", 'src/transport/screen/composer.ts'],
    ['transport-room-services', 'src/transport/services/x.ts', "import { c } from '../queue/queue-store.js';", 'src/transport/queue/queue-store.ts'],
    ['transport-room-screen', 'src/transport/screen/x.ts', "import { d } from '../services/service-files.js';", 'src/transport/services/service-files.ts'],
    ['transport-room-ssh', 'src/transport/ssh/x.ts', "import { e } from '../tmux/tmux-client.js';", 'src/transport/tmux/tmux-client.ts'],
    ['transport-room-tmux', 'src/transport/tmux/x.ts', "import { e } from '../ssh/ssh-client.js';", 'src/transport/ssh/ssh-client.ts'],
    ['transport-room-unknown', 'src/transport/mail/x.ts', "import { e } from '../tmux/tmux-client.js';", 'src/transport/tmux/tmux-client.ts'],
    ['lifecycle-room-sessions', 'src/lifecycle/sessions/x.ts', "import { f } from '../messages/flush-queue.js';", 'src/lifecycle/messages/flush-queue.ts'],
    ['lifecycle-room-log', 'src/lifecycle/log/x.ts', "import type { G } from '../context/app-context.js';", 'src/lifecycle/context/app-context.ts'],
    ['lifecycle-room-context', 'src/lifecycle/context/x.ts', "import { h } from '../sessions/wake-peer.js';", 'src/lifecycle/sessions/wake-peer.ts'],
    ['lifecycle-room-services', 'src/lifecycle/services/x.ts', "import { i } from '../peers/add-peer.js';", 'src/lifecycle/peers/add-peer.ts'],
    ['lifecycle-room-messages', 'src/lifecycle/messages/x.ts', "import { j } from '../peers/start-peer.js';", 'src/lifecycle/peers/start-peer.ts'],
    ['lifecycle-room-peers', 'src/lifecycle/peers/x.ts', "import { k } from '../supervise/supervisor.js';", 'src/lifecycle/supervise/supervisor.ts'],
    ['lifecycle-room-supervise', 'src/lifecycle/supervise/x.ts', "import { l } from '../doctor/run-doctor.js';", 'src/lifecycle/doctor/run-doctor.ts'],
    ['lifecycle-room-doctor', 'src/lifecycle/doctor/x.ts', "import { m } from '../peers/add-peer.js';", 'src/lifecycle/peers/add-peer.ts'],
    ['lifecycle-room-sessions', 'src/lifecycle/sessions/x.ts', "import { n } from '../hosts/ssh-host.js';", 'src/lifecycle/hosts/ssh-host.ts'],
    ['lifecycle-room-hosts', 'src/lifecycle/hosts/x.ts', "import { o } from '../log/events.js';", 'src/lifecycle/log/events.ts'],
    ['lifecycle-room-unknown', 'src/lifecycle/widgets/x.ts', "import { o } from '../log/events.js';", 'src/lifecycle/log/events.ts'],
  ])('%s refuses an import between rooms, from %s', async (rule, file, source, target) => {
    expect(await violationsOf({ [file]: source })).toEqual([`${rule}: ${file} → ${target}`]);
  });

  it('refuses a folder of src that is not a layer, both ways', async () => {
    expect(await violationsOf({ 'src/widgets/x.ts': "import { a } from '../core/errors.js';" })).toEqual([
      'layer-cli: src/cli/main.ts → src/widgets/x.ts',
      'layer-unknown: src/widgets/x.ts → src/core/errors.ts',
    ]);
  });

  it('refuses a circle of imports, lazy and type-only imports included', async () => {
    const found = await violationsOf({
      'src/lifecycle/log/a.ts': "export const load = () => import('./b.js');",
      'src/lifecycle/log/b.ts': "import type { C } from './c.js';\nexport type B = C;",
      'src/lifecycle/log/c.ts': "import { load } from './a.js';\nexport type C = typeof load;",
    });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^no-circular: src\/lifecycle\/log\/[abc]\.ts → src\/lifecycle\/log\/[abc]\.ts$/);
  });

  it('refuses a module that imports nothing and that nothing imports', async () => {
    const tree = { 'src/cli/main.ts': "import { a } from '../core/errors.js';", 'src/core/lonely.ts': 'export const alone = 1;' };
    expect(await violationsOf(tree, { reached: false })).toEqual([
      'no-orphans: src/core/lonely.ts',
      'no-unreachable: src/core/lonely.ts',
    ]);
  });

  it('refuses a module no entry point reaches, even one that imports others, and what only it reaches', async () => {
    const found = await violationsOf(
      {
        'src/cli/main.ts': "import { a } from '../core/errors.js';",
        'src/lifecycle/peers/dead.ts': "import { b } from '../../core/names.js';",
      },
      { reached: false },
    );
    expect(found).toEqual(['no-unreachable: src/core/names.ts', 'no-unreachable: src/lifecycle/peers/dead.ts']);
  });

  it('allows the entry points unimported, and reaches a verb through its lazy import()', async () => {
    expect(
      await violationsOf({
        'src/cli/bin.ts': "import { a } from './compile-cache.js';",
        'src/cli/main.ts': "export const verb = () => import('./commands/add.js');",
        'src/cli/commands/add.ts': "import { b } from '../../lifecycle/peers/add-peer.js';",
        'src/demo-agent/demo-agent.ts': "import { c } from '../runtimes/builtin-runtimes.js';",
      }),
    ).toEqual([]);
  });

  it.each([
    ['src/core/x.ts', "import { a } from './errors.js'; import { b } from './fs/safe-fs.js';"],
    ['src/core/lock/x.ts', "import { c } from '../process/process.js';"],
    ['src/registry/x.ts', "import type { D } from '../core/paths.js';"],
    ['src/runtimes/x.ts', "import { e } from '../core/text/regex-safety.js';"],
    ['src/transport/screen/x.ts', "import { f } from '../tmux/sessions.js'; import { g } from '../../core/errors.js';"],
    ['src/lifecycle/context/x.ts', "import { h } from '../../registry/markers.js'; import { i } from '../../transport/tmux/tmux-client.js';"],
    ['src/lifecycle/messages/x.ts', "import { j } from '../sessions/wake-peer.js'; import { k } from '../context/locks.js';"],
    ['src/lifecycle/peers/x.ts', "import { l } from '../services/always-on-service.js'; import { m } from '../log/events.js';"],
    ['src/lifecycle/doctor/x.ts', "import { n } from '../supervise/daemon-state.js'; import { o } from '../sessions/observe-fleet.js';"],
    ['src/lifecycle/hosts/x.ts', "import { n } from '../context/app-context.js'; import { o } from '../../transport/ssh/ssh-client.js';"],
    ['src/daemon/x.ts', "import { p } from '../lifecycle/supervise/supervisor.js';"],
    ['src/mcp/x.ts', "import { q } from '../lifecycle/messages/send-message.js'; import { r } from '../registry/read-registry.js';"],
    ['src/cli/x.ts', "import { s } from '../daemon/run-daemon.js'; import { t } from '../mcp/server.js';"],
    ['src/demo-agent/demo-agent.ts', "import { u } from '../runtimes/builtin-runtimes.js';"],
  ])('allows a downward import in %s', async (file, source) => {
    expect(await violationsOf({ [file]: source })).toEqual([]);
  });

  it('passes the real src tree', async () => {
    expect(await violationsIn(REPO)).toEqual([]);
  });
});
