/**
 * Makes sure TF.js gradient functions are registered. tfjs-core keeps them in a separate
 * module that its Node (CommonJS) build cannot load by path, while tfjs-layers registers them
 * in every build; losses must be differentiable even where no layer has been imported yet.
 */
import '@tensorflow/tfjs-layers';
