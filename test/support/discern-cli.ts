import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `discern` executable as a user would, one process per command.
 *
 * @example
 * const run = await discern('eval', '--baseline', 'raw-pixels', '--data', 'fashion-mnist', '--json');
 */
export function discern(...args: string[]): Promise<CliRun> {
  return discernWithEnv({}, ...args);
}

/**
 * Like {@link discern}, with settings for this run on top of the test's environment.
 *
 * @example
 * const run = await discernWithEnv({ DISCERN_QUEUE: 'kafka', KAFKA_BROKERS: '127.0.0.1:1' }, 'api');
 */
export function discernWithEnv(env: Record<string, string>, ...args: string[]): Promise<CliRun> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(root, 'bin/discern.js'), ...args],
      { cwd: root, env: { ...process.env, LOG_LEVEL: 'warn', DISCERN_BACKEND: '', ...env }, maxBuffer: 64 << 20, timeout: 120_000 },
      (error, stdout, stderr) => done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The JSON object a successful `--json` run printed last. */
export function lastJsonLine(run: CliRun): Record<string, number> {
  expect(run.code, run.stderr).toBe(0);
  const lines = run.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}
