#!/bin/sh
# Probe hook: records one event for the probe scripts, then behaves as told.
#   record-hook.sh <dir> <tag> [sleep-seconds] [exit-code] [stdout-text]
# Writes <dir>/<ns>-<pid>-<tag>.stdin (the JSON the agent wrote on stdin), .env (argv, cwd,
# the environment) and, for the tag `notify` (Codex appends its JSON as the last argument),
# .argv (that argument), then sleeps and exits as asked (to see what a slow or failing hook does).
d=$1
tag=$2
n=$(date +%s%N)-$$-$tag
cat > "$d/$n.stdin"
if [ "$tag" = notify ]; then
  for last; do :; done
  printf '%s' "$last" > "$d/$n.argv"
fi
{
  printf 'argv: %s\n' "$*"
  echo "pwd: $(pwd)"
  echo "ppid: $PPID"
  echo "ppid-cmd: $(tr '\0' ' ' < /proc/$PPID/cmdline 2>/dev/null)"
  echo "tty: $(tty 2>&1)"
  echo "umask: $(umask)"
  echo "--- env"
  env | sort
} > "$d/$n.env"
if [ "$tag" = notify ]; then exit 0; fi
if [ -n "$5" ]; then printf '%s\n' "$5"; fi
if [ -n "$3" ] && [ "$3" != 0 ]; then sleep "$3"; fi
echo "$(date +%s%N) done" >> "$d/$n.env"
exit "${4:-0}"
