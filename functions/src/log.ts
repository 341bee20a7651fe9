/**
 * Log lines in the service's format (pino's JSON: numeric `level`, ISO `time`, `component`,
 * `msg`), written with `console`, which the Workers runtime collects.
 *
 * @example
 * edgeLog('error', 'unhandled error', { path: '/v1/search', err: error.message });
 */
export function edgeLog(level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level: LEVELS[level], time: new Date().toISOString(), component: 'edge', ...fields, msg });
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}

const LEVELS = { info: 30, warn: 40, error: 50 } as const;
