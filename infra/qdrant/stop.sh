#!/usr/bin/env bash
# Stops the Qdrant started from DIR. Graceful (SIGTERM, then SIGKILL after a grace period)
# unless --kill is given, which sends SIGKILL at once to simulate a crash.
#
# Usage: infra/qdrant/stop.sh --dir DIR [--kill] [--grace SECONDS] [--purge]
#   --purge  also deletes DIR afterwards.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/local-server.sh
source "$here/../lib/local-server.sh"

parse_stop_args 20 "$@"

pidfile="$dir/qdrant.pid"
if [[ -f "$pidfile" && "$(cat "$pidfile")" == docker:* ]]; then
  docker kill --signal "$signal" "$(cut -d: -f2 "$pidfile")" >/dev/null 2>&1 || true
  rm -f "$pidfile"
fi
stop_pidfile "$pidfile" "$signal" "$grace"

if (( purge )); then rm -rf "$dir"; fi
