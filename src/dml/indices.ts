/**
 * Index tuples: which rows of a batch form triplets or positive/negative pairs. Miners produce
 * them, losses consume them; both sides only agree on these shapes.
 */

/** `(anchors[i], positives[i], negatives[i])`: same label for anchor/positive, different for negative. */
export interface TripletIndices {
  kind: 'triplets';
  anchors: Int32Array;
  positives: Int32Array;
  negatives: Int32Array;
}

/** Positive pairs `(posA[i], posB[i])` share a label; negative pairs `(negA[j], negB[j])` do not. */
export interface PairIndices {
  kind: 'pairs';
  posA: Int32Array;
  posB: Int32Array;
  negA: Int32Array;
  negB: Int32Array;
}

export type IndicesTuple = TripletIndices | PairIndices;

/** @example emptyTriplets().anchors.length === 0 */
export function emptyTriplets(): TripletIndices {
  return { kind: 'triplets', anchors: new Int32Array(0), positives: new Int32Array(0), negatives: new Int32Array(0) };
}

/** Triplets from index lists built up one at a time. @example tripletsFrom([0], [1], [2]) */
export function tripletsFrom(anchors: number[], positives: number[], negatives: number[]): TripletIndices {
  return { kind: 'triplets', anchors: Int32Array.from(anchors), positives: Int32Array.from(positives), negatives: Int32Array.from(negatives) };
}

/** @example emptyPairs().posA.length === 0 */
export function emptyPairs(): PairIndices {
  return { kind: 'pairs', posA: new Int32Array(0), posB: new Int32Array(0), negA: new Int32Array(0), negB: new Int32Array(0) };
}

/**
 * Every ordered positive pair (i ≠ j, same label) and negative pair (different labels), in
 * row-major order.
 *
 * @example
 * allPairs(Int32Array.from([0, 0, 1])); // posA [0,1], posB [1,0]; negA [0,1,2,2], negB [2,2,0,1]
 */
export function allPairs(labels: ArrayLike<number>): PairIndices {
  const n = labels.length;
  const counts = labelCounts(labels);
  let positives = 0;
  for (let i = 0; i < n; i++) positives += counts.get(labels[i])! - 1;
  const negatives = n * (n - 1) - positives;
  const out: PairIndices = {
    kind: 'pairs',
    posA: new Int32Array(positives),
    posB: new Int32Array(positives),
    negA: new Int32Array(negatives),
    negB: new Int32Array(negatives),
  };
  let p = 0;
  let q = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      if (labels[i] === labels[j]) {
        out.posA[p] = i;
        out.posB[p++] = j;
      } else {
        out.negA[q] = i;
        out.negB[q++] = j;
      }
    }
  }
  return out;
}

/**
 * Every valid triplet (anchor, positive ≠ anchor with the same label, negative with another
 * label), ordered by anchor, then positive, then negative.
 *
 * @example
 * allTriplets(Int32Array.from([0, 0, 1])).anchors; // [0, 1]
 */
export function allTriplets(labels: ArrayLike<number>): TripletIndices {
  const n = labels.length;
  const counts = labelCounts(labels);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const c = counts.get(labels[i])!;
    total += (c - 1) * (n - c);
  }
  const out: TripletIndices = {
    kind: 'triplets',
    anchors: new Int32Array(total),
    positives: new Int32Array(total),
    negatives: new Int32Array(total),
  };
  const negativesOf = new Map<number, number[]>();
  for (const label of counts.keys()) {
    const negs: number[] = [];
    for (let k = 0; k < n; k++) if (labels[k] !== label) negs.push(k);
    negativesOf.set(label, negs);
  }
  let t = 0;
  for (let a = 0; a < n; a++) {
    const negs = negativesOf.get(labels[a])!;
    for (let p = 0; p < n; p++) {
      if (p === a || labels[p] !== labels[a]) continue;
      for (const neg of negs) {
        out.anchors[t] = a;
        out.positives[t] = p;
        out.negatives[t++] = neg;
      }
    }
  }
  return out;
}

/**
 * Splits triplets into their anchor-positive and anchor-negative pairs (duplicates kept, as a
 * triplet list weights pairs by how often they occur).
 *
 * @example
 * tripletsToPairs(miner.mine(embeddings, labels) as TripletIndices);
 */
export function tripletsToPairs(triplets: TripletIndices): PairIndices {
  return {
    kind: 'pairs',
    posA: triplets.anchors.slice(),
    posB: triplets.positives.slice(),
    negA: triplets.anchors.slice(),
    negB: triplets.negatives.slice(),
  };
}

/**
 * Joins positive and negative pairs that share their first element into triplets: every
 * positive pair `(a, p)` with every negative pair `(a, n)`.
 *
 * @example
 * pairsToTriplets(new MultiSimilarityMiner().mine(embeddings, labels) as PairIndices);
 */
export function pairsToTriplets(pairs: PairIndices): TripletIndices {
  const negativesOf = new Map<number, number[]>();
  for (let j = 0; j < pairs.negA.length; j++) {
    const list = negativesOf.get(pairs.negA[j]);
    if (list) list.push(pairs.negB[j]);
    else negativesOf.set(pairs.negA[j], [pairs.negB[j]]);
  }
  let total = 0;
  for (let i = 0; i < pairs.posA.length; i++) total += negativesOf.get(pairs.posA[i])?.length ?? 0;
  const out: TripletIndices = {
    kind: 'triplets',
    anchors: new Int32Array(total),
    positives: new Int32Array(total),
    negatives: new Int32Array(total),
  };
  let t = 0;
  for (let i = 0; i < pairs.posA.length; i++) {
    for (const neg of negativesOf.get(pairs.posA[i]) ?? []) {
      out.anchors[t] = pairs.posA[i];
      out.positives[t] = pairs.posB[i];
      out.negatives[t++] = neg;
    }
  }
  return out;
}

/** The tuple as pairs, converting triplets when needed. @example asPairs(indices).posA */
export function asPairs(indices: IndicesTuple): PairIndices {
  return indices.kind === 'pairs' ? indices : tripletsToPairs(indices);
}

/** The tuple as triplets, converting pairs when needed. @example asTriplets(indices).anchors */
export function asTriplets(indices: IndicesTuple): TripletIndices {
  return indices.kind === 'triplets' ? indices : pairsToTriplets(indices);
}

/** Number of triplets, or of positive + negative pairs. @example indicesCount(allPairs(labels)) */
export function indicesCount(indices: IndicesTuple): number {
  return indices.kind === 'triplets' ? indices.anchors.length : indices.posA.length + indices.negA.length;
}

/**
 * Throws when the tuple is malformed for a batch of `batchSize` rows: arrays of unequal length
 * or indices outside `[0, batchSize)`. The message names the offending field.
 *
 * @example
 * checkIndices(indices, embeddings.shape[0], 'TripletMarginLoss');
 */
export function checkIndices(indices: IndicesTuple, batchSize: number, owner: string): void {
  const groups: Array<[string, Int32Array][]> =
    indices.kind === 'triplets'
      ? [[['anchors', indices.anchors], ['positives', indices.positives], ['negatives', indices.negatives]]]
      : [
          [['posA', indices.posA], ['posB', indices.posB]],
          [['negA', indices.negA], ['negB', indices.negB]],
        ];
  for (const group of groups) {
    const [firstName, first] = group[0];
    for (const [name, values] of group) {
      if (!(values instanceof Int32Array)) throw new Error(`${owner}: indices.${name} must be an Int32Array`);
      if (values.length !== first.length) {
        throw new Error(`${owner}: indices.${name} has length ${values.length}, indices.${firstName} has ${first.length}`);
      }
      for (let i = 0; i < values.length; i++) {
        if (values[i] < 0 || values[i] >= batchSize) {
          throw new Error(`${owner}: indices.${name}[${i}] = ${values[i]} is outside the batch of ${batchSize}`);
        }
      }
    }
  }
}

function labelCounts(labels: ArrayLike<number>): Map<number, number> {
  const counts = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) counts.set(labels[i], (counts.get(labels[i]) ?? 0) + 1);
  return counts;
}
