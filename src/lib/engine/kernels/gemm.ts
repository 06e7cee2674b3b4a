import { GEMM_WASM } from './gemm-wasm';

/**
 * Our GEMM (kernels/gemm.wat) on a WebAssembly memory, usually TF.js's WASM heap:
 *   C = act(op(A)·op(B) + bias)  or  C += op(A)·op(B)
 * with A and B as strided views, so transposed operands are read in place. B is packed into panels by the
 * calling thread; the rows of C are then shared out to the threads of a `GemmPool` when one is attached and
 * the product is large enough (see `gemm-pool.ts`), else computed here.
 */

/** Heap offsets are in bytes; strides are in elements (floats). */
export interface GemmCall {
  m: number;
  n: number;
  k: number;
  a: number;
  /** Strides of A: element (i, p) at a + 4·(i·rsA + p·csA). */
  rsA: number;
  csA: number;
  b: number;
  /** Strides of B: element (p, j) at b + 4·(p·rsB + j·csB). */
  rsB: number;
  csB: number;
  c: number;
  /** Row stride of C in elements. */
  ldc: number;
  /** Heap offset of n floats added to every row, or 0. */
  bias?: number;
  relu?: boolean;
  /** C += A·B instead of C = A·B. */
  accumulate?: boolean;
}

export interface GemmExports {
  gemm(m0: number, m1: number, n: number, k: number, kc: number, a: number, rsA: number, csA: number, packed: number, c: number, ldc: number, bias: number, flags: number, tile: number): void;
  packB(b: number, rsB: number, csB: number, k: number, n: number, kc: number, dst: number, k0: number, k1: number): void;
}

/** Allocation on the memory the kernel runs on (TF.js's `_malloc` / `_free`). */
export interface HeapAllocator {
  malloc(bytes: number): number;
  free(ptr: number): void;
}

/**
 * Threads with a shared memory of their own (gemm-pool.ts): `run` copies the operands of `call` from `heap`
 * into that memory, shares the rows of C out, and copies C back. Returns when every row is done.
 */
export interface GemmPool {
  readonly threads: number;
  run(call: GemmCall, heap: WebAssembly.Memory): void;
}

/** Rows of k packed per block: a packed panel block (KC·8 floats = 8 KiB) stays in L1 while A streams. */
export const GEMM_KC = 256;
/** Below this many multiply-adds a GEMM runs on the calling thread alone (waking threads costs more). */
export const PARALLEL_MIN_MACS = 200_000;
/**
 * ... and only where each float copied into the pool's memory and back (A, B, C) buys this many multiply-adds:
 * a convolution's patch matrix (k = 25, n = 6 in LeNet's first layer) costs more to copy than to multiply, and
 * LeNet trained 0.83–0.86× as fast on two threads as on one before this rule (`npm run bench -- kernels`).
 */
export const PARALLEL_MIN_MACS_PER_FLOAT = 16;

let relaxedSupported: boolean | null = null;

/** Whether this engine validates relaxed SIMD (f32x4.relaxed_madd). */
export function hasRelaxedSimd(): boolean {
  if (relaxedSupported === null) {
    try {
      relaxedSupported = WebAssembly.validate(decode(GEMM_WASM.plainRelaxed));
    } catch {
      relaxedSupported = false;
    }
  }
  return relaxedSupported;
}

function decode(base64: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/** The compiled kernel module for `memory` (shared or not), with relaxed SIMD where the engine has it. */
export function gemmModule(memory: WebAssembly.Memory): WebAssembly.Module {
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const relaxed = hasRelaxedSimd();
  const key = `${shared ? 'shared' : 'plain'}${relaxed ? 'Relaxed' : 'Simd'}` as keyof typeof GEMM_WASM;
  return (modules[key] ??= new WebAssembly.Module(decode(GEMM_WASM[key])));
}
const modules: Partial<Record<keyof typeof GEMM_WASM, WebAssembly.Module>> = {};

/** The kernel instantiated on one memory, with its scratch (packed B, padded bias, the edge tile). */
export class Gemm {
  readonly exports: GemmExports;
  private scratch = 0;
  private scratchBytes = 0;
  private current: GemmPool | null = null;

  constructor(
    readonly memory: WebAssembly.Memory,
    private readonly heap: HeapAllocator,
  ) {
    this.exports = new WebAssembly.Instance(gemmModule(memory), { env: { memory } }).exports as unknown as GemmExports;
  }

  /** Threads to share rows with (null: this thread alone). */
  setPool(pool: GemmPool | null): void {
    this.current = pool;
  }

  get pool(): GemmPool | null {
    return this.current;
  }

  get threads(): number {
    return this.current?.threads ?? 1;
  }

  /** Scratch of at least `bytes`, 64-byte aligned; reused across calls, grown when needed. */
  private scratchOf(bytes: number): number {
    if (bytes > this.scratchBytes) {
      if (this.scratch) this.heap.free(this.scratch);
      this.scratchBytes = Math.max(bytes, this.scratchBytes * 2);
      this.scratch = this.heap.malloc(this.scratchBytes + 64);
      if (!this.scratch) throw new RangeError('gemm scratch allocation failed');
    }
    return (this.scratch + 63) & ~63;
  }

  /** Runs one GEMM (see `GemmCall`). Synchronous; the memory must not be touched meanwhile. */
  run(call: GemmCall): void {
    const { m, n, k } = call;
    if (m === 0 || n === 0) return;
    if (this.current && this.current.threads > 1 && m >= 8 && m * n * k >= PARALLEL_MIN_MACS && m * n * k >= PARALLEL_MIN_MACS_PER_FLOAT * (m * k + k * n + m * n)) {
      this.current.run(call, this.memory);
      return;
    }
    const n8 = Math.ceil(n / 8) * 8;
    const packedBytes = 4 * Math.max(k, 1) * n8;
    const base = this.scratchOf(packedBytes + 4 * n8 + 128);
    const packed = base;
    const tile = base + packedBytes;
    let bias = 0;
    if (call.bias) {
      bias = tile + 128;
      const view = new Float32Array(this.memory.buffer, bias, n8);
      view.set(new Float32Array(this.memory.buffer, call.bias, n));
      view.fill(0, n);
    }
    this.exports.packB(call.b, 4 * call.rsB, 4 * call.csB, k, n, GEMM_KC, packed, 0, k);
    const flags = (call.accumulate ? 1 : 0) | (call.relu ? 2 : 0);
    this.exports.gemm(0, m, n, k, GEMM_KC, call.a, 4 * call.rsA, 4 * call.csA, packed, call.c, 4 * call.ldc, bias, flags, tile);
  }

  dispose(): void {
    if (this.scratch) this.heap.free(this.scratch);
    this.scratch = 0;
    this.scratchBytes = 0;
  }
}
