import { describe, expect, it } from 'vitest';
import type { HostAnswer } from '../../../../src/lifecycle/hosts/ask-hosts.js';
import { isUnreachable, mergeByHost, mergeOnePerHost, readListRows, readStatusDoc } from '../../../../src/lifecycle/hosts/every-host.js';
import type { Host } from '../../../../src/registry/hosts-file.js';

function host(name: string): Host {
  return { name, ssh: `${name}.example:22`, target: { user: undefined, host: `${name}.example`, port: 22 }, home: undefined, iapeer: ['iapeer'] };
}

const ROW = { personality: 'boris', runtime: 'demo', identity: 'demo-boris', state: 'live' };

describe('readListRows', () => {
  it('takes each row as it came, fields this version does not know included', () => {
    const rows = [{ ...ROW, activity: 'idle', idleSeconds: 3, waiting: 0, description: 'x', later: { field: 1 } }];
    expect(readListRows(JSON.stringify(rows))).toEqual({ value: rows });
    expect(readListRows('[]')).toEqual({ value: [] });
  });

  it('says what is wrong with output that is not rows', () => {
    expect(readListRows('')).toEqual({ problem: 'printed no JSON array' });
    expect(readListRows('{"a":1}')).toEqual({ problem: 'printed no JSON array' });
    expect(readListRows(JSON.stringify([ROW, { personality: 'x' }]))).toEqual({ problem: 'printed a row 1 without personality, runtime, identity and state' });
    expect(readListRows(JSON.stringify([{ ...ROW, idleSeconds: 'soon' }]))).toHaveProperty('problem');
  });
});

describe('readStatusDoc', () => {
  it('takes a status document as it came', () => {
    const doc = { daemon: { state: 'running', pid: 7 }, peers: { problem: 'bad registry' }, queue: { waiting: 1, setAside: 0 }, later: true };
    expect(readStatusDoc(JSON.stringify(doc))).toEqual({ value: doc });
  });

  it('refuses what is not one', () => {
    expect(readStatusDoc('nope')).toEqual({ problem: 'printed no JSON' });
    expect(readStatusDoc('[]')).toEqual({ problem: 'printed no {daemon: {state}, peers, queue}' });
    expect(readStatusDoc(JSON.stringify({ daemon: {}, peers: {}, queue: {} }))).toHaveProperty('problem');
  });
});

describe('mergeByHost', () => {
  it('puts this machine first as local, then each host in the order answered, host first in every entry', () => {
    const answers: Array<HostAnswer<Array<typeof ROW>>> = [
      { host: host('a'), answer: [{ ...ROW, personality: 'ann' }] },
      { host: host('b'), error: 'ssh: connect to host b.example port 22: Connection refused' },
      { host: host('c'), answer: [] },
    ];
    const merged = mergeByHost([ROW], answers);
    expect(merged).toEqual([
      { host: 'local', ...ROW },
      { host: 'a', ...ROW, personality: 'ann' },
      { host: 'b', ssh: 'b.example:22', state: 'unreachable', error: 'ssh: connect to host b.example port 22: Connection refused' },
    ]);
    expect(merged.map((entry) => Object.keys(entry)[0])).toEqual(['host', 'host', 'host']);
    expect(merged.map(isUnreachable)).toEqual([false, false, true]);
  });

  it('names the host itself, whatever host a row claims', () => {
    expect(mergeByHost([], [{ host: host('a'), answer: [{ ...ROW, host: 'elsewhere' }] }])).toEqual([{ host: 'a', ...ROW }]);
  });

  it('without hosts is this machine alone', () => {
    expect(mergeByHost([ROW], [])).toEqual([{ host: 'local', ...ROW }]);
  });
});

describe('mergeOnePerHost', () => {
  it('is one entry per host', () => {
    const doc = { daemon: { state: 'running' }, peers: {}, queue: {} };
    expect(mergeOnePerHost(doc, [{ host: host('a'), answer: doc }, { host: host('b'), error: 'no answer within 10 s' }])).toEqual([
      { host: 'local', ...doc },
      { host: 'a', ...doc },
      { host: 'b', ssh: 'b.example:22', state: 'unreachable', error: 'no answer within 10 s' },
    ]);
  });
});
