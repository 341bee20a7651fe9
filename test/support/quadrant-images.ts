/**
 * `count` deterministic 28×28 grey images in four classes (`i % 4`), each class brightening its
 * own quadrant over noise, so a metric-learning loss has something to learn in a few steps.
 *
 * @example
 * const { inputs, labels } = quadrantImages(64, 7); // inputs: 64 × 784 bytes
 */
export function quadrantImages(count: number, seed: number): { inputs: Uint8Array; labels: Int32Array } {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const labels = Int32Array.from({ length: count }, (_, i) => i % 4);
  const inputs = Uint8Array.from({ length: count * 784 }, (_, k) => {
    const item = Math.floor(k / 784);
    const pixel = k % 784;
    const quadrant = (Math.floor(pixel / 28) < 14 ? 0 : 2) + (pixel % 28 < 14 ? 0 : 1);
    return Math.floor(next() * 128) + (quadrant === labels[item] ? 100 : 0);
  });
  return { inputs, labels };
}
