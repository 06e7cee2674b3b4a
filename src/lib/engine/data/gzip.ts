import { DataError } from './errors';

/** True when the bytes start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decompresses gzip with the platform's DecompressionStream (browsers, workers, Node ≥ 18).
 * Data that is not gzip is returned unchanged, so a user may also give an uncompressed file.
 */
export async function maybeGunzip(buffer: ArrayBuffer, fileName = 'file'): Promise<ArrayBuffer> {
  if (!isGzip(new Uint8Array(buffer, 0, Math.min(2, buffer.byteLength)))) return buffer;
  try {
    const stream = new Blob([buffer]).stream().pipeThrough(new DecompressionStream('gzip'));
    return await new Response(stream).arrayBuffer();
  } catch (err) {
    throw new DataError('data.badGzip', { file: fileName, detail: (err as Error).message });
  }
}
