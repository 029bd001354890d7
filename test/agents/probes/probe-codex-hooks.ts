// Probe: Codex CLI hooks and `notify`, with the hooks given in several ways:
//   npx tsx test/agents/probes/probe-codex-hooks.ts <how> [steps]
//   flags          `-c hooks.<Event>=[{hooks=[{type="command",command="…"}]}]` overrides
//   flags-bypass   the same plus --dangerously-bypass-hook-trust
//   hooks-json     $CODEX_HOME/hooks.json (the user's own file; no override)
//   hooks-json-bypass
//   notify         only `-c notify=[…]` (no hooks)
//   both-bypass    a user hook in $CODEX_HOME/hooks.json (tag user-…) and the -c ones: do both run?
//   flags-trust / hooks-json-trust: answer "Trust all and continue" on the review screen and
//                  show what Codex wrote into config.toml
//   flags-state    learn the trusted hashes as flags-trust does (first launch), restore the
//                  config, then launch again passing them as `-c hooks.state…` overrides
// steps: comma list of basic (two messages, one 12 lines), busy (one sent while a slow
// turn runs), interrupt (Escape in a slow turn), tool (a shell call), permission (a shell call
// asking for escalation: give e.g. `-c approval_policy="on-request"` as extra arguments),
// big (a 164 KB message), compact, exit. Arguments after the steps go to codex.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type AgentLaunch, codexHome } from '../agent-homes.js';
import { startFakeModelApi } from '../fake-model-api.js';
import { RECORD_HOOK, cleanup, log, readEvents, saveScreen, startPane, summarise, tempDir, until, visible } from './probe-kit.js';

const READY = /^› (?:Ask Codex to do anything|Ask a follow-up question)\s*$/mu;
const IDLE_FOOTER = /\? for shortcuts/;
const how = process.argv[2] ?? 'flags';
const steps = (process.argv[3] ?? 'basic,exit').split(',');
const EVENTS = ['SessionStart', 'UserPromptSubmit', 'Stop', 'PreToolUse', 'PermissionRequest', 'PostToolUse', 'PreCompact', 'PostCompact', 'SessionEnd', 'Interrupt'];

const tomlString = (s: string): string => JSON.stringify(s);

async function main(): Promise<void> {
  const api = await startFakeModelApi();
  const work = tempDir('probe-codex-');
  const cwd = join(work, 'proj');
  const D = join(work, 'events');
  mkdirSync(cwd);
  mkdirSync(D);
  let launch: AgentLaunch | undefined;
  const t0 = Date.now();
  const rel = (ns: bigint): string => `+${Number(ns / 1_000_000n) - t0}ms`;
  try {
    launch = codexHome({ port: api.port, cwd });
    const codexDir = join(launch.home, '.codex');
    const args: string[] = [];
    if (how.startsWith('flags') || how === 'both-bypass') {
      for (const ev of EVENTS) {
        args.push('-c', `hooks.${ev}=[{hooks=[{type="command",command=${tomlString(`${RECORD_HOOK} ${D} ${ev}`)}}]}]`);
      }
    }
    if (how.startsWith('hooks-json')) {
      const hooks: Record<string, unknown> = {};
      for (const ev of EVENTS) hooks[ev] = [{ hooks: [{ type: 'command', command: `${RECORD_HOOK} ${D} ${ev}` }] }];
      writeFileSync(join(codexDir, 'hooks.json'), JSON.stringify({ hooks }, null, 2));
    }
    if (how === 'both-bypass') {
      const user = { hooks: { UserPromptSubmit: [{ hooks: [{ type: 'command', command: `${RECORD_HOOK} ${D} user-UserPromptSubmit` }] }] } };
      writeFileSync(join(codexDir, 'hooks.json'), JSON.stringify(user));
    }
    if (how.endsWith('bypass')) args.push('--dangerously-bypass-hook-trust');
    const configBefore = readFileSync(join(codexDir, 'config.toml'), 'utf8');
    // notify always: argv = the program, then Codex appends the JSON payload.
    args.push('-c', `notify=[${[RECORD_HOOK, D, 'notify'].map(tomlString).join(',')}]`);
    const argv = [...launch.fresh, ...args, ...process.argv.slice(4)];
    log(`how=${how}; argv: ${argv.map((a) => (a.length > 140 ? `${a.slice(0, 140)}…` : a)).join(' ')}`);
    const env = { ...launch.env, PEER_IDENTITY: 'codex-probe' };
    if (how === 'flags-state') {
      const first = startPane(join(work, 'sock'), 'learn', cwd, env, argv);
      await until(() => /Hooks need review/.test(first.screen()), 60_000);
      first.keys('Down');
      await sleep(300);
      first.keys('Enter');
      await sleep(1500);
      first.kill();
      const grown = readFileSync(join(codexDir, 'config.toml'), 'utf8');
      writeFileSync(join(codexDir, 'config.toml'), configBefore);
      for (const m of grown.matchAll(/^\[hooks\.state\.("[^"]+")\]\ntrusted_hash = ("[^"]+")/gm)) {
        argv.push('-c', `hooks.state.${m[1] ?? ''}.trusted_hash=${m[2] ?? ''}`);
      }
      log(`relaunch with ${(argv.length - launch.fresh.length - args.length) / 2} trust overrides, e.g. ${argv[argv.length - 1] ?? ''}`);
    }
    const pane = startPane(join(work, 'sock'), 'probe', cwd, env, argv);
    if (how.endsWith('trust')) {
      const review = await until(() => /Hooks need review/.test(pane.screen()), 60_000);
      saveScreen('codex-hooks-review', pane.screen());
      log(`review screen: ${String(Boolean(review))}:\n${visible(pane.screen())}`);
      pane.keys('Down');
      await sleep(300);
      pane.keys('Enter');
      await sleep(1500);
      const after = readFileSync(join(codexDir, 'config.toml'), 'utf8');
      log(`config.toml grew by:\n${after.startsWith(configBefore) ? after.slice(configBefore.length) : after}`);
    }
    const up = await until(() => READY.test(pane.screen()) && IDLE_FOOTER.test(pane.screen()), 60_000);
    await sleep(1500);
    log(`ready=${String(Boolean(up))} after ${Date.now() - t0} ms; screen:\n${visible(pane.screen())}`);
    if (!pane.alive()) throw new Error(`codex ended: ${pane.deadStatus()}`);
    const turns = (): number => readEvents(D).filter((e) => e.tag === 'notify').length;
    const send = async (text: string): Promise<void> => {
      pane.paste(text);
      await sleep(300);
      pane.keys('Enter');
    };
    const turn = async (text: string): Promise<void> => {
      const n = turns();
      await send(text);
      await until(() => turns() > n, 30_000);
      await sleep(800);
    };

    for (const step of steps) {
      log(`--- step ${step}`);
      if (step === 'basic') {
        await turn('[iap from=operator topic=none id=mhwxk3c1z000-11a9-9f2c4a]\nhello one line');
        await turn(`[iap from=claude-amy topic=build id=mhwxk3c1z001-11a9-aaaaaa]\n${Array.from({ length: 12 }, (_, i) => `line ${i + 1}\twith a tab`).join('\n')}`);
      } else if (step === 'busy') {
        api.setNext({ kind: 'text', text: 'slow answer', delayMs: 8000 });
        const n = turns();
        await send('[iap from=operator topic=none id=aaaaaaaaaaaa-1-aaaaaa]\nslow task');
        await until(() => api.inFlight() > 0, 10_000, 50);
        await sleep(1500);
        await send('[iap from=operator topic=none id=bbbbbbbbbbbb-1-bbbbbb]\nsent while busy');
        await sleep(600);
        log('screen while busy:\n' + visible(pane.screen()).split('\n').slice(-8).join('\n'));
        await until(() => turns() > n && api.inFlight() === 0, 40_000);
        await sleep(1500);
      } else if (step === 'interrupt') {
        api.setNext({ kind: 'text', text: 'slow answer', delayMs: 15_000 });
        await send('a slow one to interrupt');
        await until(() => api.inFlight() > 0, 10_000, 50);
        await sleep(1500);
        pane.keys('Escape');
        await sleep(3000);
        log('screen after Escape:\n' + visible(pane.screen()).split('\n').slice(-6).join('\n'));
      } else if (step === 'tool') {
        api.setNext({ kind: 'tool', name: 'exec_command', input: { cmd: 'echo probe > tool-ran.txt' }, thenText: 'tool done' });
        await turn('run a shell command');
        log('screen after the tool turn:\n' + visible(pane.screen()).split('\n').slice(-10).join('\n'));
        log('tools offered:', api.requests.filter((r) => r.kind === 'main').pop()?.tools);
      } else if (step === 'permission') {
        api.setNext({
          kind: 'tool',
          name: 'exec_command',
          input: { cmd: 'echo probe > escalated.txt', sandbox_permissions: 'require_escalated', justification: 'Probe: may I write escalated.txt?' },
          thenText: 'permission tool done',
        });
        const n = readEvents(D).length;
        const tp = Date.now();
        await send('run a command that needs approval');
        const dialog = await until(() => /approv|Would you like|Allow|\bYes\b/i.test(pane.screen()) && !/YOLO/.test(pane.screen().split('\n').slice(-15).join('\n')), 20_000, 50);
        log(`dialog after ${Date.now() - tp} ms: ${String(Boolean(dialog))}`);
        await sleep(8000);
        saveScreen('codex-approval', pane.screen());
        log('screen at the approval:\n' + visible(pane.screen()).split('\n').slice(-16).join('\n'));
        log('events since:', readEvents(D).slice(n).map((e) => `+${Number(e.ns / 1_000_000n) - tp}ms ${summarise(e, 200)}`));
        const m = readEvents(D).length;
        pane.keys('Escape');
        await sleep(3000);
        log('screen after Escape:\n' + visible(pane.screen()).split('\n').slice(-8).join('\n'));
        log('events after Escape:', readEvents(D).slice(m).map((e) => summarise(e, 200)));
      } else if (step === 'big') {
        const big = `[iap from=operator topic=none id=ffffffffffff-1-ffffff]\n${Array.from({ length: 3000 }, (_, i) => `big line ${i} ${'x'.repeat(40)}`).join('\n')}`;
        log(`big message: ${big.length} chars`);
        const n = readEvents(D).length;
        await send(big);
        await until(() => readEvents(D).slice(n).some((e) => e.tag === 'Stop'), 30_000);
        await sleep(3000);
        for (const e of readEvents(D).slice(n)) {
          const p = e.json?.prompt ?? e.json?.['input-messages'];
          log(`  ${e.tag}: payload ${JSON.stringify(p ?? null).length} chars`);
        }
        log(`notify after the big one: ${readEvents(D).slice(n).filter((e) => e.tag === 'notify').length}`);
      } else if (step === 'compact') {
        pane.type('/compact');
        await sleep(600);
        pane.keys('Enter');
        await sleep(6000);
      } else if (step === 'exit') {
        pane.type('/quit');
        await sleep(600);
        pane.keys('Enter');
        await until(() => !pane.alive(), 15_000);
        await sleep(1000);
        log(`after /quit: ${pane.deadStatus()}; last lines:\n${visible(pane.screen()).split('\n').slice(-5).join('\n')}`);
      }
    }
    log('=== events');
    for (const e of readEvents(D)) {
      if (e.tag === 'notify') log('  ', rel(e.ns), `${summarise(e, 300)} (stdin: ${JSON.stringify(e.stdin.slice(0, 100))})`);
      else log('  ', rel(e.ns), summarise(e, 300));
    }
    const first = readEvents(D).find((e) => e.tag === 'UserPromptSubmit');
    if (first) log('=== env of the first UserPromptSubmit hook\n' + first.env.split('\n').filter((l) => !/^(npm_|PIP_|SSL_|CURL_|NIX_|GRPC_|HTTPLIB|REQUESTS_|AWS_|CLOUD|GIT_SSL|NODE_EXTRA)/.test(l)).join('\n'));
    log('model requests:', api.requests.map((r) => `${r.kind}${r.sideReason ? `/${r.sideReason}` : ''}`).join(' '));
    pane.kill();
  } finally {
    await api.close();
    cleanup(launch, work);
  }
}

await main();
