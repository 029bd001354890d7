// The agent versions live in one place (src/runtimes/agent-versions.ts): the README names the
// same numbers, scripts/install-agents.sh reads them from that file and names none of its own,
// and every other mention of a Claude Code or Codex CLI version in the sources agrees with them
// (a dated record is exempt: FINDINGS.md and the captured screens name what drew them).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AGENT_VERSIONS, CLAUDE_CODE_VERSION, CODEX_VERSION } from '../../../src/runtimes/agent-versions.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SELF = relative(ROOT, fileURLToPath(import.meta.url));
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

interface Pins {
  readonly claude: string;
  readonly codex: string;
}
const PINS: Pins = { claude: CLAUDE_CODE_VERSION, codex: CODEX_VERSION };

interface Mention {
  readonly agent: keyof Pins;
  readonly version: string;
  readonly index: number;
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const familyOf = (version: string): string => version.split('.').slice(0, 2).join('.');

/**
 * The versions of Claude Code or Codex CLI a text names: after the program's name (`Claude Code
 * 2.1.3xx`, `codex-cli 0.169.1`, `claude-code@…`, `Codex (v…)`), or a bare number of the pinned
 * families (`2.1.<n>`, `0.169[.<n>]`). `x` stands for any digit (`2.1.33x`, `0.169.x`).
 */
function versionMentions(text: string, pins: Pins): Mention[] {
  const found = new Map<number, Mention>();
  const named = /\b(claude(?:[ -]code)?|codex(?:[ -]cli)?)(?:\s+\(?|@)v?(\d+\.\d+(?:\.[0-9x]+)?)/gi;
  for (const match of text.matchAll(named)) {
    const version = match[2] ?? '';
    const index = match.index + match[0].length - version.length;
    found.set(index, { agent: /^claude/i.test(match[1] ?? '') ? 'claude' : 'codex', version, index });
  }
  const bare: [keyof Pins, RegExp][] = [
    ['claude', new RegExp(`(?<![\\w.])${escape(familyOf(pins.claude))}\\.[0-9x]+(?!\\w|\\.\\d)`, 'g')],
    ['codex', new RegExp(`(?<![\\w.])${escape(familyOf(pins.codex))}(?:\\.[0-9x]+)?(?!\\w|\\.\\d)`, 'g')],
  ];
  for (const [agent, pattern] of bare) {
    for (const match of text.matchAll(pattern)) {
      if (!found.has(match.index)) found.set(match.index, { agent, version: match[0], index: match.index });
    }
  }
  return [...found.values()].sort((a, b) => a.index - b.index);
}

/** Whether a mention names the pinned version, or a family holding it (`2.1`, `2.1.3xx`). */
function fitsPin(version: string, pinned: string): boolean {
  const parts = version.split('.');
  const pin = pinned.split('.');
  if (parts.length > pin.length) return false;
  return parts.every((part, i) => {
    const pattern = /^x+$/.test(part) ? '\\d+' : part.replace(/x/g, '\\d');
    return new RegExp(`^${pattern}$`).test(pin[i] ?? '');
  });
}

/** The mentions of a text that disagree with the pins, as `line N: <agent> <version>`. */
function disagreements(text: string, pins: Pins): string[] {
  return versionMentions(text, pins)
    .filter((mention) => !fitsPin(mention.version, pins[mention.agent]))
    .map((mention) => `line ${text.slice(0, mention.index).split('\n').length}: ${mention.agent} ${mention.version}`);
}

/** A dated record of what was seen with a given version: FINDINGS.md and the captured screens. */
const EXEMPT = [/^test\/agents\/FINDINGS\.md$/, /^test\/agents\/screens\//];

function sourceFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(join(ROOT, dir))) {
      const file = dir === '' ? name : `${dir}/${name}`;
      if (statSync(join(ROOT, file)).isDirectory()) walk(file);
      else if (/\.(ts|mts|cts|js|mjs|cjs|sh|json|md|txt|toml)$/.test(name)) out.push(file);
    }
  };
  for (const dir of ['src', 'scripts', 'test']) walk(dir);
  const top = readdirSync(ROOT).filter((name) => /\.(ts|js|mjs|md)$/.test(name) || name === 'package.json');
  return [...top, '.ci/run', ...out].filter((file) => file !== SELF && !EXEMPT.some((pattern) => pattern.test(file)));
}

describe('the pinned agent versions', () => {
  it('are exact versions, with the npm packages install-agents.sh installs', () => {
    for (const version of [CLAUDE_CODE_VERSION, CODEX_VERSION]) expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(AGENT_VERSIONS.claude).toEqual({ title: 'Claude Code', package: '@anthropic-ai/claude-code', version: CLAUDE_CODE_VERSION });
    expect(AGENT_VERSIONS.codex).toEqual({ title: 'Codex CLI', package: '@openai/codex', version: CODEX_VERSION });
  });

  it('are the versions the README names, in its Runtimes and its Development parts', () => {
    const readme = read('README.md');
    for (const { title, version } of Object.values(AGENT_VERSIONS)) {
      const named = [...readme.matchAll(new RegExp(`\\*\\*${title} ([^*]+)\\*\\*`, 'g'))].map((match) => match[1]);
      expect(named.length, `${title} in the README`).toBeGreaterThanOrEqual(2);
      expect(named, `${title} in the README`).toEqual(named.map(() => version));
    }
    const runtimes = readme.slice(readme.indexOf('\n## Runtimes'));
    const development = readme.slice(readme.indexOf('`npm run test:agents` runs'));
    for (const part of [runtimes.slice(0, runtimes.indexOf('\n## ', 1)), development]) {
      expect(part).toContain(`**Claude Code ${CLAUDE_CODE_VERSION}** and **Codex CLI ${CODEX_VERSION}**`);
    }
  });

  it('are what scripts/install-agents.sh reads, and it names no version of its own', () => {
    const script = read('scripts/install-agents.sh');
    expect(script.match(/\d+\.\d+/g) ?? []).toEqual([]);
    expect(script).toContain('src/runtimes/agent-versions.ts');
    const printed = execFileSync('bash', [join(ROOT, 'scripts/install-agents.sh'), '--pinned'], { encoding: 'utf8' });
    expect(printed).toBe(`${AGENT_VERSIONS.claude.package} ${CLAUDE_CODE_VERSION}\n${AGENT_VERSIONS.codex.package} ${CODEX_VERSION}\n`);
  });

  it('agree with every version the README, src, scripts and test name', () => {
    const files = sourceFiles();
    expect(files).toEqual(expect.arrayContaining(['README.md', 'scripts/install-agents.sh', 'src/runtimes/builtin-runtimes.ts']));
    const wrong = files.flatMap((file) => disagreements(read(file), PINS).map((what) => `${file} ${what}`));
    expect(wrong).toEqual([]);
  });
});

describe('versionMentions and fitsPin, the check of the mentions', () => {
  const pins: Pins = { claude: '5.4.321', codex: '0.777.2' };
  const versions = (text: string) => versionMentions(text, pins).map(({ agent, version }) => `${agent} ${version}`);

  it('finds a version after the name of either program, in each way it is written', () => {
    expect(versions('Claude Code 5.4.300 and Codex CLI 0.777.0')).toEqual(['claude 5.4.300', 'codex 0.777.0']);
    expect(versions('`claude --version` → x; codex-cli 0.1.2; claude-code@5.4.9; OpenAI Codex (v0.777.2); Claude Code v5.4.32x')).toEqual([
      'codex 0.1.2',
      'claude 5.4.9',
      'codex 0.777.2',
      'claude 5.4.32x',
    ]);
    expect(versions('codex 0.777 starts a daemon; claude 4.0.x')).toEqual(['codex 0.777', 'claude 4.0.x']);
  });

  it('finds bare numbers of the pinned families, and nothing else', () => {
    expect(versions("version: '5.4.320', the 5.4.32x default, 0.777 printed, 0.777.x")).toEqual([
      'claude 5.4.320',
      'claude 5.4.32x',
      'codex 0.777',
      'codex 0.777.x',
    ]);
    expect(versions('5.4 s, 15.4.3, 5.4.3.2, 10.5.4.3, v10.0.777, 0.7770, Node 22.1, tmux 3.2')).toEqual([]);
  });

  it('lets through the pinned version and the families holding it, not another version', () => {
    expect(fitsPin('5.4.321', '5.4.321')).toBe(true);
    for (const family of ['5', '5.4', '5.4.x', '5.4.3xx', '5.4.32x', '5.4.xxx']) expect(fitsPin(family, '5.4.321')).toBe(true);
    for (const other of ['5.4.320', '5.4.33x', '5.3', '5.4.3x', '5.4.321.1', '6', '5.4.4xx']) expect(fitsPin(other, '5.4.321')).toBe(false);
    expect(disagreements('one\nClaude Code 5.4.320\ncodex 0.777.2', pins)).toEqual(['line 2: claude 5.4.320']);
  });
});
