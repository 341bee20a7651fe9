import { createRoute, z } from '@hono/zod-openapi';
import type { Registry } from 'prom-client';
import type { TrainerHealthSource } from '../../core/trainer-health';
import type { DiscernApp, RouteContext } from '../app-context';
import { resolveLiveCollection } from '../live-collection';
import { ModelDescriptionSchema } from '../response-schemas';
import { describeProgress } from '../service-progress';

const HEALTH_TIMEOUT_MS = 2000;

async function check(name: string, probe: () => Promise<{ ok: boolean; detail?: string }>): Promise<{ ok: boolean; detail?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ ok: boolean; detail: string }>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `${name} health check timed out after ${HEALTH_TIMEOUT_MS} ms` }), HEALTH_TIMEOUT_MS);
  });
  try {
    return await Promise.race([probe(), timeout]);
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

const CheckSchema = z.object({ ok: z.boolean(), detail: z.string().optional() });
const TrainerCheckSchema = CheckSchema.extend({
  state: z.enum(['starting', 'running', 'restarting', 'failing', 'stopped']),
  restarts: z.number().int(),
  recentFailures: z.number().int(),
  lastError: z.string().optional(),
  heartbeatAgeSeconds: z.number().optional(),
  loopAgeSeconds: z.number().optional(),
  lag: z.record(z.string(), z.number()).optional(),
  lastPublicationAgeSeconds: z.number().optional(),
  modelVersion: z.string().optional(),
});

/**
 * `GET /v1/model`, `/healthz` (process up), `/readyz` (queue and vector store healthy, and the
 * trainer when this process runs one) and `/metrics` (Prometheus).
 *
 * @example
 * registerStatusRoutes(app, context, registry, supervisor);
 */
export function registerStatusRoutes(app: DiscernApp, ctx: RouteContext, registry: Registry, trainer?: TrainerHealthSource): void {
  const { queue, vectorStore, models, liveAlias } = ctx;

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/model',
      operationId: 'getModel',
      tags: ['model'],
      summary: 'The published model version, its metrics and history, the live collection, and indexing and training progress (`progress`)',
      responses: { 200: { description: 'Model description', content: { 'application/json': { schema: ModelDescriptionSchema } } } },
    }),
    async (c) => {
      const [description, live] = await Promise.all([models.describe(), resolveLiveCollection(vectorStore, liveAlias).catch(() => undefined)]);
      const progress = await describeProgress({ queue, vectorStore, trainerGroup: ctx.trainerGroup }, live);
      return c.json({ ...description, live: live ? { alias: liveAlias, ...live } : null, progress }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/healthz',
      operationId: 'getHealth',
      tags: ['operations'],
      summary: 'The process is up',
      responses: { 200: { description: 'Up', content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } } } },
    }),
    (c) => c.json({ status: 'ok' as const }, 200),
  );

  const ReadySchema = z.object({
    status: z.enum(['ready', 'unavailable']),
    /** Why not ready, naming the failing checks. */
    reason: z.string().optional(),
    checks: z.object({ queue: CheckSchema, vectorStore: CheckSchema, trainer: TrainerCheckSchema.optional() }),
  });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/readyz',
      operationId: 'getReadiness',
      tags: ['operations'],
      summary: 'Ready: queue and vector store healthy, and the trainer (when this process runs one) not failing',
      responses: {
        200: { description: 'Ready', content: { 'application/json': { schema: ReadySchema } } },
        503: { description: 'Not ready; `checks` says which dependency failed', content: { 'application/json': { schema: ReadySchema } } },
      },
    }),
    async (c) => {
      const [queueCheck, storeCheck] = await Promise.all([check('queue', () => queue.health()), check('vector store', () => vectorStore.health())]);
      const trainerCheck = trainer ? trainerCheckOf(trainer) : undefined;
      const checks = { queue: queueCheck, vectorStore: storeCheck, ...(trainerCheck ? { trainer: trainerCheck } : {}) };
      const failing = Object.entries(checks).filter(([, result]) => !result.ok);
      const ready = failing.length === 0;
      const reason = failing.map(([name, result]) => `${name}: ${result.detail ?? 'unhealthy'}`).join('; ');
      const body = { status: ready ? ('ready' as const) : ('unavailable' as const), ...(ready ? {} : { reason }), checks };
      return ready ? c.json(body, 200) : c.json(body, 503);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/metrics',
      operationId: 'getMetrics',
      tags: ['operations'],
      summary: 'Prometheus metrics of the API (and, under `start`, of the trainer)',
      responses: { 200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: z.string() } } } },
    }),
    async (c) => c.text(await registry.metrics(), 200, { 'Content-Type': registry.contentType }),
  );
}

function trainerCheckOf(source: TrainerHealthSource): z.infer<typeof TrainerCheckSchema> {
  try {
    const { reason, ...health } = source.health();
    return { ...health, ...(reason === undefined ? {} : { detail: reason }) };
  } catch (error) {
    return { ok: false, state: 'failing', restarts: 0, recentFailures: 0, detail: `trainer health unknown: ${(error as Error).message}` };
  }
}
