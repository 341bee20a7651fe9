/**
 * The one writer of stderr when it is a terminal: log lines in readable form, and a status line
 * (a progress bar) kept below them, so the two never interleave. Off a terminal (a pipe, a file,
 * a log collector) logs stay JSON lines and there is no status line.
 */
export interface Terminal {
  /** Writes one log line (pino's JSON) above the status line. */
  write(line: string): void;
  /** Shows `line` as the status line (replacing the previous one); `undefined` removes it. */
  status(line: string | undefined): void;
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
const COLOURS: Record<number, string> = { 40: '\x1b[33m', 50: '\x1b[31m', 60: '\x1b[31m' };
const SKIPPED = new Set(['level', 'time', 'component', 'msg']);

/**
 * One pino JSON line as `HH:MM:SS LEVEL component: message key=value …`.
 *
 * @example
 * readableLogLine('{"level":30,"time":"2026-12-03T10:00:00.000Z","component":"train","msg":"step","loss":0.4}');
 * // '10:00:00 INFO  train: step loss=0.4'
 */
export function readableLogLine(json: string, colour = false): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json);
  } catch {
    return json.trimEnd();
  }
  const level = Number(entry.level);
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 19) : '';
  const fields = Object.entries(entry)
    .filter(([key]) => !SKIPPED.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  const name = LEVELS[level] ?? String(level);
  const shown = colour && COLOURS[level] ? `${COLOURS[level]}${name}\x1b[0m` : name;
  return `${time} ${shown} ${entry.component ?? ''}: ${entry.msg ?? ''}${fields ? ` ${fields}` : ''}`;
}

/**
 * A terminal over `stream`, or undefined when it is no terminal.
 *
 * @example
 * const terminal = terminalFor(process.stderr);
 * terminal?.status('training [####......] 40/100');
 */
export function terminalFor(stream: NodeJS.WriteStream): Terminal | undefined {
  if (stream.isTTY !== true || process.env.LOG_FORMAT === 'json') return undefined;
  let current: string | undefined;
  const fit = (line: string) => line.slice(0, (stream.columns ?? 120) - 1);
  return {
    write(line: string) {
      // Clear the status line, write the log line, then draw the status line again below it.
      stream.write(`${current !== undefined ? '\r\x1b[K' : ''}${readableLogLine(line, true)}\n${current !== undefined ? fit(current) : ''}`);
    },
    status(line: string | undefined) {
      if (line === undefined) {
        if (current !== undefined) stream.write('\r\x1b[K');
      } else {
        stream.write(`\r\x1b[K${fit(line)}`);
      }
      current = line;
    },
  };
}

/** stderr's terminal, shared by the logger and progress bars. */
export const stderrTerminal: Terminal | undefined = terminalFor(process.stderr);
