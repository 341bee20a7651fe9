import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { DiscernApp } from '../api/app-context';
import { consoleAssets } from './build-console';

const require = createRequire(import.meta.url);
/** The Swagger UI distribution's folder (a package of static files, served as they are). */
const swaggerDir = (): string => join(require.resolve('swagger-ui-dist/package.json'), '..');
const SWAGGER_FILES = new Map([
  ['swagger-ui.css', 'text/css; charset=utf-8'],
  ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
  ['swagger-ui-standalone-preset.js', 'text/javascript; charset=utf-8'],
]);

const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>discern API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/docs-init.js"></script>
</body>
</html>`;
const DOCS_INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });`;

/**
 * The web console at `/` (catalog grid, search, feedback, live model panel) and the API
 * reference at `/docs` (Swagger UI over `/openapi.json`), both served from this process.
 *
 * @example
 * registerConsoleRoutes(app);
 */
export function registerConsoleRoutes(app: DiscernApp): void {
  app.get('/', async (c) => c.html((await consoleAssets()).html));
  app.get('/console.js', async (c) => c.body((await consoleAssets()).js, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' }));
  app.get('/console.css', async (c) => c.body((await consoleAssets()).css, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'no-cache' }));
  app.get('/docs', (c) => c.html(DOCS_HTML));
  app.get('/docs/docs-init.js', (c) => c.body(DOCS_INIT, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }));
  app.get('/docs/:file', async (c) => {
    const file = c.req.param('file');
    const type = SWAGGER_FILES.get(file);
    if (type === undefined) return c.notFound();
    return c.body(await readFile(join(swaggerDir(), file)), 200, { 'Content-Type': type, 'Cache-Control': 'public, max-age=86400' });
  });
}
