import { describe, expect, it } from 'vitest';
import { runTorchReference } from './torch-reference';

const data = { images: new Uint8Array(20 * 784), labels: Int32Array.from({ length: 20 }, (_, i) => i % 5) };
const options = { p: 5, q: 4, seconds: 0.1, threads: 1 };

describe('runTorchReference', () => {
  it('says the interpreter is missing instead of failing', { timeout: 30_000 }, async () => {
    const result = await runTorchReference(data, { ...options, python: 'python3-absent-interpreter' });
    expect(result).toEqual({ ok: false, reason: 'python3-absent-interpreter not found' });
  });

  it('says which module cannot be imported when torch is out of reach', { timeout: 30_000 }, async () => {
    // -S leaves site-packages, where torch and numpy live, off the path.
    const result = await runTorchReference(data, { ...options, pythonArgs: ['-S'] });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/^(python3 not found|not importable: (numpy|torch|pytorch_metric_learning))$/);
  });
});
