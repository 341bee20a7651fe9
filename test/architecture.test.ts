import { describe, expect, it } from 'vitest';
import { importGraph, runtimeImports, type ImportEdge } from './support/import-graph';
import { findViolations } from './support/layering-rules';

const root = new URL('..', import.meta.url).pathname;

/** Imports that break a rule today, each to be removed by moving what it needs behind a port. */
const KNOWN_VIOLATIONS: string[] = [];

describe('architecture', () => {
  const edges = importGraph(root);

  it('reads the imports of the whole project', () => {
    expect(edges.length).toBeGreaterThan(1000);
    // Resolution works: the API's imports of the core resolve to files, and libraries stay libraries.
    expect(edges).toContainEqual(expect.objectContaining({ from: 'src/api/app.ts', to: expect.stringMatching(/^src\/core\//) }));
    expect(edges.find((e) => e.specifier === 'zod')?.to).toBeUndefined();
  });

  it('keeps every layering rule', () => {
    const found = [...new Set(findViolations(edges).map((v) => `${v.from} ${v.reason}`))];
    expect(found.filter((v) => !KNOWN_VIOLATIONS.includes(v))).toEqual([]);
    // An exception that no longer occurs is struck from the list, so it cannot come back unseen.
    expect(KNOWN_VIOLATIONS.filter((v) => !found.includes(v))).toEqual([]);
  });

  it.each<[string, ImportEdge]>([
    ['the core reaching an adapter', { from: 'src/core/queue.ts', specifier: '../queue/kafka/kafka-queue', to: 'src/queue/kafka/kafka-queue.ts' }],
    ['the core using a runtime library', { from: 'src/core/queue.ts', specifier: 'kafkajs' }],
    ['the learning core writing files', { from: 'src/encoder/encoder.ts', specifier: 'node:fs/promises' }],
    ['the API building its own store', { from: 'src/api/app.ts', specifier: '../store/embedded', to: 'src/store/embedded/index.ts' }],
    ['the trainer choosing its queue', { from: 'src/trainer/learner.ts', specifier: '../queue', to: 'src/queue/index.ts' }],
    ['an arrow from the trainer up to the wiring', { from: 'src/trainer/learner.ts', specifier: '../service/create-adapters', to: 'src/service/create-adapters.ts' }],
    ['the edge pulling a store adapter', { from: 'functions/src/index.ts', specifier: '../../src/store/qdrant/payload-mapping', to: 'src/store/qdrant/payload-mapping.ts' }],
    ['the event schemas pulling an image codec', { from: 'src/events/item.ts', specifier: 'sharp' }],
    ['production code importing a test helper', { from: 'src/api/app.ts', specifier: '../../test/support/api/in-memory-queue', to: 'test/support/api/in-memory-queue.ts' }],
  ])('refuses %s', (_, edge) => {
    expect(findViolations([edge])).not.toEqual([]);
  });

  it('lets tests and the wiring reach adapters', () => {
    const allowed: ImportEdge[] = [
      { from: 'src/service/create-adapters.ts', specifier: '../queue', to: 'src/queue/index.ts' },
      { from: 'src/api/app.test.ts', specifier: '../store/embedded', to: 'src/store/embedded/index.ts' },
      { from: 'src/trainer/learner.ts', specifier: '../core/queue', to: 'src/core/queue.ts' },
    ];
    expect(findViolations(allowed)).toEqual([]);
  });

  it('tells imports loaded at run time from type-only ones', () => {
    const source = [
      "import type { A } from './types';",
      "import { type B } from './types-too';",
      "import { c, type D } from './values';",
      "import './side-effect';",
      "export { e } from './reexported';",
      "export type { F } from './reexported-types';",
      "const g = await import('./lazy');",
    ].join('\n');
    expect(runtimeImports(source)).toEqual(['./values', './side-effect', './reexported', './lazy']);
  });
});
