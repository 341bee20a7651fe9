import { createRoute, z } from '@hono/zod-openapi';
import type { Registry } from 'prom-client';
import type { DiscernApp, RouteContext } from '../app-context';
import { resolveLiveCollection } from '../live-collection';
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

/**
 * `GET /v1/model`, `/healthz` (process up), `/readyz` (queue and vector store healthy) and
 * `/metrics` (Prometheus).
 *
 * @example
 * registerStatusRoutes(app, context, registry);
 */
export function registerStatusRoutes(app: DiscernApp, ctx: RouteContext, registry: Registry): void {
  const { queue, vectorStore, models, liveAlias } = ctx;

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/model',
      summary: 'The published model version, its metrics and history, the live collection, and indexing and training progress (`progress`)',
      responses: { 200: { description: 'Model description', content: { 'application/json': { schema: z.object({}).passthrough() } } } },
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
      summary: 'The process is up',
      responses: { 200: { description: 'Up', content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } } } },
    }),
    (c) => c.json({ status: 'ok' as const }, 200),
  );

  const ReadySchema = z.object({ status: z.enum(['ready', 'unavailable']), checks: z.object({ queue: CheckSchema, vectorStore: CheckSchema }) });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/readyz',
      summary: 'Ready to accept events: queue and vector store healthy',
      responses: {
        200: { description: 'Ready', content: { 'application/json': { schema: ReadySchema } } },
        503: { description: 'Not ready; `checks` says which dependency failed', content: { 'application/json': { schema: ReadySchema } } },
      },
    }),
    async (c) => {
      const [queueCheck, storeCheck] = await Promise.all([check('queue', () => queue.health()), check('vector store', () => vectorStore.health())]);
      const ready = queueCheck.ok && storeCheck.ok;
      const body = { status: ready ? ('ready' as const) : ('unavailable' as const), checks: { queue: queueCheck, vectorStore: storeCheck } };
      return ready ? c.json(body, 200) : c.json(body, 503);
    },
  );

  app.get('/metrics', async (c) => c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType }));
}
