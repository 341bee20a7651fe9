import type { TopicName } from '../core/queue';
import { ImageDecodeError } from '../core/image-decoder';
import { FeedbackRecordSchema, ItemRecordSchema } from '../events';
import { stampOf, type AcceptStamp } from './accept-order';
import { UnusableInputError, type CatalogState } from './catalog-state';
import { describeIssues } from './dead-letter';
import type { Constraint, FeedbackMemory } from './feedback-memory';
import { CATALOG_SOURCE, type LabelConsensus } from './label-consensus';
import { ANONYMOUS_SOURCE } from '../events/feedback';

/** What one record did. */
export type RecordOutcome =
  /** `signal`: it taught something new to train on; `touched`: items whose live vector or payload changed. */
  | { kind: 'applied'; signal: boolean; touched: string[] }
  /** A feedback event whose `eventId` was already applied (a client retry). */
  | { kind: 'duplicate' }
  /** Invalid or undecodable; `reason` names the field. */
  | { kind: 'dead'; reason: string };

/** Where a record was read from: its stamp's tie-breaker among records accepted in the same millisecond. */
export interface RecordPosition {
  topic: Extract<TopicName, 'items' | 'feedback'>;
  partition: number;
  offset: string | number;
}

/**
 * Applies parsed `items` and `feedback` records to the catalog and the replay memory,
 * validating them with the event schemas. Every write carries the record's accept stamp
 * (`receivedAt`, then its log position), and the catalog keeps the newest write of each
 * field, so applying the same records in any interleaving of the two topics rebuilds the same
 * catalog, which is what crash recovery relies on. The replay memory follows the catalog: an
 * item is trained on under its current label only while it has content. With a `consensus`
 * (the poisoning guard), the label trained on is the consensus of the sources' votes instead
 * of the newest one, and constraints are weighted by how well they agree with it; the catalog's
 * label stays the newest.
 *
 * @example
 * const applier = new RecordApplier(catalog, memory);
 * const outcome = await applier.apply(record, JSON.parse(record.value));
 * if (outcome.kind === 'dead') await queue.publish('dead-letters', [deadLetterFor(record, outcome.reason)]);
 */
export class RecordApplier {
  private readonly seenEventIds = new Set<string>();

  constructor(
    private readonly catalog: CatalogState,
    private readonly memory: FeedbackMemory,
    private readonly consensus?: LabelConsensus,
  ) {}

  async apply(position: RecordPosition, value: unknown): Promise<RecordOutcome> {
    return position.topic === 'items' ? this.applyItem(position, value) : this.applyFeedback(position, value);
  }

  private async applyItem(position: RecordPosition, value: unknown): Promise<RecordOutcome> {
    const { catalog, memory } = this;
    const parsed = ItemRecordSchema.safeParse(value);
    if (!parsed.success) return { kind: 'dead', reason: describeIssues(parsed.error.issues) };
    const event = parsed.data;
    const stamp = stampOf(position, event.receivedAt);
    if (event.type === 'delete') {
      catalog.delete(event.id, stamp);
      memory.forgetConstraintsOf(event.id, stamp.at);
      this.followCatalog(event.id);
      for (const id of this.consensus?.forgetItem(event.id) ?? []) this.followCatalog(id);
      return { kind: 'applied', signal: false, touched: [event.id] };
    }
    let input: Float32Array | undefined;
    try {
      input = await catalog.decode(event);
    } catch (error) {
      if (error instanceof ImageDecodeError || error instanceof UnusableInputError) return { kind: 'dead', reason: error.message };
      throw error;
    }
    // One item's records share a partition, so whether its content arrived earlier is the same
    // in every replay, however the feedback topic interleaves.
    if (input === undefined && catalog.get(event.id)?.input === undefined) {
      return { kind: 'dead', reason: `id: ${event.id} is not a known item, and a record without image, pixels or vector only updates an existing one` };
    }
    catalog.upsert(event, input, stamp);
    let signal = this.followCatalog(event.id);
    if (this.consensus && event.label !== undefined && !catalog.deletedAfter(event.id, stamp)) {
      for (const id of this.consensus.vote(event.id, event.label, CATALOG_SOURCE, stamp)) signal = this.followCatalog(id) || signal;
    }
    return { kind: 'applied', signal, touched: [event.id] };
  }

  private applyFeedback(position: RecordPosition, value: unknown): RecordOutcome {
    const { catalog, memory } = this;
    const parsed = FeedbackRecordSchema.safeParse(value);
    if (!parsed.success) return { kind: 'dead', reason: describeIssues(parsed.error.issues) };
    const event = parsed.data;
    if (this.seenEventIds.has(event.eventId)) return { kind: 'duplicate' };
    this.seenEventIds.add(event.eventId);
    const stamp = stampOf(position, event.receivedAt);
    const weight = event.weight ?? 1;
    switch (event.type) {
      case 'label': {
        const change = catalog.setLabel(event.itemId, event.label, stamp);
        if (this.consensus) return this.applyVote(event.itemId, event.label, event.source ?? ANONYMOUS_SOURCE, stamp, change.labelChanged);
        const item = catalog.get(event.itemId);
        // A label given again still counts as fresh signal (it refreshes the item's recency).
        const current = change.labelWritten && item?.input !== undefined && item.label === event.label;
        if (current) memory.rememberLabel(event.itemId, event.label, stamp.at);
        return { kind: 'applied', signal: current, touched: change.labelChanged ? [event.itemId] : [] };
      }
      case 'pair':
        if (this.predatesDelete(stamp, event.a, event.b)) return { kind: 'applied', signal: false, touched: [] };
        memory.rememberConstraint(this.weighed({ kind: 'pair', a: event.a, b: event.b, similar: event.similar, weight, at: stamp.at }, event.source));
        return { kind: 'applied', signal: true, touched: [] };
      case 'triplet':
        if (this.predatesDelete(stamp, event.anchor, event.positive, event.negative)) return { kind: 'applied', signal: false, touched: [] };
        memory.rememberConstraint(
          this.weighed({ kind: 'triplet', anchor: event.anchor, positive: event.positive, negative: event.negative, weight, at: stamp.at }, event.source),
        );
        return { kind: 'applied', signal: true, touched: [] };
    }
  }

  /** A label vote under the poisoning guard: every item whose consensus may have moved follows it. */
  private applyVote(itemId: string, label: string, source: string, stamp: AcceptStamp, labelChanged: boolean): RecordOutcome {
    const consensus = this.consensus!;
    if (this.catalog.deletedAfter(itemId, stamp)) return { kind: 'applied', signal: false, touched: [] };
    let signal = false;
    for (const id of consensus.vote(itemId, label, source, stamp)) signal = this.followCatalog(id) || signal;
    const item = this.catalog.get(itemId);
    // A label given again still counts as fresh signal (it refreshes the item's recency).
    if (!signal && item?.input !== undefined && consensus.trainedLabel(itemId, item.label) === label) {
      this.memory.rememberLabel(itemId, label, stamp.at);
      signal = true;
    }
    return { kind: 'applied', signal, touched: labelChanged ? [itemId] : [] };
  }

  /** The constraint with its weight scaled by the guard's judgement of it. */
  private weighed<C extends Constraint>(constraint: C, source: string | undefined): C {
    if (!this.consensus) return constraint;
    return { ...constraint, weight: constraint.weight * this.consensus.constraintFactor(constraint, source ?? ANONYMOUS_SOURCE) };
  }

  /** A constraint accepted before one of its items was deleted is as if forgotten with it. */
  private predatesDelete(stamp: AcceptStamp, ...ids: string[]): boolean {
    return ids.some((id) => this.catalog.deletedAfter(id, stamp));
  }

  /**
   * Holds an item in the replay memory under its current label while it has content, and
   * drops it otherwise. True when that taught something new (a label entered or changed).
   */
  private followCatalog(id: string): boolean {
    const item = this.catalog.get(id);
    const label = this.consensus ? this.consensus.trainedLabel(id, item?.label) : item?.label;
    if (item?.input === undefined || label === undefined) {
      this.memory.forgetLabel(id);
      return false;
    }
    if (this.memory.labelOf(id) === label) return false;
    this.memory.rememberLabel(id, label, item.updatedAt);
    return true;
  }
}
