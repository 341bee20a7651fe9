import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data';
import { lossNames } from '../../src/dml/registry';

const root = resolve(import.meta.dirname, '../..');

function bench(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, ['--import', 'tsx', 'bench/quality/bench-quality.ts', ...args], { cwd: root, env: { ...process.env, LOG_LEVEL: 'warn' }, maxBuffer: 16 << 20, timeout: 150_000 }, (error, stdout, stderr) =>
      done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Leave-one-out Recall@1 of raw pixels under cosine similarity, by brute force. */
function rawPixelRecallAt1(images: Uint8Array, labels: Int32Array): number {
  const n = labels.length;
  const dim = images.length / n;
  const norms = Array.from({ length: n }, (_, i) => Math.sqrt(images.subarray(i * dim, (i + 1) * dim).reduce((a, v) => a + v * v, 0)) || 1);
  let hits = 0;
  for (let i = 0; i < n; i++) {
    let best = -Infinity;
    let label = -1;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += images[i * dim + d] * images[j * dim + d];
      const cosine = dot / (norms[i] * norms[j]);
      if (cosine > best) [best, label] = [cosine, labels[j]];
    }
    if (label === labels[i]) hits++;
  }
  return hits / n;
}

describe('bench:quality --quick', () => {
  it('trains every method on the unseen-class split and reports each figure, the verdicts and a JSON last line', async () => {
    const run = await bench('--quick', '--train-classes', '5-9', '--eval-classes', '0-4', '--steps', '4', '--loss-steps', '2');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/MAP@R vs raw/);
    const lines = run.stdout.trim().split('\n');
    const result = JSON.parse(lines[lines.length - 1]);
    expect(result.trainClasses).toEqual([5, 6, 7, 8, 9]);
    expect(result.evalClasses).toEqual([0, 1, 2, 3, 4]);
    expect(result.evalItems).toBe(500);
    const methods = result.rows.map((r: { method: string }) => r.method);
    expect(methods.slice(0, 3)).toEqual(['raw pixels', 'softmax (same network and budget)', "recipe 'default'"]);
    expect(methods.slice(3)).toEqual(lossNames.map((l) => `loss ${l}`));
    expect(result.seenItems).toBe(500);
    for (const row of result.rows) {
      for (const key of ['mapAtR', 'recallAt1', 'nmi', 'relativeMapAtR', 'seenMapAtR', 'seenRelativeMapAtR']) expect(Number.isFinite(row[key]), `${row.method} ${key}`).toBe(true);
      expect(Object.keys(row.mapAtRByClass), row.method).toEqual(['0', '1', '2', '3', '4']);
    }
    // Fixed step budgets: 4 for softmax and the recipe, 2 per loss.
    expect(result.rows.slice(1).map((r: { steps: number }) => r.steps)).toEqual([4, 4, ...lossNames.map(() => 2)]);
    // The reference run trains on the evaluation classes' labels and is kept out of the rows.
    expect(result.reference.method).toBe('reference: recipe trained on 0,1,2,3,4');
    expect(result.reference.steps).toBe(4);
    expect(result.reference.seenMapAtR).toBeUndefined();
    expect(run.stdout).toMatch(/MAP@R per unseen class/);
    expect(run.stdout).toMatch(/^0 T-shirt\/top\s+\d\.\d{3}/m);
    expect(result.goals.recipeOverRawPixels.met).toBe(result.rows[2].mapAtR >= 1.25 * result.rows[0].mapAtR);
    expect(result.goals.recipeOverSoftmax.met).toBe(result.rows[2].mapAtR > result.rows[1].mapAtR);

    const test = await loadDataset({ data: 'fashion-mnist', split: 'test', classes: [0, 1, 2, 3, 4], perClassLimit: 100 });
    expect(result.rows[0].recallAt1).toBeCloseTo(rawPixelRecallAt1(test.images, test.labels), 6);
  });

  it('refuses evaluation classes that were trained on, naming the option', async () => {
    const run = await bench('--quick', '--train-classes', '0-4', '--eval-classes', '4-6');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/--eval-classes: class\(es\) 4 are also in --train-classes/);
  });
});
