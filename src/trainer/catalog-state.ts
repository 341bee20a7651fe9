import type { AttributeValue, VectorPayload } from '../core/vector-store';
import { ImageDecodeError, type ImageDecoder } from '../core/image-decoder';
import type { ItemUpsertRecord } from '../events';
import { thumbnailOf } from './item-thumbnail';
import { asStamp, compareStamps, type AcceptStamp } from './accept-order';
import type { EncoderConfig } from '../encoder/config';

const FIELDS = ['label', 'attributes', 'input'] as const;

/** What the encoder takes: a pixel grid (HWC, raw 0–255) or a feature vector. */
/** The input an encoder takes, as its config says: an image grid or a feature vector. */
export type EncoderInputSpec = EncoderConfig['input'];

/** One catalog item as the trainer knows it. */
export interface CatalogItem {
  id: string;
  label?: string;
  attributes?: Record<string, AttributeValue>;
  /** Encoder input in the model's layout; absent while only metadata or feedback is known. */
  input?: Float32Array;
  /** When the newest of its fields was accepted, ms since the epoch. */
  updatedAt: number;
}

/** How an applied record changed the catalog. */
export interface CatalogChange {
  id: string;
  /** The item has (new) content to embed. */
  contentChanged: boolean;
  /** The item's label was set, changed or removed. */
  labelChanged: boolean;
  /** The record's label was written (it was not older than the item's last label or delete). */
  labelWritten: boolean;
  previousLabel?: string;
}

/** A record whose content cannot become encoder input; `field` names the culprit. */
export class UnusableInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'UnusableInputError';
  }
}

/** When each of an item's fields was last written, and when it was last deleted. */
interface FieldStamps {
  label?: AcceptStamp;
  attributes?: AcceptStamp;
  input?: AcceptStamp;
  deleted?: AcceptStamp;
}

type Field = Exclude<keyof FieldStamps, 'deleted'>;

/**
 * The trainer's view of the catalog, rebuilt from `items` and `feedback` records: item id →
 * label, attributes and encoder input. Feedback may name an item before its content arrives,
 * so an entry can exist without input.
 *
 * Each field keeps the accept stamp of its last write, and an older write never overwrites a
 * newer one (last writer wins, by the order the API accepted the records). A delete erases
 * every field written before it and refuses later-applied writes accepted before it. So the
 * state depends only on which records were applied, not on the order a consumer happened to
 * read the two topics in: a replay after a restart rebuilds exactly the state before it.
 *
 * @example
 * const catalog = new CatalogState({ height: 28, width: 28, channels: 1 });
 * const input = await catalog.decode(record);          // throws UnusableInputError / ImageDecodeError
 * catalog.upsert(record, input, stampOf(consumed, record.receivedAt));
 * catalog.setLabel('item-7', 'shoe', stampOf(labelRecord, event.receivedAt));
 */
export class CatalogState {
  /** Items with at least one field, as search and training see them. */
  private readonly items = new Map<string, CatalogItem>();
  /** Items with input, kept as they change: the trainer's status asks after every poll. */
  private embeddableCount = 0;
  /** Field stamps of every id ever written, deleted ones included (their tombstones). */
  private readonly stamps = new Map<string, FieldStamps>();
  readonly inputSize: number;

  /** `decoder` turns image records into input; a catalog of feature vectors needs none. */
  constructor(
    readonly inputSpec: EncoderInputSpec,
    private readonly decoder?: ImageDecoder,
  ) {
    this.inputSize = 'features' in inputSpec ? inputSpec.features : inputSpec.height * inputSpec.width * inputSpec.channels;
  }

  /** Shape of one input row, e.g. `[28, 28, 1]` or `[512]`. */
  get inputShape(): number[] {
    const s = this.inputSpec;
    return 'features' in s ? [s.features] : [s.height, s.width, s.channels];
  }

  get size(): number {
    return this.items.size;
  }

  get(id: string): CatalogItem | undefined {
    return this.items.get(id);
  }

  /** Items that have input, i.e. can be embedded. */
  *embeddable(): IterableIterator<CatalogItem & { input: Float32Array }> {
    for (const item of this.items.values()) if (item.input) yield item as CatalogItem & { input: Float32Array };
  }

  /** Number of items that have input. */
  countEmbeddable(): number {
    return this.embeddableCount;
  }

  /**
   * Turns an upsert record's content into encoder input, or `undefined` for a metadata-only
   * update. Throws `ImageDecodeError` or `UnusableInputError` naming the field.
   */
  async decode(record: Pick<ItemUpsertRecord, 'image' | 'pixels' | 'vector'>): Promise<Float32Array | undefined> {
    const spec = this.inputSpec;
    if (record.vector !== undefined) {
      if (!('features' in spec)) throw new UnusableInputError('vector', `this model takes images (${spec.height}×${spec.width}×${spec.channels}), not feature vectors`);
      if (record.vector.length !== spec.features) throw new UnusableInputError('vector', `expected ${spec.features} values, got ${record.vector.length}`);
      return Float32Array.from(record.vector);
    }
    if (record.image === undefined && record.pixels === undefined) return undefined;
    if ('features' in spec) throw new UnusableInputError(record.image !== undefined ? 'image' : 'pixels', `this model takes feature vectors of ${spec.features} values, not images`);
    if (spec.channels !== 1 && spec.channels !== 3) throw new UnusableInputError('image', `model input has ${spec.channels} channels; only 1 or 3 can be decoded`);
    if (!this.decoder) throw new Error('this catalog was built without an image decoder, so it cannot take image records');
    return this.decoder.decode({ image: record.image, pixels: record.pixels }, { height: spec.height, width: spec.width, channels: spec.channels });
  }

  /**
   * Writes an upsert accepted at `stamp`: its content (when it has some), its label (when it
   * carries one; otherwise the label already known, e.g. from feedback, is kept) and its
   * attributes (when it carries some or new content, which replaces them). Each field is
   * written only if no newer write or delete of it was applied before.
   */
  upsert(record: Pick<ItemUpsertRecord, 'id' | 'label' | 'attributes'>, input: Float32Array | undefined, stamp: AcceptStamp | number): CatalogChange {
    if (input !== undefined && input.length !== this.inputSize) {
      throw new UnusableInputError('input', `expected ${this.inputSize} values, got ${input.length}`);
    }
    const at = asStamp(stamp);
    const previous = this.items.get(record.id);
    const fields: Partial<Pick<CatalogItem, Field>> = {};
    if (input !== undefined) fields.input = input;
    if (record.label !== undefined) fields.label = record.label;
    if (record.attributes !== undefined || input !== undefined) fields.attributes = record.attributes;
    const written = this.write(record.id, fields, at);
    const label = this.items.get(record.id)?.label;
    return {
      id: record.id,
      contentChanged: written.has('input'),
      labelChanged: label !== previous?.label,
      labelWritten: written.has('label'),
      previousLabel: previous?.label,
    };
  }

  /**
   * Deletes an item as of `stamp`: every field written before it is erased, and writes
   * accepted before it that are applied later are ignored. Returns the item as it was, when
   * the delete removed it.
   */
  delete(id: string, stamp: AcceptStamp | number): CatalogItem | undefined {
    const at = asStamp(stamp);
    const previous = this.items.get(id);
    const stamps = this.stampsOf(id);
    if (stamps.deleted === undefined || compareStamps(at, stamps.deleted) > 0) stamps.deleted = at;
    let erased = false;
    for (const field of FIELDS) {
      const written = stamps[field];
      if (written && compareStamps(written, stamps.deleted) < 0) {
        stamps[field] = undefined;
        erased = true;
      }
    }
    this.materialise(id, previous);
    return erased ? previous : undefined;
  }

  /** Sets or changes an item's label as of `stamp` (creating a content-less entry for an unknown id). */
  setLabel(id: string, label: string, stamp: AcceptStamp | number): CatalogChange {
    const previousLabel = this.items.get(id)?.label;
    const written = this.write(id, { label }, asStamp(stamp));
    const now = this.items.get(id)?.label;
    return { id, contentChanged: false, labelChanged: now !== previousLabel, labelWritten: written.has('label'), previousLabel };
  }

  /** Whether a delete accepted after `stamp` has been applied to `id`. */
  deletedAfter(id: string, stamp: AcceptStamp | number): boolean {
    const deleted = this.stamps.get(id)?.deleted;
    return deleted !== undefined && compareStamps(deleted, asStamp(stamp)) > 0;
  }

  /** Writes each given field that is not older than its last write or the item's last delete; returns the fields written. */
  private write(id: string, fields: Partial<Pick<CatalogItem, Field>>, at: AcceptStamp): Set<Field> {
    const stamps = this.stampsOf(id);
    const previous = this.items.get(id);
    const written = new Set<Field>();
    if (stamps.deleted && compareStamps(at, stamps.deleted) <= 0) return written;
    const next: CatalogItem = { ...(previous ?? { id, updatedAt: at.at }) };
    for (const field of FIELDS) {
      if (!(field in fields)) continue;
      const last = stamps[field];
      if (last && compareStamps(at, last) < 0) continue;
      stamps[field] = at;
      (next as unknown as Record<Field, unknown>)[field] = fields[field];
      written.add(field);
    }
    if (written.size > 0) this.putItem(id, next);
    this.materialise(id, previous);
    return written;
  }

  /** Brings the visible item in line with its field stamps (erased fields dropped, no fields: gone). */
  private materialise(id: string, previous: CatalogItem | undefined): void {
    const stamps = this.stampsOf(id);
    const current = this.items.get(id);
    const live = FIELDS.filter((field) => stamps[field] !== undefined);
    if (live.length === 0) {
      this.putItem(id, undefined);
      if (stamps.deleted === undefined) this.stamps.delete(id);
      return;
    }
    const item: CatalogItem = { id, updatedAt: Math.max(...live.map((field) => stamps[field]!.at)) };
    for (const field of live) {
      const value = (current ?? previous)?.[field];
      if (value !== undefined) (item as unknown as Record<Field, unknown>)[field] = value;
    }
    this.putItem(id, item);
  }

  /** Sets or (undefined) removes an item, keeping the count of items with input. */
  private putItem(id: string, item: CatalogItem | undefined): void {
    const before = this.items.get(id)?.input !== undefined ? 1 : 0;
    const after = item?.input !== undefined ? 1 : 0;
    this.embeddableCount += after - before;
    if (item) this.items.set(id, item);
    else this.items.delete(id);
  }

  private stampsOf(id: string): FieldStamps {
    let stamps = this.stamps.get(id);
    if (!stamps) this.stamps.set(id, (stamps = {}));
    return stamps;
  }

  /** The payload stored with an item's vector. */
  payloadOf(item: CatalogItem): VectorPayload {
    const thumbnail = item.input ? thumbnailOf(item.input, this.inputSpec) : undefined;
    return {
      ...(item.label !== undefined ? { label: item.label } : {}),
      ...(item.attributes ? { attributes: item.attributes } : {}),
      ...(thumbnail !== undefined ? { thumbnail } : {}),
    };
  }
}

export { ImageDecodeError };
