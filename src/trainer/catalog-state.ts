import type { AttributeValue, VectorPayload } from '../core/vector-store';
import { decodeImageInput, ImageDecodeError, type ItemUpsertRecord } from '../events';
import { thumbnailOf } from './item-thumbnail';

/** What the encoder takes: a pixel grid (HWC, raw 0–255) or a feature vector. */
export type ModelInputSpec = { height: number; width: number; channels: number } | { features: number };

/** One catalog item as the trainer knows it. */
export interface CatalogItem {
  id: string;
  label?: string;
  attributes?: Record<string, AttributeValue>;
  /** Encoder input in the model's layout; absent while only metadata or feedback is known. */
  input?: Float32Array;
  /** When the item (or its label) last changed, ms since the epoch. */
  updatedAt: number;
}

/** How an applied record changed the catalog. */
export interface CatalogChange {
  id: string;
  /** The item has (new) content to embed. */
  contentChanged: boolean;
  /** The item's label was set, changed or removed. */
  labelChanged: boolean;
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

/**
 * The trainer's view of the catalog, rebuilt by applying `items` and `feedback` records in
 * order (event sourcing): item id → label, attributes and encoder input. Feedback may name an
 * item before its content arrives, so an entry can exist without input.
 *
 * @example
 * const catalog = new CatalogState({ height: 28, width: 28, channels: 1 });
 * const input = await catalog.decode(record);          // throws UnusableInputError / ImageDecodeError
 * catalog.upsert(record, input, consumed.timestamp);
 * catalog.setLabel('item-7', 'shoe', Date.now());
 */
export class CatalogState {
  private readonly items = new Map<string, CatalogItem>();
  readonly inputSize: number;

  constructor(readonly inputSpec: ModelInputSpec) {
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
    let n = 0;
    for (const item of this.items.values()) if (item.input) n++;
    return n;
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
    const input = await decodeImageInput({ image: record.image, pixels: record.pixels }, { height: spec.height, width: spec.width, channels: spec.channels });
    return input;
  }

  /**
   * Creates or replaces an item. Content and attributes are replaced; a label given by the
   * record wins, otherwise the label already known (e.g. from feedback) is kept.
   */
  upsert(record: Pick<ItemUpsertRecord, 'id' | 'label' | 'attributes'>, input: Float32Array | undefined, timestamp: number): CatalogChange {
    if (input !== undefined && input.length !== this.inputSize) {
      throw new UnusableInputError('input', `expected ${this.inputSize} values, got ${input.length}`);
    }
    const previous = this.items.get(record.id);
    const label = record.label ?? previous?.label;
    this.items.set(record.id, {
      id: record.id,
      label,
      attributes: record.attributes ?? (input === undefined ? previous?.attributes : undefined),
      input: input ?? previous?.input,
      updatedAt: timestamp,
    });
    return { id: record.id, contentChanged: input !== undefined, labelChanged: label !== previous?.label, previousLabel: previous?.label };
  }

  /** Removes an item; returns what it was. */
  delete(id: string): CatalogItem | undefined {
    const previous = this.items.get(id);
    this.items.delete(id);
    return previous;
  }

  /** Sets or changes an item's label (creating a content-less entry for an unknown id). */
  setLabel(id: string, label: string, timestamp: number): CatalogChange {
    const previous = this.items.get(id);
    if (previous) {
      const previousLabel = previous.label;
      previous.label = label;
      previous.updatedAt = timestamp;
      return { id, contentChanged: false, labelChanged: previousLabel !== label, previousLabel };
    }
    this.items.set(id, { id, label, updatedAt: timestamp });
    return { id, contentChanged: false, labelChanged: true };
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
