import { Counter, Gauge, type Registry } from 'prom-client';
import type { TrainerHealthSource } from '../core/trainer-health';

/**
 * Registers the trainer's health as Prometheus series read from `source` at scrape time:
 * `discern_trainer_up`, `discern_trainer_restarts_total`, `discern_trainer_recent_failures`,
 * `discern_trainer_heartbeat_age_seconds`, `discern_trainer_loop_age_seconds`,
 * `discern_trainer_consumer_lag{topic}` and `discern_trainer_last_publication_age_seconds`.
 *
 * @example
 * registerTrainerHealthMetrics(registry, supervisor);
 */
export function registerTrainerHealthMetrics(registry: Registry, source: TrainerHealthSource): void {
  const registers = [registry];
  let counted = 0;
  new Gauge({
    name: 'discern_trainer_up',
    help: '1 while the trainer is healthy (running, starting or recovering), 0 while it keeps failing or is silent',
    registers,
    collect() {
      this.set(source.health().ok ? 1 : 0);
    },
  });
  new Counter({
    name: 'discern_trainer_restarts_total',
    help: 'Restarts of the trainer after a failure',
    registers,
    collect() {
      const { restarts } = source.health();
      if (restarts > counted) this.inc(restarts - counted);
      counted = Math.max(counted, restarts);
    },
  });
  new Gauge({
    name: 'discern_trainer_recent_failures',
    help: 'Trainer failures within the failure window',
    registers,
    collect() {
      this.set(source.health().recentFailures);
    },
  });
  const optional = (name: string, help: string, pick: (h: ReturnType<TrainerHealthSource['health']>) => number | undefined) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        const value = pick(source.health());
        this.reset();
        if (value !== undefined) this.set(value);
      },
    });
  optional('discern_trainer_heartbeat_age_seconds', 'Seconds since the trainer last reported', (h) => h.heartbeatAgeSeconds);
  optional('discern_trainer_loop_age_seconds', "Seconds since the trainer's loop last went round (long during a publication)", (h) => h.loopAgeSeconds);
  optional('discern_trainer_last_publication_age_seconds', 'Seconds since the live model version was published', (h) => h.lastPublicationAgeSeconds);
  new Gauge({
    name: 'discern_trainer_consumer_lag',
    help: 'Records accepted but not yet committed by the trainer, per topic',
    labelNames: ['topic'] as const,
    registers,
    collect() {
      this.reset();
      for (const [topic, value] of Object.entries(source.health().lag ?? {})) this.set({ topic }, value);
    },
  });
}
