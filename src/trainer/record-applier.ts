import { FeedbackRecordSchema, ImageDecodeError, ItemRecordSchema } from '../events';
import { UnusableInputError, type CatalogState } from './catalog-state';
import { describeIssues } from './dead-letter';
import type { FeedbackMemory } from './feedback-memory';

/** What one record did. */
export type RecordOutcome =
  /** `signal`: it taught something new to train on; `touched`: items whose live vector or payload changed. */
  | { kind: 'applied'; signal: boolean; touched: string[] }
  /** A feedback event whose `eventId` was already applied (a client retry). */
  | { kind: 'duplicate' }
  /** Invalid or undecodable; `reason` names the field. */
  | { kind: 'dead'; reason: string };

/**
 * Applies parsed `items` and `feedback` records to the catalog and the replay memory,
 * validating them with the event schemas. Replaying the same records in the same order
 * rebuilds the same state, which is what crash recovery relies on.
 *
 * @example
 * const applier = new RecordApplier(catalog, memory);
 * const outcome = await applier.apply('feedback', JSON.parse(record.value), record.timestamp);
 * if (outcome.kind === 'dead') await queue.publish('dead-letters', [deadLetterFor(record, outcome.reason)]);
 */
export class RecordApplier {
  private readonly seenEventIds = new Set<string>();

  constructor(
    private readonly catalog: CatalogState,
    private readonly memory: FeedbackMemory,
  ) {}

  async apply(topic: 'items' | 'feedback', value: unknown, timestamp: number): Promise<RecordOutcome> {
    return topic === 'items' ? this.applyItem(value, timestamp) : this.applyFeedback(value, timestamp);
  }

  private async applyItem(value: unknown, timestamp: number): Promise<RecordOutcome> {
    const { catalog, memory } = this;
    const parsed = ItemRecordSchema.safeParse(value);
    if (!parsed.success) return { kind: 'dead', reason: describeIssues(parsed.error.issues) };
    const event = parsed.data;
    if (event.type === 'delete') {
      catalog.delete(event.id);
      memory.forgetItem(event.id);
      return { kind: 'applied', signal: false, touched: [event.id] };
    }
    let input: Float32Array | undefined;
    try {
      input = await catalog.decode(event);
    } catch (error) {
      if (error instanceof ImageDecodeError || error instanceof UnusableInputError) return { kind: 'dead', reason: error.message };
      throw error;
    }
    const change = catalog.upsert(event, input, timestamp);
    const item = catalog.get(event.id)!;
    let signal = false;
    // A label known before the content (from feedback) becomes trainable once the content arrives.
    if (item.input && item.label !== undefined && (change.labelChanged || !memory.hasLabelled(item.id))) {
      memory.rememberLabel(item.id, item.label, timestamp);
      signal = true;
    }
    return { kind: 'applied', signal, touched: [event.id] };
  }

  private applyFeedback(value: unknown, timestamp: number): RecordOutcome {
    const { catalog, memory } = this;
    const parsed = FeedbackRecordSchema.safeParse(value);
    if (!parsed.success) return { kind: 'dead', reason: describeIssues(parsed.error.issues) };
    const event = parsed.data;
    if (this.seenEventIds.has(event.eventId)) return { kind: 'duplicate' };
    this.seenEventIds.add(event.eventId);
    const weight = event.weight ?? 1;
    switch (event.type) {
      case 'label': {
        const change = catalog.setLabel(event.itemId, event.label, timestamp);
        const item = catalog.get(event.itemId)!;
        if (item.input) memory.rememberLabel(item.id, event.label, timestamp);
        return { kind: 'applied', signal: item.input !== undefined, touched: change.labelChanged ? [event.itemId] : [] };
      }
      case 'pair':
        memory.rememberConstraint({ kind: 'pair', a: event.a, b: event.b, similar: event.similar, weight, at: timestamp });
        return { kind: 'applied', signal: true, touched: [] };
      case 'triplet':
        memory.rememberConstraint({ kind: 'triplet', anchor: event.anchor, positive: event.positive, negative: event.negative, weight, at: timestamp });
        return { kind: 'applied', signal: true, touched: [] };
    }
  }
}
