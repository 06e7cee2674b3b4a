import * as tf from '../tf';
import type { Gemm } from './gemm';
import { heapGemm, heapOffset, wasmMemory, type WasmBackendLike } from './wasm-heap';

/**
 * Both gradients of Conv2D and max-pooling's gradient for TF.js's WASM backend, through our GEMM
 * (kernels/gemm.wat). NHWC, dilation 1; anything else goes to TF.js's kernel. With col = im2col(x)
 * (row r = (b, oh, ow), column p = (dy, dx, ci)):
 *   input grad     dcol[r, p]   = Σ_co dy[r, co] · W[p, co];  dx = col2im(dcol)   (Wᵀ read in place)
 *   filter grad    dW[p, co]    = Σ_r col[r, p] · dy[r, co]                       (colᵀ read in place)
 * The patch matrix is built a slice of rows at a time (at most COL_BYTES), so memory stays bounded at any batch.
 * Why: TF.js 4.22's WASM Conv2DBackpropInput and MaxPoolGrad are naive scalar loops, and it has no filter
 * gradient (conv2d-backprop-filter.ts composes one from transposes and a convolution).
 */

const COL_BYTES = 4 << 20;

interface ConvExports {
  patches(x: number, H: number, W: number, C: number, kh: number, kw: number, sh: number, sw: number, padT: number, padL: number, OH: number, OW: number, r0: number, r1: number, col: number, mode: number): void;
  maxPoolGrad(x: number, dy: number, dx: number, B: number, H: number, W: number, C: number, ph: number, pw: number, sh: number, sw: number, padT: number, padL: number, OH: number, OW: number): void;
}

interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: WasmBackendLike;
  attrs?: tf.NamedAttrMap;
}

type ConvAttrs = {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

const originals = new Map<string, tf.KernelFunc>();
let enabled = true;
/** Calls that ran our kernels and calls handed to TF.js's (tests check which path ran). */
export const convCalls = { own: 0, fallback: 0 };

/** Our convolution kernels on or off (TF.js's own run when off); for benchmarks and tests. */
export function setOwnConv(on: boolean): void {
  enabled = on;
}

function fallback(name: string, args: KernelArgs): tf.TensorInfo {
  convCalls.fallback++;
  return originals.get(name)!(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
}

/** Geometry from TF.js's own helper; null for layouts we leave to TF.js. */
function geometry(xShape: number[], filterShape: number[], attrs: ConvAttrs): tf.backend_util.Conv2DInfo | null {
  if ((attrs.dataFormat ?? 'NHWC') !== 'NHWC') return null;
  const info = tf.backend_util.computeConv2DInfo(xShape as [number, number, number, number], filterShape as [number, number, number, number], attrs.strides, attrs.dilations ?? 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
  return info.dilationHeight === 1 && info.dilationWidth === 1 ? info : null;
}

interface Ready {
  gemm: Gemm;
  conv: ConvExports;
  heap: WebAssembly.Memory;
}

function ready(backend: WasmBackendLike): Ready | null {
  if (!enabled) return null;
  const gemm = heapGemm(backend);
  const heap = wasmMemory(backend);
  if (!gemm || !heap) return null;
  convCalls.own++;
  return { gemm, conv: gemm.exports as unknown as ConvExports, heap };
}

/** Rows of the patch matrix per slice, and a scratch buffer for them (freed by the caller). */
function patchScratch(backend: WasmBackendLike, rows: number, k: number): { perSlice: number; ptr: number; raw: number } {
  const perSlice = Math.max(1, Math.min(rows, Math.floor(COL_BYTES / (4 * Math.max(k, 1)))));
  const raw = backend.wasm._malloc(4 * perSlice * k + 64) >>> 0;
  if (!raw) throw new RangeError('conv scratch allocation failed');
  return { perSlice, ptr: (raw + 63) & ~63, raw };
}

function zeroed(backend: WasmBackendLike, heap: WebAssembly.Memory, shape: number[]): tf.TensorInfo {
  const out = backend.makeOutput(shape, 'float32');
  new Float32Array(heap.buffer, heapOffset(backend, out), tf.util.sizeFromShape(shape)).fill(0);
  return out;
}

function conv2dBackpropInput(args: KernelArgs): tf.TensorInfo {
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as ConvAttrs & { inputShape: number[] };
  const info = dy.dtype === 'float32' && filter.dtype === 'float32' ? geometry(attrs.inputShape, filter.shape, attrs) : null;
  const r = info ? ready(args.backend) : null;
  if (!info || !r) return fallback('Conv2DBackpropInput', args);
  const { backend } = args;
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: CO, filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const dx = zeroed(backend, r.heap, [B, H, W, C]);
  const rows = B * OH * OW;
  const k = kh * kw * C;
  const [dyp, wp, dxp] = [heapOffset(backend, dy), heapOffset(backend, filter), heapOffset(backend, dx)];
  const scratch = patchScratch(backend, rows, k);
  try {
    for (let r0 = 0; r0 < rows; r0 += scratch.perSlice) {
      const r1 = Math.min(rows, r0 + scratch.perSlice);
      // dcol = dy · Wᵀ (W read as [k, CO], transposed in place)
      r.gemm.run({ m: r1 - r0, n: k, k: CO, a: dyp + 4 * r0 * CO, rsA: CO, csA: 1, b: wp, rsB: 1, csB: CO, c: scratch.ptr, ldc: k });
      r.conv.patches(dxp, H, W, C, kh, kw, sh, sw, info.padInfo.top, info.padInfo.left, OH, OW, r0, r1, scratch.ptr, 1);
    }
  } finally {
    backend.wasm._free(scratch.raw);
  }
  return dx;
}

function conv2dBackpropFilter(args: KernelArgs): tf.TensorInfo {
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
  const info = x.dtype === 'float32' && dy.dtype === 'float32' ? geometry(x.shape, attrs.filterShape, attrs) : null;
  const r = info ? ready(args.backend) : null;
  if (!info || !r) return fallback('Conv2DBackpropFilter', args);
  const { backend } = args;
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: CO, filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const rows = info.batchSize * OH * OW;
  const k = kh * kw * C;
  const dw = zeroed(backend, r.heap, attrs.filterShape);
  const [xp, dyp, dwp] = [heapOffset(backend, x), heapOffset(backend, dy), heapOffset(backend, dw)];
  const scratch = patchScratch(backend, rows, k);
  try {
    for (let r0 = 0; r0 < rows; r0 += scratch.perSlice) {
      const r1 = Math.min(rows, r0 + scratch.perSlice);
      r.conv.patches(xp, H, W, C, kh, kw, sh, sw, info.padInfo.top, info.padInfo.left, OH, OW, r0, r1, scratch.ptr, 0);
      // dW += colᵀ · dy (the slice's rows), col read transposed in place
      r.gemm.run({ m: k, n: CO, k: r1 - r0, a: scratch.ptr, rsA: 1, csA: k, b: dyp + 4 * r0 * CO, rsB: CO, csB: 1, c: dwp, ldc: CO, accumulate: true });
    }
  } finally {
    backend.wasm._free(scratch.raw);
  }
  return dw;
}

function maxPoolGrad(args: KernelArgs): tf.TensorInfo {
  const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const attrs = args.attrs as unknown as { filterSize: [number, number] | number; strides: [number, number] | number; pad: 'valid' | 'same' | number; dimRoundingMode?: 'floor' | 'round' | 'ceil' };
  const r = dy.dtype === 'float32' && input.dtype === 'float32' && input.shape.length === 4 ? ready(args.backend) : null;
  if (!r) return fallback('MaxPoolGrad', args);
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const { backend } = args;
  const dx = zeroed(backend, r.heap, input.shape);
  r.conv.maxPoolGrad(heapOffset(backend, input), heapOffset(backend, dy), heapOffset(backend, dx), info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left, info.outHeight, info.outWidth);
  return dx;
}

/**
 * The forward convolution stays TF.js's (XNNPACK): measured in Node, our im2col + GEMM was 1.2–2.5× slower on
 * LeNet's layers (28×28×1 → 6, 5×5; 14×14×6 → 16, 5×5) and on 14×14×16 → 32, 3×3, at batch 128.
 */
const OURS: [string, (args: KernelArgs) => tf.TensorInfo][] = [
  ['Conv2DBackpropInput', conv2dBackpropInput],
  ['Conv2DBackpropFilter', conv2dBackpropFilter],
  ['MaxPoolGrad', maxPoolGrad],
];

/**
 * Registers our convolution kernels on `backendName` (WASM), keeping the ones they replace for what ours leave
 * out. Needs TF.js's WASM kernels and the filter gradient (conv2d-backprop-filter.ts) registered first.
 */
export function registerOwnConv(backendName = 'wasm'): void {
  for (const [name, func] of OURS) {
    const current = tf.getKernel(name, backendName);
    if (!current || current.kernelFunc === (func as unknown as tf.KernelFunc)) continue;
    originals.set(name, current.kernelFunc);
    tf.unregisterKernel(name, backendName);
    tf.registerKernel({ kernelName: name, backendName, kernelFunc: func as unknown as tf.KernelFunc, setupFunc: current.setupFunc, disposeFunc: current.disposeFunc });
  }
}
