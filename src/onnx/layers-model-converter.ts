import * as tfl from '@tensorflow/tfjs-layers';
import type { ConversionContext, OnnxValue } from './conversion-context';
import { layerConverters } from './layers/registry';

type SymbolicTensor = tfl.SymbolicTensor;

/**
 * Emits the ONNX nodes of a TF.js LayersModel (Sequential or functional, including models used
 * as layers inside it), fed by `inputs`, and returns the values of the model's outputs. The
 * graph is walked backwards from the outputs, so each applied layer is converted exactly once.
 *
 * @example
 * const [embedding] = convertLayersModel(encoder, [{ name: 'input', shape: [null, 28, 28, 1], layout: 'tf' }], ctx);
 */
export function convertLayersModel(model: tfl.LayersModel, inputs: OnnxValue[], ctx: ConversionContext): OnnxValue[] {
  if (inputs.length !== model.inputs.length) {
    throw new Error(`model "${model.name}" takes ${model.inputs.length} input(s), got ${inputs.length}`);
  }
  const values = new Map<number, OnnxValue>();
  model.inputs.forEach((t, i) => values.set(t.id, inputs[i]));
  const nestedOutputs = new Map<string, OnnxValue[]>();

  const visit = (tensor: SymbolicTensor): OnnxValue => {
    const known = values.get(tensor.id);
    if (known) return known;
    const layer = tensor.sourceLayer;
    if (layer.getClassName() === 'InputLayer') {
      throw new Error(`model "${model.name}": input "${tensor.name}" is not one of the model's inputs`);
    }
    const layerInputs = tensor.inputs.map(visit);
    let value: OnnxValue;
    if (layer instanceof tfl.LayersModel) {
      const key = `${layer.name}#${tensor.nodeIndex}`;
      let outputs = nestedOutputs.get(key);
      if (!outputs) {
        outputs = convertLayersModel(layer, layerInputs, ctx);
        nestedOutputs.set(key, outputs);
      }
      value = outputs[tensor.outputTensorIndex ?? tensor.tensorIndex ?? 0];
    } else {
      const converter = layerConverters.get(layer.getClassName());
      if (!converter) {
        throw new Error(
          `layer "${layer.name}" of type ${layer.getClassName()} cannot be exported to ONNX; supported types: ${[...layerConverters.keys()].join(', ')}`,
        );
      }
      value = converter(layer, layerInputs, ctx, [...tensor.shape]);
    }
    values.set(tensor.id, value);
    return value;
  };

  return model.outputs.map(visit);
}
