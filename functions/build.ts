import { build, type Plugin } from 'esbuild';
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
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

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = await buildEdge();
  console.log(JSON.stringify(out));
}
