#!/usr/bin/env bash
# Starts a Qdrant server on free loopback ports with its storage in DIR, waits until it is
# ready and prints its REST URL on stdout. Logs go to DIR/qdrant.log.
#
# Usage: infra/qdrant/start.sh [--dir DIR] [--port PORT] [--timeout SECONDS]
#   --dir      state directory (storage, snapshots, pid, log); default: a new temp dir.
#              Starting again on a stopped DIR reuses its data and its ports.
#   --port     REST port; default: the port recorded in DIR, else a free one.
#   --timeout  seconds to wait for readiness (default 60).
# The server binary is QDRANT_BIN, else `qdrant` on PATH, else ../shared/qdrant/qdrant beside the
# repository; without any, the official Docker image (QDRANT_IMAGE, default qdrant/qdrant:v1.18.3)
# when a Docker engine answers.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

dir=""; port=""; timeout=60
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --timeout) timeout="$2"; shift 2 ;;
    *) echo "start.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

# shellcheck source=../lib/local-server.sh
source "$here/../lib/local-server.sh"

bin="$(bash "$here/find-binary.sh" || true)"
docker_ok=0
if [[ -z "$bin" ]] && command -v docker >/dev/null && docker info >/dev/null 2>&1; then docker_ok=1; fi
if [[ -z "$bin" && "$docker_ok" == 0 ]]; then
  echo "start.sh: no Qdrant server found: set QDRANT_BIN to a qdrant binary (release binaries: github.com/qdrant/qdrant/releases), put qdrant on PATH, or run a Docker engine (image qdrant/qdrant)" >&2
  exit 3
fi

claim_state_dir qdrant qdrant.pid
assign_ports http grpc
grpc_port="$second_port"

log="$dir/qdrant.log"
if [[ -n "$bin" ]]; then
  mkdir -p "$dir/storage" "$dir/snapshots"
  # setsid detaches the server from the caller's process group so it outlives this script.
  QDRANT__SERVICE__HOST=127.0.0.1 QDRANT__SERVICE__HTTP_PORT="$port" QDRANT__SERVICE__GRPC_PORT="$grpc_port" \
  QDRANT__STORAGE__STORAGE_PATH="$dir/storage" QDRANT__STORAGE__SNAPSHOTS_PATH="$dir/snapshots" \
  QDRANT__TELEMETRY_DISABLED=true QDRANT__LOG_LEVEL="${QDRANT_LOG_LEVEL:-WARN}" \
    setsid nohup bash -c 'cd "$1" && exec "$2"' qdrant "$dir" "$bin" >> "$log" 2>&1 < /dev/null &
  pid=$!
  echo "$pid" > "$pidfile"
  alive() { kill -0 "$pid" 2>/dev/null; }
else
  name="discern-qdrant-$port"
  docker run -d --rm --name "$name" -p "127.0.0.1:$port:6333" -v "$dir/storage:/qdrant/storage" \
    -e QDRANT__TELEMETRY_DISABLED=true "${QDRANT_IMAGE:-qdrant/qdrant:v1.18.3}" > "$dir/container" 2>> "$log"
  echo "docker:$name" > "$pidfile"
  alive() { docker inspect -f '{{.State.Running}}' "$name" 2>/dev/null | grep -q true; }
fi

url="http://127.0.0.1:${port}"
deadline=$(( SECONDS + timeout ))
ready() {
  if command -v curl >/dev/null; then curl -fsS "$url/readyz" >/dev/null 2>&1
  else node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$url/readyz"; fi
}
until ready; do
  if ! alive; then
    echo "start.sh: Qdrant exited during startup; last log lines:" >&2
    tail -n 30 "$log" >&2
    rm -f "$pidfile"
    exit 1
  fi
  if (( SECONDS >= deadline )); then
    echo "start.sh: Qdrant not ready after ${timeout}s; see $log" >&2
    bash "$here/stop.sh" --dir "$dir" --kill || true
    exit 1
  fi
  sleep 0.1
done

echo "$url"
