import { PAYLOAD_LIMITS } from '../core/payload-rules';

/**
 * Size bounds of event fields. They keep one malformed or hostile event from costing the
 * service (or the trainer replaying it) unbounded memory or time.
 */
export const EVENT_LIMITS = {
  /** Item and event ids. */
  idMaxChars: 256,
  labelMaxChars: PAYLOAD_LIMITS.labelMaxChars,
  attributesMaxKeys: PAYLOAD_LIMITS.attributesMaxKeys,
  attributeKeyMaxChars: PAYLOAD_LIMITS.attributeNameMaxChars,
  attributeStringMaxChars: PAYLOAD_LIMITS.attributeStringMaxChars,
  /** Base64 text of one image (≈ 6 MiB decoded). */
  imageMaxBase64Chars: 8 * 1024 * 1024,
  pixelsMaxSide: 4096,
  /** Values in one `pixels.data` array (width × height × channels). */
  pixelsMaxValues: 4 * 1024 * 1024,
  vectorMaxLength: 65_536,
  sourceMaxChars: 128,
  weightMax: 100,
} as const;
