/**
 * The `TrainerHealth` port: what the API may know about the trainer that keeps its catalog
 * current, without depending on the trainer. The figures come from the trainer's in-memory
 * state and heartbeats, never only from a status file (whose own write can fail).
 */

/**
 * `starting`: launched, not yet running; `running`; `restarting`: failed, a restart is
 * scheduled; `failing`: failed repeatedly and still failing; `stopped`.
 */
export type TrainerState = 'starting' | 'running' | 'restarting' | 'failing' | 'stopped';

export interface TrainerHealth {
  /** False when the trainer keeps failing or has gone silent: readiness then fails. */
  ok: boolean;
  state: TrainerState;
  /** Why it is not ok (or what it recovers from), in words. */
  reason?: string;
  /** Restarts after failures since the service started. */
  restarts: number;
  /** Failures within the configured window. */
  recentFailures: number;
  lastError?: string;
  /** Seconds since the trainer last reported (its event loop runs). */
  heartbeatAgeSeconds?: number;
  /** Seconds since its consume/train/publish loop last went round (long during a publication). */
  loopAgeSeconds?: number;
  /** Records accepted but not yet committed by the trainer, per topic. */
  lag?: Record<string, number>;
  /** Seconds since the live model version was published. */
  lastPublicationAgeSeconds?: number;
  modelVersion?: string;
}

/**
 * Anything that can say how the trainer is doing right now (synchronously, from memory).
 *
 * @example
 * const health = source.health();
 * if (!health.ok) console.warn(health.reason);
 */
export interface TrainerHealthSource {
  health(): TrainerHealth;
}
