import { EngineError } from '../errors';

/**
 * Pure image resampling (no DOM, so Node tests run it): a centre crop to a square, then an area-average
 * (box filter) to `size × size`, then greyscale or RGB bytes. The page's decoder produces the RGBA input.
 */

/** Source indices and weights that cover output pixel `o` of `outSize`, over `length` source pixels from `start`. */
function axisWeights(start: number, length: number, outSize: number): { index: Int32Array; weight: Float32Array; offsets: Int32Array } {
  const scale = length / outSize;
  const index: number[] = [];
  const weight: number[] = [];
  const offsets = new Int32Array(outSize + 1);
  for (let o = 0; o < outSize; o++) {
    offsets[o] = index.length;
    const lo = start + o * scale;
    const hi = lo + scale;
    for (let s = Math.floor(lo); s < Math.ceil(hi); s++) {
      const cover = Math.min(hi, s + 1) - Math.max(lo, s);
      if (cover > 1e-9) {
        index.push(s);
        weight.push(cover / scale);
      }
    }
  }
  offsets[outSize] = index.length;
  return { index: Int32Array.from(index), weight: Float32Array.from(weight), offsets };
}

/**
 * Resizes RGBA pixels (`width × height`, row-major, 4 bytes a pixel) to a `size × size` RGBA square:
 * the largest centred square is cropped, then each output pixel averages the source area it covers.
 */
export function resizeSquare(rgba: ArrayLike<number>, width: number, height: number, size: number): Uint8ClampedArray {
  if (!(width > 0 && height > 0 && size > 0)) throw new EngineError('images.badResize', { width, height, size });
  const side = Math.min(width, height);
  const xs = axisWeights((width - side) / 2, side, size);
  const ys = axisWeights((height - side) / 2, side, size);
  // Horizontal pass: height × size × 4 floats.
  const tmp = new Float32Array(height * size * 4);
  for (let y = 0; y < height; y++) {
    for (let o = 0; o < size; o++) {
      for (let k = xs.offsets[o]; k < xs.offsets[o + 1]; k++) {
        const src = (y * width + xs.index[k]) * 4;
        const dst = (y * size + o) * 4;
        const w = xs.weight[k];
        for (let c = 0; c < 4; c++) tmp[dst + c] += rgba[src + c] * w;
      }
    }
  }
  const out = new Uint8ClampedArray(size * size * 4);
  for (let o = 0; o < size; o++) {
    for (let x = 0; x < size; x++) {
      const acc = [0, 0, 0, 0];
      for (let k = ys.offsets[o]; k < ys.offsets[o + 1]; k++) {
        const src = (ys.index[k] * size + x) * 4;
        for (let c = 0; c < 4; c++) acc[c] += tmp[src + c] * ys.weight[k];
      }
      for (let c = 0; c < 4; c++) out[(o * size + x) * 4 + c] = Math.round(acc[c]);
    }
  }
  return out;
}

/** RGBA → 1 byte (luma, ITU-R BT.601) or 3 bytes (RGB) per pixel, written into `out` at `offset`. */
export function packChannels(rgba: ArrayLike<number>, pixels: number, channels: 1 | 3, out: Uint8Array, offset = 0): void {
  for (let i = 0; i < pixels; i++) {
    const r = rgba[4 * i];
    const g = rgba[4 * i + 1];
    const b = rgba[4 * i + 2];
    if (channels === 1) out[offset + i] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    else {
      out[offset + 3 * i] = r;
      out[offset + 3 * i + 1] = g;
      out[offset + 3 * i + 2] = b;
    }
  }
}
