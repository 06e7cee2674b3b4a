import { EngineError } from '../errors';
import * as tf from '../tf';
import { ADAM_WASM_PLAIN, ADAM_WASM_SHARED } from '../kernels/adam-wasm';
import { adamStepWebGPU } from '../kernels/webgpu/adam';
import { webgpuBackend } from '../kernels/webgpu/device';
import { adamClass, webgpuChoice } from '../kernels/webgpu/select';

/**
 * Adam as TF.js computes it (tf.train.adam: same formulas, same float32 rounding, same bias correction
 * through the running products of β₁ and β₂, so a schedule may change β₁ between steps), fused into one
 * pass over each variable on the CPU backends' own memory.
 *
 * Why: TF.js runs Adam as ~12 kernels per variable (≈50 for the classic MLP), plus 10 more for the
 * gradient norm; each walks the first layer's 100,000 weights again and pays the engine's per-kernel
 * bookkeeping. Profiled in the training step at batch 128 on WASM, that was about a fifth of the step.
 * - WASM: one call per variable into a small SIMD kernel (kernels/adam.wat) that shares TF.js's heap.
 * - CPU backend: the same pass in JavaScript over its arrays.
 * - WebGPU: one WGSL dispatch per variable (kernels/webgpu/adam.ts) where timing chose it for the variable's
 *   size (kernels/webgpu/select.ts), else TF.js's kernels in TF.js's order on the same moments. |g|² is left
 *   to the caller there (reading it back would stall the GPU queue every step).
 * - GPU backends, or WASM without SIMD: TF.js's own Adam.
 * The squared gradient norm comes out of the same pass. It is a drop-in `tf.AdamOptimizer` ('Adam' to
 * `getClassName`); results are bit-identical to TF.js's Adam (unit test).
 */
/** Something that holds a `FusedAdamOptimizer`'s moments for a while (the whole-step kernel, kernels/dense-train.ts). */
export interface MomentBorrower {
  /** Stops using the moments; when `giveBack`, hands them back first (`returnMoments`). */
  release(giveBack: boolean): void;
}

/** One variable's Adam moments as arrays (a borrower's copy). */
export interface MomentArrays {
  m: Float32Array;
  v: Float32Array;
}

export class FusedAdamOptimizer extends tf.AdamOptimizer {
  /** WASM, WebGPU: moments as tensors (written in place by our kernels). CPU: Float32Arrays. */
  private moments: { m: tf.Tensor | Float32Array; v: tf.Tensor | Float32Array }[] = [];
  private accBeta1Value: number;
  private accBeta2Value: number;
  /** Decided at the first step. */
  private mode: 'wasm' | 'js' | 'webgpu' | 'kernels' | null = null;
  /** |g|² summed over all variables in the last fused step (NaN when the last step was not fused). */
  lastGradSquared = NaN;
  /** Who holds the moments now (they are nowhere else meanwhile), or null. */
  private borrower: MomentBorrower | null = null;

  constructor(learningRate: number, beta1: number, beta2: number, epsilon: number) {
    super(learningRate, beta1, beta2, epsilon);
    this.accBeta1Value = Math.fround(beta1);
    this.accBeta2Value = Math.fround(beta2);
  }

  /** How steps run: the WASM kernel, the JavaScript pass (CPU backend), WebGPU (per variable) or TF.js's kernels; null before the first. */
  get path(): 'wasm' | 'js' | 'webgpu' | 'kernels' | null {
    return this.mode;
  }

  /** True once steps run fused (so `lastGradSquared` is meaningful). */
  get isFused(): boolean {
    return this.mode === 'wasm' || this.mode === 'js';
  }

  /**
   * Hands the moments to `borrower`, which steps in their place (`stepConstants`, `advance`) until it releases
   * them: per variable in the model's order, m and v as arrays, or null before the first step. WASM only. Any
   * other step, and `dispose`, first makes the borrower release them.
   */
  borrowMoments(borrower: MomentBorrower): (MomentArrays | null)[] {
    if (this.mode !== null && this.mode !== 'wasm') throw new EngineError('train.fusedAdamHeap', {});
    this.borrower?.release(true);
    const out = this.moments.map(({ m, v }) => ({ m: (m as tf.Tensor).dataSync() as Float32Array, v: (v as tf.Tensor).dataSync() as Float32Array }));
    for (const { m, v } of this.moments) tf.dispose([m as tf.Tensor, v as tf.Tensor]);
    this.moments = [];
    this.mode = 'wasm';
    this.borrower = borrower;
    return out;
  }

  /** The borrower's moments back (`shapes`: the variables' shapes, in the same order). */
  returnMoments(moments: MomentArrays[], shapes: number[][]): void {
    this.moments = moments.map(({ m, v }, i) => ({ m: tf.keep(tf.tensor(m, shapes[i], 'float32')), v: tf.keep(tf.tensor(v, shapes[i], 'float32')) }));
    this.borrower = null;
  }

  /** Adam's constants for the next step, rounded as the WASM kernel takes them (kernels/adam.wat; ours and the whole-step kernel's). */
  stepConstants(): { b1: number; a1: number; b2: number; a2: number; negLr: number; c1: number; c2: number; eps: number } {
    return { b1: this.beta1, a1: f32(1 - this.beta1), b2: this.beta2, a2: f32(1 - this.beta2), negLr: f32(-this.learningRate), c1: f32(1 - this.accBeta1Value), c2: f32(1 - this.accBeta2Value), eps: this.epsilon };
  }

  /** After a borrower's step: the running products of β₁ and β₂, the step count, |g|². */
  advance(gradSquared: number): void {
    this.lastGradSquared = gradSquared;
    this.accBeta1Value = f32(this.accBeta1Value * f32(this.beta1));
    this.accBeta2Value = f32(this.accBeta2Value * f32(this.beta2));
    this.incrementIterations();
  }

  override applyGradients(given: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    this.borrower?.release(true);
    const variableGradients: Record<string, tf.Tensor> = Array.isArray(given) ? Object.fromEntries(given.map((g) => [g.name, g.tensor])) : given;
    const names = Object.keys(variableGradients);
    const variables = names.map((name) => tf.engine().registeredVariables[name]);
    this.mode ??= chooseMode([...variables, ...names.map((n) => variableGradients[n])]);
    if (this.mode === 'kernels') {
      this.lastGradSquared = NaN;
      super.applyGradients(given);
      return;
    }
    const k = this.stepConstants();
    const { c1, c2 } = k;
    let gradSquared = 0;
    for (let i = 0; i < names.length; i++) {
      const value = variables[i];
      const grad = variableGradients[names[i]];
      if (!grad) continue;
      if (this.mode === 'webgpu') {
        this.stepWebGPU(i, value, grad, c1, c2);
        continue;
      }
      // Always into a new tensor, never in place: the WASM backend caches XNNPACK operators with the weights
      // packed inside, keyed by the tensor, so weights changed in place would keep computing with old values.
      const next = allocateLike(value);
      try {
        if (this.mode === 'wasm') {
          const state = (this.moments[i] ??= { m: tf.keep(tf.zerosLike(value)), v: tf.keep(tf.zerosLike(value)) });
          const [m, v] = [state.m as tf.Tensor, state.v as tf.Tensor];
          gradSquared += adamKernel()!(heapOffset(grad), heapOffset(value), heapOffset(next), heapOffset(m), heapOffset(v), value.size, k.b1, k.a1, k.b2, k.a2, k.negLr, c1, c2, k.eps);
        } else {
          const n = value.size;
          const state = (this.moments[i] ??= { m: new Float32Array(n), v: new Float32Array(n) });
          gradSquared += adamPass(hostArray(grad), hostArray(value), hostArray(next), state.m as Float32Array, state.v as Float32Array, this.beta1, this.beta2, this.learningRate, c1, c2, this.epsilon);
        }
        value.assign(next);
      } finally {
        next.dispose();
      }
    }
    this.advance(this.mode === 'webgpu' ? NaN : gradSquared);
  }

  /** One variable's step on WebGPU: our single pass, or TF.js's kernels (as tf.train.adam runs them) on the same moments. */
  private stepWebGPU(i: number, value: tf.Variable, grad: tf.Tensor, c1: number, c2: number): void {
    const state = (this.moments[i] ??= { m: tf.keep(tf.zerosLike(value)), v: tf.keep(tf.zerosLike(value)) });
    const [m, v] = [state.m as tf.Tensor, state.v as tf.Tensor];
    const backend = webgpuBackend();
    // (WebGPU cannot bind an empty buffer: an empty variable takes TF.js's kernels.)
    if (backend && value.size > 0 && webgpuChoice(adamClass(value.size)) === 'ours') {
      const next = adamStepWebGPU(backend, grad, value, m, v, { beta1: f32(this.beta1), oneMinusBeta1: f32(1 - this.beta1), beta2: f32(this.beta2), oneMinusBeta2: f32(1 - this.beta2), negLearningRate: f32(-this.learningRate), c1, c2, epsilon: f32(this.epsilon) });
      value.assign(next);
      next.dispose();
      return;
    }
    const [nm, nv, next] = tf.tidy(() => {
      const nm = tf.add(tf.mul(m, this.beta1), tf.mul(grad, 1 - this.beta1));
      const nv = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(grad), 1 - this.beta2));
      const step = tf.mul(tf.div(tf.div(nm, c1), tf.add(tf.sqrt(tf.div(nv, c2)), this.epsilon)), -this.learningRate);
      return [nm, nv, tf.add(step, value)];
    });
    value.assign(next);
    tf.dispose([m, v, next]);
    this.moments[i] = { m: tf.keep(nm), v: tf.keep(nv) };
  }

  override dispose(): void {
    this.borrower?.release(false);
    this.borrower = null;
    super.dispose();
    for (const { m, v } of this.moments) if (m instanceof tf.Tensor) tf.dispose([m, v as tf.Tensor]);
    this.moments = [];
  }
}

/**
 * Whether `optimizer` runs fused steps (then `lastGradSquared` holds |g|² of its last step). Not `instanceof`:
 * TF.js optimizers answer `instanceof` by duck typing, so any Adam passes it.
 */
export function isFusedAdam(optimizer: tf.Optimizer): optimizer is FusedAdamOptimizer {
  return optimizer.constructor === FusedAdamOptimizer && (optimizer as FusedAdamOptimizer).isFused;
}

function chooseMode(tensors: (tf.Tensor | undefined)[]): 'wasm' | 'js' | 'webgpu' | 'kernels' {
  if (!tensors.every((t) => t && t.dtype === 'float32')) return 'kernels';
  const backend = tf.getBackend();
  if (backend === 'wasm') return adamKernel() ? 'wasm' : 'kernels';
  if (backend === 'cpu') return tensors.every((t) => cpuValues(t!) !== null) ? 'js' : 'kernels';
  if (backend === 'webgpu') return webgpuBackend() ? 'webgpu' : 'kernels';
  return 'kernels';
}

type AdamKernel = (g: number, w: number, out: number, m: number, v: number, n: number, b1: number, a1: number, b2: number, a2: number, negLr: number, c1: number, c2: number, eps: number) => number;

interface WasmBackendLike {
  dataIdMap: { get(id: object): { memoryOffset: number | null } | undefined };
  wasm: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
}

const kernels = new WeakMap<WebAssembly.Memory, AdamKernel | null>();

/** The Adam kernel instantiated on the WASM backend's memory (null where it cannot run, e.g. no SIMD). */
function adamKernel(): AdamKernel | null {
  const wasm = (tf.backend() as unknown as WasmBackendLike).wasm;
  const memory = wasm.wasmMemory ?? wasm.asm?.memory;
  if (!memory) return null;
  if (!kernels.has(memory)) {
    try {
      const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
      const bytes = Uint8Array.from(atob(shared ? ADAM_WASM_SHARED : ADAM_WASM_PLAIN), (c) => c.charCodeAt(0));
      const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
      kernels.set(memory, instance.exports.adam as AdamKernel);
    } catch {
      kernels.set(memory, null);
    }
  }
  return kernels.get(memory) ?? null;
}

function heapOffset(t: tf.Tensor): number {
  const offset = (tf.backend() as unknown as WasmBackendLike).dataIdMap.get(t.dataId)?.memoryOffset;
  if (offset == null) throw new EngineError('train.fusedAdamHeap', {});
  return offset;
}

/** A float32 tensor shaped like `t`, its memory not initialised (on WASM, allocated on the heap without a copy). */
function allocateLike(t: tf.Tensor): tf.Tensor {
  if (tf.getBackend() === 'wasm') {
    const backend = tf.backend() as unknown as WasmBackendLike;
    return tf.engine().makeTensorFromTensorInfo(backend.makeOutput(t.shape, 'float32'));
  }
  return tf.tensor(new Float32Array(t.size), t.shape, 'float32');
}

function cpuValues(t: tf.Tensor): Float32Array | null {
  const values = (tf.backend() as unknown as { data?: { get(id: object): { values?: unknown } | undefined } }).data?.get(t.dataId)?.values;
  return values instanceof Float32Array && values.length === t.size ? values : null;
}

function hostArray(t: tf.Tensor): Float32Array {
  const values = cpuValues(t);
  if (!values) throw new EngineError('train.fusedAdamCpu', {});
  return values;
}

const f32 = Math.fround;

/**
 * The kernel's pass in JavaScript, for the CPU backend: moments in place, new weights into `out`, every
 * operation rounded to float32 in TF.js's order. `c1`, `c2`: 1 − β₁ᵗ and 1 − β₂ᵗ as TF.js keeps them.
 * Returns Σ g².
 */
function adamPass(g: Float32Array, w: Float32Array, out: Float32Array, m: Float32Array, v: Float32Array, beta1: number, beta2: number, lr: number, c1: number, c2: number, eps: number): number {
  const b1 = f32(beta1);
  const a1 = f32(1 - beta1);
  const b2 = f32(beta2);
  const a2 = f32(1 - beta2);
  const negLr = f32(-lr);
  const e = f32(eps);
  let sum = 0;
  for (let k = 0, n = w.length; k < n; k++) {
    const gk = g[k];
    const g2 = f32(gk * gk);
    sum += g2;
    const mk = f32(f32(m[k] * b1) + f32(gk * a1));
    const vk = f32(f32(v[k] * b2) + f32(g2 * a2));
    m[k] = mk;
    v[k] = vk;
    out[k] = f32(f32(f32(mk / c1) / f32(f32(Math.sqrt(f32(vk / c2))) + e)) * negLr) + w[k];
  }
  return sum;
}
