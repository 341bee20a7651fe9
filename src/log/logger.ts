import { pino, type Logger } from 'pino';
import { stderrTerminal } from './terminal';

/**
 * Structured JSON logs on stderr (stdout stays free for command output such as `--json`); in a
 * terminal they are shown as readable lines above any progress bar (`LOG_FORMAT=json` keeps JSON).
 * `LOG_LEVEL` sets the level (default `info`; `silent` turns logs off).
 *
 * @example
 * const log = createLogger('trainer');
 * log.info({ step, loss }, 'training step');
 */
export function createLogger(component: string): Logger {
  return rootLogger.child({ component });
}

const rootLogger: Logger = pino(
  { level: process.env.LOG_LEVEL ?? 'info', base: undefined, timestamp: pino.stdTimeFunctions.isoTime },
  stderrTerminal ? { write: (line: string) => stderrTerminal!.write(line) } : pino.destination({ fd: 2, sync: true }),
);

export type { Logger };
