#!/usr/bin/env bash
# Installs what discern needs on this machine and says so, one line per thing; what is already
# there is only checked, so running it again is quick. Debian/Ubuntu packages are installed as
# root or through sudo. Whatever cannot be installed is listed once at the end, each with the
# command that would install it, and the exit status is 1.
#
# Usage: scripts/provision.sh start   what `./run start` needs: Node.js, npm packages, TensorFlow's
#                                     CPU kernels for training where they install, Fashion-MNIST
#        scripts/provision.sh test    what `./run test` needs: the above, a JDK, Maven, the Kafka
#                                     broker jars, Chromium, and Qdrant when a binary is at hand
# Sourced (as ./run does), it defines `provision TARGET`, which also exports QDRANT_BIN.
#
# Logs of the installers: .cache/provision/*.log. Environment: KAFKA_DIST_DIR (Kafka jar cache),
# MAVEN_OPTS (e.g. -Dmaven.repo.local=DIR), FASHION_MNIST_DIR, QDRANT_BIN.

if ((BASH_VERSINFO[0] < 4)); then
  echo "provision: needs bash 4 or newer, found $BASH_VERSION (macOS: brew install bash)" >&2
  return 1 2>/dev/null || exit 1
fi

PROVISION_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROVISION_NODE_MIN=20.19

# One line per thing provisioned, and the problems gathered for the summary.
say() { echo "provision: $*"; }
problem() { PROVISION_PROBLEMS+=("$1"); }
join_by() { local separator="$1" first="$2"; shift 2; printf '%s' "$first" "${@/#/$separator}"; }

# Runs a command as root: directly, through sudo, or not at all (status 127).
as_root() {
  if [[ "$(id -u)" == 0 ]]; then "$@"
  elif command -v sudo >/dev/null && { sudo -n true 2>/dev/null || [[ -t 0 ]]; }; then sudo "$@"
  else return 127; fi
}

can_be_root() {
  [[ "$(id -u)" == 0 ]] || { command -v sudo >/dev/null && { sudo -n true 2>/dev/null || [[ -t 0 ]]; }; }
}

# Runs a command with its output in .cache/provision/NAME.log; on failure shows the log's end.
logged() {
  local name="$1"; shift
  local log="$PROVISION_ROOT/.cache/provision/$name.log"
  mkdir -p "$(dirname "$log")"
  "$@" >"$log" 2>&1 && return 0
  local status=$?
  tail -n 15 "$log" | sed 's/^/    /'
  echo "    (whole log: $log)"
  return "$status"
}

provision_node() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    say "Node.js: missing"
    problem "Node.js ≥ $PROVISION_NODE_MIN with npm: install it from nodejs.org (or a distribution package of that version or newer, e.g. Debian 13: apt-get install nodejs npm)"
    return 1
  fi
  local version
  version="$(node -p 'process.versions.node')"
  if ! node -e '
    const [need, have] = process.argv.slice(1).map((v) => v.split(".").map(Number));
    process.exit(have[0] > need[0] || (have[0] === need[0] && have[1] >= need[1]) ? 0 : 1);
  ' "$PROVISION_NODE_MIN" "$version"; then
    say "Node.js: v$version is too old"
    problem "Node.js ≥ $PROVISION_NODE_MIN (found v$version): install a newer one from nodejs.org or your distribution"
    return 1
  fi
  say "Node.js: v$version present"
}

# npm ci when package-lock.json changed since the last install made here (its hash is kept in
# node_modules, so a deleted node_modules installs again too).
provision_npm() {
  local modules="$PROVISION_ROOT/node_modules"
  local stamp="$modules/.provisioned-lock-sha256"
  local lock_hash
  lock_hash="$(node -e 'process.stdout.write(require("crypto").createHash("sha256").update(require("fs").readFileSync(process.argv[1])).digest("hex"))' "$PROVISION_ROOT/package-lock.json")"
  if [[ -L "$modules" ]]; then
    say "npm packages: node_modules links to $(readlink "$modules"); left as it is"
    return 0
  fi
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$lock_hash" ]]; then
    say "npm packages: present (package-lock.json unchanged)"
    return 0
  fi
  say "npm packages: installing (npm ci, about a minute)"
  # onnxruntime-node's install step would download its CUDA provider; the CPU one ships in the package.
  if (cd "$PROVISION_ROOT" && logged npm-ci env ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund); then
    mkdir -p "$modules" && printf '%s' "$lock_hash" >"$stamp"
    say "npm packages: installed"
  else
    problem "npm packages: npm ci failed (is the npm registry reachable?); retry: ONNXRUNTIME_NODE_INSTALL=skip npm ci"
    return 1
  fi
}

# Each system package: a check, its Debian/Ubuntu package, and what to get elsewhere.
has_fashion_mnist() {
  local dir="${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}" name
  for name in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    [[ -f "$dir/$name.gz" || -f "$dir/$name" ]] || return 1
  done
}
has_jdk() {
  command -v java >/dev/null || return 1
  local major
  major="$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)"
  [[ -n "$major" && "$major" -ge 17 ]]
}
has_maven() { command -v mvn >/dev/null; }
has_chromium() { command -v chromium >/dev/null; }

declare -A PROVISION_PACKAGE=([fashion-mnist]=dataset-fashion-mnist [jdk]=default-jdk-headless [maven]=maven [chromium]=chromium)
declare -A PROVISION_CHECK=([fashion-mnist]=has_fashion_mnist [jdk]=has_jdk [maven]=has_maven [chromium]=has_chromium)
declare -A PROVISION_LABEL=(
  [fashion-mnist]="Fashion-MNIST (${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist})"
  [jdk]="JDK ≥ 17 (java)"
  [maven]="Maven (mvn)"
  [chromium]="Chromium (chromium)"
)
declare -A PROVISION_ELSEWHERE=(
  [fashion-mnist]="the Fashion-MNIST IDX files in a folder named by FASHION_MNIST_DIR"
  [jdk]="a JDK 17 or newer (java on PATH)"
  [maven]="Apache Maven (mvn on PATH)"
  [chromium]="Chromium (chromium on PATH)"
)

# Checks each named system package and installs the missing ones with one apt-get call.
provision_system() {
  local thing missing=()
  for thing in "$@"; do
    if "${PROVISION_CHECK[$thing]}"; then say "${PROVISION_LABEL[$thing]}: present"
    else missing+=("$thing"); fi
  done
  ((${#missing[@]} > 0)) || return 0
  local packages=() labels=() elsewhere=()
  for thing in "${missing[@]}"; do
    packages+=("${PROVISION_PACKAGE[$thing]}")
    labels+=("${PROVISION_LABEL[$thing]}")
    elsewhere+=("${PROVISION_ELSEWHERE[$thing]}")
  done
  local what fix="apt-get update && apt-get install -y ${packages[*]}"
  what="$(join_by ', ' "${labels[@]}")"
  if ! command -v apt-get >/dev/null; then
    for thing in "${missing[@]}"; do say "${PROVISION_LABEL[$thing]}: missing (not a Debian/Ubuntu system)"; done
    problem "$what: this is not Debian/Ubuntu (no apt-get); install with your system's package manager: $(join_by '; ' "${elsewhere[@]}")"
    return 1
  fi
  if ! can_be_root; then
    for thing in "${missing[@]}"; do say "${PROVISION_LABEL[$thing]}: missing (installing needs root or sudo)"; done
    problem "$what: not root and no sudo; as root run: $fix"
    return 1
  fi
  say "installing Debian packages: ${packages[*]} (apt-get)"
  if logged apt as_root env DEBIAN_FRONTEND=noninteractive sh -c "apt-get update -q && apt-get install -y -q ${packages[*]}"; then
    for thing in "${missing[@]}"; do
      if "${PROVISION_CHECK[$thing]}"; then say "${PROVISION_LABEL[$thing]}: installed"
      else
        say "${PROVISION_LABEL[$thing]}: still missing after installing ${PROVISION_PACKAGE[$thing]}"
        problem "${PROVISION_LABEL[$thing]}: still missing after apt-get installed ${PROVISION_PACKAGE[$thing]}; provide ${PROVISION_ELSEWHERE[$thing]}"
      fi
    done
  else
    problem "$what: apt-get failed (are the Debian/Ubuntu package mirrors reachable?); retry as root: $fix"
    return 1
  fi
}

provision_kafka() {
  local fetch="$PROVISION_ROOT/infra/kafka/fetch.sh"
  local where="${KAFKA_DIST_DIR:-infra/kafka/.dist}"
  if "$fetch" --check; then say "Kafka broker jars: present ($where)"; return 0; fi
  if ! has_maven; then
    say "Kafka broker jars: not fetched (needs Maven)"
    problem "Kafka broker jars: need Maven (see above); then run: infra/kafka/fetch.sh"
    return 1
  fi
  say "Kafka broker jars: fetching from Maven Central into $where (about 50 MB)"
  if logged kafka-fetch "$fetch"; then say "Kafka broker jars: fetched"
  else
    problem "Kafka broker jars: Maven could not fetch them (is Maven Central reachable?); retry: infra/kafka/fetch.sh"
    return 1
  fi
}

# Tests start their own Qdrant from a binary; none is installed here, only found and exported.
provision_qdrant() {
  if [[ -n "${QDRANT_BIN:-}" ]]; then
    if [[ -x "$QDRANT_BIN" ]]; then say "Qdrant: $QDRANT_BIN (QDRANT_BIN)"; return 0; fi
    say "Qdrant: QDRANT_BIN=$QDRANT_BIN is not an executable file"
    problem "Qdrant: QDRANT_BIN=$QDRANT_BIN is not an executable file; point it at a qdrant binary or unset it"
    return 1
  fi
  local found=""
  if command -v qdrant >/dev/null; then found="$(command -v qdrant)"
  elif [[ -x "$PROVISION_ROOT/../shared/qdrant/qdrant" ]]; then found="$(cd "$PROVISION_ROOT/../shared/qdrant" && pwd)/qdrant"
  fi
  if [[ -n "$found" ]]; then
    export QDRANT_BIN="$found"
    say "Qdrant: $QDRANT_BIN (exported as QDRANT_BIN)"
  else
    say "Qdrant: no binary (QDRANT_BIN, qdrant on PATH, ../shared/qdrant/qdrant); the real-Qdrant suites need QDRANT_URL, a binary or Docker"
  fi
}

# TensorFlow's native CPU kernels for training (infra/tensorflow/install.sh); where they cannot be
# installed training runs on the wasm backend, so only the tests count it as a problem.
provision_tensorflow() {
  local target="$1"
  if [[ "${PROVISION_TENSORFLOW:-1}" == 0 ]]; then say "TensorFlow for training: skipped (PROVISION_TENSORFLOW=0); training uses the wasm backend"; return 0; fi
  if [[ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]]; then say "TensorFlow for training: not available on $(uname -s) $(uname -m); training uses the wasm backend"; return 0; fi
  local install="$PROVISION_ROOT/infra/tensorflow/install.sh"
  if "$install" --check; then say "TensorFlow for training: present (@tensorflow/tfjs-node)"; return 0; fi
  say "TensorFlow for training: installing @tensorflow/tfjs-node with TensorFlow from PyPI (about a minute)"
  if logged tensorflow "$install"; then say "TensorFlow for training: installed"; return 0; fi
  say "TensorFlow for training: could not be installed; training uses the wasm backend"
  [[ "$target" == test ]] && problem "TensorFlow for training: infra/tensorflow/install.sh failed (needs python3 with pip, PyPI, a C++ compiler); retry: npm run setup:tensorflow, or skip with PROVISION_TENSORFLOW=0 outside CI"
  return 1
}

provision_node_and_npm() {
  if provision_node; then provision_npm; else say "npm packages: not installed (needs Node.js)"; fi
}

# provision start|test: every step of the target, then the summary of what could not be done.
provision() {
  local target="${1:-}"
  PROVISION_PROBLEMS=()
  case "$target" in
    start)
      provision_node_and_npm && provision_tensorflow start
      provision_system fashion-mnist ;;
    test)
      provision_node_and_npm && provision_tensorflow test
      provision_system fashion-mnist jdk maven chromium
      provision_kafka
      provision_qdrant ;;
    *) echo "usage: scripts/provision.sh start|test" >&2; return 2 ;;
  esac
  if ((${#PROVISION_PROBLEMS[@]} > 0)); then
    echo "provision: could not provision ${#PROVISION_PROBLEMS[@]} thing(s); fix them and run this again:" >&2
    printf '  - %s\n' "${PROVISION_PROBLEMS[@]}" >&2
    return 1
  fi
  say "ready for '$target'"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -uo pipefail
  provision "$@"
fi
