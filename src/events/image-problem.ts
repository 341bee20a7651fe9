/** File signatures of the image formats people most often send by mistake, and of ours. */
const SIGNATURES: Array<{ name: string; bytes: number[]; accepted: boolean }> = [
  { name: 'PNG', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], accepted: true },
  { name: 'JPEG', bytes: [0xff, 0xd8, 0xff], accepted: true },
  { name: 'GIF', bytes: [0x47, 0x49, 0x46, 0x38], accepted: false },
  { name: 'BMP', bytes: [0x42, 0x4d], accepted: false },
  { name: 'TIFF', bytes: [0x49, 0x49, 0x2a, 0x00], accepted: false },
  { name: 'TIFF', bytes: [0x4d, 0x4d, 0x00, 0x2a], accepted: false },
];

/**
 * Why an image could not be decoded, in plain words rather than the image library's: what the
 * bytes look like (a PNG or JPEG that is damaged, another format, or no image at all).
 *
 * @example
 * plainImageProblem(bytes); // 'is a PNG file that is truncated or damaged, so it cannot be decoded'
 */
export function plainImageProblem(head: Uint8Array): string {
  if (head.length === 0) return 'is empty';
  const isWebp = head.length >= 12 && String.fromCharCode(...head.subarray(0, 4)) === 'RIFF' && String.fromCharCode(...head.subarray(8, 12)) === 'WEBP';
  if (isWebp) return 'is a WebP image; only PNG and JPEG images are accepted';
  const known = SIGNATURES.find((s) => s.bytes.every((byte, i) => head[i] === byte));
  if (known?.accepted) return `is a ${known.name} file that is truncated or damaged, so it cannot be decoded`;
  if (known) return `is a ${known.name} image; only PNG and JPEG images are accepted`;
  return 'is not a PNG or JPEG image (its first bytes are no image signature)';
}
