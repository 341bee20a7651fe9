#!/usr/bin/env bash
# Prints the path of the Qdrant server binary to use, or exits 1 when there is none:
# QDRANT_BIN, else `qdrant` on PATH, else ../shared/qdrant/qdrant beside the repository.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
if [[ -n "${QDRANT_BIN:-}" ]]; then
  [[ -x "$QDRANT_BIN" ]] || { echo "find-binary.sh: QDRANT_BIN=$QDRANT_BIN is not an executable file" >&2; exit 1; }
  echo "$QDRANT_BIN"; exit 0
fi
if command -v qdrant >/dev/null; then command -v qdrant; exit 0; fi
if [[ -x "$repo/../shared/qdrant/qdrant" ]]; then (cd "$repo/../shared/qdrant" && echo "$PWD/qdrant"); exit 0; fi
exit 1
