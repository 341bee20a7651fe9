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

parse_stop_args 30 "$@"

stop_pidfile "$dir/kafka.pid" "$signal" "$grace"

if (( purge )); then rm -rf "$dir"; fi
