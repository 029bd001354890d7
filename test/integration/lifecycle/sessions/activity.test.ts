// Activity on real tmux servers: a demo peer whose events file gets the lines a runtime's hooks
// write, its screen's patterns when events cannot decide, attention lines, and the daemon's
// idle reaping by activity.
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type TestHome, tmux, waitFor } from '../../../helpers/cli.js';
import { daemonJson, startDaemon, waitForTicks } from '../../../helpers/daemon.js';
import { scaled, testTimeoutFor } from '../../../helpers/deadline.js';
import { expectOk, lifecycleLines, rowOf } from '../../../helpers/fleet.js';
import { useHome } from '../../../helpers/use-home.js';
import { DEMO_AGENT, livePeer, socketOf } from '../../../fixtures/messages.js';
import { loadConfig } from '../../../../src/core/config.js';
import { createContext } from '../../../../src/lifecycle/context/app-context.js';
import { currentActivity } from '../../../../src/lifecycle/sessions/fleet-status.js';
import { readRegistry } from '../../../../src/registry/read-registry.js';

interface ActivityRow {
  readonly state: string;
  readonly activity: string | null;
  readonly activitySince: string | null;
  readonly attention: string | null;
}

/** What a runtime's hook appends: `<kind> <unix seconds> <payload>`. */
async function hookLine(home: TestHome, identity: string, kind: string, payload: Record<string, unknown> = {}, secondsAgo = 0): Promise<void> {
  const at = Math.floor(Date.now() / 1000) - secondsAgo;
  await appendFile(join(home.home, 'state', identity, 'events'), `${kind} ${at} ${JSON.stringify(payload)}\n`);
}

async function activityRow(home: TestHome, identity: string): Promise<ActivityRow> {
  const row = (await rowOf(home, identity)) as unknown as ActivityRow | undefined;
  if (row === undefined) throw new Error(`no row for ${identity}`);
  return row;
}

function contextOf(home: TestHome) {
  const env = { ...home.env };
  return createContext({ config: loadConfig(env, homedir()), env, cwd: home.home, nodeBin: process.execPath });
}

const attentionLines = async (home: TestHome) => (await lifecycleLines(home)).filter((line) => line.includes(' ev=attention '));

const DIALOG = "Auto mode can't check actions in this session and needs your choice";

describe('activity', () => {
  const home = useHome();

  it(
    'follows the events: busy, needs-input with the words (logged once), idle after iapeer interrupt (cleared once)',
    async () => {
      await livePeer(home, 'ann');
      // No runtime event yet: the demo's ready prompt says idle.
      expect(await activityRow(home, 'demo-ann')).toMatchObject({ state: 'live', activity: 'idle', attention: null });

      await hookLine(home, 'demo-ann', 'UserPromptSubmit', { session_id: 's1', prompt: 'hello' });
      expect(await activityRow(home, 'demo-ann')).toMatchObject({ activity: 'busy', attention: null });

      await hookLine(home, 'demo-ann', 'Notification', { notification_type: 'agent_needs_input', message: DIALOG });
      const waiting = await activityRow(home, 'demo-ann');
      expect(waiting).toMatchObject({ activity: 'needs-input', attention: DIALOG });
      expect(Date.parse(waiting.activitySince ?? '')).toBeGreaterThan(Date.now() - 60_000);
      // The same, asked for one identity in process (what a delivery's gate asks).
      const ctx = contextOf(home);
      const peer = readRegistry(ctx.paths.registry).peers.find((one) => one.personality === 'ann');
      expect(peer && (await currentActivity(ctx, peer, 'demo'))).toMatchObject({ activity: 'needs-input', attention: DIALOG, reason: 'dialog', source: 'events' });
      const table = await home.run(['list']);
      expectOk(table);
      // In a pipe: plain words, no colour.
      expect(table.stdout).toMatch(/^PEER +RUNTIME +STATE +ACTIVITY +IDLE/);
      expect(table.stdout).toMatch(/^ann +demo +live +needs-input /m);
      expect(table.stdout).not.toContain('\x1b[');
      const status = await home.run(['status', '--json']);
      expectOk(status);
      expect(JSON.parse(status.stdout)).toMatchObject({ peers: { live: 1, activity: { busy: 0, idle: 0, 'needs-input': 1, unknown: 0 } } });
      expect((await home.run(['status'])).stdout).toMatch(/^activity +0 busy, 0 idle, 1 needs-input, 0 unknown$/m);
      const opened = await attentionLines(home);
      expect(opened).toHaveLength(1);
      expect(opened[0]).toMatch(/ ev=attention identity=demo-ann reason=dialog msg="Auto mode can't check actions in this session and needs your choice"$/);

      expectOk(await home.run(['interrupt', 'ann']));
      expect(await readFile(join(home.home, 'state', 'demo-ann', 'events'), 'utf8')).toMatch(/\niapeer-interrupt \d+ \{\}\n$/);
      expect(await activityRow(home, 'demo-ann')).toMatchObject({ activity: 'idle', attention: null });
      const lines = await attentionLines(home);
      expect(lines).toHaveLength(2);
      expect(lines[1]).toMatch(/ ev=attention identity=demo-ann action=cleared$/);
    },
    testTimeoutFor(60_000),
  );

  it(
    'stale busy events and a ready screen: idle (an Escape the runtime did not report); a busy screen: busy',
    async () => {
      await livePeer(home, 'bo');
      await hookLine(home, 'demo-bo', 'UserPromptSubmit', { prompt: 'x' }, 30);
      expect(await activityRow(home, 'demo-bo')).toMatchObject({ activity: 'idle' });

      // A shell command keeps the demo busy, its "(working…" footer drawn.
      tmux(socketOf(home, 'demo-bo'), ['send-keys', '-t', '%0', '-l', '!sleep 60']);
      tmux(socketOf(home, 'demo-bo'), ['send-keys', '-t', '%0', 'Enter']);
      await waitFor(async () => (await activityRow(home, 'demo-bo')).activity === 'busy', 'busy from the screen', scaled(15_000), 200);
      // Stale needs-input events with a busy screen: the human answered, the turn goes on.
      await hookLine(home, 'demo-bo', 'PermissionRequest', { tool_name: 'Bash' }, 10);
      expect(await activityRow(home, 'demo-bo')).toMatchObject({ activity: 'busy', attention: null });
    },
    testTimeoutFor(60_000),
  );

  it(
    'the daemon does not reap a peer whose events say busy, however silent; it does after a Stop and the timeout',
    async () => {
      // A runtime with no screen patterns: its events alone decide.
      await writeFile(
        join(home.home, 'runtimes.json'),
        JSON.stringify({ runtimes: { quiet: { fresh: [process.execPath, DEMO_AGENT] } } }),
        { mode: 0o600 },
      );
      const cwd = join(home.home, 'work-cy');
      await mkdir(cwd, { recursive: true });
      expectOk(await home.run(['add', 'cy', '--runtime', 'quiet', '--cwd', cwd, '--idle-timeout', '1']));
      expectOk(await home.run(['start', 'cy']));
      await hookLine(home, 'quiet-cy', 'SessionStart', { source: 'startup' }, 5);
      await hookLine(home, 'quiet-cy', 'UserPromptSubmit', { prompt: 'a long turn' }, 5);
      const daemon = startDaemon(home, { IAPEER_SUPERVISE_INTERVAL_MS: '200' });
      await waitForTicks(home, daemon, 10);
      const started = Date.now();
      // Well past the timeout and the events' staleness: still up, and said busy.
      await waitFor(() => Date.now() - started > 4000, 'four seconds of ticks', scaled(10_000), 200);
      expect(await lifecycleLines(home)).not.toEqual(expect.arrayContaining([expect.stringMatching(/action=reaped-idle/)]));
      expect(await activityRow(home, 'quiet-cy')).toMatchObject({ state: 'live', activity: 'busy' });
      expect((await daemonJson(home)) as unknown).toMatchObject({ activity: { 'quiet-cy': { activity: 'busy', attention: null } } });

      await hookLine(home, 'quiet-cy', 'Stop', { last_assistant_message: 'done' });
      const reaped = await waitFor(
        async () => (await lifecycleLines(home)).find((line) => / ev=supervise identity=quiet-cy action=reaped-idle age=\d+s$/.test(line)),
        'the idle reap after the Stop',
        scaled(20_000),
        200,
      );
      expect(Number(/age=(\d+)s/.exec(reaped)?.[1])).toBeGreaterThanOrEqual(1);
      expect((await activityRow(home, 'quiet-cy')).state).toBe('down');
      expect((await activityRow(home, 'quiet-cy')).activity).toBeNull();
    },
    testTimeoutFor(90_000),
  );
});
