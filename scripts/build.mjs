// Bundles iapeer with esbuild into CommonJS: the command (dist/cli.cjs, which turns on
// the compile cache), the entry bundle (argument parsing, errors) and one self-contained
// bundle per verb, required only when that verb runs. Start-up cost is what `iapeer list` is judged by, and CommonJS loads faster
// than ES modules, whose loader alone costs about 5 ms; esbuild splits only ES modules,
// hence one bundle per verb instead of shared chunks.
import { chmodSync, existsSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
// Built beside dist/ and swapped in at the end by two renames, so that a command running
// during a rebuild finds the old bundles or the new ones, never a half-written tree (one
// started in the instant between the two renames finds no dist/ and fails to start).
const root = fileURLToPath(new URL('..', import.meta.url));
const out = `dist.build-${process.pid}`;
rmSync(join(root, out), { recursive: true, force: true });

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: 'none',
  logLevel: 'warning',
  // Source runs resolve the demo agent through import.meta.url; bundles never take that branch.
  logOverride: { 'empty-import-meta': 'silent' },
  define: { IAPEER_VERSION: JSON.stringify(pkg.version), IAPEER_DEMO_AGENT: '__iapeerDemoAgent', IAPEER_CLI: '__iapeerCli' },
};

/**
 * `import('./commands/<verb>.js')` in program.ts becomes a plain require of that verb's
 * bundle. (Left as an external import(), Node would run its ES module loader on it.)
 * @type {import('esbuild').Plugin}
 */
const verbsApart = {
  name: 'verbs-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/commands\/[a-z-]+\.js$/ }, (args) => ({
      path: args.path.replace(/^\.\/commands\/(.+)\.js$/, '$1'),
      namespace: 'verb',
    }));
    b.onLoad({ filter: /.*/, namespace: 'verb' }, (args) => ({
      contents: `module.exports = require('./verbs/${args.path}.cjs');`,
      loader: 'js',
    }));
    b.onResolve({ filter: /^\.\/verbs\// }, (args) => ({ path: args.path, external: true }));
  },
};

/**
 * Modules most commands never run, each a bundle of its own, required the first time it is
 * needed: log rotation (the lock library) for a log that outgrew its limit, and the screen
 * capture of activity (tmux's runner, execa, the runtime table) for an agent whose events
 * cannot tell what it does.
 * @type {import('esbuild').Plugin}
 */
const modulesApart = {
  name: 'modules-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/(rotate-log|capture-screen)\.js$/ }, (args) => ({ path: args.path.slice(2, -3), namespace: 'apart' }));
    b.onLoad({ filter: /.*/, namespace: 'apart' }, (args) => ({
      contents: `module.exports = require('../${args.path}.cjs');`,
      loader: 'js',
    }));
    b.onResolve({ filter: /^\.\.\/(rotate-log|capture-screen)\.cjs$/ }, (args) => ({ path: args.path, external: true }));
  },
};

/**
 * Commander requires child_process at load, only to run executable subcommands, which
 * iapeer has none of; loading it lazily saves every command a few milliseconds.
 * @type {import('esbuild').Plugin}
 */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.importer.includes('node_modules/commander/') ? { path: 'child_process', namespace: 'lazy' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
      contents: "module.exports = new Proxy({}, { get: (_, key) => require('node:child_process')[key] });",
      loader: 'js',
    }));
  },
};

/**
 * Each verb's bundle is its command module plus the context factory, so the environment
 * is validated (and zod loaded) inside the verb's bundle, never in the entry bundle.
 * @type {import('esbuild').Plugin}
 */
const verbEntries = {
  name: 'verb-entries',
  setup(b) {
    b.onResolve({ filter: /^verb-entry:/ }, (args) => ({ path: args.path.slice('verb-entry:'.length), namespace: 'verb-entry' }));
    b.onLoad({ filter: /.*/, namespace: 'verb-entry' }, (args) => ({
      contents: `export * from './src/cli/commands/${args.path}.ts';\nexport { contextFromEnv } from './src/cli/context-from-env.ts';\n`,
      resolveDir: fileURLToPath(new URL('..', import.meta.url)),
      loader: 'ts',
    }));
  },
};

const verbs = readdirSync(new URL('../src/cli/commands', import.meta.url))
  .filter((name) => name.endsWith('.ts'))
  .map((name) => name.slice(0, -3));

await Promise.all([
  build({
    ...common,
    entryPoints: ['src/cli/bin.ts'],
    outfile: `${out}/cli.cjs`,
    plugins: [{ name: 'main-apart', setup: (b) => b.onResolve({ filter: /^\.\/main\.cjs$/ }, (args) => ({ path: args.path, external: true })) }],
    banner: { js: '#!/usr/bin/env node' },
  }),
  build({
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: `${out}/main.cjs`,
    plugins: [verbsApart, lazyChildProcess],
  }),
  build({
    ...common,
    entryPoints: Object.fromEntries(verbs.map((verb) => [verb, `verb-entry:${verb}`])),
    outdir: `${out}/verbs`,
    outExtension: { '.js': '.cjs' },
    plugins: [verbEntries, modulesApart],
    banner: {
      js: 'var __iapeerDemoAgent = require("node:path").join(__dirname, "..", "demo-agent.cjs"), __iapeerCli = require("node:path").join(__dirname, "..", "cli.cjs");',
    },
  }),
  build({
    ...common,
    entryPoints: ['src/lifecycle/log/rotate-log.ts'],
    outfile: `${out}/rotate-log.cjs`,
  }),
  build({
    ...common,
    entryPoints: ['src/lifecycle/sessions/capture-screen.ts'],
    outfile: `${out}/capture-screen.cjs`,
    // The runtime table names the demo agent's and the CLI's paths, as in the verbs (beside it here).
    banner: {
      js: 'var __iapeerDemoAgent = require("node:path").join(__dirname, "demo-agent.cjs"), __iapeerCli = require("node:path").join(__dirname, "cli.cjs");',
    },
  }),
  build({
    ...common,
    entryPoints: ['src/demo-agent/demo-agent.ts'],
    outfile: `${out}/demo-agent.cjs`,
    banner: { js: '#!/usr/bin/env node' },
  }),
]);

// The programs run by their #! line (the linked `iapeer`, the demo runtime): esbuild writes
// 0644, and `npm link` sets the mode only once, on the file it found then.
for (const program of ['cli.cjs', 'demo-agent.cjs']) chmodSync(join(root, out, program), 0o755);

const old = join(root, `dist.old-${process.pid}`);
if (existsSync(join(root, 'dist'))) renameSync(join(root, 'dist'), old);
renameSync(join(root, out), join(root, 'dist'));
rmSync(old, { recursive: true, force: true });
