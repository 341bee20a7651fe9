import { int64ToNumber, onnx, type OnnxTypes } from '../onnx/proto';

/** A dimension read from a model: a fixed size, a symbolic name, or unknown (`null`). */
export type ModelDim = number | string | null;

export interface OnnxModelInfo {
  model: OnnxTypes.ModelProto;
  graph: OnnxTypes.GraphProto;
  /** The one graph input that is not an initializer. */
  input: { name: string; dims: ModelDim[] };
  outputs: { name: string; dims: ModelDim[] }[];
  /** Version of the default (`ai.onnx`) operator set. */
  opset: number;
}

/**
 * Decodes an ONNX model and describes its single data input and its outputs.
 *
 * @example
 * const { input, outputs } = readOnnxModelInfo(await fs.readFile('resnet18.onnx'));
 */
export function readOnnxModelInfo(bytes: Uint8Array): OnnxModelInfo {
  let model: OnnxTypes.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new Error(`not a valid ONNX model: ${(error as Error).message}`);
  }
  if (!model.graph) throw new Error('not a valid ONNX model: it has no graph');
  const graph = model.graph as OnnxTypes.GraphProto;
  const initializerNames = new Set(graph.initializer.map((t) => t.name));
  const dataInputs = graph.input.filter((v) => !initializerNames.has(v.name!));
  if (dataInputs.length !== 1) {
    throw new Error(`an image backbone needs exactly 1 input, this model has ${dataInputs.length}: ${dataInputs.map((v) => v.name).join(', ')}`);
  }
  const opsetEntry = model.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx');
  if (!opsetEntry) throw new Error('the ONNX model imports no default-domain opset');
  return {
    model,
    graph,
    input: { name: dataInputs[0].name!, dims: valueDims(dataInputs[0]) },
    outputs: graph.output.map((v) => ({ name: v.name!, dims: valueDims(v) })),
    opset: int64ToNumber(opsetEntry.version as number),
  };
}

function valueDims(value: OnnxTypes.IValueInfoProto): ModelDim[] {
  const dims = value.type?.tensorType?.shape?.dim ?? [];
  return dims.map((d) => (d.dimParam ? d.dimParam : d.dimValue !== null && d.dimValue !== undefined ? int64ToNumber(d.dimValue as number) : null));
}
