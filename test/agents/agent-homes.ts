// Throw-away HOMEs for the real agent CLIs (Claude Code and Codex CLI, at the versions of
// src/runtimes/agent-versions.ts unless `npm run test:agents:latest` installed newer) pointed at
// the loopback fake model API (fake-model-api.ts), so that each comes straight to its input
// prompt: no login, onboarding, trust, theme, release-notes or update screen. See
// FINDINGS.md for what was checked and why each key is there.
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CLAUDE_CODE_VERSION } from '../../src/runtimes/agent-versions.js';

/** A stdio MCP server to wire into the agent at launch. */
export interface McpServerSpec {
  /** Server name as the agent sees it (`iapeer` → Claude tool `mcp__iapeer__<tool>`). */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Tool names the agent may call without a permission prompt. */
  readonly tools: readonly string[];
}

/** Everything needed to start one agent: `tmux new-session … -e K=V … <command…>`. */
export interface AgentLaunch {
  readonly cli: 'claude' | 'codex';
  /** The temp HOME (removed by cleanup()). */
  readonly home: string;
  readonly cwd: string;
  /** Extra environment for the agent (HOME included); add it to the session's env. */
  readonly env: Readonly<Record<string, string>>;
  /** argv of a fresh start. */
  readonly fresh: readonly string[];
  /** argv of a resume ("continue the most recent conversation in this cwd"). */
  readonly resume: readonly string[];
  cleanup(): void;
}

export interface AgentHomeOptions {
  /** Port of the fake model API on 127.0.0.1. */
  readonly port: number;
  /** Working directory of the agent (made real: /tmp may be a symlink on macOS). */
  readonly cwd: string;
  /** Directory holding `claude` / `codex` (default: installAgentsBinDir()). */
  readonly binDir?: string;
  readonly mcp?: McpServerSpec;
  /** Model id sent to the fake API. */
  readonly model?: string;
  /** Parent of the temp HOME (default os.tmpdir()). */
  readonly tmpRoot?: string;
}

/** Where scripts/install-agents.sh puts the CLIs. */
export function installAgentsBinDir(env: NodeJS.ProcessEnv = process.env): string {
  const prefix = env.IAPEER_AGENTS_PREFIX ?? join(env.HOME ?? homedir(), '.cache', 'iapeer-agents');
  return join(prefix, 'node_modules', '.bin');
}

/**
 * The version of an npm package installed beside the bin dir (`<prefix>/node_modules/<pkg>`),
 * or undefined.
 */
export function installedAgentVersion(pkg: string, binDir: string = installAgentsBinDir()): string | undefined {
  try {
    const json = JSON.parse(readFileSync(join(dirname(binDir), pkg, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof json.version === 'string' ? json.version : undefined;
  } catch {
    return undefined;
  }
}

/** `CI` set to anything but empty, `0` or `false`, as CI services set it. */
function isCi(env: NodeJS.ProcessEnv): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether the suite can drive the real CLIs. Without them it skips, saying so on stderr; under
 * CI it throws instead, so that a run that tested no agent fails rather than passes.
 */
export function agentsToTest(env: NodeJS.ProcessEnv = process.env, binDir: string = installAgentsBinDir(env)): boolean {
  const missing = ['claude', 'codex'].filter((name) => !isExecutable(join(binDir, name)));
  if (missing.length === 0) return true;
  const what = `${missing.join(' and ')} not installed in ${binDir} (scripts/install-agents.sh puts them there; npm run test:agents runs it)`;
  if (isCi(env)) throw new Error(`the agent CLIs must be tested under CI, not skipped: ${what}; CI=${env.CI ?? ''}`);
  process.stderr.write(`agents suite skipped: ${what}\n`);
  return false;
}

/** The dummy key; Claude Code remembers approval of its last 20 characters. */
export const FAKE_ANTHROPIC_KEY = 'sk-ant-api03-iapeer-fake-key-0000000000000000000000000000000000000000-AAAAAAAAAA';
export const FAKE_OPENAI_KEY = 'sk-iapeer-fake-openai-key-000000000000';

function makeHome(tmpRoot: string | undefined, prefix: string): string {
  const base = tmpRoot ?? tmpdir();
  mkdirSync(base, { recursive: true });
  return realpathSync(mkdtempSync(join(base, prefix)));
}

// ---------------------------------------------------------------------------------------
// Claude Code

/**
 * Claude Code. Keys of ~/.claude.json that skip a first-run screen:
 * - hasCompletedOnboarding: the theme picker + login/onboarding flow;
 * - customApiKeyResponses.approved: "Detected a custom API key… use it?" (last 20 chars);
 * - projects[cwd].hasTrustDialogAccepted: "Do you trust the files in this folder?";
 * - lastReleaseNotesSeen / hasSeenAutoDefaultNotice / fullscreenUpsellSeenCount: notices;
 * - officialMarketplaceAutoInstallAttempted: a plugin-marketplace fetch at start;
 * - bypassPermissionsModeAccepted / skipDangerousModePermissionPrompt: the warning shown if
 *   `--dangerously-skip-permissions` is ever used.
 * The launch uses `--mcp-config=<file> --strict-mcp-config` (the `=` form: the flags are
 * variadic) and `--allowedTools=<comma list>` so the MCP tools run without a prompt.
 */
export function claudeHome(opts: AgentHomeOptions & { readonly version?: string }): AgentLaunch {
  const home = makeHome(opts.tmpRoot, 'iapeer-claude-home-');
  const cwd = realpathSync(opts.cwd);
  const binDir = opts.binDir ?? installAgentsBinDir();
  const bin = join(binDir, 'claude');
  // The release notes "seen" are those of the installed version (the pinned one, or the newest
  // under test:agents:latest): older ones would show the notes screen at start.
  const version = opts.version ?? installedAgentVersion('@anthropic-ai/claude-code', binDir) ?? CLAUDE_CODE_VERSION;
  const key = FAKE_ANTHROPIC_KEY;
  const claudeJson = {
    numStartups: 1,
    hasCompletedOnboarding: true,
    lastOnboardingVersion: version,
    theme: 'dark',
    customApiKeyResponses: { approved: [key.slice(-20)], rejected: [] },
    autoUpdates: false,
    lastReleaseNotesSeen: version,
    hasSeenAutoDefaultNotice: true,
    hasResetAutoModeOptInForDefaultOffer: true,
    fullscreenUpsellSeenCount: 99,
    officialMarketplaceAutoInstallAttempted: true,
    officialMarketplaceAutoInstalled: false,
    hasIdeOnboardingBeenShown: { vscode: true, cursor: true, windsurf: true },
    shiftEnterKeyBindingInstalled: true,
    hasAcknowledgedCostThreshold: true,
    bypassPermissionsModeAccepted: true,
    projects: {
      [cwd]: {
        hasTrustDialogAccepted: true,
        hasCompletedProjectOnboarding: true,
        projectOnboardingSeenCount: 1,
        hasClaudeMdExternalIncludesApproved: false,
        hasClaudeMdExternalIncludesWarningShown: true,
        allowedTools: [],
        mcpServers: {},
        enabledMcpjsonServers: [],
        disabledMcpjsonServers: [],
      },
    },
  };
  writeFileSync(join(home, '.claude.json'), `${JSON.stringify(claudeJson, null, 2)}\n`);
  mkdirSync(join(home, '.claude'), { recursive: true });
  const allowed = opts.mcp ? opts.mcp.tools.map((t) => `mcp__${opts.mcp?.name}__${t}`) : [];
  const settings = {
    skipDangerousModePermissionPrompt: true,
    permissions: { allow: allowed },
    // autoUpdates in settings is honoured by recent versions; DISABLE_AUTOUPDATER below too.
    autoUpdates: false,
    spinnerTipsEnabled: false,
  };
  writeFileSync(join(home, '.claude', 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);

  const args: string[] = [];
  if (opts.model) args.push(`--model=${opts.model}`);
  if (opts.mcp) {
    const mcpFile = join(home, 'iapeer-mcp.json');
    const server: Record<string, unknown> = { type: 'stdio', command: opts.mcp.command, args: [...opts.mcp.args] };
    if (opts.mcp.env) server.env = { ...opts.mcp.env };
    writeFileSync(mcpFile, `${JSON.stringify({ mcpServers: { [opts.mcp.name]: server } }, null, 2)}\n`);
    args.push(`--mcp-config=${mcpFile}`, '--strict-mcp-config', `--allowedTools=${allowed.join(',')}`);
  }
  const env: Record<string, string> = {
    HOME: home,
    ANTHROPIC_BASE_URL: `http://127.0.0.1:${opts.port}`,
    ANTHROPIC_API_KEY: key,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    CLAUDE_CODE_DISABLE_TERMINAL_TITLE: '1',
    // No plugin-marketplace fetch at start (there is no network beyond loopback).
    CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL: '1',
  };
  return {
    cli: 'claude',
    home,
    cwd,
    env,
    fresh: [bin, ...args],
    resume: [bin, '--continue', ...args],
    cleanup: () => rmSync(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }),
  };
}

// ---------------------------------------------------------------------------------------
// Codex CLI

const tomlString = (s: string): string => JSON.stringify(s); // JSON escapes are valid TOML basic-string escapes

/**
 * Codex CLI. ~/.codex/config.toml selects a custom provider "fake" (Responses wire
 * API at the fake server; no OpenAI login needed because requires_openai_auth is false),
 * trusts the cwd, never asks for approval, and turns off the update check and notices.
 * The MCP server is added with `-c mcp_servers.<name>.…` overrides at launch.
 */
export function codexHome(opts: AgentHomeOptions): AgentLaunch {
  const home = makeHome(opts.tmpRoot, 'iapeer-codex-home-');
  const cwd = realpathSync(opts.cwd);
  const bin = join(opts.binDir ?? installAgentsBinDir(), 'codex');
  const codexDir = join(home, '.codex');
  mkdirSync(codexDir, { recursive: true });
  const model = opts.model ?? 'gpt-5-codex';
  const lines = [
    `model = ${tomlString(model)}`,
    'model_provider = "fake"',
    'approval_policy = "never"',
    'sandbox_mode = "danger-full-access"',
    'check_for_update_on_startup = false',
    'hide_agent_reasoning = true',
    '',
    '[model_providers.fake]',
    'name = "fake"',
    `base_url = ${tomlString(`http://127.0.0.1:${opts.port}/v1`)}`,
    'wire_api = "responses"',
    'env_key = "IAPEER_FAKE_OPENAI_KEY"',
    'request_max_retries = 0',
    'stream_max_retries = 0',
    '',
    `[projects.${tomlString(cwd)}]`,
    'trust_level = "trusted"',
    '',
    '[notice]',
    'hide_full_access_warning = true',
    'hide_world_writable_warning = true',
    'hide_rate_limit_model_nudge = true',
    '',
    // No shared background app-server daemon (codex 0.169 starts one per CODEX_HOME that
    // outlives the tmux session; `-c` overrides force the embedded mode anyway).
    '[features]',
    'daemon_auto_start = false',
    '',
    '[analytics]',
    'enabled = false',
    '',
    '[feedback]',
    'enabled = false',
    '',
  ];
  writeFileSync(join(codexDir, 'config.toml'), lines.join('\n'));

  const args: string[] = [];
  if (opts.mcp) {
    const m = opts.mcp;
    const p = `mcp_servers.${m.name}`;
    args.push('-c', `${p}.command=${tomlString(m.command)}`);
    args.push('-c', `${p}.args=[${m.args.map(tomlString).join(',')}]`);
    if (m.env) {
      const kv = Object.entries(m.env).map(([k, v]) => `${tomlString(k)}=${tomlString(v)}`);
      args.push('-c', `${p}.env={${kv.join(',')}}`);
    }
    args.push('-c', `${p}.default_tools_approval_mode="approve"`);
  }
  const env: Record<string, string> = {
    HOME: home,
    CODEX_HOME: codexDir,
    IAPEER_FAKE_OPENAI_KEY: FAKE_OPENAI_KEY,
  };
  return {
    cli: 'codex',
    home,
    cwd,
    env,
    fresh: [bin, ...args],
    resume: [bin, 'resume', '--last', ...args],
    cleanup: () => rmSync(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }),
  };
}

/** `tmux -S <socket> new-session -d …` argv for a launch (size 200x50 by default). */
export function tmuxNewSessionArgs(
  launch: AgentLaunch,
  socket: string,
  session: string,
  opts: { readonly width?: number; readonly height?: number; readonly mode?: 'fresh' | 'resume' } = {},
): string[] {
  const env = Object.entries(launch.env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  const cmd = opts.mode === 'resume' ? launch.resume : launch.fresh;
  return [
    '-S',
    socket,
    'new-session',
    '-d',
    '-s',
    session,
    '-x',
    String(opts.width ?? 200),
    '-y',
    String(opts.height ?? 50),
    '-c',
    launch.cwd,
    ...env,
    ...cmd,
  ];
}
