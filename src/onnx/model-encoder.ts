import type { OnnxGraphBuilder } from './graph-builder';
import { onnx, type OnnxTypes } from './proto';

/** The oldest opset whose operator semantics the exporter emits (ReduceSum axes as an input, Clip bounds as inputs…). */
export const MIN_OPSET = 17;

export interface EncodeModelArgs {
  graph: OnnxGraphBuilder;
  graphName: string;
  inputs: OnnxTypes.IValueInfoProto[];
  outputs: OnnxTypes.IValueInfoProto[];
  opset: number;
  irVersion?: number;
  /** Nodes and initializers that come before the builder's own (e.g. a backbone's). */
  leadingNodes?: OnnxTypes.INodeProto[];
  leadingInitializers?: OnnxTypes.ITensorProto[];
  extraOpsets?: OnnxTypes.IOperatorSetIdProto[];
  /** Model-local functions and shape annotations carried over from a merged model. */
  functions?: OnnxTypes.IFunctionProto[];
  valueInfo?: OnnxTypes.IValueInfoProto[];
  docString?: string;
}

/**
 * Serialises a built graph as an ONNX ModelProto.
 *
 * @example
 * const bytes = encodeModel({ graph, graphName: 'encoder', inputs: [floatValueInfo('input', ['N', 4])], outputs, opset: 17 });
 */
export function encodeModel(args: EncodeModelArgs): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: args.irVersion ?? 8,
    producerName: 'discern',
    producerVersion: '0.1.0',
    docString: args.docString ?? '',
    opsetImport: [{ domain: '', version: args.opset }, ...(args.extraOpsets ?? [])],
    functions: args.functions ?? [],
    graph: onnx.GraphProto.create({
      name: args.graphName,
      node: [...(args.leadingNodes ?? []), ...args.graph.nodes],
      initializer: [...(args.leadingInitializers ?? []), ...args.graph.initializers],
      input: args.inputs,
      valueInfo: args.valueInfo ?? [],
      output: args.outputs,
    }),
  });
  return onnx.ModelProto.encode(model).finish();
}
