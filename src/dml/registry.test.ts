import { describe, expect, it } from 'vitest';
import { CosineSimilarity } from './distances/cosine-similarity';
import { ContrastiveLoss } from './losses/contrastive-loss';
import { ProxyNCALoss } from './losses/proxy-nca-loss';
import { TripletMarginLoss } from './losses/triplet-margin-loss';
import { SemiHardMiner } from './miners/triplet-margin-miner';
import { MeanReducer } from './reducers/mean-reducer';
import { createLoss, createMiner, lossNames, minerNames } from './registry';

describe('registry', () => {
  it('creates every loss and miner by name with default options', () => {
    expect(lossNames).toEqual(['contrastive', 'triplet', 'npair', 'lifted', 'proxy-nca', 'ranked-list', 'multi-similarity']);
    for (const name of lossNames) expect(createLoss(name).name).toBe(name);
    expect(minerNames).toEqual(['batch-hard', 'semi-hard', 'distance-weighted', 'multi-similarity', 'none']);
    for (const name of minerNames) {
      const miner = createMiner(name);
      if (name === 'none') expect(miner).toBeNull();
      else expect(miner!.name).toBe(name);
    }
  });

  it('passes options through, including distance and reducer names', () => {
    const triplet = createLoss('triplet', { margin: 0.3, distance: 'cosine', reducer: 'mean' }) as TripletMarginLoss;
    expect(triplet).toBeInstanceOf(TripletMarginLoss);
    expect(triplet.margin).toBe(0.3);
    expect(triplet.distance).toBeInstanceOf(CosineSimilarity);
    expect(triplet.reducer).toBeInstanceOf(MeanReducer);
    const contrastive = createLoss('contrastive', { negMargin: 0.7 }) as ContrastiveLoss;
    expect(contrastive.negMargin).toBe(0.7);
    expect((createLoss('proxy-nca', { softmaxScale: 9 }) as ProxyNCALoss).softmaxScale).toBe(9);
    const miner = createMiner('semi-hard', { margin: 0.4 }) as SemiHardMiner;
    expect(miner.margin).toBe(0.4);
    expect(miner.type).toBe('semihard');
  });

  it('rejects unknown names and bad options with errors naming them', () => {
    expect(() => createLoss('arcface')).toThrow(/unknown loss 'arcface'.*contrastive/);
    expect(() => createMiner('hardest')).toThrow(/unknown miner 'hardest'/);
    expect(() => createLoss('triplet', { margin: 'big' })).toThrow(/options\.margin/);
    expect(() => createLoss('triplet', { marign: 0.1 })).toThrow(/marign/);
    expect(() => createLoss('ranked-list', { distance: 'cosine' })).toThrow(/options\.distance/);
    expect(() => createLoss('ranked-list', { imbalance: 2 })).toThrow(/options\.imbalance/);
    expect(() => createMiner('distance-weighted', { cutoff: 3 })).toThrow(/options\.cutoff/);
    expect(() => createMiner('none', { margin: 1 })).toThrow(/margin/);
  });
});
