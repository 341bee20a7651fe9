import { createRoute } from '@hono/zod-openapi';
import type { DeadLetterEntry } from '../dead-letters/dead-letter-entry';
import type { DiscernApp, RouteContext } from '../app-context';
import { requireApiKey } from '../middleware/api-key';
import { DeadLetterPageSchema, DeadLettersQuerySchema } from '../request-schemas';
import { errorResponses } from './responses';

const security: Record<string, string[]>[] = [{ apiKey: [] }, { bearer: [] }];

/**
 * `GET /v1/dead-letters`: the records the trainer refused, newest first, a page at a time
 * (`limit`, then `cursor` = the previous page's `nextCursor`). Behind the API key, like the
 * write routes: dead letters name the ids and fields of what clients sent.
 *
 * @example
 * registerDeadLetterRoutes(app, context);
 */
export function registerDeadLetterRoutes(app: DiscernApp, ctx: RouteContext): void {
  const { config, deadLetters } = ctx;

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/dead-letters',
      operationId: 'listDeadLetters',
      tags: ['items'],
      summary: 'Records the trainer refused, newest first',
      description:
        `Read from the queue's \`dead-letters\` topic; the newest ${config.intake.deadLettersKept} (DEAD_LETTERS_KEPT) are listed. ` +
        'Pages run from the newest to the oldest: pass `nextCursor` as `cursor` for the next page; the last page has none.',
      security,
      middleware: [requireApiKey(config.apiKey)],
      request: { query: DeadLettersQuerySchema },
      responses: {
        200: { description: 'A page of dead letters', content: { 'application/json': { schema: DeadLetterPageSchema } } },
        ...errorResponses.badRequest,
        ...errorResponses.unauthorized,
      },
    }),
    (c) => {
      const { limit, cursor } = c.req.valid('query');
      const page = deadLetters.page({ limit, cursor });
      return c.json({ deadLetters: page.deadLetters.map(describeDeadLetter), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) }, 200);
    },
  );
}

function describeDeadLetter(entry: DeadLetterEntry) {
  const { type, id, eventId, receivedAt } = entry.record;
  return {
    cursor: entry.cursor,
    deadLetteredAt: isoTime(entry.at) ?? new Date(0).toISOString(),
    key: entry.key,
    reason: entry.reason,
    source: entry.source,
    record: { type, id, eventId, receivedAt: isoTime(receivedAt) },
  };
}

/** A record's own time, which a record written outside the API may give as any number. */
function isoTime(ms: number | undefined): string | undefined {
  const date = ms === undefined ? undefined : new Date(ms);
  return date && Number.isFinite(date.getTime()) ? date.toISOString() : undefined;
}
