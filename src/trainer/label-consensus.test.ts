import { describe, expect, it } from 'vitest';
import { CATALOG_SOURCE, LabelConsensus } from './label-consensus';

const users = (n: number) => Array.from({ length: n }, (_, i) => `user:${i}`);

describe('LabelConsensus', () => {
  it('trains an item under the label of its only trusted source, and defers to the catalog for unvoted items', () => {
    const consensus = new LabelConsensus();
    consensus.vote('a', 'sneaker', 'user:1', 1);
    expect(consensus.decision('a')).toEqual({ kind: 'label', label: 'sneaker' });
    expect(consensus.trainedLabel('a', 'whatever the newest was')).toBe('sneaker');
    expect(consensus.decision('b')).toEqual({ kind: 'unvoted' });
    expect(consensus.trainedLabel('b', 'bag')).toBe('bag');
  });

  it('counts a flood from one source on one item as one voice, its newest label', () => {
    const consensus = new LabelConsensus();
    consensus.vote('a', 'sneaker', 'user:1', 1);
    consensus.vote('a', 'sneaker', 'user:2', 2);
    for (let i = 0; i < 500; i++) consensus.vote('a', 'ankle boot', 'mallory', 10 + i);
    expect(consensus.decision('a')).toEqual({ kind: 'label', label: 'sneaker' });
    // An older vote applied late (a replay) does not replace a newer one.
    consensus.vote('a', 'sneaker', 'mallory', 5);
    consensus.vote('a', 'bag', 'user:3', 600);
    consensus.vote('a', 'bag', 'user:4', 601);
    consensus.vote('a', 'bag', 'user:5', 602);
    expect(consensus.decision('a')).toEqual({ kind: 'label', label: 'bag' });
  });

  it('suspects no one for a disagreement on a single item', () => {
    const consensus = new LabelConsensus();
    users(5).forEach((user, i) => consensus.vote('a', ['shirt', 'T-shirt', 'pullover', 'coat', 'dress'][i], user, i));
    expect(consensus.suspectSources()).toEqual([]);
  });

  it('breaks a tie between trusted sources by the newest vote, as the catalog does', () => {
    const consensus = new LabelConsensus();
    consensus.vote('a', 'T-shirt', 'user:2', 2);
    consensus.vote('a', 'shirt', 'user:1', 1);
    expect(consensus.decision('a')).toEqual({ kind: 'label', label: 'T-shirt' });
    consensus.vote('a', 'shirt', 'user:3', 3);
    expect(consensus.trainedLabel('a', 'T-shirt')).toBe('shirt');
  });

  it('makes a source contradicted by many others suspect, down-weighting its labels everywhere, also on items nobody else labelled', () => {
    const consensus = new LabelConsensus();
    const honest = users(4);
    honest.forEach((user, i) => consensus.vote(`item-${i}`, 'sneaker', user, i));
    const affected = honest.flatMap((_, i) => consensus.vote(`item-${i}`, 'ankle boot', 'mallory', 100 + i));
    consensus.vote('fresh', 'ankle boot', 'mallory', 200);
    expect(consensus.isSuspect('mallory')).toBe(true);
    expect(affected).toEqual(expect.arrayContaining(['item-0', 'item-1', 'item-2', 'item-3']));
    for (let i = 0; i < 4; i++) expect(consensus.trainedLabel(`item-${i}`, 'ankle boot')).toBe('sneaker');
    expect(consensus.decision('fresh')).toEqual({ kind: 'contested' });
    // The honest sources were each contradicted by one source only: still trusted.
    for (const user of honest) expect(consensus.isSuspect(user)).toBe(false);
  });

  it('does not suspect a source whose contradicted share stays small', () => {
    const consensus = new LabelConsensus({ suspectContradictedShare: 0.2 });
    for (let i = 0; i < 40; i++) consensus.vote(`item-${i}`, 'coat', 'expert', i);
    users(5).forEach((user, i) => consensus.vote(`item-${i}`, 'pullover', user, 100 + i));
    expect(consensus.isSuspect('expert')).toBe(false);
    users(5).forEach((user, i) => consensus.vote(`item-${5 + i}`, 'pullover', user, 200 + i));
    expect(consensus.isSuspect('expert')).toBe(true);
  });

  it('lets a source recover when the contradictions go away (items deleted)', () => {
    const consensus = new LabelConsensus();
    users(3).forEach((user, i) => consensus.vote(`item-${i}`, 'bag', user, i));
    users(3).forEach((_, i) => consensus.vote(`item-${i}`, 'sandal', 'mallory', 10 + i));
    consensus.vote('own', 'sandal', 'mallory', 20);
    expect(consensus.isSuspect('mallory')).toBe(true);
    const affected = consensus.forgetItem('item-0');
    expect(consensus.isSuspect('mallory')).toBe(false);
    expect(affected).toEqual(expect.arrayContaining(['item-0', 'own']));
    expect(consensus.decision('item-0')).toEqual({ kind: 'unvoted' });
    expect(consensus.decision('own')).toEqual({ kind: 'label', label: 'sandal' });
  });

  it('reaches the same decisions whatever order the votes are applied in', () => {
    const votes: [string, string, string, number][] = [];
    users(6).forEach((user, u) => {
      for (let i = 0; i < 10; i++) votes.push([`item-${i}`, (i + u) % 4 === 0 ? 'boot' : 'sneaker', user, u * 100 + i]);
    });
    for (let i = 0; i < 10; i++) votes.push([`item-${i}`, 'boot', 'mallory', 1000 + i], [`item-${i}`, 'sneaker', 'mallory', 900 + i]);
    const decide = (order: typeof votes) => {
      const consensus = new LabelConsensus();
      for (const [item, label, source, at] of order) consensus.vote(item, label, source, at);
      return Array.from({ length: 10 }, (_, i) => consensus.decision(`item-${i}`));
    };
    const forward = decide(votes);
    expect(decide([...votes].reverse())).toEqual(forward);
    expect(decide([...votes].sort((a, b) => a[1].localeCompare(b[1]) || b[3] - a[3]))).toEqual(forward);
  });

  it('down-weights pairs and triplets that contradict the decided labels, and constraints from suspect sources', () => {
    const consensus = new LabelConsensus({ contradictingConstraintWeight: 0.1, suspectVoice: 0.25 });
    consensus.vote('s1', 'sneaker', CATALOG_SOURCE, 1);
    consensus.vote('s2', 'sneaker', CATALOG_SOURCE, 2);
    consensus.vote('b1', 'boot', CATALOG_SOURCE, 3);
    const verdicts: string[] = [];
    consensus.onVerdict((source, kind, accepted) => verdicts.push(`${source}/${kind}/${accepted}`));
    const pair = (a: string, b: string, similar: boolean) => ({ kind: 'pair' as const, a, b, similar, weight: 1, at: 0 });
    expect(consensus.constraintFactor(pair('s1', 's2', true), 'ui')).toBe(1);
    expect(consensus.constraintFactor(pair('s1', 'b1', false), 'ui')).toBe(1);
    expect(consensus.constraintFactor(pair('s1', 'b1', true), 'ui')).toBeCloseTo(0.1);
    expect(consensus.constraintFactor(pair('s1', 's2', false), 'ui')).toBeCloseTo(0.1);
    expect(consensus.constraintFactor(pair('s1', 'unknown', true), 'ui')).toBe(1);
    const triplet = (anchor: string, positive: string, negative: string) => ({ kind: 'triplet' as const, anchor, positive, negative, weight: 1, at: 0 });
    expect(consensus.constraintFactor(triplet('s1', 's2', 'b1'), 'ui')).toBe(1);
    expect(consensus.constraintFactor(triplet('s1', 'b1', 's2'), 'ui')).toBeCloseTo(0.1);
    users(3).forEach((user, i) => consensus.vote(`x-${i}`, 'bag', user, 10 + i));
    users(3).forEach((_, i) => consensus.vote(`x-${i}`, 'coat', 'mallory', 20 + i));
    expect(consensus.constraintFactor(pair('s1', 's2', true), 'mallory')).toBeCloseTo(0.25);
    expect(verdicts.slice(0, 7)).toEqual(['ui/pair/true', 'ui/pair/true', 'ui/pair/false', 'ui/pair/false', 'ui/pair/true', 'ui/triplet/true', 'ui/triplet/false']);
    // One voice against one, mallory's newer label wins, until mallory is suspect.
    expect(verdicts.filter((v) => v.startsWith('mallory/label/'))).toEqual(['mallory/label/true', 'mallory/label/true', 'mallory/label/false']);
  });

  it('keeps at most maxSourcesPerItem votes per item, dropping the oldest voice', () => {
    const consensus = new LabelConsensus({ maxSourcesPerItem: 3 });
    consensus.vote('a', 'bag', 'user:1', 1);
    consensus.vote('a', 'coat', 'user:2', 2);
    consensus.vote('a', 'coat', 'user:3', 3);
    consensus.vote('a', 'bag', 'user:4', 4);
    // user:1's bag is gone: coat 2, bag 1.
    expect(consensus.decision('a')).toEqual({ kind: 'label', label: 'coat' });
    consensus.vote('a', 'bag', 'user:5', 5);
    expect(consensus.decision('a')).toEqual({ kind: 'label', label: 'bag' });
  });
});
