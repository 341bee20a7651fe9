import { onnx, OnnxDataType, type OnnxTypes } from './proto';

/** An attribute value as written in `addNode`: numbers become INT unless listed in `floats`. */
export type AttributeValue = number | number[] | string | { float: number } | { floats: number[] };

/** One dimension of a graph input/output: a fixed size or a symbolic name such as `'N'`. */
export type OnnxDim = number | string;

/**
 * Accumulates nodes and initializers of one ONNX graph, handing out unique value names so that
 * converters never need to coordinate naming.
 *
 * @example
 * const g = new OnnxGraphBuilder();
 * const w = g.addFloatInitializer('dense/kernel', new Float32Array([1, 2]), [2, 1]);
 * const y = g.addNode('MatMul', ['input', w], 'dense/MatMul');
 */
export class OnnxGraphBuilder {
  readonly nodes: OnnxTypes.INodeProto[] = [];
  readonly initializers: OnnxTypes.ITensorProto[] = [];
  private readonly usedNames = new Set<string>();

  /** Reserves a name (e.g. a graph input) so no generated value collides with it. */
  reserve(name: string): string {
    if (this.usedNames.has(name)) throw new Error(`ONNX value name "${name}" is already in use`);
    this.usedNames.add(name);
    return name;
  }

  /** Returns `base`, or `base_1`, `base_2`, … when already taken, and reserves it. */
  uniqueName(base: string): string {
    let name = base;
    for (let i = 1; this.usedNames.has(name); i++) name = `${base}_${i}`;
    this.usedNames.add(name);
    return name;
  }

  addFloatInitializer(baseName: string, values: Float32Array | number[], dims: number[]): string {
    const data = values instanceof Float32Array ? values : Float32Array.from(values);
    if (data.length !== dims.reduce((a, b) => a * b, 1)) {
      throw new Error(`initializer "${baseName}": ${data.length} values do not fill dims [${dims.join(', ')}]`);
    }
    return this.addInitializer(baseName, OnnxDataType.FLOAT, dims, new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)));
  }

  addInt64Initializer(baseName: string, values: number[]): string {
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    return this.addInitializer(baseName, OnnxDataType.INT64, [values.length], new Uint8Array(data.buffer));
  }

  /** Adds a node with one output and returns the output's name. */
  addNode(opType: string, inputs: string[], baseName: string, attributes: Record<string, AttributeValue> = {}): string {
    const [output] = this.addMultiOutputNode(opType, inputs, baseName, 1, attributes);
    return output;
  }

  /** Adds a node writing to an already reserved name, such as a graph output. */
  addNodeWithOutput(opType: string, inputs: string[], output: string, attributes: Record<string, AttributeValue> = {}): string {
    this.nodes.push(
      onnx.NodeProto.create({
        name: this.uniqueName(`${output}/${opType}`),
        opType,
        input: inputs,
        output: [output],
        attribute: Object.entries(attributes).map(([key, value]) => toAttribute(key, value)),
      }),
    );
    return output;
  }

  addMultiOutputNode(opType: string, inputs: string[], baseName: string, outputCount: number, attributes: Record<string, AttributeValue> = {}): string[] {
    const name = this.uniqueName(baseName);
    const outputs = outputCount === 1 ? [name] : Array.from({ length: outputCount }, (_, i) => this.uniqueName(`${name}:${i}`));
    this.nodes.push(
      onnx.NodeProto.create({
        name,
        opType,
        input: inputs,
        output: outputs,
        attribute: Object.entries(attributes).map(([key, value]) => toAttribute(key, value)),
      }),
    );
    return outputs;
  }

  private addInitializer(baseName: string, dataType: number, dims: number[], rawData: Uint8Array): string {
    const name = this.uniqueName(baseName);
    this.initializers.push(onnx.TensorProto.create({ name, dataType, dims, rawData }));
    return name;
  }
}

/** A float32 tensor value-info with the given dims, for graph inputs and outputs. */
export function floatValueInfo(name: string, dims: OnnxDim[]): OnnxTypes.IValueInfoProto {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType: OnnxDataType.FLOAT,
        shape: onnx.TensorShapeProto.create({
          dim: dims.map((d) => onnx.TensorShapeProto.Dimension.create(typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
        }),
      }),
    }),
  });
}

function toAttribute(name: string, value: AttributeValue): OnnxTypes.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`attribute "${name}": ${value} is not an integer; wrap floats as { float }`);
    return { name, type: T.INT, i: value };
  }
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  if ('float' in value) return { name, type: T.FLOAT, f: value.float };
  return { name, type: T.FLOATS, floats: value.floats };
}
