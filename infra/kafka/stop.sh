#!/usr/bin/env bash
# Stops the broker started from DIR. Graceful (SIGTERM, then SIGKILL after a grace period)
# unless --kill is given, which sends SIGKILL at once to simulate a crash.
#
# Usage: infra/kafka/stop.sh --dir DIR [--kill] [--grace SECONDS] [--purge]
#   --purge  also deletes DIR afterwards.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/local-server.sh
source "$here/../lib/local-server.sh"

dir=""; signal=TERM; grace=30; purge=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    --kill) signal=KILL; shift ;;
    --grace) grace="$2"; shift 2 ;;
    --purge) purge=1; shift ;;
    *) echo "stop.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[[ -n "$dir" ]] || { echo "stop.sh: --dir is required" >&2; exit 2; }

stop_pidfile "$dir/kafka.pid" "$signal" "$grace"

if (( purge )); then rm -rf "$dir"; fi
