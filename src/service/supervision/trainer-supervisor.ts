import { AggregatorRegistry } from 'prom-client';
import type { TrainerHealth, TrainerHealthSource, TrainerState } from '../../core/trainer-health';
import type { Logger } from '../../log/logger';
import type { TrainerReport, TrainerSnapshot } from '../trainer-thread/trainer-report';
import type { TrainerThreadExit } from '../trainer-thread/trainer-thread';

/** One run of the trainer, as the supervisor sees it (a worker thread in the service). */
export interface SupervisedRun {
  readonly startedAt: number;
  onReport(listener: (report: TrainerReport) => void): void;
  readonly exited: Promise<TrainerThreadExit>;
  stop(graceMs?: number): Promise<TrainerThreadExit>;
  terminate(reason: string): Promise<TrainerThreadExit>;
}

/** When to restart and when a trainer counts as failing (TRAINER_* settings). */
export interface RestartPolicy {
  /** First restart delay; doubles per consecutive failure. */
  backoffSeconds: number;
  backoffMaxSeconds: number;
  /** Failures within `failureWindowSeconds` that make the trainer `failing` (readiness 503). */
  maxFailures: number;
  failureWindowSeconds: number;
  /** A run silent this long is unhealthy and is ended and restarted. */
  heartbeatTimeoutSeconds: number;
}

export interface TrainerSupervisorOptions {
  launch: () => SupervisedRun;
  policy: RestartPolicy;
  log: Logger;
}

/**
 * Keeps the trainer running: starts a run, restarts it with exponential backoff when it fails
 * or falls silent, and answers `health()` from what the runs report (heartbeats, failures),
 * never from the trainer's status file. A trainer is `failing` (not ok) once it failed
 * `maxFailures` times within the window and has not made durable progress (a checkpoint or a
 * publication) since; it keeps being restarted, so it recovers by itself once the cause is gone.
 *
 * @example
 * const supervisor = superviseTrainer({ launch: () => startTrainerThread({ config, adapters, log }), policy, log });
 * supervisor.start();
 * supervisor.health(); // { ok: true, state: 'running', restarts: 0, ... }
 * await supervisor.stop();
 */
export function superviseTrainer(options: TrainerSupervisorOptions) {
  const { policy, log } = options;
  const windowMs = policy.failureWindowSeconds * 1000;
  let current: { run: SupervisedRun; started: boolean; failed: boolean } | undefined;
  let failures: { at: number; error: string }[] = [];
  let consecutiveFailures = 0;
  let restarts = 0;
  let lastError: string | undefined;
  let lastReportAt = Date.now();
  let snapshot: TrainerSnapshot | undefined;
  let lastPublicationAt: string | undefined;
  let trainerMetrics: object[] = [];
  let restartTimer: NodeJS.Timeout | undefined;
  let restartAt: number | undefined;
  let stopped = false;
  let stopping: Promise<void> | undefined;
  const watchdog = setInterval(checkHeartbeat, 1000);
  watchdog.unref();

  function launch(): void {
    restartTimer = undefined;
    restartAt = undefined;
    const run = options.launch();
    const entry = { run, started: false, failed: false };
    current = entry;
    lastReportAt = Date.now();
    snapshot = undefined;
    run.onReport((report) => {
      if (current !== entry) return;
      lastReportAt = Date.now();
      if (report.type === 'started') entry.started = true;
      else if (report.type === 'heartbeat') onHeartbeat(entry.run, report);
      else if (report.type === 'failed') {
        entry.failed = true;
        recordFailure(report.error.code ? `${report.error.message} (${report.error.code})` : report.error.message);
      }
    });
    void run.exited.then((exit) => onExit(entry, exit));
  }

  function onHeartbeat(run: SupervisedRun, report: Extract<TrainerReport, { type: 'heartbeat' }>): void {
    trainerMetrics = report.metrics;
    if (!report.snapshot) return;
    snapshot = report.snapshot;
    if (snapshot.lastPublicationAt) lastPublicationAt = snapshot.lastPublicationAt;
    // Durable progress since this run started: whatever failed before is behind it.
    const progressedAt = Math.max(Date.parse(snapshot.checkpointAt ?? '') || 0, Date.parse(snapshot.lastPublicationAt ?? '') || 0);
    if (progressedAt >= run.startedAt && (failures.length > 0 || consecutiveFailures > 0)) {
      log.info({ restarts, failures: failures.length }, 'trainer is making progress again');
      failures = [];
      consecutiveFailures = 0;
    }
  }

  function recordFailure(error: string): void {
    const now = Date.now();
    lastError = error;
    failures = [...failures.filter((f) => now - f.at < windowMs), { at: now, error }];
  }

  function onExit(entry: NonNullable<typeof current>, exit: TrainerThreadExit): void {
    if (current !== entry) return;
    current = undefined;
    if (stopped) return;
    if (!entry.failed) recordFailure(exit.error ?? `trainer ended unexpectedly (exit code ${exit.code})`);
    consecutiveFailures++;
    restarts++;
    const delayMs = Math.min(policy.backoffMaxSeconds, policy.backoffSeconds * 2 ** (consecutiveFailures - 1)) * 1000;
    restartAt = Date.now() + delayMs;
    const failing = recentFailures() >= policy.maxFailures;
    log[failing ? 'error' : 'warn']({ error: lastError, restarts, recentFailures: recentFailures(), delayMs }, 'trainer failed; restarting it after a backoff');
    restartTimer = setTimeout(launch, delayMs);
  }

  function checkHeartbeat(): void {
    if (!current || stopped) return;
    const silentMs = Date.now() - lastReportAt;
    if (silentMs <= policy.heartbeatTimeoutSeconds * 1000) return;
    const reason = `trainer sent no heartbeat for ${Math.round(silentMs / 1000)} s`;
    log.error({ silentMs }, 'trainer is unresponsive; ending its thread to restart it');
    const entry = current;
    entry.failed = true;
    recordFailure(reason);
    // Restarting a silent run once is enough: later ticks see it as ended.
    lastReportAt = Date.now();
    void entry.run.terminate(reason);
  }

  function recentFailures(): number {
    const now = Date.now();
    return failures.filter((f) => now - f.at < windowMs).length;
  }

  function state(): TrainerState {
    if (stopped) return 'stopped';
    if (recentFailures() >= policy.maxFailures) return 'failing';
    if (!current) return 'restarting';
    return current.started ? 'running' : 'starting';
  }

  function health(): TrainerHealth {
    const now = Date.now();
    const s = state();
    const recent = recentFailures();
    const heartbeatAgeSeconds = current ? (now - lastReportAt) / 1000 : undefined;
    const silent = heartbeatAgeSeconds !== undefined && heartbeatAgeSeconds > policy.heartbeatTimeoutSeconds;
    let reason: string | undefined;
    if (s === 'failing') {
      reason = `trainer failed ${recent} times in the last ${policy.failureWindowSeconds} s (last error: ${lastError})`;
      if (restartAt !== undefined) reason += `; next restart in ${Math.max(0, Math.ceil((restartAt - now) / 1000))} s`;
    } else if (silent) reason = `trainer sent no heartbeat for ${Math.round(heartbeatAgeSeconds!)} s`;
    else if (s === 'restarting') reason = `trainer failed (${lastError}); restarting in ${Math.max(0, Math.ceil(((restartAt ?? now) - now) / 1000))} s`;
    else if (s === 'stopped') reason = 'trainer stopped';
    const publishedAt = Date.parse(lastPublicationAt ?? '');
    return {
      ok: s !== 'failing' && s !== 'stopped' && !silent,
      state: s,
      ...(reason === undefined ? {} : { reason }),
      restarts,
      recentFailures: recent,
      ...(lastError === undefined ? {} : { lastError }),
      ...(heartbeatAgeSeconds === undefined ? {} : { heartbeatAgeSeconds: round(heartbeatAgeSeconds) }),
      ...(current && snapshot ? { loopAgeSeconds: round((now - snapshot.loopAt) / 1000) } : {}),
      ...(snapshot?.lag ? { lag: snapshot.lag } : {}),
      ...(Number.isFinite(publishedAt) ? { lastPublicationAgeSeconds: round((now - publishedAt) / 1000) } : {}),
      ...(snapshot?.modelVersion ? { modelVersion: snapshot.modelVersion } : {}),
    };
  }

  const supervisor: TrainerHealthSource & {
    start(): void;
    stop(graceMs?: number): Promise<void>;
    metricsText(): Promise<string>;
  } = {
    /** Starts the first run. */
    start(): void {
      if (current || stopped) return;
      launch();
    },
    health,
    /** The newest run's own Prometheus metrics, as it last reported them. */
    async metricsText(): Promise<string> {
      if (trainerMetrics.length === 0) return '';
      return AggregatorRegistry.aggregate([trainerMetrics]).metrics();
    },
    /** Stops restarting, and stops the current run (it checkpoints what it applied). */
    stop(graceMs?: number): Promise<void> {
      return (stopping ??= (async () => {
        stopped = true;
        clearInterval(watchdog);
        clearTimeout(restartTimer);
        const entry = current;
        if (entry) {
          const exit = await entry.run.stop(graceMs);
          if (exit.code !== 0) log.warn({ exit }, 'trainer did not stop cleanly');
        }
        current = undefined;
      })());
    },
  };
  return supervisor;
}

export type TrainerSupervisor = ReturnType<typeof superviseTrainer>;

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
