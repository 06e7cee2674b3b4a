/** Recognises common file formats from their first bytes, so a wrong file gets a message that says what it is. */
export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp';

const starts = (b: Uint8Array, sig: number[], at = 0) => b.length >= at + sig.length && sig.every((v, i) => b[at + i] === v);

/** The image format of `bytes`, or null when they are not an image the browser can decode. */
export function sniffImage(bytes: Uint8Array): ImageFormat | null {
  if (starts(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (starts(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (starts(bytes, [0x47, 0x49, 0x46, 0x38])) return 'gif';
  if (starts(bytes, [0x52, 0x49, 0x46, 0x46]) && starts(bytes, [0x57, 0x45, 0x42, 0x50], 8)) return 'webp';
  if (starts(bytes, [0x42, 0x4d])) return 'bmp';
  return null;
}

export function isZip(bytes: Uint8Array): boolean {
  return starts(bytes, [0x50, 0x4b, 0x03, 0x04]) || starts(bytes, [0x50, 0x4b, 0x05, 0x06]);
}

/** Binary formats a wrong file is recognised as; the page says what each one is. */
export type BinaryFormat = ImageFormat | 'zip' | 'gzip' | 'pdf' | 'office';

/** The binary format of `bytes` ("a PNG image", "a zip archive" in words), or null for unknown or text. */
export function describeBinary(bytes: Uint8Array): BinaryFormat | null {
  const image = sniffImage(bytes);
  if (image) return image;
  if (isZip(bytes)) return 'zip';
  if (starts(bytes, [0x1f, 0x8b])) return 'gzip';
  if (starts(bytes, [0x25, 0x50, 0x44, 0x46])) return 'pdf';
  if (starts(bytes, [0xd0, 0xcf, 0x11, 0xe0])) return 'office';
  return null;
}

/** True when the first 8 KB hold a NUL byte: text files never do. */
export function hasNulByte(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}
