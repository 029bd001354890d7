import { describe, expect, it } from 'vitest';
import { namedPaths, readmeBlocks, readmeSections, splitShellLine, unmarkedCommands } from '../../helpers/readme-examples.js';
import { jsonMismatch, lineShape, textMismatch } from '../../helpers/readme-shapes.js';

const homes = { home: '/tmp/h/user', iapeerHome: '/tmp/h' };

const SAMPLE = [
  '# tool',
  '```sh',
  'npm test   # all of it',
  '```',
  '## list',
  '```sh',
  '$ iapeer list',
  'PEER   STATE',
  'bob    live',
  '$ iapeer list --json   # [{personality, "pid"?}]',
  '```',
  '### send',
  '```bash',
  'iapeer send bob --message "PR #42"   # (exit 1) when bob is stopped',
  '# {"id":"0mx9krfx0000-mgh-0c0kb0","outcome":"queued"}',
  '# a comment, not output',
  'iapeer send bob \\',
  '  --message-file notes.md',
  '```',
  '```text',
  'iapeer daemon running (pid 1)',
  '```',
  '```json',
  '{"a": 1}',
  '```',
].join('\n');

describe('readmeSections', () => {
  const sections = readmeSections(SAMPLE);
  const all = sections.flatMap((section) => section.examples);

  it('takes the commands of sh and bash blocks, by the section of the heading above them', () => {
    expect(sections.map((section) => [section.title, section.examples.map((example) => example.command)])).toEqual([
      ['tool', ['npm test']],
      ['list', ['iapeer list', 'iapeer list --json']],
      ['send', ['iapeer send bob --message "PR #42"', 'iapeer send bob --message-file notes.md']],
    ]);
  });

  it('keeps the output shown under a prompt, and JSON shown beside or under a command', () => {
    expect(all[1]?.shownLines).toEqual(['PEER   STATE', 'bob    live']);
    expect(all[2]?.shownJson).toBe('[{personality, "pid"?}]');
    expect(all[3]?.shownJson).toBe('{"id":"0mx9krfx0000-mgh-0c0kb0","outcome":"queued"}');
    expect(all[4]?.shownJson).toBeUndefined();
  });

  it('reads the exit status a comment states, else 0; runs a command with its comment, as written', () => {
    expect(all.map((example) => example.expectedExit)).toEqual([0, 0, 0, 1, 0]);
    expect(all[3]?.text).toBe('iapeer send bob --message "PR #42"   # (exit 1) when bob is stopped');
    expect(all[3]?.line).toBe(14);
  });
});

describe('splitShellLine', () => {
  it('starts a comment only at a # that begins a word outside quotes', () => {
    expect(splitShellLine(`echo 'a # b' x#y "c # d" # e`)).toEqual({ command: `echo 'a # b' x#y "c # d"`, comment: 'e', words: ['echo', 'a # b', 'x#y', 'c # d'] });
  });
});

describe('readmeBlocks', () => {
  it('takes a line that opens with backticks holding more backticks for inline code, not a fence', () => {
    expect(readmeBlocks('- blocks marked\n  ```` ```sh ````: so\n```sh\niapeer list\n```').map((block) => [block.info, block.lines])).toEqual([['sh', ['iapeer list']]]);
  });
});

describe('unmarkedCommands', () => {
  it('finds command lines in a block with no info string, not in one marked as output', () => {
    expect(unmarkedCommands('```\n$ iapeer list\n```\n```text\niapeer daemon running\n```\n```\nts=1 ev=stop\n```')).toEqual([{ line: 2, text: '$ iapeer list' }]);
  });
});

describe('namedPaths', () => {
  it('names ~/ directories and files in the current directory, never globs or words in quotes', () => {
    const [example] = readmeSections('```sh\niapeer x --cwd ~/src/api --a ./diff.patch --b notes.md --c ~/.iapeer/logs/*.log --d "see PLAN.md"\n```').flatMap((s) => s.examples);
    expect(example && namedPaths(example)).toEqual([
      { path: 'src/api', kind: 'dir' },
      { path: './diff.patch', kind: 'file' },
      { path: 'notes.md', kind: 'file' },
    ]);
  });
});

describe('lineShape', () => {
  it('generalises times, ids, numbers, counts and padding, and nothing else', () => {
    const shape = lineShape('daemon    running (pid 4242, since 2026-11-24T09:00:01.120Z), 5231 ticks, id mhwxk3c1z000-11a9-9f2c4a', homes);
    expect(shape.test('daemon  running (pid 7, since 2027-01-02T03:04:05.006Z), 1 tick, id 0mx9krfx0000-mgh-0c0kb0')).toBe(true);
    expect(shape.test('daemon  stopped (pid 7, since 2027-01-02T03:04:05.006Z), 1 tick, id 0mx9krfx0000-mgh-0c0kb0')).toBe(false);
    expect(lineShape('log /home/me/.iapeer/logs', homes).test('log /tmp/h/logs')).toBe(true);
  });
});

describe('textMismatch', () => {
  it('finds each shown line in the output in order, more lines allowed', () => {
    const output = 'PEER   STATE\nalice  stopped\nbob    live\n';
    expect(textMismatch(['PEER  STATE', 'bob  live'], output, homes)).toBeUndefined();
    expect(textMismatch(['bob  live', 'alice  stopped'], output, homes)).toMatch(/alice/);
  });
});

describe('jsonMismatch', () => {
  it('checks the keys shown, their values, and optional keys', () => {
    const status = '{daemon: {state, pid, stoppedAt?}, queue: {waiting}}';
    expect(jsonMismatch(status, '{"daemon":{"state":"running","pid":1},"queue":{"waiting":0},"more":1}', homes)).toBeUndefined();
    expect(jsonMismatch(status, '{"daemon":{"state":"running"},"queue":{"waiting":0}}', homes)).toMatch(/no key "pid"/);
    const doctor = '{"ok": true, "checks": [{"name", "status", "detail", "fix"?}, …]}';
    expect(jsonMismatch(doctor, '{"ok":true,"checks":[{"name":"a","status":"ok","detail":"d"}]}', homes)).toBeUndefined();
    expect(jsonMismatch(doctor, '{"ok":false,"checks":[{"name":"a","status":"ok","detail":"d"}]}', homes)).toMatch(/ok/);
    expect(jsonMismatch(doctor, '{"ok":true,"checks":[]}', homes)).toMatch(/none/);
  });

  it('generalises ids and `…` in the values shown, and needs one JSON document', () => {
    const shown = '{"id":"0mx9krfx0000-mgh-0c0kb0","outcome":"queued","note":"at …"}';
    expect(jsonMismatch(shown, '{"id":"0mxa00000000-1-abcdef","outcome":"queued","note":"at 3 pm"}', homes)).toBeUndefined();
    expect(jsonMismatch(shown, '{"id":"0mxa00000000-1-abcdef","outcome":"delivered","note":"at 3 pm"}', homes)).toMatch(/outcome/);
    expect(jsonMismatch(shown, '{}\n{}', homes)).toMatch(/not one JSON document/);
  });
});
