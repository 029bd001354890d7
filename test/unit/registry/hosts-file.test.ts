import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHostsFile, readHosts } from '../../../src/registry/hosts-file.js';
import { useTempDir } from '../../helpers/use-temp-dir.js';

const FILE = '/h/hosts.json';
const parse = (json: unknown) => parseHostsFile(FILE, JSON.stringify(json));
const refusal = (json: unknown): string => {
  try {
    parse(json);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('accepted');
};

describe('hosts.json', () => {
  it('reads every field, sorted by name, with the remote command split into words', () => {
    expect(
      parse({
        hosts: {
          gpu: { ssh: 'me@[::1]:2222', iapeer: 'node /opt/iapeer/dist/cli.cjs' },
          build: { ssh: 'ci.example.com', home: "~/it's here", iapeer: ['/usr/bin/node', '/opt/my dir/cli.cjs'] },
        },
      }),
    ).toEqual([
      { name: 'build', ssh: 'ci.example.com', target: { user: undefined, host: 'ci.example.com', port: undefined }, home: "~/it's here", iapeer: ['/usr/bin/node', '/opt/my dir/cli.cjs'] },
      { name: 'gpu', ssh: 'me@[::1]:2222', target: { user: 'me', host: '::1', port: 2222 }, home: undefined, iapeer: ['node', '/opt/iapeer/dist/cli.cjs'] },
    ]);
  });

  it('defaults the remote command to iapeer and takes no hosts at all', () => {
    expect(parse({ hosts: { b: { ssh: 'b' } } })[0]?.iapeer).toEqual(['iapeer']);
    expect(parse({ hosts: {} })).toEqual([]);
  });

  it.each([
    ['a name with a space', { 'Bad Name': { ssh: 'a' } }, /host "Bad Name": name: a host name is 1 to 32/],
    ['a name with shell characters', { 'x;rm -rf ~': { ssh: 'a' } }, /host "x;rm -rf ~": name: /],
    ['an uppercase name', { Build: { ssh: 'a' } }, /host "Build": name: a host name is 1 to 32 of a-z/],
    ['a name with $(…)', { '$(touch x)': { ssh: 'a' } }, /host "\$\(touch x\)": name: /],
    ['an ssh value that is a command substitution', { b: { ssh: '$(touch x)' } }, /host "b"\.ssh: expected/],
    ['an ssh value with a ProxyCommand after the host', { b: { ssh: 'host -oProxyCommand=touch /tmp/pwned' } }, /host "b"\.ssh: expected \[user@\]host\[:port\]/],
    ['a name that is an option', { '-oProxyCommand=x': { ssh: 'a' } }, /host "-oProxyCommand=x": name: /],
    ['a name of 33 characters', { ['a'.repeat(33)]: { ssh: 'a' } }, /host "a{33}": name: /],
    ['local as an entry', { local: { ssh: 'a' } }, /host "local": name: "local" is this machine/],
    ['an ssh option as the target', { b: { ssh: '-oProxyCommand=touch /tmp/pwned' } }, /host "b"\.ssh: expected \[user@\]host\[:port\].*-oProxyCommand/],
    ['an ssh value with a space', { b: { ssh: 'user@host -p 22' } }, /host "b"\.ssh: expected \[user@\]host\[:port\]/],
    ['an ssh value with a shell character', { b: { ssh: 'host;id' } }, /host "b"\.ssh: expected/],
    ['a user that is an option', { b: { ssh: '-l@host' } }, /host "b"\.ssh: expected/],
    ['a port out of range', { b: { ssh: 'host:65536' } }, /host "b"\.ssh: port 65536 is not between 1 and 65535/],
    ['port 0', { b: { ssh: 'host:0' } }, /host "b"\.ssh: port 0 is not/],
    ['a port that is not a number', { b: { ssh: 'host:ssh' } }, /host "b"\.ssh: expected/],
    ['no ssh', { b: {} }, /host "b"\.ssh: /],
    ['a relative home', { b: { ssh: 'h', home: 'iapeer' } }, /host "b"\.home: expected an absolute path or one under ~\//],
    ['a home with a line break', { b: { ssh: 'h', home: '/a\nb' } }, /host "b"\.home: must not hold a NUL or a line break/],
    ['an empty remote command', { b: { ssh: 'h', iapeer: [] } }, /host "b"\.iapeer: expected the command that runs iapeer/],
    ['an empty word in the remote command', { b: { ssh: 'h', iapeer: ['node', ''] } }, /host "b"\.iapeer: must not hold an empty word/],
    ['an unknown field', { b: { ssh: 'h', proxy: 'x' } }, /host "b": Unrecognized key: "proxy"/],
  ])('refuses %s, naming the host and the field', (_what, hosts, message) => {
    const text = refusal({ hosts });
    expect(text).toMatch(message);
    expect(text).toMatch(/^\/h\/hosts\.json is invalid \(/);
  });

  it('refuses a file that is not JSON, or has no hosts object', () => {
    expect(() => parseHostsFile(FILE, '{')).toThrow(/hosts\.json is invalid \(not JSON/);
    expect(refusal({})).toMatch(/hosts: /);
    expect(refusal({ hosts: [] })).toMatch(/hosts: /);
  });

  it('accepts a home with quotes, $ and spaces as it is: the remote command quotes it', () => {
    expect(parse({ hosts: { b: { ssh: 'h', home: `/srv/a 'b' "c" $(id)` } } })[0]?.home).toBe(`/srv/a 'b' "c" $(id)`);
  });

  describe('the file', () => {
    const dir = useTempDir('iap-hosts-');

    it('is absent: no hosts', () => {
      expect(readHosts(dir())).toEqual([]);
    });

    it('open to other users is refused, as the registry is', () => {
      const file = join(dir(), 'hosts.json');
      writeFileSync(file, JSON.stringify({ hosts: { b: { ssh: 'b' } } }));
      chmodSync(file, 0o600);
      expect(readHosts(dir()).map((host) => host.name)).toEqual(['b']);
      chmodSync(file, 0o666);
      expect(() => readHosts(dir())).toThrow(/hosts\.json/);
    });
  });
});
