#!/usr/bin/env node
// Runs the build in dist/ (`npm run build`) when it is at least as new as every source file,
// else the TypeScript sources through tsx: a stale build never runs.
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const built = `${root}dist/main.js`;

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

let useBuild = false;
try {
  useBuild = statSync(built).mtimeMs >= newestSource(`${root}src`);
} catch {
  // no build yet
}
if (useBuild) {
  await import(built);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
