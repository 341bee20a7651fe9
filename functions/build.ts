import { build, type Plugin } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const EDGE_DIST = join(here, 'dist');
export const EDGE_ENTRY = join(EDGE_DIST, 'worker.mjs');
const require = createRequire(import.meta.url);

/**
 * `.wasm` imports become sibling files loaded by the runtime as precompiled modules
 * (the Workers runtime refuses to compile WebAssembly from bytes at run time).
 */
const compiledWasm: Plugin = {
  name: 'compiled-wasm',
  setup(b) {
    b.onResolve({ filter: /\.wasm$/ }, (args) => {
      const source = args.path.startsWith('.') ? join(args.resolveDir, args.path) : require.resolve(args.path);
      const target = join(EDGE_DIST, basename(source));
      mkdirSync(EDGE_DIST, { recursive: true });
      copyFileSync(source, target);
      return { path: `./${basename(source)}`, external: true };
    });
  },
};

/**
 * Bundles the edge worker into `functions/dist/` (worker.mjs + the ORT wasm module).
 *
 * @example
 * await buildEdge(); // then serve functions/dist with workerd, or `wrangler deploy`
 */
export async function buildEdge(): Promise<{ entry: string; wasmFiles: string[]; bytes: number }> {
  mkdirSync(EDGE_DIST, { recursive: true });
  await build({
    entryPoints: [join(here, 'src/index.ts')],
    outfile: EDGE_ENTRY,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'browser'],
    plugins: [compiledWasm],
    minify: true,
    logLevel: 'warning',
  });
  const wasm = join(EDGE_DIST, 'ort-wasm-simd-threaded.wasm');
  return { entry: EDGE_ENTRY, wasmFiles: [wasm], bytes: statSync(EDGE_ENTRY).size + statSync(wasm).size };
}

/** Workers plan limits on a worker's size after compression (the worker and its modules together). */
export const WORKER_SIZE_LIMITS = { free: 3 * 1024 * 1024, paid: 10 * 1024 * 1024 } as const;

/**
 * Sizes of a built bundle as Workers counts them: each file gzip-compressed, added up.
 *
 * @example
 * const { gzipBytes } = edgeBundleSize(await buildEdge());
 */
export function edgeBundleSize(built: { entry: string; wasmFiles: string[] }): { files: Record<string, { bytes: number; gzipBytes: number }>; gzipBytes: number } {
  const files: Record<string, { bytes: number; gzipBytes: number }> = {};
  let gzipBytes = 0;
  for (const file of [built.entry, ...built.wasmFiles]) {
    const bytes = readFileSync(file);
    const compressed = gzipSync(bytes).length;
    files[basename(file)] = { bytes: bytes.length, gzipBytes: compressed };
    gzipBytes += compressed;
  }
  return { files, gzipBytes };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = await buildEdge();
  const size = edgeBundleSize(out);
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MiB`;
  for (const [name, f] of Object.entries(size.files)) console.log(`${name.padEnd(32)} ${mb(f.bytes).padStart(10)}  gzip ${mb(f.gzipBytes)}`);
  console.log(`total gzip ${mb(size.gzipBytes)} (Workers Free limit ${mb(WORKER_SIZE_LIMITS.free)}, Paid ${mb(WORKER_SIZE_LIMITS.paid)})`);
  console.log(JSON.stringify({ ...out, gzipBytes: size.gzipBytes }));
}
