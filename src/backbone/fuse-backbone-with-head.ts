import type * as tfl from '@tensorflow/tfjs-layers';
import { appendEncoderGraph } from '../onnx/export-to-onnx';
import { floatValueInfo, OnnxGraphBuilder, type OnnxDim } from '../onnx/graph-builder';
import { encodeModel, MIN_OPSET } from '../onnx/model-encoder';
import { onnx, int64ToNumber, type OnnxTypes } from '../onnx/proto';
import { readOnnxModelInfo } from './onnx-model-info';

/** The oldest backbone opset whose operators keep their meaning when the fused model declares opset 17. */
const MIN_BACKBONE_OPSET = 13;

export interface FuseOptions {
  /** Backbone output feeding the head (default: the first output). */
  backboneOutput?: string;
  /** Name of the fused model's output (default `embedding`). */
  outputName?: string;
  /** Prefix given to every backbone node, value and initializer (default `backbone/`). */
  prefix?: string;
}

/**
 * Merges a user's ONNX image backbone and a trained TF.js head into one ONNX model: its input is
 * the backbone's input (same name, layout and preprocessing), its output `embedding` is the head's
 * output. Backbone outputs like [N, C, 1, 1] are flattened to [N, C] first, matching the rows
 * {@link OnnxBackbone.features} returns.
 *
 * @example
 * const fused = fuseBackboneWithHead(await fs.readFile('resnet18.onnx'), head);
 * await fs.writeFile('encoder.onnx', fused);
 */
export function fuseBackboneWithHead(backboneOnnx: Uint8Array, head: tfl.LayersModel, options: FuseOptions = {}): Uint8Array {
  const info = readOnnxModelInfo(backboneOnnx);
  const prefix = options.prefix ?? 'backbone/';
  const outputName = options.outputName ?? 'embedding';
  const backboneOutput = info.outputs.find((o) => o.name === (options.backboneOutput ?? info.outputs[0]?.name));
  if (!backboneOutput) {
    throw new Error(`options.backboneOutput "${options.backboneOutput}" is not an output of the backbone (outputs: ${info.outputs.map((o) => o.name).join(', ')})`);
  }
  if (info.opset < MIN_BACKBONE_OPSET) throw new Error(`backbone opset ${info.opset} is too old to fuse; re-export it with opset ≥ ${MIN_BACKBONE_OPSET}`);
  if (info.graph.sparseInitializer.length > 0) throw new Error('backbones with sparse initializers are not supported');
  if (info.graph.initializer.some((t) => t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL)) {
    throw new Error('the backbone keeps weights in external data files; save it as a single .onnx file');
  }
  if (info.input.name === outputName) throw new Error(`options.outputName "${outputName}" clashes with the backbone's input name`);

  const rename = (name: string): string => (name === '' || name === info.input.name ? name : `${prefix}${name}`);
  const graph = renameGraph(info.graph, rename);

  const builder = new OnnxGraphBuilder();
  builder.reserve(info.input.name);
  builder.reserve(outputName);
  for (const name of namesIn(graph)) if (name !== info.input.name && name !== '') builder.reserve(name);

  const featureDims = backboneOutput.dims.slice(1);
  const featureSize = featureDims.every((d): d is number => typeof d === 'number') ? featureDims.reduce((a, b) => a * b, 1) : null;
  let features = rename(backboneOutput.name);
  if (backboneOutput.dims.length !== 2) features = builder.addNode('Flatten', [features], `${prefix}features/Flatten`, { axis: 1 });
  const output = appendEncoderGraph(builder, [head], { name: features, shape: [null, featureSize], layout: 'tf' }, outputName);

  const batchDim: OnnxDim = typeof info.input.dims[0] === 'number' || typeof info.input.dims[0] === 'string' ? info.input.dims[0] : 'N';
  const inputInfo = info.graph.input.find((v) => v.name === info.input.name)!;
  return encodeModel({
    graph: builder,
    graphName: `${info.graph.name || 'backbone'}+${head.name}`,
    inputs: [inputInfo],
    outputs: [floatValueInfo(outputName, [batchDim, ...output.shape.slice(1).map((d, i) => d ?? `${outputName}_dim${i + 1}`)])],
    opset: Math.max(info.opset, MIN_OPSET),
    irVersion: Math.max(int64ToNumber(info.model.irVersion as number), 8),
    leadingNodes: graph.node,
    leadingInitializers: graph.initializer,
    extraOpsets: info.model.opsetImport.filter((o) => o.domain && o.domain !== 'ai.onnx'),
    functions: info.model.functions,
    valueInfo: graph.valueInfo,
  });
}

/** Copies a graph with every node, value and initializer name passed through `rename`, subgraphs included. */
function renameGraph(source: OnnxTypes.IGraphProto, rename: (name: string) => string): OnnxTypes.GraphProto {
  const graph = onnx.GraphProto.decode(onnx.GraphProto.encode(source).finish());
  const renameValueInfo = (v: OnnxTypes.IValueInfoProto) => {
    v.name = rename(v.name ?? '');
  };
  graph.input.forEach(renameValueInfo);
  graph.output.forEach(renameValueInfo);
  graph.valueInfo.forEach(renameValueInfo);
  for (const t of graph.initializer) t.name = rename(t.name ?? '');
  for (const node of graph.node) {
    node.input = (node.input ?? []).map(rename);
    node.output = (node.output ?? []).map(rename);
    if (node.name) node.name = rename(node.name);
    for (const attribute of node.attribute ?? []) {
      if (attribute.g) attribute.g = renameGraph(attribute.g, rename);
      if (attribute.graphs?.length) attribute.graphs = attribute.graphs.map((g) => renameGraph(g, rename));
    }
  }
  return graph;
}

function namesIn(graph: OnnxTypes.GraphProto): Set<string> {
  const names = new Set<string>();
  for (const t of graph.initializer) names.add(t.name ?? '');
  for (const node of graph.node) {
    for (const o of node.output ?? []) names.add(o);
    if (node.name) names.add(node.name);
  }
  return names;
}
