/** A raw pixel grid as requests carry it: row-major, 0–255, grayscale or RGB. */
export interface PixelGrid {
  width: number;
  height: number;
  channels: 1 | 3;
  data: number[];
}

/** The pixel grid a model takes. */
export interface ImageTarget {
  height: number;
  width: number;
  channels: 1 | 3;
}

/** An image as an event or request carries it: base64 PNG/JPEG or raw pixels. */
export interface ImageInputSource {
  image?: string;
  pixels?: PixelGrid;
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
 * The `ImageDecoder` port: turns a query's image or pixel grid into a model's input, with the
 * codecs the runtime has (sharp on Node; pure-JS PNG and JPEG decoders at the edge). Failures
 * are `ImageDecodeError`s naming the request field.
 *
 * @example
 * const input = await decoder.decode({ image: b64 }, { height: 28, width: 28, channels: 1 });
 * const { width, height } = await decoder.size(b64);
 */
export interface ImageDecoder {
  /** Row-major HWC values 0–255 of the target's grid (resized and converted as needed). */
  decode(input: ImageInputSource, target: ImageTarget): Promise<Float32Array>;
  /** An encoded image's size, read without decoding its pixels where the codec allows. */
  size(image: string, field?: string): Promise<{ width: number; height: number }>;
}
