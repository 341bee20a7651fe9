import { describe, expect, it } from 'vitest';
import { createLoss, createMiner, lossNames, minerNames } from '../dml/registry';
import { queueKinds } from '../queue';
import { vectorStoreKinds } from '../store';
import { SETTINGS } from './settings';

function allowed(name: string): unknown[] {
  const setting = SETTINGS.find((s) => s.name === name)!;
  const candidates: string[] = [...lossNames, ...minerNames, ...queueKinds, ...vectorStoreKinds, 'not-registered'];
  return candidates.filter((value) => setting.schema.safeParse(value).success);
}

describe('LOSS and MINER settings', () => {
  it('accept exactly the losses and miners the trainer can build', () => {
    expect(new Set(allowed('LOSS'))).toEqual(new Set(lossNames));
    expect(new Set(allowed('MINER'))).toEqual(new Set(minerNames));
    for (const name of lossNames) expect(createLoss(name).name).toBe(name);
    for (const name of minerNames) expect(() => createMiner(name)).not.toThrow();
  });

  it('describe every registered name', () => {
    const describe = (name: string) => SETTINGS.find((s) => s.name === name)!.description;
    for (const name of lossNames) expect(describe('LOSS')).toContain(name);
    for (const name of minerNames) expect(describe('MINER')).toContain(name);
  });
});

describe('DISCERN_QUEUE and DISCERN_VECTOR_STORE settings', () => {
  it('accept exactly the registered adapters', () => {
    expect(new Set(allowed('DISCERN_QUEUE'))).toEqual(new Set(queueKinds));
    expect(new Set(allowed('DISCERN_VECTOR_STORE'))).toEqual(new Set(vectorStoreKinds));
    expect(queueKinds).toEqual(expect.arrayContaining(['embedded', 'kafka']));
    expect(vectorStoreKinds).toEqual(expect.arrayContaining(['embedded', 'qdrant']));
  });
});
