import type * as tfl from '@tensorflow/tfjs-layers';
import { ConversionContext, formatShape, type OnnxValue } from './conversion-context';
import { floatValueInfo, OnnxGraphBuilder, type OnnxDim } from './graph-builder';
import { convertLayersModel } from './layers-model-converter';
import { encodeModel, MIN_OPSET } from './model-encoder';

/** A trainable head, optionally behind a frozen trunk whose output feeds it. */
export interface EncoderParts {
  frozen?: tfl.LayersModel;
  head: tfl.LayersModel;
}

export interface OnnxExportOptions {
  /** ONNX opset (default 17, at least 17). */
  opset?: number;
  /** Graph input name (default `input`). */
  inputName?: string;
  /** Graph output name (default `embedding`). */
  outputName?: string;
  /** Symbolic name of the dynamic batch dimension (default `N`). */
  batchDim?: string;
  /** Free text stored in the model's doc_string, e.g. the model version. */
  docString?: string;
}

/**
 * Exports a TF.js encoder (one model, or a frozen trunk chained into a trainable head) as one
 * ONNX model. The ONNX input is exactly the TF.js input (NHWC float32 raw values for images,
 * [N, F] for feature vectors) with a dynamic batch dimension; the output `embedding` is [N, D].
 *
 * @example
 * const bytes = exportToOnnx({ frozen: trunk, head });
 * const session = await ort.InferenceSession.create(bytes);
 * const { embedding } = await session.run({ input: new ort.Tensor('float32', pixels, [n, 28, 28, 1]) });
 */
export function exportToOnnx(parts: EncoderParts | tfl.LayersModel, options: OnnxExportOptions = {}): Uint8Array {
  const models = 'head' in parts && !('layers' in parts) ? [...(parts.frozen ? [parts.frozen] : []), parts.head] : [parts as tfl.LayersModel];
  const opset = options.opset ?? MIN_OPSET;
  if (!Number.isInteger(opset) || opset < MIN_OPSET) throw new Error(`options.opset must be an integer ≥ ${MIN_OPSET}, got ${opset}`);
  const inputName = options.inputName ?? 'input';
  const outputName = options.outputName ?? 'embedding';
  const batchDim = options.batchDim ?? 'N';
  if (inputName === outputName) throw new Error(`options.inputName and options.outputName must differ, both are "${inputName}"`);

  const inputShape = singleInputShape(models[0]);
  const graph = new OnnxGraphBuilder();
  graph.reserve(inputName);
  graph.reserve(outputName);
  const input: OnnxValue = { name: inputName, shape: inputShape, layout: 'tf' };
  const output = appendEncoderGraph(graph, models, input, outputName);

  return encodeModel({
    graph,
    graphName: models.map((m) => m.name).join('+'),
    inputs: [floatValueInfo(inputName, onnxDims(inputShape, batchDim, inputName))],
    outputs: [floatValueInfo(outputName, onnxDims(output.shape, batchDim, outputName))],
    opset,
    docString: options.docString,
  });
}

/**
 * Emits `models` chained one into the next, fed by `input`, ending in an Identity named
 * `outputName` in TF layout. Shared by the exporter and backbone fusion.
 *
 * @example
 * const out = appendEncoderGraph(graph, [head], { name: 'features', shape: [null, 512], layout: 'tf' }, 'embedding');
 */
export function appendEncoderGraph(graph: OnnxGraphBuilder, models: tfl.LayersModel[], input: OnnxValue, outputName: string): OnnxValue {
  let value = input;
  models.forEach((model, i) => {
    const expected = singleInputShape(model);
    if (!shapesCompatible(expected, value.shape)) {
      throw new Error(
        `model "${model.name}" expects input shape ${formatShape(expected)} but receives ${formatShape(value.shape)}` +
          (i > 0 ? ` from "${models[i - 1].name}"` : ''),
      );
    }
    const outputs = convertLayersModel(model, [value], new ConversionContext(graph, `${model.name}/`));
    if (outputs.length !== 1) throw new Error(`model "${model.name}" has ${outputs.length} outputs; an encoder has exactly 1`);
    value = outputs[0];
  });
  const tfValue = new ConversionContext(graph, '').toTfLayout(value);
  graph.addNodeWithOutput('Identity', [tfValue.name], outputName);
  return { name: outputName, shape: value.shape, layout: 'tf' };
}

function singleInputShape(model: tfl.LayersModel): (number | null)[] {
  if (model.inputs.length !== 1) throw new Error(`model "${model.name}" has ${model.inputs.length} inputs; an encoder has exactly 1`);
  return [...model.inputs[0].shape];
}

function shapesCompatible(expected: (number | null)[], actual: (number | null)[]): boolean {
  return expected.length === actual.length && expected.every((d, i) => i === 0 || d === null || actual[i] === null || d === actual[i]);
}

function onnxDims(shape: (number | null)[], batchDim: string, valueName: string): OnnxDim[] {
  return shape.map((d, i) => (i === 0 ? batchDim : d === null ? `${valueName}_dim${i}` : d));
}
