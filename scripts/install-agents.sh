#!/usr/bin/env bash
# Install the real agent CLIs, Claude Code and Codex CLI, at exactly the versions the built-in
# runtimes were checked against (CLAUDE_CODE_VERSION and CODEX_VERSION in
# src/runtimes/agent-versions.ts, the one place that names them; read from its text, so this
# works on a fresh clone before any build), into a cached npm prefix outside iapeer's own
# dependencies, for the agent suite (test/agents/). Reinstalls when what is installed differs;
# when it already matches (and both binaries run and report it), npm is not called, so it works
# offline. Prints the bin dir ($PREFIX/node_modules/.bin) on stdout, last line.
#
# Only the npm registry is needed: both packages ship their native binaries inside
# per-platform optional dependencies that are themselves npm packages
#   claude: @anthropic-ai/claude-code-<os>-<arch>[-musl]   (its postinstall, install.cjs,
#           only links/copies that binary to bin/claude.exe; no download)
#   codex:  @openai/codex-<os>-<arch> = npm:@openai/codex@<ver>-<os>-<arch>
#           (no install script; bin/codex.js execs vendor/<triple>/codex/codex)
# so do NOT pass --omit=optional / --no-optional.
#
# Usage: install-agents.sh            install (or keep) the wanted versions
#        install-agents.sh --pinned   print the pinned package versions and exit (no npm)
# Env: IAPEER_AGENTS_PREFIX (default ~/.cache/iapeer-agents)
#      IAPEER_CLAUDE_VERSION, IAPEER_CODEX_VERSION: an exact version, or `latest` (the
#        registry's newest), instead of the pinned one; `npm run test:agents:latest` sets both
#        to `latest` with a prefix of its own (scripts/test-agents-latest.sh)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSIONS_FILE="${IAPEER_AGENT_VERSIONS_FILE:-$ROOT/src/runtimes/agent-versions.ts}"
PREFIX="${IAPEER_AGENTS_PREFIX:-$HOME/.cache/iapeer-agents}"
BIN="$PREFIX/node_modules/.bin"
CLAUDE_PKG=@anthropic-ai/claude-code
CODEX_PKG=@openai/codex

log() { printf '%s\n' "install-agents: $*" >&2; }

# the value of `export const $1 = '<version>';` in the versions file
pinned() {
  node -e '
    const [file, name] = process.argv.slice(1);
    let text = "";
    try { text = require("fs").readFileSync(file, "utf8"); } catch (e) { console.error(`install-agents: cannot read ${file}: ${e.message}`); process.exit(1); }
    const m = new RegExp(`^export const ${name} = ["\x27]([0-9][0-9A-Za-z.+-]*)["\x27];`, "m").exec(text);
    if (!m) { console.error(`install-agents: ${file} has no line \`export const ${name} = \x27<version>\x27;\``); process.exit(1); }
    process.stdout.write(m[1]);' "$VERSIONS_FILE" "$1"
}

CLAUDE_PINNED="$(pinned CLAUDE_CODE_VERSION)"
CODEX_PINNED="$(pinned CODEX_VERSION)"

if [[ "${1:-}" == --pinned && $# -eq 1 ]]; then
  printf '%s %s\n' "$CLAUDE_PKG" "$CLAUDE_PINNED" "$CODEX_PKG" "$CODEX_PINNED"
  exit 0
fi
if [[ $# -ne 0 ]]; then
  log "usage: install-agents.sh [--pinned] (got: $*)"
  exit 2
fi

CLAUDE_WANT="${IAPEER_CLAUDE_VERSION:-$CLAUDE_PINNED}"
CODEX_WANT="${IAPEER_CODEX_VERSION:-$CODEX_PINNED}"
for want in "$CLAUDE_WANT" "$CODEX_WANT"; do
  if [[ "$want" != latest && ! "$want" =~ ^[0-9][0-9A-Za-z.+-]*$ ]]; then
    log "not a version: '$want' (IAPEER_CLAUDE_VERSION / IAPEER_CODEX_VERSION take an exact version or latest)"
    exit 2
  fi
done

# installed version of a package in the prefix, or empty
installed_version() {
  local pj="$PREFIX/node_modules/$1/package.json"
  [[ -f "$pj" ]] || return 0
  node -e 'process.stdout.write(String(require(process.argv[1]).version||""))' "$pj" 2>/dev/null || true
}

# the exact version to install: $2 itself, or for `latest` the registry's newest (its
# `latest` dist-tag); offline, the installed one ($3) if there is one
resolve() {
  local v=""
  if [[ "$2" != latest ]]; then printf '%s' "$2"; return 0; fi
  v="$(npm view "$1@latest" version 2>/dev/null)" || v=""
  if [[ "$v" =~ ^[0-9][0-9A-Za-z.+-]*$ ]]; then printf '%s' "$v"; return 0; fi
  if [[ -n "$3" ]]; then
    log "cannot ask the registry for the newest $1; keeping the installed $3"
    printf '%s' "$3"
    return 0
  fi
  log "cannot ask the registry for the newest $1, and none is installed in $PREFIX"
  return 1
}

# both binaries run (the native binary is there, not just the JS shim) and report the
# versions $1 (claude) and $2 (codex)
works() {
  local c x
  c="$("$BIN/claude" --version 2>/dev/null)" || return 1
  x="$("$BIN/codex" --version 2>/dev/null)" || return 1
  [[ "$c" == *"$1"* && "$x" == *"$2"* ]]
}

cv="$(installed_version "$CLAUDE_PKG")"
xv="$(installed_version "$CODEX_PKG")"
cwant="$(resolve "$CLAUDE_PKG" "$CLAUDE_WANT" "$cv")"
xwant="$(resolve "$CODEX_PKG" "$CODEX_WANT" "$xv")"
pins="pinned: claude-code $CLAUDE_PINNED, codex $CODEX_PINNED"
if [[ "$cv" == "$cwant" && "$xv" == "$xwant" ]] && works "$cwant" "$xwant"; then
  log "already installed: claude-code $cv, codex $xv in $PREFIX ($pins)"
else
  [[ -z "$cv$xv" ]] || log "in $PREFIX: claude-code ${cv:-none}, codex ${xv:-none}; wanted: claude-code $cwant, codex $xwant"
  mkdir -p "$PREFIX"
  # A package.json in the prefix keeps npm from walking up to an enclosing project.
  [[ -f "$PREFIX/package.json" ]] || printf '{"name":"iapeer-agents","private":true}\n' >"$PREFIX/package.json"
  # Exact versions, both in one install (a --no-save install prunes what it was not given).
  # --engine-strict=false: newer claude-code declares a newer node in "engines" than iapeer
  # needs (FINDINGS §1); both CLIs are native binaries, so it does not matter for them.
  log "installing $CLAUDE_PKG@$cwant $CODEX_PKG@$xwant into $PREFIX"
  DISABLE_AUTOUPDATER=1 npm install --prefix "$PREFIX" --no-save --no-audit --no-fund \
    --loglevel=error --include=optional --engine-strict=false \
    "$CLAUDE_PKG@$cwant" "$CODEX_PKG@$xwant" >&2
  cv="$(installed_version "$CLAUDE_PKG")"
  xv="$(installed_version "$CODEX_PKG")"
  if [[ "$cv" != "$cwant" || "$xv" != "$xwant" ]]; then
    log "installed claude-code ${cv:-nothing}, codex ${xv:-nothing}, not $cwant and $xwant"
    exit 1
  fi
  if ! works "$cwant" "$xwant"; then
    log "installed, but a binary does not run or reports another version:"
    "$BIN/claude" --version >&2 || true
    "$BIN/codex" --version >&2 || true
    exit 1
  fi
  log "installed: claude-code $cv, codex $xv in $PREFIX ($pins)"
fi
printf '%s\n' "$BIN"
