/**
 * Post-training weight quantisation in the format stock TF.js dequantises when loading
 * (`weightsManifest[].weights[].quantization`, as written by the tensorflowjs converter). Pure byte work:
 * no TF.js here.
 */
import type { QuantizeDtype } from '../runs/record';
import type { LayersModelFiles } from './layers-format';

/** A weight entry of a TF.js manifest (the subset this module reads and writes). */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool' | string;
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; scale?: number; min?: number };
}

export interface ModelJson {
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
  [key: string]: unknown;
}

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** float32 → IEEE half (round to nearest even; overflow → ±Inf; NaN kept). */
export function toFloat16Bits(value: number): number {
  F32[0] = value;
  const x = U32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rest > mid || (rest === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  return sign | half;
}

/**
 * Affine uint8 parameters as the tensorflowjs converter computes them: the range always holds 0, and the
 * minimum is nudged so that 0 is exactly representable (zero biases stay zero).
 */
export function uint8Range(values: Float32Array): { scale: number; min: number } {
  let lo = 0;
  let hi = 0;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (hi === lo) return { scale: 1, min: lo };
  const scale = (hi - lo) / 255;
  const zeroPoint = Math.round(-lo / scale);
  return { scale, min: -zeroPoint * scale };
}

function quantizeOne(values: Float32Array, dtype: QuantizeDtype): { bytes: Uint8Array; quantization: NonNullable<WeightSpec['quantization']> } {
  if (dtype === 'float16') {
    const out = new Uint16Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = toFloat16Bits(values[i]);
    return { bytes: new Uint8Array(out.buffer), quantization: { dtype: 'float16' } };
  }
  const { scale, min } = uint8Range(values);
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.max(0, Math.min(255, Math.round((values[i] - min) / scale)));
  return { bytes: out, quantization: { dtype: 'uint8', scale, min } };
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, complex64: 8 };

/** Bytes a weight entry occupies in the weights data (quantised or not); NaN for unsupported dtypes. */
export function specBytes(spec: WeightSpec): number {
  const count = spec.shape.reduce((a, b) => a * b, 1);
  const per = BYTES[spec.quantization?.dtype ?? spec.dtype];
  return per === undefined ? NaN : count * per;
}

/**
 * Returns new files whose float32 weights are stored as float16 or uint8 (others are copied).
 * Stock `tf.loadLayersModel` dequantises them to float32 when loading.
 */
export function quantizeModelFiles(files: LayersModelFiles, dtype: QuantizeDtype): LayersModelFiles {
  const json = JSON.parse(files.modelJson) as ModelJson;
  const parts: Uint8Array[] = [];
  let offset = 0;
  const groups = json.weightsManifest.map((group) => ({
    ...group,
    weights: group.weights.map((spec) => {
      const size = specBytes(spec);
      const raw = files.weights.slice(offset, offset + size);
      offset += size;
      if (spec.dtype !== 'float32' || spec.quantization) {
        parts.push(new Uint8Array(raw));
        return spec;
      }
      const q = quantizeOne(new Float32Array(raw), dtype);
      parts.push(q.bytes);
      return { ...spec, quantization: q.quantization };
    }),
  }));
  const total = parts.reduce((s, p) => s + p.length, 0);
  const weights = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    weights.set(p, at);
    at += p.length;
  }
  return { modelJson: JSON.stringify({ ...json, weightsManifest: groups }), weights: weights.buffer, weightsFileName: files.weightsFileName };
}
