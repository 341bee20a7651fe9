import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { parseEncoderConfig, type EncoderConfig, type EncoderConfigInput } from './config';
import { buildCnnEncoderModels } from './build-cnn';
import { buildMlpEncoderModels } from './build-mlp';

/**
 * An embedding model in two parts: a `featureExtractor` (conv trunk, or input standardisation
 * for feature vectors) and a projection `head` ending in L2 normalisation. With
 * `trainable: 'head'` the feature extractor is frozen: it runs in inference mode during
 * training and its variables are not returned by {@link Encoder.trainableVariables}.
 *
 * @example
 * const encoder = createEncoder(thumbnailCnnConfig());
 * const optimizer = tf.train.adam(1e-3);
 * optimizer.minimize(() => lossFn(encoder.embedForTraining(batch), labels), false, encoder.trainableVariables());
 * const embeddings = encoder.embed(batch); // [batch, dim], unit rows
 */
export class Encoder {
  constructor(
    readonly config: EncoderConfig,
    readonly featureExtractor: tfl.LayersModel,
    readonly head: tfl.LayersModel,
  ) {
    featureExtractor.trainable = this.trainsFeatureExtractor;
  }

  /** Whether the feature extractor's variables learn. */
  get trainsFeatureExtractor(): boolean {
    return this.config.kind === 'cnn' && this.config.trainable === 'all';
  }

  /** Embedding dimension. */
  get dim(): number {
    return this.config.kind === 'cnn' ? this.config.head.dim : this.config.dim;
  }

  /** Shape of one input example, e.g. `[28, 28, 1]` or `[512]`. */
  get inputShape(): number[] {
    const input = this.config.input;
    return 'features' in input ? [input.features] : [input.height, input.width, input.channels];
  }

  /** Inference embedding of a batch of raw inputs: BN uses moving statistics, dropout is off. */
  embed(x: tf.Tensor): tf.Tensor2D {
    this.checkInput(x);
    return tf.tidy(() => {
      const features = this.featureExtractor.apply(x, { training: false }) as tf.Tensor;
      return this.head.apply(features, { training: false }) as tf.Tensor2D;
    });
  }

  /** Feature vectors (the frozen part's output) in inference mode. */
  features(x: tf.Tensor): tf.Tensor2D {
    this.checkInput(x);
    return tf.tidy(() => this.featureExtractor.apply(x, { training: false }) as tf.Tensor2D);
  }

  /**
   * Training-mode embedding, for use inside `optimizer.minimize`/`tf.variableGrads`: BN layers
   * normalise with batch statistics and update their moving mean/variance, dropout is active.
   */
  embedForTraining(x: tf.Tensor): tf.Tensor2D {
    this.checkInput(x);
    const trainTrunk = this.trainsFeatureExtractor;
    const features = trainTrunk ? this.applyTraining(this.featureExtractor, x) : (this.featureExtractor.apply(x, { training: false }) as tf.Tensor);
    return this.applyTraining(this.head, features) as tf.Tensor2D;
  }

  /** The variables an optimizer should update, in a stable order (optimizer state follows it). */
  trainableVariables(): tf.Variable[] {
    const models = this.trainsFeatureExtractor ? [this.featureExtractor, this.head] : [this.head];
    return models.flatMap((m) => m.trainableWeights.map((w) => w.read() as tf.Variable));
  }

  /** Every weight of both parts (including BN moving statistics), in a stable order. */
  allWeights(): tf.Tensor[] {
    return [...this.featureExtractor.getWeights(), ...this.head.getWeights()];
  }

  dispose(): void {
    this.featureExtractor.dispose();
    this.head.dispose();
  }

  private applyTraining(model: tfl.LayersModel, x: tf.Tensor): tf.Tensor {
    // tfjs-layers' BatchNormalization writes its moving mean/variance inside call() whenever
    // `training` is true, so custom loops (not only model.fit) keep the inference statistics fresh.
    return model.apply(x, { training: true }) as tf.Tensor;
  }

  private checkInput(x: tf.Tensor): void {
    const expected = this.inputShape;
    const actual = x.shape.slice(1);
    if (x.rank !== expected.length + 1 || actual.some((d, i) => d !== expected[i])) {
      throw new Error(`encoder input must have shape [batch, ${expected.join(', ')}], got [${x.shape.join(', ')}]`);
    }
  }
}

/**
 * Validates `config` and builds a freshly initialised encoder.
 *
 * @example
 * const encoder = createEncoder({ kind: 'mlp', input: { features: 512 }, hidden: [256], dim: 128 });
 */
export function createEncoder(config: EncoderConfigInput | EncoderConfig): Encoder {
  const parsed = parseEncoderConfig(config);
  const { featureExtractor, head } = parsed.kind === 'cnn' ? buildCnnEncoderModels(parsed) : buildMlpEncoderModels(parsed);
  return new Encoder(parsed, featureExtractor, head);
}
