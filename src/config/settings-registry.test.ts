import { describe, expect, it } from 'vitest';
import { lossNames, minerNames } from '../dml/registry';
import { LOSSES, MINERS } from './settings';

describe('LOSS and MINER settings', () => {
  it('accept exactly the losses and miners the trainer can build', () => {
    expect([...LOSSES].sort()).toEqual([...lossNames].sort());
    expect([...MINERS].sort()).toEqual([...minerNames].sort());
  });
});
