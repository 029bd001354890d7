#!/usr/bin/env bash
# `npm run test:agents:latest` (opt-in; not part of `npm test` nor .ci/run): the agent suite
# against the newest Claude Code and Codex CLI on the npm registry instead of the pinned ones
# (src/runtimes/agent-versions.ts), installed into a prefix of their own so that the pinned
# install stays as it is. Prints which versions it used against the pinned ones, first and
# again last (after the suite's output), and exits with the suite's status: a failure with a
# drift named here means the newest release broke what the pinned one passes.
# Extra arguments go to vitest (e.g. a test file). Run after `npm run build`.
# Env: IAPEER_AGENTS_LATEST_PREFIX (default ~/.cache/iapeer-agents-latest)
set -euo pipefail
cd "$(dirname "$0")/.."

export IAPEER_AGENTS_PREFIX="${IAPEER_AGENTS_LATEST_PREFIX:-$HOME/.cache/iapeer-agents-latest}"
bash scripts/install-agents.sh --pinned >/dev/null # fails here if the pins cannot be read
IAPEER_CLAUDE_VERSION=latest IAPEER_CODEX_VERSION=latest bash scripts/install-agents.sh >/dev/null

summary() {
  node -e '
    const { readFileSync } = require("fs");
    const [prefix, pinnedText] = process.argv.slice(1);
    const pinned = new Map(pinnedText.trim().split("\n").map((line) => line.split(" ")));
    const drift = [];
    for (const [pkg, want] of pinned) {
      let used = "none";
      try { used = JSON.parse(readFileSync(`${prefix}/node_modules/${pkg}/package.json`, "utf8")).version; } catch {}
      const same = used === want;
      if (!same) drift.push(pkg);
      console.log(`agents latest: ${pkg} ${used} (pinned ${want})${same ? "" : " <- drift"}`);
    }
    console.log(drift.length === 0 ? "agents latest: the newest releases are the pinned ones"
      : `agents latest: drift: ${drift.join(" and ")} not at the pinned version (src/runtimes/agent-versions.ts)`);
  ' "$IAPEER_AGENTS_PREFIX" "$(bash scripts/install-agents.sh --pinned)"
}

summary
status=0
# CI=true: a suite that finds no CLI fails rather than skips.
CI=true npx vitest run --config vitest.agents.config.ts "$@" || status=$?
summary
[[ $status -eq 0 ]] && echo "agents latest: suite passed" || echo "agents latest: suite failed (exit $status)"
exit "$status"
