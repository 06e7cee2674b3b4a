/**
 * A real (if minimal) image format for Node tests: 24-bit uncompressed BMP, written and read here.
 * The browser decodes BMP natively, so the same files also work in the app.
 */
import type { DecodedImage } from '../../src/lib/engine/data/image-dataset';

/** Encodes `rgb(x, y)` as a 24-bit bottom-up BMP. */
export function encodeBmp(width: number, height: number, rgb: (x: number, y: number) => [number, number, number]): Uint8Array {
  const rowBytes = Math.ceil((width * 3) / 4) * 4;
  const size = 54 + rowBytes * height;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set([0x42, 0x4d]);
  view.setUint32(2, size, true);
  view.setUint32(10, 54, true);
  view.setUint32(14, 40, true);
  view.setInt32(18, width, true);
  view.setInt32(22, height, true);
  view.setUint16(26, 1, true);
  view.setUint16(28, 24, true);
  view.setUint32(34, rowBytes * height, true);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = rgb(x, y);
      const at = 54 + (height - 1 - y) * rowBytes + x * 3;
      out[at] = b;
      out[at + 1] = g;
      out[at + 2] = r;
    }
  }
  return out;
}

/** Decodes what `encodeBmp` writes; throws on anything else or on a truncated file. */
export async function decodeBmp(bytes: Uint8Array): Promise<DecodedImage> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 54 || bytes[0] !== 0x42 || bytes[1] !== 0x4d) throw new Error('not a BMP file');
  const width = view.getInt32(18, true);
  const height = view.getInt32(22, true);
  if (view.getUint16(28, true) !== 24) throw new Error('only 24-bit BMP is supported here');
  const rowBytes = Math.ceil((width * 3) / 4) * 4;
  if (bytes.length < 54 + rowBytes * height) throw new Error('the pixel data is cut short');
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = 54 + (height - 1 - y) * rowBytes + x * 3;
      rgba.set([bytes[at + 2], bytes[at + 1], bytes[at], 255], (y * width + x) * 4);
    }
  }
  return { rgba, width, height };
}
