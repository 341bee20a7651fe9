export { OnnxBackbone, type BackboneItem, type BackboneStats, type OnnxBackboneOptions } from './onnx-backbone';
export { fuseBackboneWithHead, type FuseOptions } from './fuse-backbone-with-head';
export { FeatureCache, type FeatureCacheOptions, type FeatureKey } from './feature-cache';
export { preprocessImage, type BackboneImage, type RawImage } from './image-preprocessor';
export { parsePreprocessSpec, preprocessSpecSchema, type PreprocessSpec, type PreprocessSpecInput } from './preprocess-spec';
export { readOnnxModelInfo, type OnnxModelInfo, type ModelDim } from './onnx-model-info';
