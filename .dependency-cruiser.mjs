// The shape of src/ (README, "Development"): one-way layers, rooms inside transport and
// lifecycle, no circle of imports, no dead module. `npm run lint` cruises src with these rules;
// test/unit/architecture/dependency-rules.test.ts proves each one fires. Each table lists what
// a folder MAY import, so a new folder is refused until it has its line here.

/** @import { IConfiguration, IForbiddenRuleType } from 'dependency-cruiser' */

/** Layer → the layers it may import besides itself (imports point down only). */
export const LAYERS = {
  core: [],
  registry: ['core'],
  runtimes: ['core'],
  transport: ['core'],
  lifecycle: ['core', 'registry', 'runtimes', 'transport'],
  daemon: ['core', 'registry', 'runtimes', 'transport', 'lifecycle'],
  mcp: ['core', 'registry', 'runtimes', 'transport', 'lifecycle'],
  cli: ['core', 'registry', 'runtimes', 'transport', 'lifecycle', 'daemon', 'mcp'],
  // A program of its own, built apart: nothing imports it, and it plays a runtime from the table.
  'demo-agent': ['core', 'runtimes'],
};

/** Room of src/transport → the rooms it may import besides itself. */
export const TRANSPORT_ROOMS = {
  tmux: [],
  screen: ['tmux'],
  queue: [],
  services: [],
  events: [],
  ssh: [],
};

/** Room of src/lifecycle → the rooms it may import besides itself. */
export const LIFECYCLE_ROOMS = {
  log: [],
  context: ['log'],
  sessions: ['context', 'log'],
  services: ['messages', 'sessions', 'context', 'log'],
  peers: ['services', 'messages', 'sessions', 'context', 'log'],
  messages: ['hosts', 'sessions', 'context', 'log'],
  supervise: ['messages', 'sessions', 'context', 'log'],
  doctor: ['supervise', 'messages', 'sessions', 'context', 'log'],
  hosts: ['context'],
};

/**
 * Where the programs start (scripts/build.mjs): the command, the entry bundle it requires
 * by its built name, and the demo agent. Every other module must be reached from one of them;
 * the verbs are, through program.ts's import().
 */
export const ENTRY_POINTS = ['^src/cli/bin[.]ts$', '^src/cli/main[.]ts$', '^src/demo-agent/demo-agent[.]ts$'];

/** @param {string[]} names */
const anyOf = (names) => `(${names.join('|')})`;

/**
 * One rule per folder of a floor: it may import only itself and the folders its table allows.
 * A file in a folder the table does not know may import nothing of that floor.
 * @param {string} floor the folder holding the rooms: `src/`, `src/transport/` or `src/lifecycle/`
 * @param {Record<string, string[]>} table
 * @param {(folder: string, allowed: string[]) => string} advice
 * @returns {IForbiddenRuleType[]}
 */
function roomRules(floor, table, advice) {
  const kind = floor === 'src/' ? 'layer' : `${floor.slice('src/'.length, -1)}-room`;
  const known = Object.keys(table);
  return [
    ...Object.entries(table).map(([folder, allowed]) => ({
      name: `${kind}-${folder}`,
      severity: /** @type {const} */ ('error'),
      comment: advice(folder, allowed),
      from: { path: `^${floor}${folder}/` },
      to: { path: `^${floor}`, pathNot: `^${floor}${anyOf([folder, ...allowed])}/` },
    })),
    {
      name: `${kind}-unknown`,
      severity: 'error',
      comment: `Every folder of ${floor} is listed in .dependency-cruiser.mjs with what it may import: put the file in a known folder, or add its folder to the table.`,
      from: { path: `^${floor}`, pathNot: `^${floor}${anyOf(known)}/` },
      to: { path: `^${floor}` },
    },
  ];
}

/** @param {string} floor @param {string[]} allowed */
const listOf = (floor, allowed) => (allowed.length === 0 ? 'nothing else' : allowed.map((name) => `${floor}${name}`).join(', '));

/** @type {IForbiddenRuleType[]} */
const forbidden = [
  ...roomRules(
    'src/',
    LAYERS,
    (layer, allowed) =>
      `src/${layer} may import only ${listOf('src/', allowed)}: imports point down. Move the shared code down a layer, or have the caller pass it in (README, "Development").`,
  ),
  ...roomRules(
    'src/transport/',
    TRANSPORT_ROOMS,
    (room, allowed) =>
      `src/transport/${room} may import ${listOf('src/transport/', allowed)}: the transport rooms stand side by side. Move what both need into src/core, or let src/lifecycle join them.`,
  ),
  ...roomRules(
    'src/lifecycle/',
    LIFECYCLE_ROOMS,
    (room, allowed) =>
      `src/lifecycle/${room} may import ${listOf('src/lifecycle/', allowed)} (the room graph in .dependency-cruiser.mjs). Move what both rooms need into the lower room, or pass it in from above.`,
  ),
  {
    name: 'no-circular',
    severity: 'error',
    comment:
      'A circle of imports (lazy import() and type-only imports count): move what both sides need into a module of its own that both import.',
    from: {},
    to: { circular: true },
  },
  {
    name: 'no-orphans',
    severity: 'error',
    comment: 'A module that imports nothing and that nothing imports: delete it, or import it from where it is used.',
    from: { orphan: true, pathNot: [...ENTRY_POINTS, '[.]d[.]ts$'] },
    to: {},
  },
  {
    name: 'no-unreachable',
    severity: 'error',
    comment:
      'No entry point reaches this module (ENTRY_POINTS in .dependency-cruiser.mjs): delete it, import it from where it is used, or list it as an entry point if it is built on its own.',
    from: { path: ENTRY_POINTS },
    to: { path: '^src/', pathNot: [...ENTRY_POINTS, '[.]d[.]ts$'], reachable: false },
  },
];

/** @satisfies {IConfiguration} */
export default {
  forbidden,
  options: {
    includeOnly: '^src/',
    tsConfig: { fileName: 'tsconfig.json' },
    // `import type` counts: a type-only import ties the layers together just the same.
    tsPreCompilationDeps: true,
    skipAnalysisNotInRules: true,
  },
};
