/** The pixel grid a model takes. */
export interface ImageTarget {
  height: number;
  width: number;
  channels: 1 | 3;
}

/** Raw pixels: row-major HWC values 0–255. */
export interface RawPixels {
  width: number;
  height: number;
  channels: 1 | 3;
  data: ArrayLike<number>;
}

/** An image as an event or request carries it: base64 PNG/JPEG or raw pixels. */
export interface ImageInputSource {
  image?: string;
  pixels?: RawPixels;
}

export interface DecodeImageOptions<O extends 'float32' | 'uint8' = 'float32' | 'uint8'> {
  /** Element type of the result (default `float32`, what ONNX sessions take). */
  output?: O;
  /** Where the input sits in its request, for error messages (default `image` or `pixels`). */
  field?: string;
}

/** An image that could not be decoded; `field` names where it came from (e.g. `items.3.image`). */
export class ImageDecodeError extends Error {
  constructor(readonly field: string, message: string, options?: { cause?: unknown }) {
    super(`${field}: ${message}`, options);
    this.name = 'ImageDecodeError';
  }
}

/**
 * The `ImageDecoder` port: turns an `image` (base64 PNG/JPEG) or `pixels` input into a model's
 * pixel grid (row-major HWC values 0–255, resized to `target`), or throws `ImageDecodeError`
 * naming the field.
 */
export interface ImageDecoder {
  decode(input: ImageInputSource, target: ImageTarget, options?: DecodeImageOptions<'float32'>): Promise<Float32Array>;
  decode(input: ImageInputSource, target: ImageTarget, options: DecodeImageOptions<'uint8'>): Promise<Uint8Array>;
}
