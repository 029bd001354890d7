import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { layerRules } from '../../eslint-layers.js';
import { REPO } from '../helpers/cli.js';

const eslint = new ESLint({
  cwd: REPO,
  overrideConfigFile: true,
  overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, ...layerRules],
});

async function problems(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: `${REPO}/${file}` });
  return (result?.messages ?? []).map((message) => `${message.ruleId ?? 'parse'}: ${message.message}`);
}

describe('the layer rule', () => {
  it.each([
    ['src/core/x.ts', "import { a } from '../lifecycle/wake-peer.js';"],
    ['src/core/x.ts', "import type { B } from '../registry/schema.js';"],
    ['src/registry/x.ts', "import { c } from '../transport/session.js';"],
    ['src/transport/x.ts', "import { d } from '../runtimes/runtime.js';"],
    ['src/transport/deep/x.ts', "import { e } from '../../registry/markers.js';"],
    ['src/lifecycle/x.ts', "import { f } from '../cli/output.js';"],
    ['src/lifecycle/x.ts', "export { g } from '../daemon/tick.js';"],
    ['src/daemon/x.ts', "import { h } from '../cli/main.js';"],
    ['src/mcp/x.ts', "import { i } from '../daemon/run.js';"],
  ])('refuses an upward import in %s', async (file, source) => {
    const found = await problems(file, source);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^no-restricted-imports: .*import only from lower layers/);
  });

  it.each([
    ['src/core/x.ts', "import { a } from './errors.js';"],
    ['src/registry/x.ts', "import { b } from '../core/paths.js';"],
    ['src/transport/x.ts', "import { c } from '../core/process.js';"],
    ['src/lifecycle/x.ts', "import { d } from '../registry/markers.js'; import { e } from '../transport/session.js';"],
    ['src/daemon/x.ts', "import { f } from '../lifecycle/wake-peer.js';"],
    ['src/cli/x.ts', "import { g } from '../daemon/run.js'; import { h } from '../mcp/server.js';"],
  ])('allows a downward import in %s', async (file, source) => {
    expect(await problems(file, source)).toEqual([]);
  });
});
