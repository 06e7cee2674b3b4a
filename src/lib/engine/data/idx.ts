/**
 * Parser for the idx format of MNIST and Fashion-MNIST (big-endian):
 * bytes 0-1 zero, byte 2 the element type (0x08 = uint8), byte 3 the number of dimensions,
 * then one uint32 per dimension, then the data.
 */
export interface IdxArray {
  /** Sizes of each dimension, e.g. [60000, 28, 28]. */
  dims: number[];
  /** Row-major values; a view on the input buffer (no copy). */
  data: Uint8Array;
}

export class IdxFormatError extends Error {
  override name = 'IdxFormatError';
}

const UINT8_TYPE = 0x08;

/**
 * Parses an uncompressed idx file. `expectedRank` guards against swapping image and label files.
 * Throws IdxFormatError with a message that says what is wrong and where.
 */
export function parseIdx(buffer: ArrayBuffer, fileName = 'file', expectedRank?: number): IdxArray {
  if (buffer.byteLength < 4) {
    throw new IdxFormatError(`${fileName}: ${buffer.byteLength} bytes is too short for an idx header (needs at least 4).`);
  }
  const view = new DataView(buffer);
  const magic = view.getUint32(0, false);
  const type = view.getUint8(2);
  const rank = view.getUint8(3);
  if (view.getUint16(0, false) !== 0 || type !== UINT8_TYPE || rank < 1 || rank > 4) {
    throw new IdxFormatError(
      `${fileName}: wrong magic number ${magic} (0x${magic.toString(16).padStart(8, '0')}); ` +
        `an idx file of uint8 starts with 2049 (labels) or 2051 (images).`,
    );
  }
  if (expectedRank !== undefined && rank !== expectedRank) {
    throw new IdxFormatError(
      `${fileName}: has ${rank} dimension(s) (magic ${magic}) but ${expectedRank} were expected; ` +
        `are the image and label files swapped?`,
    );
  }
  const headerBytes = 4 + 4 * rank;
  if (buffer.byteLength < headerBytes) {
    throw new IdxFormatError(`${fileName}: truncated header (${buffer.byteLength} of ${headerBytes} bytes).`);
  }
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const available = buffer.byteLength - headerBytes;
  if (available < count) {
    throw new IdxFormatError(
      `${fileName}: truncated: the header promises ${dims.join('×')} = ${count} bytes of data but only ${available} follow.`,
    );
  }
  return { dims, data: new Uint8Array(buffer, headerBytes, count) };
}
