#!/usr/bin/env bash
# Copies the Kafka broker jars and their runtime dependencies into .dist/libs (once).
# Usage: infra/kafka/fetch.sh [--force]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
libs="$here/.dist/libs"
marker="$here/.dist/complete"

if [[ "${1:-}" != "--force" && -f "$marker" ]] && cmp -s "$here/pom.xml" "$marker"; then
  exit 0
fi

command -v mvn >/dev/null || { echo "fetch.sh: mvn (Apache Maven) is required" >&2; exit 1; }
rm -rf "$libs" "$marker"
mkdir -p "$libs"
# The marker holds the pom it was fetched from, so editing the pom (e.g. the Kafka version) refetches.
mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$libs" >&2
cp "$here/pom.xml" "$marker"
