#!/usr/bin/env bash
# Install the real agent CLIs (Claude Code 2.1.x, Codex CLI 0.169.x) into a cached
# npm prefix outside iapeer's own dependencies, for the agent smoke tests
# (test/agents/). Idempotent: skips npm when the wanted versions are already there.
# Prints the bin dir ($PREFIX/node_modules/.bin) on stdout, last line.
#
# Only the npm registry is needed: both packages ship their native binaries inside
# per-platform optional dependencies that are themselves npm packages
#   claude: @anthropic-ai/claude-code-<os>-<arch>[-musl]   (its postinstall, install.cjs,
#           only links/copies that binary to bin/claude.exe; no download)
#   codex:  @openai/codex-<os>-<arch> = npm:@openai/codex@<ver>-<os>-<arch>
#           (no install script; bin/codex.js execs vendor/<triple>/codex/codex)
# so do NOT pass --omit=optional / --no-optional.
#
# Env: IAPEER_AGENTS_PREFIX (default ~/.cache/iapeer-agents)
#      IAPEER_CLAUDE_SPEC (default 2.1)  IAPEER_CODEX_SPEC (default 0.169)
set -euo pipefail

PREFIX="${IAPEER_AGENTS_PREFIX:-$HOME/.cache/iapeer-agents}"
CLAUDE_SPEC="${IAPEER_CLAUDE_SPEC:-2.1}"
CODEX_SPEC="${IAPEER_CODEX_SPEC:-0.169}"
BIN="$PREFIX/node_modules/.bin"

log() { printf '%s\n' "install-agents: $*" >&2; }

# installed version of a package in the prefix, or empty
installed_version() {
  local pj="$PREFIX/node_modules/$1/package.json"
  [[ -f "$pj" ]] || return 0
  node -e 'process.stdout.write(String(require(process.argv[1]).version||""))' "$pj" 2>/dev/null || true
}

# does version $1 match the "major.minor" (or exact) spec $2?
matches_spec() {
  [[ -n "$1" ]] || return 1
  [[ "$1" == "$2" || "$1" == "$2".* ]]
}

# newest published version matching a range (falls back to the range itself)
latest_in_range() {
  local v
  v="$(npm view "$1@$2" version --json 2>/dev/null | node -e '
    let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{
      try{const j=JSON.parse(s);const a=Array.isArray(j)?j:[j];
        const k=x=>x.split(/[.-]/).map(n=>n.padStart(8,"0")).join(".");
        a.sort((x,y)=>k(x)<k(y)?-1:1);process.stdout.write(a[a.length-1]||"")}catch{}})')" || true
  printf '%s' "${v:-$2}"
}

# the binaries really run (native binary present, not just the JS shim)
works() {
  "$BIN/claude" --version >/dev/null 2>&1 && "$BIN/codex" --version >/dev/null 2>&1
}

cv="$(installed_version @anthropic-ai/claude-code)"
xv="$(installed_version @openai/codex)"
if matches_spec "$cv" "$CLAUDE_SPEC" && matches_spec "$xv" "$CODEX_SPEC" && works; then
  log "already installed: claude-code $cv, codex $xv in $PREFIX"
else
  mkdir -p "$PREFIX"
  # A package.json in the prefix keeps npm from walking up to an enclosing project.
  [[ -f "$PREFIX/package.json" ]] || printf '{"name":"iapeer-agents","private":true}\n' >"$PREFIX/package.json"
  # Resolve the newest version in each range ourselves: npm's own pick skips versions
  # whose "engines" the running node does not satisfy (claude-code >= 2.1.198 declares
  # node >=22, so on node 20 a plain "@2.1" resolves to 2.1.197). Both CLIs are native
  # binaries, so the engines field does not matter for them.
  cver="$(latest_in_range @anthropic-ai/claude-code "$CLAUDE_SPEC")"
  xver="$(latest_in_range @openai/codex "$CODEX_SPEC")"
  log "installing @anthropic-ai/claude-code@$cver @openai/codex@$xver into $PREFIX"
  DISABLE_AUTOUPDATER=1 npm install --prefix "$PREFIX" --no-save --no-audit --no-fund \
    --loglevel=error --include=optional --engine-strict=false \
    "@anthropic-ai/claude-code@$cver" "@openai/codex@$xver" >&2
  if ! works; then
    log "installed, but a binary does not run:"
    "$BIN/claude" --version >&2 || true
    "$BIN/codex" --version >&2 || true
    exit 1
  fi
  log "installed: claude-code $(installed_version @anthropic-ai/claude-code), codex $(installed_version @openai/codex)"
fi
printf '%s\n' "$BIN"
