import { cp, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const DIST = `${root}dist/`;

/**
 * `npm run build`: bundles the `discern` command into `dist/` (ES modules, one chunk per command
 * so each loads only what it runs; npm packages stay external), with the console page beside it.
 * `bin/discern.js` runs this build when it is newer than the sources, else the sources via tsx.
 *
 * @example
 * await buildCli(); // dist/main.js
 */
export async function buildCli(outDir = DIST): Promise<void> {
  const out = outDir.endsWith('/') ? outDir : `${outDir}/`;
  await rm(out, { recursive: true, force: true });
  await build({
    entryPoints: {
      main: `${root}src/cli/main.ts`,
      'trainer-worker': `${root}src/service/trainer-thread/trainer-worker.ts`,
      'replica-worker': `${root}src/training-threads/replica-worker.ts`,
      'ann-build-worker': `${root}src/store/embedded/ann-build-worker.ts`,
    },
    outdir: out,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  // The console's page is read at run time from `page/` beside the module that serves it.
  await cp(`${root}src/console/page`, `${out}page`, { recursive: true });
  // The onnx pool's thread is plain JavaScript, started by path from beside the bundled modules.
  await cp(`${root}src/serve/onnx-embed-thread.mjs`, `${out}onnx-embed-thread.mjs`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildCli();
  console.log(`built ${DIST}main.js`);
}
