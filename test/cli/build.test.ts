import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../../src/cli/build-cli';
import { COMMANDS } from '../../src/cli/command-index';
import { discern } from '../support/discern-cli';

const run = promisify(execFile);
const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

describe('the built discern command (npm run build)', () => {
  let out: string;
  const built = (...args: string[]) => run(process.execPath, [join(out, 'main.js'), ...args], { env: { ...process.env, LOG_LEVEL: 'warn' } });

  beforeAll(async () => {
    // Inside the repository, so the build's external packages resolve from its node_modules.
    const cache = fileURLToPath(new URL('../../.cache/', import.meta.url));
    await mkdir(cache, { recursive: true });
    out = await mkdtemp(join(cache, 'build-'));
    await buildCli(out);
  });
  afterAll(() => rm(out, { recursive: true, force: true }));

  it('prints its version and lists every command without loading them', async () => {
    expect((await built('--version')).stdout.trim()).toBe(version);
    const help = (await built('--help')).stdout;
    for (const name of Object.keys(COMMANDS)) expect(help).toContain(name);
  });

  it("loads a command's full definition when that command runs", async () => {
    const help = (await built('help', 'train')).stdout;
    expect(help).toContain('--classes');
    const config = (await built('config')).stdout;
    expect(config).toMatch(/PORT\s+8080\s+\(default\)/);
    expect(config).toContain('current environment: valid');
  });

  it('ships the console page beside the modules that serve it', () => {
    for (const file of ['index.html', 'console.ts', 'console.css']) expect(existsSync(join(out, 'page', file))).toBe(true);
  });

  it('ships the gradient replica thread beside the module that starts it', async () => {
    const starters = (await readdir(out)).filter((f) => f.endsWith('.js') && readFileSync(join(out, f), 'utf8').includes('./replica-worker.js'));
    expect(starters.length).toBeGreaterThan(0);
    expect(existsSync(join(out, 'replica-worker.js'))).toBe(true);
  });

  it('ships the onnx pool thread beside the module that starts it', async () => {
    const starters = (await readdir(out)).filter((f) => f.endsWith('.js') && readFileSync(join(out, f), 'utf8').includes('onnx-embed-thread.mjs'));
    expect(starters.length).toBeGreaterThan(0);
    expect(existsSync(join(out, 'onnx-embed-thread.mjs'))).toBe(true);
  });
});

describe('discern from the sources', () => {
  it('--version and config show the values in effect, secrets masked', async () => {
    expect((await discern('--version')).stdout.trim()).toBe(version);
    const prev = process.env.DISCERN_API_KEY;
    process.env.DISCERN_API_KEY = 'hunter2';
    try {
      const config = await discern('config');
      expect(config.stdout).toMatch(/DISCERN_API_KEY\s+\(set\)\s+\(env\)/);
      expect(config.stdout).not.toContain('hunter2');
    } finally {
      if (prev === undefined) delete process.env.DISCERN_API_KEY;
      else process.env.DISCERN_API_KEY = prev;
    }
  });
});
