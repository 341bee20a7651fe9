#!/usr/bin/env bash
# Installs @tensorflow/tfjs-node with a native TensorFlow under it, so training runs on TensorFlow's
# own CPU kernels (oneDNN, every core) instead of the wasm backend.
#
# tfjs-node's own install step downloads libtensorflow from storage.googleapis.com. Where that host
# cannot be reached, the same C API ships in the `tensorflow-cpu` wheel on PyPI
# (libtensorflow_cc.so.2 exports TF_* and TFE_*): this script takes the libraries and headers from
# that wheel and compiles tfjs-node's addon against them with node-gyp. Linux x86-64 only.
#
# Usage: infra/tensorflow/install.sh            install (quick when already installed)
#        infra/tensorflow/install.sh --check    exit 0 when the backend loads, 1 otherwise
#
# Needs: python3 with pip (only to download the wheel), a C++ compiler and make, Node.js headers
# (node-gyp downloads them, or takes /usr/include/node). Wheel cache: TENSORFLOW_WHEEL_DIR
# (default .cache/tensorflow).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

TF_VERSION=2.18.0
WHEEL="tensorflow_cpu-${TF_VERSION}-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
WHEEL_SHA256=089e71746960ea581dca53401f84b3b99c8537313e337a9e5dbf97036a936f7e
WHEEL_DIR="${TENSORFLOW_WHEEL_DIR:-$ROOT/.cache/tensorflow}"
TFJS_VERSION="$(node -p 'require("./package.json").optionalDependencies["@tensorflow/tfjs-node"]')"
PACKAGE="$ROOT/node_modules/@tensorflow/tfjs-node"
ADDON="$PACKAGE/lib/napi-v8/tfjs_binding.node"

say() { echo "tensorflow: $*"; }

# Loads the backend in a fresh process and runs one op on it.
loads() {
  node -e '
    require("@tensorflow/tfjs-node");
    const tf = require("@tensorflow/tfjs-core");
    if (tf.getBackend() !== "tensorflow") process.exit(1);
    const sum = tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).dataSync();
    process.exit(sum[0] === 4 && sum[1] === 6 ? 0 : 1);
  ' >/dev/null 2>&1
}

if [[ "${1:-}" == "--check" ]]; then loads; exit; fi

if [[ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]]; then
  say "this installer supports Linux x86-64 only (found $(uname -s) $(uname -m)); training uses the wasm backend"
  exit 1
fi
if [[ -f "$ADDON" ]] && loads; then
  say "@tensorflow/tfjs-node $TFJS_VERSION with TensorFlow $TF_VERSION: present"
  exit 0
fi

step=0
steps=4
progress() { step=$((step + 1)); say "[$step/$steps] $*"; }

progress "@tensorflow/tfjs-node $TFJS_VERSION: npm install without its download step"
mkdir -p "$WHEEL_DIR"
npm install --no-save --ignore-scripts --no-audit --no-fund "@tensorflow/tfjs-node@$TFJS_VERSION" >"$WHEEL_DIR/npm-install.log" 2>&1
# npm installs the GPU package beside it from the lockfile; without its own libtensorflow it can
# only fail to load, so it goes unless it already has an addon.
if [[ -d node_modules/@tensorflow/tfjs-node-gpu && ! -f node_modules/@tensorflow/tfjs-node-gpu/lib/napi-v8/tfjs_binding.node ]]; then
  rm -rf node_modules/@tensorflow/tfjs-node-gpu
fi

progress "TensorFlow $TF_VERSION CPU wheel from PyPI into $WHEEL_DIR (about 230 MB)"
mkdir -p "$WHEEL_DIR"
if [[ ! -f "$WHEEL_DIR/$WHEEL" ]] || ! echo "$WHEEL_SHA256  $WHEEL_DIR/$WHEEL" | sha256sum --check --status; then
  rm -f "$WHEEL_DIR/$WHEEL"
  python3 -m pip download --quiet --no-deps --only-binary=:all: --platform manylinux2014_x86_64 \
    --python-version 3.11 --implementation cp -d "$WHEEL_DIR" "tensorflow-cpu==$TF_VERSION"
  echo "$WHEEL_SHA256  $WHEEL_DIR/$WHEEL" | sha256sum --check --status || {
    say "$WHEEL: checksum mismatch"
    exit 1
  }
fi

progress "libtensorflow and its headers into $PACKAGE/deps (about 680 MB unpacked)"
staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
python3 - "$WHEEL_DIR/$WHEEL" "$staging" <<'PY'
import sys, zipfile
wheel, target = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as archive:
    for name in archive.namelist():
        if name in ("tensorflow/libtensorflow_cc.so.2", "tensorflow/libtensorflow_framework.so.2") or name.startswith("tensorflow/include/"):
            archive.extract(name, target)
PY
rm -rf "$PACKAGE/deps"
mkdir -p "$PACKAGE/deps/lib"
mv "$staging/tensorflow/include" "$PACKAGE/deps/include"
mv "$staging/tensorflow/libtensorflow_cc.so.2" "$staging/tensorflow/libtensorflow_framework.so.2" "$PACKAGE/deps/lib/"
(cd "$PACKAGE/deps/lib" && ln -s libtensorflow_cc.so.2 libtensorflow.so && ln -s libtensorflow_cc.so.2 libtensorflow.so.2 &&
  ln -s libtensorflow_framework.so.2 libtensorflow_framework.so)

progress "compiling tfjs-node's addon against it (node-gyp, about a minute)"
node_gyp="$(dirname "$(command -v npm)")/../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"
[[ -f "$node_gyp" ]] || node_gyp="$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js"
gyp_args=(rebuild --module_name=tfjs_binding --module_path=lib/napi-v8)
# Node's own headers, when the distribution installed them, spare node-gyp a download.
if [[ -f /usr/include/node/node_api.h && "$(command -v node)" == /usr/bin/node ]]; then gyp_args+=(--nodedir=/usr); fi
log="$ROOT/.cache/tensorflow/node-gyp.log"
if ! (cd "$PACKAGE" && node "$node_gyp" "${gyp_args[@]}") >"$log" 2>&1; then
  tail -n 20 "$log" | sed 's/^/    /'
  say "node-gyp failed (whole log: $log)"
  exit 1
fi
mkdir -p "$(dirname "$ADDON")"
cp "$PACKAGE/build/Release/tfjs_binding.node" "$ADDON"

if loads; then say "@tensorflow/tfjs-node $TFJS_VERSION with TensorFlow $TF_VERSION: installed"
else
  say "installed, but @tensorflow/tfjs-node does not load; run: node -e 'require(\"@tensorflow/tfjs-node\")'"
  exit 1
fi
