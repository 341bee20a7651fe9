import { pino } from 'pino';
import type { Logger } from '../../src/log/logger';

/**
 * The benchmark's own progress log: info level on stderr, synchronous so lines interleave
 * with the table in order, whatever level the service under test logs at.
 *
 * @example
 * const log = benchLog('bench-ingest');
 * log.info({ step: 'kafka' }, 'starting the broker');
 */
export function benchLog(component: string): Logger {
  return pino({ level: 'info', base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ fd: 2, sync: true })).child({ component }) as Logger;
}
