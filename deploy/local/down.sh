#!/usr/bin/env bash
# Stops what deploy/local/up.sh started (by the PIDs it recorded), and nothing else.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE="$ROOT/target/local"

stop() { # stop NAME: TERM the recorded process and its children, wait, then KILL what is left
  local file="$STATE/$1.pid"
  [ -f "$file" ] || return 0
  local pid; pid="$(cat "$file")"
  if kill -0 "$pid" 2>/dev/null; then
    echo "stopping $1 (pid $pid)"
    local children; children="$(pgrep -P "$pid" || true)"
    kill "$pid" $children 2>/dev/null || true
    for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -9 "$pid" $children 2>/dev/null || true
  fi
  rm -f "$file"
}

stop jury
stop keycloak
stop embedded-pg
echo "stopped"
