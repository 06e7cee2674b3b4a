import * as tf from '../tf';
import { Gemm, type GemmPool } from './gemm';
import { GemmThreadPool } from './gemm-pool';

/** The parts of TF.js's WASM backend our kernels use (tfjs-backend-wasm 4.22, backend_wasm.ts). */
export interface WasmBackendLike {
  dataIdMap: { get(id: object): { memoryOffset: number | null; shape?: number[] } | undefined };
  wasm: {
    wasmMemory?: WebAssembly.Memory;
    asm?: { memory?: WebAssembly.Memory };
    _malloc(bytes: number): number;
    _free(ptr: number): void;
  };
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  disposeData(dataId: object): boolean;
}

/** The WASM backend's memory, or null when it has none we can reach. */
export function wasmMemory(backend: WasmBackendLike): WebAssembly.Memory | null {
  return backend.wasm?.wasmMemory ?? backend.wasm?.asm?.memory ?? null;
}

/** Byte offset of a tensor's data on the WASM heap. */
export function heapOffset(backend: WasmBackendLike, t: tf.TensorInfo): number {
  const offset = backend.dataIdMap.get(t.dataId)?.memoryOffset;
  if (offset == null) throw new RangeError('tensor has no data on the WASM heap');
  return offset;
}

const gemms = new WeakMap<WebAssembly.Memory, Gemm | null>();
let poolFactory: (() => GemmThreadPool | null) | null = null;
let alone: GemmThreadPool | null = null;

/**
 * Gives every GEMM on a WASM heap the thread pool `factory()` returns (asked at each use; null: one thread).
 * A pool has a memory of its own, so one pool serves every heap. The worker sets this (worker/gemm-threads.ts).
 */
export function setGemmPoolFactory(factory: typeof poolFactory): void {
  poolFactory = factory;
}

/** Our GEMM on the WASM backend's heap (null where it cannot run: no memory, no SIMD). */
export function heapGemm(backend: WasmBackendLike): Gemm | null {
  const memory = wasmMemory(backend);
  if (!memory) return null;
  let gemm = gemms.get(memory);
  if (gemm === undefined) {
    try {
      gemm = new Gemm(memory, { malloc: (n) => backend.wasm._malloc(n) >>> 0, free: (p) => backend.wasm._free(p) });
    } catch {
      gemm = null;
    }
    gemms.set(memory, gemm);
  }
  // Asked every time: the factory returns its current pool (null: one thread), which a benchmark may change.
  if (gemm && poolFactory) {
    const pool = poolFactory();
    if (pool !== gemm.pool) gemm.setPool(pool);
  }
  return gemm;
}

/**
 * The pool a whole training step runs on (kernels/dense-train.ts): the factory's, or, where it gives none (one
 * core, no isolation, a benchmark's one thread), a pool of the calling thread alone on a plain memory.
 */
export function kernelPool(): GemmThreadPool {
  return poolFactory?.() ?? (alone ??= new GemmThreadPool(1, () => {
    throw new Error('a pool of one thread starts none');
  }));
}
