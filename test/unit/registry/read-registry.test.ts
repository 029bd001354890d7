import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorruptFileError } from '../../../src/core/errors.js';
import { parseRegistry, readRegistry } from '../../../src/registry/read-registry.js';
import { MAX_DESCRIPTION, emptyRegistry, findPeer } from '../../../src/registry/schema.js';
import { useTempDir } from '../../helpers/use-temp-dir.js';

const FILE = '/home/u/.iapeer/peers.json';

function peer(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    personality: 'boris',
    runtimes: ['claude', 'demo'],
    cwd: '/home/u/boris',
    description: 'reviews pull requests',
    alwaysOn: false,
    idleTimeoutSec: null,
    initialPrompt: null,
    createdAt: '2025-01-02T03:04:05.000Z',
    updatedAt: '2025-01-03T03:04:05.000Z',
    ...overrides,
  };
}

function registryText(peers: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ version: 2, peers, ...extra });
}

function corruptErrorOf(text: string): CorruptFileError {
  try {
    parseRegistry(FILE, text);
  } catch (error) {
    expect(error).toBeInstanceOf(CorruptFileError);
    return error as CorruptFileError;
  }
  throw new Error(`expected ${JSON.stringify(text.slice(0, 80))} to be refused`);
}

const dir = useTempDir('iapeer-registry-', { shared: true });

describe('parseRegistry', () => {
  it('parses a valid version 2 registry', () => {
    const registry = parseRegistry(
      FILE,
      registryText([peer(), peer({ personality: 'anna', runtimes: ['codex'], alwaysOn: true, idleTimeoutSec: 0, initialPrompt: 'hi' })]),
    );
    expect(registry.version).toBe(2);
    expect(registry.peers.map((record) => record.personality)).toEqual(['boris', 'anna']);
    expect(findPeer(registry, 'anna')).toMatchObject({ runtimes: ['codex'], alwaysOn: true, idleTimeoutSec: 0, initialPrompt: 'hi' });
    expect(findPeer(registry, 'nobody')).toBeUndefined();
  });

  it('keeps unknown fields, top-level and per peer, for a newer iapeer', () => {
    const text = registryText([peer({ color: 'teal', tags: ['a', 'b'], nested: { x: 1 } })], { generation: 7, owner: 'ops' });
    const registry = parseRegistry(FILE, text);
    expect(registry).toMatchObject({ generation: 7, owner: 'ops' });
    expect(registry.peers[0]).toMatchObject({ color: 'teal', tags: ['a', 'b'], nested: { x: 1 } });
    // What is written back is what was read.
    expect(JSON.parse(JSON.stringify(registry))).toEqual(JSON.parse(text));
  });

  it('accepts a description of exactly 450 characters and an empty peer list', () => {
    expect(MAX_DESCRIPTION).toBe(450);
    expect(parseRegistry(FILE, registryText([peer({ description: 'd'.repeat(450) })])).peers).toHaveLength(1);
    expect(parseRegistry(FILE, registryText([]))).toEqual(emptyRegistry());
  });

  const invalid: Array<[label: string, text: string]> = [
    ['truncated JSON', registryText([peer()]).slice(0, 60)],
    ['empty file', ''],
    ['null', 'null'],
    ['an array', '[]'],
    ['version 1', JSON.stringify({ version: 1, peers: [] })],
    ['version 3', JSON.stringify({ version: 3, peers: [] })],
    ['version as a string', JSON.stringify({ version: '2', peers: [] })],
    ['missing peers', JSON.stringify({ version: 2 })],
    ['duplicate personalities', registryText([peer(), peer({ runtimes: ['codex'] })])],
    ['empty runtimes', registryText([peer({ runtimes: [] })])],
    ['repeated runtime', registryText([peer({ runtimes: ['demo', 'demo'] })])],
    ['invalid runtime name', registryText([peer({ runtimes: ['Claude'] })])],
    ['invalid personality', registryText([peer({ personality: '../x' })])],
    ['relative cwd', registryText([peer({ cwd: 'projects/boris' })])],
    ['description of 451 characters', registryText([peer({ description: 'd'.repeat(451) })])],
    ['alwaysOn as a string', registryText([peer({ alwaysOn: 'yes' })])],
    ['negative idle timeout', registryText([peer({ idleTimeoutSec: -1 })])],
    ['fractional idle timeout', registryText([peer({ idleTimeoutSec: 1.5 })])],
    ['missing initialPrompt', registryText([peer({ initialPrompt: undefined })])],
    ['bad createdAt', registryText([peer({ createdAt: 'yesterday' })])],
  ];

  it.each(invalid)('%s → CorruptFileError naming the file (exit 1)', (_label, text) => {
    const error = corruptErrorOf(text);
    expect(error.exitCode).toBe(1);
    expect(error.code).toBe('ECORRUPT');
    expect(error.file).toBe(FILE);
    expect(error.message).toContain(FILE);
    expect(error.message).toMatch(/left untouched/);
  });

  it('says a leading BOM is a byte-order mark', () => {
    const error = corruptErrorOf(`\uFEFF${registryText([peer()])}`);
    expect(error.message).toContain(FILE);
    expect(error.message).toMatch(/byte-order mark/);
  });

  it('says where a validation problem is', () => {
    expect(corruptErrorOf(registryText([peer({ cwd: 'rel' })])).message).toContain('peers.0.cwd');
    expect(corruptErrorOf(registryText([peer(), peer({ personality: 'x', description: 'd'.repeat(451) })])).message).toContain(
      'peers.1.description',
    );
    expect(corruptErrorOf(registryText([peer(), peer()])).message).toMatch(/appears twice/);
  });
});

describe('readRegistry', () => {
  it('reads a real file', async () => {
    const file = join(dir(), 'peers.json');
    await writeFile(file, registryText([peer({ future: true })]));
    const registry = readRegistry(file);
    expect(registry.peers[0]).toMatchObject({ personality: 'boris', future: true });
  });

  it("treats a missing file as an empty registry", () => {
    expect(readRegistry(join(dir(), 'missing', 'peers.json'))).toEqual({ version: 2, peers: [] });
  });

  it('refuses a file with a BOM, naming it', async () => {
    const file = join(dir(), 'bom.json');
    await writeFile(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(registryText([peer()]))]));
    let error: unknown;
    try {
      readRegistry(file);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CorruptFileError);
    expect((error as CorruptFileError).message).toContain(file);
    expect((error as CorruptFileError).message).toMatch(/byte-order mark/);
  });

  it('refuses a truncated file, naming it', async () => {
    const file = join(dir(), 'truncated.json');
    await writeFile(file, registryText([peer()]).slice(0, -3));
    expect(() => readRegistry(file)).toThrow(CorruptFileError);
    expect(() => readRegistry(file)).toThrow(file);
  });
});
