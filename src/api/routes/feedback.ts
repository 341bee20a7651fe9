import { createHash, randomUUID } from 'node:crypto';
import type { OutgoingRecord } from '../../core/queue';
import { acceptedAt } from '../../events/accept-clock';
import { ANONYMOUS_SOURCE, feedbackKey, type Feedback, type FeedbackRecord } from '../../events/feedback';
import { presentedKeys } from '../middleware/api-key';
import type { DiscernApp, RouteContext } from '../app-context';
import { intakeError, type IntakeIssue } from '../intake/intake-issues';
import { unknownItemIds, type ItemIdCheck } from '../intake/unknown-item-ids';
import { publishDurably } from '../publish';
import { RecentIds } from '../recent-ids';
import { feedbackBatchSchema } from '../request-schemas';
import { batchPublishRoute } from './batch-publish-route';

const RECENT_EVENT_IDS = 200_000;

/**
 * `POST /v1/feedback`: publishes label, pair and triplet events to the `feedback` topic, keyed
 * by the item each concerns so that one item's events stay ordered.
 *
 * @example
 * registerFeedbackRoutes(app, context);
 */
export function registerFeedbackRoutes(app: DiscernApp, ctx: RouteContext): void {
  const { queue, vectorStore, config, metrics, logger, liveAlias, recentItems } = ctx;
  const idCheck = { queue, trainerGroup: ctx.trainerGroup, vectorStore, liveAlias, recent: recentItems, policy: config.intake.unknownItemIds };
  const maxEvents = config.api.maxBatchItems;
  const recent = new RecentIds(RECENT_EVENT_IDS);

  app.openapi(
    batchPublishRoute(ctx, {
      path: '/v1/feedback',
      operationId: 'sendFeedback',
      tag: 'feedback',
      field: 'events',
      schema: feedbackBatchSchema(maxEvents),
      summary: 'Send feedback events',
      description:
        `Label, pair and triplet events. 202 only once the queue has durably written them. Each event gets an \`eventId\` ` +
        `(the client's, or one assigned here), returned in \`ids\`; an eventId accepted recently is not written again. ` +
        `At most ${maxEvents} events per request (more: 413). Events naming an item that is neither indexed nor recently added are refused ` +
        `with a 400 naming the field (unless UNKNOWN_ITEM_IDS is \`accept\`).`,
    }),
    async (c) => {
      const { events } = c.req.valid('json');
      const receivedAt = acceptedAt();
      const defaultSource = sourceOfKey(config.apiKey === undefined ? undefined : presentedKeys(c)[0]);
      const ids = new Array<string>(events.length);
      const records: OutgoingRecord[] = [];
      const toWrite: number[] = [];
      const written: string[] = [];
      const clientIds = new Set<string>();
      for (let i = 0; i < events.length; i++) {
        // The validated objects are this request's own copies: stamping them in place is
        // cheaper than spreading each into a new record object.
        const record = events[i] as FeedbackRecord;
        if (record.eventId === undefined) {
          // A fresh UUID cannot repeat an earlier id, so only the client's own ids are looked up.
          record.eventId = randomUUID();
        } else if (recent.has(record.eventId) || clientIds.has(record.eventId)) {
          ids[i] = record.eventId;
          continue;
        } else {
          clientIds.add(record.eventId);
        }
        record.receivedAt = receivedAt;
        record.source ??= defaultSource;
        ids[i] = record.eventId;
        toWrite.push(i);
      }
      // A repeat of an accepted event is answered as before, whatever became of its items since.
      await refuseUnknownItems(events, toWrite, idCheck);
      for (const i of toWrite) {
        const record = events[i] as FeedbackRecord;
        written.push(record.eventId);
        records.push({ key: feedbackKey(record), value: JSON.stringify(record) });
      }
      if (records.length > 0) await publishDurably(queue, 'feedback', records, metrics, logger);
      for (const id of written) recent.add(id);
      return c.json({ accepted: events.length, ids, duplicates: events.length - records.length }, 202);
    },
  );
}

/**
 * The source of events sent without one: the presented API key's identity (a digest prefix, so
 * the key itself is never written to the queue), or `anonymous` when the service takes no key.
 */
function sourceOfKey(key: string | undefined): string {
  return key === undefined ? ANONYMOUS_SOURCE : `key:${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

const ITEM_FIELDS = { label: ['itemId'], pair: ['a', 'b'], triplet: ['anchor', 'positive', 'negative'] } as const;

/** The item id an event names in `field`. */
const idIn = (event: Feedback, field: string) => (event as unknown as Record<string, string>)[field];

/** A 400 naming each item-id field of the events at `indexes` that names no known item. */
async function refuseUnknownItems(events: Feedback[], indexes: number[], check: ItemIdCheck): Promise<void> {
  if (check.policy === 'accept') return;
  // Plain loops: this runs for every feedback request, most of them single events.
  const ids: string[] = [];
  for (const i of indexes) for (const field of ITEM_FIELDS[events[i].type]) ids.push(idIn(events[i], field));
  const unknown = await unknownItemIds(ids, check);
  if (unknown.size === 0) return;
  const issues: IntakeIssue[] = [];
  for (const i of indexes) {
    for (const field of ITEM_FIELDS[events[i].type]) {
      const id = idIn(events[i], field);
      if (unknown.has(id)) issues.push({ path: `events.${i}.${field}`, code: 'unknown_item', message: `no item ${id} is indexed or was recently added` });
    }
  }
  throw intakeError(issues);
}
