#!/usr/bin/env bash
# Copies the Kafka broker jars and their runtime dependencies into the jar cache (once):
# $KAFKA_DIST_DIR/libs, by default infra/kafka/.dist/libs.
# Usage: infra/kafka/fetch.sh [--force | --check]
#   --force  fetches again even when the cache is complete.
#   --check  fetches nothing; exits 0 when the cache is complete, 1 when not.
#
# Several fetches may run at once (test workers starting brokers together): they take turns
# under a lock, each fetch fills a fresh folder, and `libs` is a link that one rename switches
# to it, so a broker never starts from a half-written or half-deleted jar set.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dist="${KAFKA_DIST_DIR:-$here/.dist}"
libs="$dist/libs"
mode="${1:-}"
case "$mode" in
  "" | --force | --check) ;;
  *) echo "fetch.sh: unknown argument '$mode'" >&2; exit 2 ;;
esac

# The fetched folder keeps the pom it came from, so editing the pom (e.g. the Kafka version) refetches.
complete() { [[ -L "$libs" ]] && cmp -s "$here/pom.xml" "$libs/.pom.xml"; }

if [[ "$mode" != "--force" ]] && complete; then exit 0; fi
if [[ "$mode" == "--check" ]]; then exit 1; fi

command -v mvn >/dev/null || { echo "fetch.sh: mvn (Apache Maven) is required (Debian/Ubuntu: apt-get install maven)" >&2; exit 1; }
command -v flock >/dev/null || { echo "fetch.sh: flock is required (Debian/Ubuntu: apt-get install util-linux)" >&2; exit 1; }
mkdir -p "$dist"
exec 9>"$dist/.lock"
flock -w "${KAFKA_FETCH_LOCK_SECONDS:-900}" 9 || { echo "fetch.sh: another fetch held $dist/.lock too long" >&2; exit 1; }
# Whoever held the lock before may have just fetched the same jars.
if [[ "$mode" != "--force" ]] && complete; then exit 0; fi

staging="$(mktemp -d "$dist/libs.XXXXXX")"
chmod 755 "$staging"
trap 'rm -rf "$staging" "$libs.next"' EXIT
echo "fetch.sh: fetching the Kafka broker jars with Maven into $dist" >&2
if ! mvn -q -B -Dstyle.color=never -f "$here/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$staging" >&2; then
  echo "fetch.sh: Maven could not fetch the jars (is Maven Central reachable? see above); retry: $0" >&2
  exit 1
fi
cp "$here/pom.xml" "$staging/.pom.xml"

# An earlier layout kept the jars in a plain folder, which a link cannot replace in one rename.
if [[ -d "$libs" && ! -L "$libs" ]]; then mv "$libs" "$(mktemp -u "$dist/libs.XXXXXX")"; rm -f "$dist/complete"; fi
previous="$(readlink "$libs" || true)"
ln -s "$(basename "$staging")" "$libs.next"
mv -T "$libs.next" "$libs"
trap - EXIT
# The set just replaced stays until the next fetch, for a broker that was reading it as the link
# switched; older ones, and folders of fetches that died, go (no other fetch runs under the lock).
for old in "$dist"/libs.*; do
  [[ "$old" == "$staging" || "$(basename "$old")" == "$previous" ]] || rm -rf "$old"
done
