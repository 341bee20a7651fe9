import { readFileSync } from 'node:fs';

/**
 * The `version` of the package this file ships in (found by walking up to its package.json).
 *
 * @example
 * packageVersion(); // '0.1.0'
 */
export function packageVersion(): string {
  for (let dir = new URL('./', import.meta.url); ; dir = new URL('../', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'discern' && pkg.version) return pkg.version;
    } catch {
      // no package.json here: keep walking up
    }
    if (dir.pathname === '/') return '0.0.0';
  }
}
