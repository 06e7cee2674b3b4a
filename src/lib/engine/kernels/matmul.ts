import * as tf from '../tf';
import { registerOwnConv } from './conv';
import { registerConv2dBackpropFilter } from './conv2d-backprop-filter';
import { heapGemm, heapOffset, type WasmBackendLike } from './wasm-heap';

/**
 * `BatchMatMul` and `_FusedMatMul` for TF.js's WASM backend through our GEMM (kernels/gemm.wat).
 *
 * Why: TF.js 4.22 sends a matmul with a transposed operand (both gradients of a Dense layer) to a scalar,
 * single-threaded loop, and only the plain product reaches XNNPACK. Ours reads either operand transposed in
 * place, adds the bias and applies relu in the same pass, and can share rows out to threads.
 * Where it does not apply (other dtypes, prelu/elu/… activations, broadcast bias shapes) TF.js's own kernel runs.
 */

interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: WasmBackendLike;
  attrs?: tf.NamedAttrMap;
}

type Original = { kernelFunc: tf.KernelFunc; setupFunc?: tf.KernelSetupFunc; disposeFunc?: tf.KernelDisposeFunc };
const originals = new Map<string, Original>();
let enabled = true;

/** Turns our matmul kernels off (TF.js's own run) or back on; for benchmarks and tests. */
export function setOwnMatMul(on: boolean): void {
  enabled = on;
}

/**
 * Whether our matmul kernels run on `backendName` (switched on and registered). On WASM they are registered
 * here when missing: TF.js's WASM kernels register when its module is imported, which the worker defers
 * until the backend first starts, so registering at start-up could come too early.
 */
export function ownMatMulActive(backendName = tf.getBackend()): boolean {
  if (!enabled) return false;
  // Asked on every training step: one registry lookup once ours are in (all of them register together).
  const ours = () => tf.getKernel('BatchMatMul', backendName)?.kernelFunc === batchMatMul;
  if (backendName === 'wasm' && !ours()) registerOwnKernels('wasm');
  return originals.has(`BatchMatMul/${backendName}`) && ours();
}

/**
 * Registers all our WASM kernels that are not registered yet: the matmuls, then (once TF.js's own kernels exist)
 * the composite filter gradient and our convolution gradients over it (kernels/conv.ts). Cheap when done.
 */
export function registerOwnKernels(backendName = 'wasm'): void {
  registerOwnMatMul(backendName);
  if (!originals.has(`BatchMatMul/${backendName}`)) return;
  registerConv2dBackpropFilter(backendName);
  registerOwnConv(backendName);
}

interface MatMulPlan {
  batch: number;
  m: number;
  n: number;
  k: number;
  outShape: number[];
  aStride: number;
  bStride: number;
}

/** Shapes of op(a)·op(b) with broadcast batch dimensions of size 1 (null: let TF.js's kernel do it). */
function plan(a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean): MatMulPlan | null {
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return null;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const ka = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (ka !== kb) return null;
  const batchA = a.shape.slice(0, -2).reduce((x, y) => x * y, 1);
  const batchB = b.shape.slice(0, -2).reduce((x, y) => x * y, 1);
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) return null;
  const outer = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  return { batch: Math.max(batchA, batchB), m, n, k: ka, outShape: [...outer, m, n], aStride: batchA === 1 ? 0 : m * ka, bStride: batchB === 1 ? 0 : ka * n };
}

function run(args: KernelArgs, fused: boolean): tf.TensorInfo {
  const { inputs, backend } = args;
  const attrs = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean; activation?: string };
  const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const bias = fused ? (inputs.bias as tf.TensorInfo | undefined) : undefined;
  const transposeA = !!attrs.transposeA;
  const transposeB = !!attrs.transposeB;
  const activation = fused ? (attrs.activation ?? 'linear') : 'linear';
  const p = enabled ? plan(a, b, transposeA, transposeB) : null;
  const gemm = p ? heapGemm(backend) : null;
  const biasOk = !bias || (bias.dtype === 'float32' && p !== null && tf.util.sizeFromShape(bias.shape) === p.n && bias.shape[bias.shape.length - 1] === p.n);
  if (!p || !gemm || !biasOk || (activation !== 'linear' && activation !== 'relu') || (fused && inputs.preluActivationWeights)) {
    return originals.get(`${fused ? '_FusedMatMul' : 'BatchMatMul'}/wasm`)!.kernelFunc(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
  }
  const out = backend.makeOutput(p.outShape, 'float32');
  const [ka, kb] = [p.k, p.k];
  const aBase = heapOffset(backend, a);
  const bBase = heapOffset(backend, b);
  const cBase = heapOffset(backend, out);
  const biasPtr = bias ? heapOffset(backend, bias) : 0;
  for (let i = 0; i < p.batch; i++) {
    gemm.run({
      m: p.m,
      n: p.n,
      k: p.k,
      a: aBase + 4 * i * p.aStride,
      rsA: transposeA ? 1 : ka,
      csA: transposeA ? p.m : 1,
      b: bBase + 4 * i * p.bStride,
      rsB: transposeB ? 1 : p.n,
      csB: transposeB ? kb : 1,
      c: cBase + 4 * i * p.m * p.n,
      ldc: p.n,
      bias: biasPtr,
      relu: activation === 'relu',
    });
  }
  return out;
}

function batchMatMul(args: KernelArgs): tf.TensorInfo {
  return run(args, false);
}

function fusedMatMul(args: KernelArgs): tf.TensorInfo {
  return run(args, true);
}

/**
 * Registers our `BatchMatMul` and `_FusedMatMul` on `backendName` (WASM), keeping TF.js's for the cases ours
 * leaves out. Safe to call twice; call before or after the backend starts (TF.js's setup runs either way).
 */
export function registerOwnMatMul(backendName = 'wasm'): void {
  for (const [name, func] of [['BatchMatMul', batchMatMul], ['_FusedMatMul', fusedMatMul]] as const) {
    const key = `${name}/${backendName}`;
    const current = tf.getKernel(name, backendName);
    if (!current || current.kernelFunc === func) continue;
    originals.set(key, { kernelFunc: current.kernelFunc, setupFunc: current.setupFunc, disposeFunc: current.disposeFunc });
    tf.unregisterKernel(name, backendName);
    tf.registerKernel({ kernelName: name, backendName, kernelFunc: func as unknown as tf.KernelFunc, setupFunc: current.setupFunc, disposeFunc: current.disposeFunc });
  }
}
