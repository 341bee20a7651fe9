import type { TrainerHealth, TrainerHealthSource } from '../core/trainer-health';
import type { OnlineTrainer } from './online-trainer';

/** How often the consumer lag is re-read for health (it is a call to the queue). */
const LAG_REFRESH_MS = 2000;

/**
 * The health of a trainer running in this thread, from its in-memory state: `failed` is not ok,
 * whatever its status file says (its own write may have failed).
 *
 * @example
 * const health = inProcessTrainerHealth(trainer);
 * health.health().state; // 'running'
 * health.close();
 */
export function inProcessTrainerHealth(trainer: OnlineTrainer): TrainerHealthSource & { close(): void } {
  let lag: Record<string, number> | undefined;
  const refresh = () =>
    void trainer.lag().then(
      (value) => (lag = value),
      () => undefined,
    );
  const timer = setInterval(refresh, LAG_REFRESH_MS);
  timer.unref();
  refresh();
  return {
    health(): TrainerHealth {
      const status = trainer.metrics();
      const { loopAt, lastPublicationAt } = trainer.liveness();
      const now = Date.now();
      const failed = status.phase === 'failed';
      const state = failed ? 'failing' : status.phase === 'stopped' ? 'stopped' : status.phase === 'starting' ? 'starting' : 'running';
      const publishedAt = Date.parse(lastPublicationAt ?? '');
      return {
        ok: state === 'running' || state === 'starting',
        state,
        ...(failed ? { reason: `trainer failed: ${status.error}`, lastError: status.error } : {}),
        restarts: 0,
        recentFailures: failed ? 1 : 0,
        heartbeatAgeSeconds: 0,
        loopAgeSeconds: Math.round((now - loopAt) / 100) / 10,
        ...(lag ? { lag } : {}),
        ...(Number.isFinite(publishedAt) ? { lastPublicationAgeSeconds: Math.round((now - publishedAt) / 100) / 10 } : {}),
        ...(status.modelVersion ? { modelVersion: status.modelVersion } : {}),
      };
    },
    close() {
      clearInterval(timer);
    },
  };
}
