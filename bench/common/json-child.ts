import { spawn } from 'node:child_process';

/**
 * Runs a TypeScript script in its own Node process (through tsx) with one JSON argument and
 * resolves with the JSON object it prints as its last stdout line. Load generators run this
 * way so that they never share the event loop or CPU accounting of the service they measure.
 *
 * @example
 * const result = await runJsonChild<LoadResult>(join(here, 'closed-loop-load.ts'), step);
 */
export function runJsonChild<T>(script: string, input: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(input)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = out.trim().split('\n').at(-1);
      if (code !== 0 || !last) reject(new Error(`${script} exited with ${code}`));
      else resolve(JSON.parse(last) as T);
    });
  });
}
