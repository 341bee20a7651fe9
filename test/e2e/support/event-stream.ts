import type { FashionItem } from './fashion-items';
import { requestJson, type JsonResponse } from './http-json';

export type StreamTopic = 'items' | 'feedback';

/** One request of the stream: its body, and the item ids or feedback event ids it carries. */
export interface StreamRequest {
  topic: StreamTopic;
  path: '/v1/items' | '/v1/feedback';
  body: { items?: unknown[]; events?: unknown[] };
  keys: string[];
}

export interface EventStreamOptions {
  /** Items per `POST /v1/items` (default 20). */
  itemsPerRequest?: number;
  /** Events per `POST /v1/feedback` (default 10). */
  eventsPerRequest?: number;
  /** Item ids are `<prefix>-<n>` (default `s`); feedback event ids `<prefix>-e<n>`. */
  prefix?: string;
}

/**
 * A stream of API requests over Fashion-MNIST images, alternating `POST /v1/items` (fresh ids,
 * every other item labelled) and `POST /v1/feedback` (labels and pairs about items accepted
 * earlier, each with its own `eventId`). It keeps the books: what each topic got a 202 for,
 * which ids those carried, and every answer that was not a 202.
 *
 * @example
 * const stream = createEventStream(catalog);
 * while (stream.accepted.items < 200) await stream.send(url, stream.next());
 */
export function createEventStream(catalog: FashionItem[], options: EventStreamOptions = {}) {
  const itemsPerRequest = options.itemsPerRequest ?? 20;
  const eventsPerRequest = options.eventsPerRequest ?? 10;
  const prefix = options.prefix ?? 's';
  const accepted = { items: 0, feedback: 0 };
  const acceptedKeys = { items: new Set<string>(), feedback: new Set<string>() };
  const acceptedItems: { id: string; item: FashionItem }[] = [];
  const refused: { topic: StreamTopic; status: number; retryAfter: string | null; body: unknown }[] = [];
  let nextItem = 0;
  let nextEvent = 0;
  let turn = 0;

  function itemRequest(): StreamRequest {
    const items = Array.from({ length: itemsPerRequest }, () => {
      const n = nextItem++;
      const source = catalog[n % catalog.length];
      return { id: `${prefix}-${n}`, pixels: source.pixels, ...(n % 2 === 0 ? { label: source.className } : {}) };
    });
    return { topic: 'items', path: '/v1/items', body: { items }, keys: items.map((i) => i.id) };
  }

  function feedbackRequest(): StreamRequest | undefined {
    if (acceptedItems.length < 2) return undefined;
    const events = Array.from({ length: eventsPerRequest }, (_, j) => {
      const eventId = `${prefix}-e${nextEvent++}`;
      const a = acceptedItems[(nextEvent * 7) % acceptedItems.length];
      if (j % 2 === 0) return { type: 'label', itemId: a.id, label: a.item.className, eventId };
      const b = acceptedItems[(nextEvent * 13 + 1) % acceptedItems.length];
      if (b.id === a.id) return { type: 'label', itemId: a.id, label: a.item.className, eventId };
      return { type: 'pair', a: a.id, b: b.id, similar: a.item.classId === b.item.classId, eventId };
    });
    return { topic: 'feedback', path: '/v1/feedback', body: { events }, keys: events.map((e) => e.eventId) };
  }

  return {
    accepted,
    acceptedKeys,
    refused,
    /** Items that got a 202, in order. */
    acceptedItems,
    /** The next request: items and feedback alternate (items first, until some are accepted). */
    next(): StreamRequest {
      turn++;
      return (turn % 2 === 0 && feedbackRequest()) || itemRequest();
    },
    /** Sends one request and books its answer. */
    async send(url: string, request: StreamRequest): Promise<JsonResponse> {
      const response = await requestJson(url, 'POST', request.path, request.body);
      if (response.status === 202) {
        accepted[request.topic] += response.body.accepted;
        for (const key of request.keys) acceptedKeys[request.topic].add(key);
        if (request.topic === 'items') {
          for (const item of request.body.items as { id: string }[]) {
            acceptedItems.push({ id: item.id, item: catalog[Number(item.id.slice(prefix.length + 1)) % catalog.length] });
          }
        }
      } else {
        refused.push({ topic: request.topic, status: response.status, retryAfter: response.headers.get('retry-after'), body: response.body });
      }
      return response;
    },
  };
}

export type EventStream = ReturnType<typeof createEventStream>;
