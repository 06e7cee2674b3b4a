import { EngineError, type EngineCode } from '../errors';

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

/** An idx file that is not one, or is cut short: a code (`idx.*`) and its parameters. */
export class IdxFormatError<K extends EngineCode = EngineCode> extends EngineError<K> {
  override name = 'IdxFormatError';
}

const UINT8_TYPE = 0x08;

/**
 * Reads the header at the start of an idx file: its dimensions, or null while fewer bytes than the header needs
 * have arrived (a file that streams in). Throws IdxFormatError when the bytes cannot start an idx file of uint8.
 */
export function parseIdxHeader(head: Uint8Array, fileName = 'file', expectedRank?: number): { dims: number[]; headerBytes: number } | null {
  if (head.length < 4) return null;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const magic = view.getUint32(0, false);
  const rank = head[3];
  if (view.getUint16(0, false) !== 0 || head[2] !== UINT8_TYPE || rank < 1 || rank > 4) {
    throw new IdxFormatError('idx.badMagic', { file: fileName, magic });
  }
  if (expectedRank !== undefined && rank !== expectedRank) {
    throw new IdxFormatError('idx.wrongRank', { file: fileName, rank, magic, expected: expectedRank });
  }
  const headerBytes = 4 + 4 * rank;
  if (head.length < headerBytes) return null;
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  return { dims, headerBytes };
}

/**
 * Parses an uncompressed idx file. `expectedRank` guards against swapping image and label files.
 * Throws IdxFormatError with a message that says what is wrong and where.
 */
export function parseIdx(buffer: ArrayBuffer, fileName = 'file', expectedRank?: number): IdxArray {
  if (buffer.byteLength < 4) {
    throw new IdxFormatError('idx.tooShort', { file: fileName, bytes: buffer.byteLength });
  }
  const view = new DataView(buffer);
  const magic = view.getUint32(0, false);
  const type = view.getUint8(2);
  const rank = view.getUint8(3);
  if (view.getUint16(0, false) !== 0 || type !== UINT8_TYPE || rank < 1 || rank > 4) {
    throw new IdxFormatError('idx.badMagic', { file: fileName, magic });
  }
  if (expectedRank !== undefined && rank !== expectedRank) {
    throw new IdxFormatError('idx.wrongRank', { file: fileName, rank, magic, expected: expectedRank });
  }
  const headerBytes = 4 + 4 * rank;
  if (buffer.byteLength < headerBytes) {
    throw new IdxFormatError('idx.truncatedHeader', { file: fileName, bytes: buffer.byteLength, needed: headerBytes });
  }
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const available = buffer.byteLength - headerBytes;
  if (available < count) {
    throw new IdxFormatError('idx.truncated', { file: fileName, dims, count, available });
  }
  return { dims, data: new Uint8Array(buffer, headerBytes, count) };
}
