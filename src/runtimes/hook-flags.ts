import { hookCommand } from './hook-command.js';

/** Seconds a runtime waits for a hook before killing it; the hook takes a few ms. */
export const HOOK_TIMEOUT_S = 2;

export const CLAUDE_EVENTS = ['SessionStart', 'UserPromptSubmit', 'Stop', 'Notification', 'PermissionRequest', 'SessionEnd', 'PreCompact'] as const;
export const CODEX_EVENTS = ['SessionStart', 'UserPromptSubmit', 'Stop', 'PermissionRequest', 'Interrupt', 'SessionEnd', 'PreCompact'] as const;
export const DEMO_EVENTS = ['SessionStart', 'UserPromptSubmit', 'Stop', 'PermissionRequest', 'Notification'] as const;

/** Claude-settings shaped hooks, one command per event, no matcher (every tool, every notification). */
export function hookSettings(eventsFile: string, events: readonly string[]): { hooks: Record<string, unknown> } {
  const hooks = Object.fromEntries(
    events.map((kind) => [kind, [{ hooks: [{ type: 'command', command: hookCommand(eventsFile, kind), timeout: HOOK_TIMEOUT_S }] }]]),
  );
  return { hooks };
}

/** Claude Code: inline settings, merged with the user's; `disableAllHooks: false` outweighs a user's `true`. */
export function claudeHookFlags(eventsFile: string): string[] {
  return ['--settings', JSON.stringify({ disableAllHooks: false, ...hookSettings(eventsFile, CLAUDE_EVENTS) })];
}

/** A TOML basic string: JSON's escapes, plus DEL, which TOML refuses raw. */
export function tomlString(text: string): string {
  return JSON.stringify(text).replace(/\x7f/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Codex: one `-c hooks.<Event>=…` override per event, and the trust bypass: without it a trust
 * modal blocks the session, and trusting writes into the user's config.toml. The bypass also
 * runs the user's own untrusted hooks for that session (the README says so).
 */
export function codexHookFlags(eventsFile: string): string[] {
  const flags = CODEX_EVENTS.flatMap((kind) => [
    '-c',
    `hooks.${kind}=[{hooks=[{type="command",command=${tomlString(hookCommand(eventsFile, kind))},timeout=${HOOK_TIMEOUT_S}}]}]`,
  ]);
  return [...flags, '--dangerously-bypass-hook-trust'];
}

/** The demo agent runs the same commands itself. */
export function demoHookFlags(eventsFile: string): string[] {
  return ['--hooks', JSON.stringify(hookSettings(eventsFile, DEMO_EVENTS))];
}
