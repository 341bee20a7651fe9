export { trainEncoder, type TrainEncoderOptions, type TrainedEncoder, type InstanceDiscriminationOptions, type InputSimilarityOptions } from './train-encoder';
export { trainSoftmaxBaseline, type TrainSoftmaxBaselineOptions } from './train-softmax-baseline';
export { runTrainingLoop, checkBudget, type TrainingBudget, type TrainingSummary, type StepReport, type TrainingLoopOptions } from './training-loop';
export { learningRateAt, checkSchedule, type LearningRateSchedule } from './learning-rate-schedule';
export { createImageAugmentation, type ImageAugmentationOptions, type AugmentImage } from './image-augmentation';
export { instanceContrastLoss } from './instance-contrast';
export { finiteGradientStep, applyFiniteGradients, setLearningRate, type GradientStepOptions, type GradientStepResult } from './gradient-step';
export { checkTrainingSet, gatherBatch, type TrainingSet } from './training-set';
export { inputSimilarityPreservation } from './input-similarity-preservation';
