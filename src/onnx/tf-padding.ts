/**
 * ONNX `pads` ([top, left, bottom, right]) reproducing TF's `same`/`valid` padding for a 2-D
 * window. TF's `same` keeps `ceil(in / stride)` outputs and puts the odd pixel of padding at the
 * bottom/right. Unknown spatial sizes fall back to `auto_pad: SAME_UPPER`, which ONNX defines
 * the same way.
 *
 * @example
 * tfPadding('same', [28, 28], [3, 3], [2, 2], [1, 1]); // { pads: [0, 0, 1, 1] }
 */
export function tfPadding(
  padding: string,
  inputSize: (number | null)[],
  kernelSize: number[],
  strides: number[],
  dilations: number[] = [1, 1],
): { pads: number[] } | { autoPad: 'SAME_UPPER' } {
  if (padding === 'valid') return { pads: [0, 0, 0, 0] };
  if (padding !== 'same') throw new Error(`padding "${padding}" is not supported (expected "same" or "valid")`);
  if (inputSize.some((s) => s === null)) return { autoPad: 'SAME_UPPER' };
  const before: number[] = [];
  const after: number[] = [];
  for (let axis = 0; axis < 2; axis++) {
    const size = inputSize[axis]!;
    const effectiveKernel = (kernelSize[axis] - 1) * dilations[axis] + 1;
    const outSize = Math.ceil(size / strides[axis]);
    const total = Math.max((outSize - 1) * strides[axis] + effectiveKernel - size, 0);
    before.push(Math.floor(total / 2));
    after.push(total - Math.floor(total / 2));
  }
  return { pads: [...before, ...after] };
}
