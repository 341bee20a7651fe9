import { asStamp, compareStamps, type AcceptStamp } from './accept-order';
import type { Constraint } from './feedback-memory';

/** Voices are sums of 1 and `suspectVoice`: closer than this counts as equal. */
const VOICE_EPSILON = 1e-9;

/** The source of labels written with an item itself (`POST /v1/items`). */
export const CATALOG_SOURCE = 'catalog';

export interface LabelConsensusOptions {
  /** A source is suspect once at least this many distinct other sources contradicted it, on at least as many items (default 3). */
  suspectAfterContradictors?: number;
  /** …and at least this share of the items it labelled is contradicted by others (default 0.2). */
  suspectContradictedShare?: number;
  /** How much a suspect source's label counts, against 1 for a trusted source (default 0.1). */
  suspectVoice?: number;
  /** A label is trained on only with at least this much support (default 0.5: one trusted voice). */
  minSupport?: number;
  /** Weight factor of a pair or triplet that contradicts the consensus labels of its items (default 0.1). */
  contradictingConstraintWeight?: number;
  /** Votes kept per item; a new source beyond this replaces the oldest vote (default 32). */
  maxSourcesPerItem?: number;
}

/** What the consensus makes of an item's labels. */
export type LabelDecision =
  /** No feedback or catalog label voted on it: the catalog's label stands. */
  | { kind: 'unvoted' }
  /** Train on it under `label`. */
  | { kind: 'label'; label: string }
  /** Only suspect sources label it: train on it under no label. */
  | { kind: 'contested' };

/** Called for every vote and constraint judged: `accepted` false when it was down-weighted or outvoted. */
export type VerdictListener = (source: string, kind: 'label' | 'pair' | 'triplet', accepted: boolean) => void;

interface Vote {
  label: string;
  stamp: AcceptStamp;
}

/**
 * The poisoning guard: decides which label the trainer trains an item under, and how much a
 * pair or triplet counts, from who said what.
 *
 * - **One voice per source and item.** Each source's newest label of an item is its vote; a
 *   source that repeats or floods labels of an item still has one vote there.
 * - **Suspect sources.** A source whose labels were contradicted by at least
 *   `suspectAfterContradictors` distinct other sources, on at least as many items and at least
 *   `suspectContradictedShare` of the items it labelled, is suspect: its votes count `suspectVoice` instead of 1 — also on
 *   items nobody else labelled, so a flood of fresh items from it is not trained on either.
 * - **Majority of distinct voices.** An item is trained under the label with the most voice
 *   (between labels with equal voice, the one voted on last, as the catalog does), if that
 *   voice is at least `minSupport`; otherwise (only suspect sources label it) it is held out of
 *   training until a trusted source does.
 * - **Constraints follow the labels.** A pair or triplet that contradicts its items' decided
 *   labels (similar across classes, dissimilar within one, a triplet whose negative shares the
 *   anchor's class while its positive does not) has its weight multiplied by
 *   `contradictingConstraintWeight`; one from a suspect source by `suspectVoice`.
 *
 * The state depends only on the votes applied, never on the order (each source's vote is its
 * newest by accept stamp), so a replay rebuilds it. It does not change the catalog's label.
 *
 * @example
 * const consensus = new LabelConsensus();
 * consensus.vote('shoe-1', 'sneaker', 'user:1', stamp);
 * consensus.vote('shoe-1', 'ankle boot', 'mallory', stamp2);
 * consensus.vote('shoe-1', 'sneaker', 'user:2', stamp3);
 * consensus.decision('shoe-1'); // { kind: 'label', label: 'sneaker' }: two voices against one
 */
export class LabelConsensus {
  private readonly suspectAfterContradictors: number;
  private readonly suspectContradictedShare: number;
  private readonly suspectVoice: number;
  private readonly minSupport: number;
  private readonly contradictingConstraintWeight: number;
  private readonly maxSourcesPerItem: number;
  /** Item → source → that source's newest label of it. */
  private readonly votes = new Map<string, Map<string, Vote>>();
  /** Source → items it votes on. */
  private readonly itemsOf = new Map<string, Set<string>>();
  /** Source → other source → items on which the two vote differently. */
  private readonly disagreements = new Map<string, Map<string, number>>();
  /** Source → items on which some other source votes differently. */
  private readonly contradicted = new Map<string, number>();
  private readonly suspects = new Set<string>();
  private listener: VerdictListener | undefined;

  constructor(options: LabelConsensusOptions = {}) {
    this.suspectAfterContradictors = options.suspectAfterContradictors ?? 3;
    this.suspectContradictedShare = options.suspectContradictedShare ?? 0.2;
    this.suspectVoice = options.suspectVoice ?? 0.1;
    this.minSupport = options.minSupport ?? 0.5;
    this.contradictingConstraintWeight = options.contradictingConstraintWeight ?? 0.1;
    this.maxSourcesPerItem = options.maxSourcesPerItem ?? 32;
  }

  /** Reports each judged vote and constraint (e.g. to per-source counters). */
  onVerdict(listener: VerdictListener): void {
    this.listener = listener;
  }

  /** Whether `source` is suspect now. */
  isSuspect(source: string): boolean {
    return this.suspects.has(source);
  }

  /** Sources that are suspect now. */
  suspectSources(): string[] {
    return [...this.suspects];
  }

  /**
   * Records `source`'s label of `itemId` (kept if newer than its earlier vote there). Returns the
   * items whose decision may have changed: this one, plus every item of a source that became or
   * stopped being suspect.
   */
  vote(itemId: string, label: string, source: string, stamp: AcceptStamp | number): string[] {
    const at = asStamp(stamp);
    let itemVotes = this.votes.get(itemId);
    const previous = itemVotes?.get(source);
    if (previous && compareStamps(at, previous.stamp) < 0) {
      this.listener?.(source, 'label', this.decisionLabel(itemId) === label);
      return [];
    }
    const affected = new Set<string>([itemId]);
    if (itemVotes) this.countItem(itemId, itemVotes, -1);
    else this.votes.set(itemId, (itemVotes = new Map()));
    itemVotes.delete(source);
    itemVotes.set(source, { label, stamp: at });
    this.sourceItems(source).add(itemId);
    if (itemVotes.size > this.maxSourcesPerItem) {
      const oldest = itemVotes.keys().next().value as string;
      itemVotes.delete(oldest);
      this.itemsOf.get(oldest)?.delete(itemId);
      this.refreshSuspicion(oldest, affected);
    }
    this.countItem(itemId, itemVotes, +1);
    for (const voter of itemVotes.keys()) this.refreshSuspicion(voter, affected);
    this.refreshSuspicion(source, affected);
    this.listener?.(source, 'label', this.decisionLabel(itemId) === label);
    return [...affected];
  }

  /** Drops every vote on an item (it was deleted); returns the items whose decision may have changed. */
  forgetItem(itemId: string): string[] {
    const itemVotes = this.votes.get(itemId);
    if (!itemVotes) return [];
    this.countItem(itemId, itemVotes, -1);
    this.votes.delete(itemId);
    const affected = new Set<string>([itemId]);
    for (const source of itemVotes.keys()) {
      this.itemsOf.get(source)?.delete(itemId);
      this.refreshSuspicion(source, affected);
    }
    return [...affected];
  }

  /** What to train `itemId` under, from the votes on it. */
  decision(itemId: string): LabelDecision {
    const itemVotes = this.votes.get(itemId);
    if (!itemVotes || itemVotes.size === 0) return { kind: 'unvoted' };
    const tally = new Map<string, { voice: number; newest: AcceptStamp }>();
    for (const [source, vote] of itemVotes) {
      const t = tally.get(vote.label);
      if (!t) tally.set(vote.label, { voice: this.voiceOf(source), newest: vote.stamp });
      else {
        t.voice += this.voiceOf(source);
        if (compareStamps(vote.stamp, t.newest) > 0) t.newest = vote.stamp;
      }
    }
    let best: string | undefined;
    let top: { voice: number; newest: AcceptStamp } | undefined;
    for (const [label, t] of tally) {
      const tied = top !== undefined && Math.abs(t.voice - top.voice) < VOICE_EPSILON;
      if (!top || (tied ? compareStamps(t.newest, top.newest) > 0 : t.voice > top.voice)) {
        best = label;
        top = t;
      }
    }
    return top!.voice >= this.minSupport - VOICE_EPSILON ? { kind: 'label', label: best! } : { kind: 'contested' };
  }

  /**
   * The label to train an item under: the consensus where the item has votes, else
   * `catalogLabel`; undefined when contested or unlabelled.
   *
   * @example
   * memory.rememberLabel(id, consensus.trainedLabel(id, item.label)!, at);
   */
  trainedLabel(itemId: string, catalogLabel: string | undefined): string | undefined {
    const decided = this.decision(itemId);
    return decided.kind === 'unvoted' ? catalogLabel : decided.kind === 'label' ? decided.label : undefined;
  }

  /**
   * The factor a constraint from `source` is weighted by: 1, or less when it contradicts the
   * decided labels of its items or its source is suspect.
   *
   * @example
   * memory.rememberConstraint({ ...pair, weight: pair.weight * consensus.constraintFactor(pair, event.source) });
   */
  constraintFactor(constraint: Constraint, source: string): number {
    let factor = this.isSuspect(source) ? this.suspectVoice : 1;
    if (this.contradicts(constraint)) factor *= this.contradictingConstraintWeight;
    this.listener?.(source, constraint.kind, factor === 1);
    return factor;
  }

  private contradicts(c: Constraint): boolean {
    if (c.kind === 'pair') {
      const a = this.decisionLabel(c.a);
      const b = this.decisionLabel(c.b);
      return a !== undefined && b !== undefined && (a === b) !== c.similar;
    }
    const anchor = this.decisionLabel(c.anchor);
    const positive = this.decisionLabel(c.positive);
    const negative = this.decisionLabel(c.negative);
    return anchor !== undefined && positive !== undefined && negative !== undefined && anchor === negative && anchor !== positive;
  }

  private decisionLabel(itemId: string): string | undefined {
    const decided = this.decision(itemId);
    return decided.kind === 'label' ? decided.label : undefined;
  }

  private voiceOf(source: string): number {
    return this.suspects.has(source) ? this.suspectVoice : 1;
  }

  private sourceItems(source: string): Set<string> {
    let items = this.itemsOf.get(source);
    if (!items) this.itemsOf.set(source, (items = new Set()));
    return items;
  }

  /** Adds (`sign` +1) or removes (-1) one item's share of the disagreement counts. */
  private countItem(itemId: string, itemVotes: Map<string, Vote>, sign: 1 | -1): void {
    for (const [source, vote] of itemVotes) {
      let contradictedHere = false;
      for (const [other, otherVote] of itemVotes) {
        if (other === source || otherVote.label === vote.label) continue;
        contradictedHere = true;
        let counts = this.disagreements.get(source);
        if (!counts) this.disagreements.set(source, (counts = new Map()));
        const n = (counts.get(other) ?? 0) + sign;
        if (n > 0) counts.set(other, n);
        else counts.delete(other);
      }
      if (contradictedHere) this.contradicted.set(source, (this.contradicted.get(source) ?? 0) + sign);
    }
  }

  /** Re-judges `source`; when it became or stopped being suspect, every item it votes on may decide differently. */
  private refreshSuspicion(source: string, affected: Set<string>): void {
    const items = this.itemsOf.get(source)?.size ?? 0;
    const contradictors = this.disagreements.get(source)?.size ?? 0;
    const contradicted = this.contradicted.get(source) ?? 0;
    const suspect =
      contradictors >= this.suspectAfterContradictors && contradicted >= this.suspectAfterContradictors && contradicted >= this.suspectContradictedShare * items;
    if (suspect === this.suspects.has(source)) return;
    if (suspect) this.suspects.add(source);
    else this.suspects.delete(source);
    for (const item of this.itemsOf.get(source) ?? []) affected.add(item);
  }
}
