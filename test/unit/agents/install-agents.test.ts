// scripts/install-agents.sh against a fake npm on PATH (no registry): it installs exactly the
// pinned versions, reinstalls when what is there differs, calls no npm when they are there, and
// installs the registry's newest on request (test:agents:latest).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLAUDE_CODE_VERSION, CODEX_VERSION } from '../../../src/runtimes/agent-versions.js';
import { useTempDir } from '../../helpers/use-temp-dir.js';

const SCRIPT = fileURLToPath(new URL('../../../scripts/install-agents.sh', import.meta.url));
const CLAUDE = '@anthropic-ai/claude-code';
const CODEX = '@openai/codex';
const dir = useTempDir('iapeer-install-agents-');
/** What the fake registry calls its newest. */
const NEWEST_CLAUDE = '9.8.7';
const NEWEST_CODEX = '0.999.0';

// A package in the prefix as npm leaves it, with a bin that prints its version as the real ones do.
const FAKE_PACKAGE = `
put() { # prefix package version [printed version]
  local name=claude line
  [[ "$2" == @openai/codex ]] && name=codex
  mkdir -p "$1/node_modules/$2" "$1/node_modules/.bin"
  printf '{"name":"%s","version":"%s"}\\n' "$2" "$3" >"$1/node_modules/$2/package.json"
  if [[ $name == claude ]]; then line="\${4:-$3} (Claude Code)"; else line="codex-cli \${4:-$3}"; fi
  printf '#!/bin/sh\\necho "%s"\\n' "$line" >"$1/node_modules/.bin/$name"
  chmod +x "$1/node_modules/.bin/$name"
}`;

const FAKE_NPM = `#!/usr/bin/env bash
printf '%s\\n' "$*" >>"$FAKE_NPM_LOG"
[[ -z "\${FAKE_NPM_OFFLINE:-}" ]] || { echo 'npm error network ENOTFOUND' >&2; exit 1; }
${FAKE_PACKAGE}
case "$1" in
  view)
    case "$2" in
      @anthropic-ai/claude-code@latest) echo "$FAKE_CLAUDE_LATEST" ;;
      @openai/codex@latest) echo "$FAKE_CODEX_LATEST" ;;
      *) exit 1 ;;
    esac ;;
  install)
    for spec in "\${@: -2}"; do put "$3" "\${spec%@*}" "\${spec##*@}"; done ;;
  *) exit 1 ;;
esac
`;

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The npm command lines the script ran. */
  readonly npm: string[];
}

function prefix(): string {
  return join(dir(), 'agents');
}

/** Puts a package into the prefix as if npm had installed it (the bin may print another version). */
function preinstall(pkg: string, version: string, printed?: string): void {
  const result = spawnSync('bash', ['-c', `${FAKE_PACKAGE}\nput "$@"`, 'put', prefix(), pkg, version, ...(printed === undefined ? [] : [printed])]);
  expect(result.status).toBe(0);
}

function run(env: Record<string, string> = {}, args: readonly string[] = []): Run {
  const bin = join(dir(), 'fake-bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'npm'), FAKE_NPM);
  chmodSync(join(bin, 'npm'), 0o755);
  const log = join(dir(), 'npm.log');
  writeFileSync(log, '');
  const result = spawnSync('bash', [SCRIPT, ...args], {
    encoding: 'utf8',
    env: {
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      HOME: dir(),
      IAPEER_AGENTS_PREFIX: prefix(),
      FAKE_NPM_LOG: log,
      FAKE_CLAUDE_LATEST: NEWEST_CLAUDE,
      FAKE_CODEX_LATEST: NEWEST_CODEX,
      ...env,
    },
  });
  const npm = readFileSync(log, 'utf8').split('\n').filter((line) => line !== '');
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, npm };
}

const installLine = (claude: string, codex: string) =>
  `install --prefix ${prefix()} --no-save --no-audit --no-fund --loglevel=error --include=optional --engine-strict=false ${CLAUDE}@${claude} ${CODEX}@${codex}`;
const versionIn = (pkg: string): unknown =>
  (JSON.parse(readFileSync(join(prefix(), 'node_modules', pkg, 'package.json'), 'utf8')) as { version: unknown }).version;

describe('scripts/install-agents.sh', () => {
  it('installs exactly the pinned versions into an empty prefix and prints the bin dir last', () => {
    const result = run();
    expect(result.stderr).toContain(`installed: claude-code ${CLAUDE_CODE_VERSION}, codex ${CODEX_VERSION} in ${prefix()}`);
    expect(result.status).toBe(0);
    expect(result.npm).toEqual([installLine(CLAUDE_CODE_VERSION, CODEX_VERSION)]);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe(join(prefix(), 'node_modules', '.bin'));
    expect(existsSync(join(prefix(), 'package.json'))).toBe(true);
  });

  it('calls no npm when the pinned versions are there and run (so it works offline)', () => {
    preinstall(CLAUDE, CLAUDE_CODE_VERSION);
    preinstall(CODEX, CODEX_VERSION);
    const result = run({ FAKE_NPM_OFFLINE: '1' });
    expect(result.status).toBe(0);
    expect(result.npm).toEqual([]);
    expect(result.stderr).toContain(`already installed: claude-code ${CLAUDE_CODE_VERSION}, codex ${CODEX_VERSION}`);
    expect(result.stdout.trim()).toBe(join(prefix(), 'node_modules', '.bin'));
  });

  it('reinstalls both at the pinned versions when one installed version differs', () => {
    preinstall(CLAUDE, `${CLAUDE_CODE_VERSION}9`);
    preinstall(CODEX, CODEX_VERSION);
    const result = run();
    expect(result.status).toBe(0);
    expect(result.stderr).toContain(`in ${prefix()}: claude-code ${CLAUDE_CODE_VERSION}9, codex ${CODEX_VERSION}; wanted: claude-code ${CLAUDE_CODE_VERSION}`);
    expect(result.npm).toEqual([installLine(CLAUDE_CODE_VERSION, CODEX_VERSION)]);
    expect(versionIn(CLAUDE)).toBe(CLAUDE_CODE_VERSION);
  });

  it('reinstalls when a binary reports another version than its package', () => {
    preinstall(CLAUDE, CLAUDE_CODE_VERSION);
    preinstall(CODEX, CODEX_VERSION, '0.0.1');
    const result = run();
    expect(result.status).toBe(0);
    expect(result.npm).toEqual([installLine(CLAUDE_CODE_VERSION, CODEX_VERSION)]);
  });

  it('fails, saying why, when the versions differ and the registry cannot be reached', () => {
    preinstall(CLAUDE, `${CLAUDE_CODE_VERSION}9`);
    preinstall(CODEX, CODEX_VERSION);
    const result = run({ FAKE_NPM_OFFLINE: '1' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('ENOTFOUND');
    expect(result.stdout).toBe('');
  });

  it('installs the newest on the registry for `latest`, then keeps it offline', () => {
    const latest = { IAPEER_CLAUDE_VERSION: 'latest', IAPEER_CODEX_VERSION: 'latest' };
    const first = run(latest);
    expect(first.status).toBe(0);
    expect(first.npm).toEqual([`view ${CLAUDE}@latest version`, `view ${CODEX}@latest version`, installLine(NEWEST_CLAUDE, NEWEST_CODEX)]);
    expect(first.stderr).toContain(`installed: claude-code ${NEWEST_CLAUDE}, codex ${NEWEST_CODEX} in ${prefix()} (pinned: claude-code ${CLAUDE_CODE_VERSION}, codex ${CODEX_VERSION})`);
    const again = run(latest);
    expect(again.npm).toEqual([`view ${CLAUDE}@latest version`, `view ${CODEX}@latest version`]);
    expect(again.stderr).toContain(`already installed: claude-code ${NEWEST_CLAUDE}, codex ${NEWEST_CODEX}`);
    const offline = run({ ...latest, FAKE_NPM_OFFLINE: '1' });
    expect(offline.status).toBe(0);
    expect(offline.stderr).toContain(`cannot ask the registry for the newest ${CLAUDE}; keeping the installed ${NEWEST_CLAUDE}`);
    // and back to the pins
    const pinned = run();
    expect(pinned.npm).toEqual([installLine(CLAUDE_CODE_VERSION, CODEX_VERSION)]);
  });

  it('fails for `latest` offline with nothing installed, and for an exact version given', () => {
    const offline = run({ IAPEER_CODEX_VERSION: 'latest', FAKE_NPM_OFFLINE: '1' });
    expect(offline.status).toBe(1);
    expect(offline.stderr).toContain(`cannot ask the registry for the newest ${CODEX}, and none is installed`);
    const exact = run({ IAPEER_CODEX_VERSION: '0.1.2' });
    expect(exact.status).toBe(0);
    expect(exact.npm).toEqual([installLine(CLAUDE_CODE_VERSION, '0.1.2')]);
  });

  it('refuses what is not a version, and an unknown argument, before any npm', () => {
    for (const bad of [' ', '^0.1', '1.2 3', 'next']) {
      const result = run({ IAPEER_CLAUDE_VERSION: bad });
      expect(result.status, bad).toBe(2);
      expect(result.stderr).toContain(`not a version: '${bad}'`);
      expect(result.npm).toEqual([]);
    }
    const result = run({}, ['--latest']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('usage: install-agents.sh [--pinned]');
    expect(result.npm).toEqual([]);
  });

  it('fails, naming the file, when the versions file lacks a pin', () => {
    const file = join(dir(), 'agent-versions.ts');
    writeFileSync(file, "export const CLAUDE_CODE_VERSION = '1.2.3';\nexport const CODEX_VERSION = process.env.X;\n");
    const result = run({ IAPEER_AGENT_VERSIONS_FILE: file }, ['--pinned']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${file} has no line \`export const CODEX_VERSION = '<version>';\``);
    expect(result.stdout).toBe('');
    const missing = run({ IAPEER_AGENT_VERSIONS_FILE: join(dir(), 'none.ts') });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('cannot read');
    expect(missing.npm).toEqual([]);
  });
});
