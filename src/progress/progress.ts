import type { Logger } from '../log/logger';
import { stderrTerminal } from '../log/terminal';

export interface ProgressOptions {
  /** What is being counted, e.g. `steps`, `items`. */
  unit: string;
  total?: number;
  /** Minimum milliseconds between two reports (default 2000). */
  intervalMs?: number;
  log: Logger;
  /** Message of each structured log line. */
  message: string;
}

/**
 * Reports progress of a long job as periodic structured log lines with count, rate and ETA,
 * plus a one-line bar below the logs when stderr is a terminal.
 *
 * @example
 * const progress = createProgress({ unit: 'steps', total: 1000, log, message: 'training' });
 * for (let i = 0; i < 1000; i++) progress.tick(1, { loss });
 * progress.done();
 */
export function createProgress(options: ProgressOptions) {
  const started = Date.now();
  const interval = options.intervalMs ?? 2000;
  const terminal = process.env.LOG_LEVEL !== 'silent' ? stderrTerminal : undefined;
  let count = 0;
  let lastReport = 0;

  function snapshot(extra: Record<string, unknown>) {
    const elapsedS = (Date.now() - started) / 1000;
    const rate = elapsedS > 0 ? count / elapsedS : 0;
    const etaS = options.total !== undefined && rate > 0 ? Math.max(0, (options.total - count) / rate) : undefined;
    return { [options.unit]: count, total: options.total, rate: round(rate), rateUnit: `${options.unit}/s`, elapsedS: round(elapsedS), etaS: etaS === undefined ? undefined : round(etaS), ...extra };
  }

  function drawBar(s: ReturnType<typeof snapshot>) {
    const width = 30;
    const fraction = options.total ? Math.min(1, count / options.total) : 0;
    const filled = Math.round(fraction * width);
    const extras = Object.entries(s)
      .filter(([k]) => !['total', 'rateUnit', 'elapsedS', 'etaS', 'rate', options.unit].includes(k))
      .map(([k, v]) => `${k}=${typeof v === 'number' ? round(v) : v}`)
      .join(' ');
    const eta = s.etaS === undefined ? '' : ` eta ${formatSeconds(s.etaS as number)}`;
    const line = `${options.message} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${count}${options.total ? `/${options.total}` : ''} ${s.rate} ${options.unit}/s${eta} ${extras}`;
    terminal!.status(line);
  }

  return {
    tick(n = 1, extra: Record<string, unknown> = {}) {
      count += n;
      const now = Date.now();
      if (now - lastReport >= interval) {
        lastReport = now;
        const s = snapshot(extra);
        if (terminal) drawBar(s);
        else options.log.info(s, options.message);
      }
    },
    done(extra: Record<string, unknown> = {}) {
      const s = snapshot(extra);
      terminal?.status(undefined);
      options.log.info({ ...s, done: true }, options.message);
      return s;
    },
    get count() {
      return count;
    },
  };
}

function round(x: number) {
  return Math.round(x * 1000) / 1000;
}

function formatSeconds(s: number) {
  const m = Math.floor(s / 60);
  const r = Math.round(s % 60);
  return m > 0 ? `${m}m${String(r).padStart(2, '0')}s` : `${r}s`;
}
