import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/core/config.js';
import { REPO } from '../../helpers/cli.js';

/** The README's Configuration row of a variable: its default and its meaning. */
function readmeRow(variable: string): { readonly byDefault: string; readonly meaning: string } {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const row = readme.split('\n').find((line) => line.startsWith(`| \`${variable}\` |`));
  if (row === undefined) throw new Error(`README.md has no Configuration row for ${variable}`);
  const [, byDefault = '', meaning = ''] = row.split(' | ');
  return { byDefault: byDefault.replace(/`/g, ''), meaning };
}

const accepts = (variable: string, value: number) => () => loadConfig({ [variable]: String(value) }, '/home/tester');

describe('the README names the bounds the configuration enforces', () => {
  it.each(['IAPEER_SUPERVISE_INTERVAL_MS', 'IAPEER_IDLE_TIMEOUT_S', 'IAPEER_LIFECYCLE_LOG_KEEP'])('%s: "<low> to <high>"', (variable) => {
    const { byDefault, meaning } = readmeRow(variable);
    const [, low, high] = /\b(\d+)(?: \([a-z]+\))? to (\d+)\b/.exec(meaning) ?? [];
    expect(low, meaning).toBeDefined();
    for (const ok of [Number(low), Number(high), Number(byDefault)]) expect(accepts(variable, ok), `${variable}=${ok}`).not.toThrow();
    if (Number(low) > 0) expect(accepts(variable, Number(low) - 1)).toThrow(variable);
    expect(accepts(variable, Number(high) + 1)).toThrow(variable);
  });

  it('IAPEER_LIFECYCLE_LOG_MAX_BYTES: "at least <low>"', () => {
    const variable = 'IAPEER_LIFECYCLE_LOG_MAX_BYTES';
    const { byDefault, meaning } = readmeRow(variable);
    const low = Number(/at least (\d+)/.exec(meaning)?.[1]);
    expect(accepts(variable, low)).not.toThrow();
    expect(accepts(variable, Number(byDefault))).not.toThrow();
    expect(accepts(variable, low - 1)).toThrow(variable);
  });
});
