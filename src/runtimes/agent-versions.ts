// The Claude Code and Codex CLI versions the built-in `claude` and `codex` runtimes were checked
// against: their screen patterns, their hook and session wiring (test/agents/FINDINGS.md §9),
// and the real-agents suite (`npm run test:agents`). This file is the one place that names them:
// scripts/install-agents.sh reads the two constants below from this file's text (it runs on a
// fresh clone, before any build), so keep each on one line, as `export const NAME = '<version>';`.
// The README names them too; test/unit/runtimes/agent-versions.test.ts checks that every
// mention of a version in the README, src, scripts and test agrees with these.
// To move to newer releases: `npm run test:agents:latest` runs the suite against the newest
// ones; when it passes (and the screens and FINDINGS still hold), change the numbers here and
// in the README.

/** `@anthropic-ai/claude-code`, exactly. */
export const CLAUDE_CODE_VERSION = '2.1.332';
/** `@openai/codex`, exactly. */
export const CODEX_VERSION = '0.169.1';

/** The npm package and the checked version of each agent CLI, by built-in runtime name. */
export const AGENT_VERSIONS = {
  claude: { title: 'Claude Code', package: '@anthropic-ai/claude-code', version: CLAUDE_CODE_VERSION },
  codex: { title: 'Codex CLI', package: '@openai/codex', version: CODEX_VERSION },
} as const;
