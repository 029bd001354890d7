// Bundles the CLI and the demo agent with esbuild. One bundle per verb (code splitting)
// keeps start-up cheap: `iapeer list` loads neither execa nor the tmux layer.
import { readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

await build({
  entryPoints: { cli: 'src/cli/main.ts', 'demo-agent': 'src/runtimes/demo-agent.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: '[name]-[hash]',
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: 'none',
  logLevel: 'warning',
  define: { IAPEER_VERSION: JSON.stringify(pkg.version) },
  // Bundled CommonJS dependencies (proper-lockfile) call require() for node built-ins.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __iapeerRequire } from 'node:module'; const require = __iapeerRequire(import.meta.url);",
  },
});
