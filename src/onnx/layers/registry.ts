import { convertActivation, convertELU, convertLeakyReLU, convertReLU, convertSoftmax } from './activation';
import { convertBatchNormalization } from './batch-normalization';
import { convertConv2D, convertDepthwiseConv2D } from './conv2d';
import { convertInputNormalization, convertL2Normalize } from './custom-normalization';
import { convertDense } from './dense';
import type { LayerConverter } from './layer-converter';
import { convertAdd, convertAverage, convertConcatenate, convertMaximum, convertMinimum, convertMultiply } from './merge';
import { convertAveragePooling2D, convertGlobalAveragePooling2D, convertGlobalMaxPooling2D, convertMaxPooling2D } from './pooling';
import { convertFlatten, convertIdentity, convertReshape } from './reshaping';

/** Converters by TF.js layer class name; a class absent here cannot be exported. */
export const layerConverters: ReadonlyMap<string, LayerConverter> = new Map<string, LayerConverter>([
  ['Activation', convertActivation],
  ['ReLU', convertReLU],
  ['LeakyReLU', convertLeakyReLU],
  ['ELU', convertELU],
  ['Softmax', convertSoftmax],
  ['Conv2D', convertConv2D],
  ['DepthwiseConv2D', convertDepthwiseConv2D],
  ['BatchNormalization', convertBatchNormalization],
  ['MaxPooling2D', convertMaxPooling2D],
  ['AveragePooling2D', convertAveragePooling2D],
  ['GlobalAveragePooling2D', convertGlobalAveragePooling2D],
  ['GlobalMaxPooling2D', convertGlobalMaxPooling2D],
  ['Dense', convertDense],
  ['Flatten', convertFlatten],
  ['Reshape', convertReshape],
  ['Dropout', convertIdentity],
  ['GaussianNoise', convertIdentity],
  ['GaussianDropout', convertIdentity],
  ['AlphaDropout', convertIdentity],
  ['Concatenate', convertConcatenate],
  ['Add', convertAdd],
  ['Multiply', convertMultiply],
  ['Maximum', convertMaximum],
  ['Minimum', convertMinimum],
  ['Average', convertAverage],
  ['InputNormalization', convertInputNormalization],
  ['L2Normalize', convertL2Normalize],
]);
