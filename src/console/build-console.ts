import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The console's files, as the service serves them. */
export interface ConsoleAssets {
  html: string;
  css: string;
  js: string;
}

const page = (name: string) => fileURLToPath(new URL(`./page/${name}`, import.meta.url));

let assets: Promise<ConsoleAssets> | undefined;

/**
 * Bundles the console page (its script and the charting library) with esbuild, once per
 * process, on first use: nothing is fetched from a CDN, so the page works offline.
 *
 * @example
 * const { html, js } = await consoleAssets();
 */
export function consoleAssets(): Promise<ConsoleAssets> {
  assets ??= (async () => {
    const [html, css, bundle] = await Promise.all([
      readFile(page('index.html'), 'utf8'),
      readFile(page('console.css'), 'utf8'),
      build({ entryPoints: [page('console.ts')], bundle: true, format: 'esm', target: 'es2022', minify: true, write: false, logLevel: 'silent' }),
    ]);
    return { html, css, js: bundle.outputFiles[0].text };
  })();
  assets.catch(() => (assets = undefined));
  return assets;
}
