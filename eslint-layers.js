// The one-way layers of src/ (README, "Development"): each folder may import only the
// folders below it. Kept apart from eslint.config.js so a test can prove the rule fires.

/** Folder → the src folders it must not import. */
export const FORBIDDEN_IMPORTS = {
  core: ['registry', 'runtimes', 'transport', 'lifecycle', 'cli', 'daemon', 'mcp'],
  registry: ['runtimes', 'transport', 'lifecycle', 'cli', 'daemon', 'mcp'],
  runtimes: ['registry', 'transport', 'lifecycle', 'cli', 'daemon', 'mcp'],
  transport: ['registry', 'runtimes', 'lifecycle', 'cli', 'daemon', 'mcp'],
  lifecycle: ['cli', 'daemon', 'mcp'],
  daemon: ['cli', 'mcp'],
  mcp: ['cli', 'daemon'],
  cli: [],
};

/** @type {import('eslint').Linter.Config[]} */
export const layerRules = Object.entries(FORBIDDEN_IMPORTS)
  .filter(([, forbidden]) => forbidden.length > 0)
  .map(([folder, forbidden]) => ({
    files: [`src/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        /** @type {const} */ ('error'),
        {
          patterns: [
            {
              group: forbidden.flatMap((name) => [`**/${name}/*`, `**/${name}/**`]),
              message: `src/${folder} sits below ${forbidden.map((name) => `src/${name}`).join(', ')}: import only from lower layers (see README, Development).`,
            },
          ],
        },
      ],
    },
  }));
