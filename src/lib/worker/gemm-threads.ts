/// <reference lib="webworker" />
import { setOwnConv } from '../engine/kernels/conv';
import { GemmThreadPool } from '../engine/kernels/gemm-pool';
import { ownMatMulActive, setOwnMatMul } from '../engine/kernels/matmul';
import { setGemmPoolFactory } from '../engine/kernels/wasm-heap';

/**
 * Threads for our WASM GEMM: on a cross-origin isolated page with more than one core, a pool of
 * `navigator.hardwareConcurrency` threads in all (this worker and hardwareConcurrency − 1 Web Workers), started
 * when the WASM backend first multiplies, not at page load. Elsewhere one thread (no SharedArrayBuffer).
 */
let pool: GemmThreadPool | null = null;
let wanted = 0;

/** Threads our GEMM may use here: all cores when isolated, else 1. */
export function gemmThreadsAvailable(): number {
  return self.crossOriginIsolated && typeof SharedArrayBuffer !== 'undefined' ? Math.max(1, navigator.hardwareConcurrency || 1) : 1;
}

function startPool(): GemmThreadPool | null {
  const threads = wanted || gemmThreadsAvailable();
  if (threads < 2) return null;
  if (pool?.threads !== threads) {
    pool?.dispose();
    pool = new GemmThreadPool(threads, (init) => {
      const worker = new Worker(new URL('./gemm-thread.worker.ts', import.meta.url), { type: 'module', name: `gemm-thread-${init.index}` });
      worker.postMessage(init);
      return worker;
    });
  }
  return pool;
}

/** Lets the WASM GEMM start its pool on first use. Call once in the trainer worker. */
export function installGemmThreads(): void {
  setGemmPoolFactory(startPool);
}

/** Threads the WASM GEMM computes with: its pool's, or, before the pool starts, what it will start (1 without isolation). */
export function gemmThreads(): number {
  return pool?.threads ?? (gemmThreadsAvailable() > 1 ? gemmThreadsAvailable() : 1);
}

/**
 * Benchmarks: our kernels on or off, and the thread count (1 … cores; 0 = all available). Returns what is in
 * effect, with the chunks of rows the pool's other threads computed so far.
 */
export function setGemmOptions(options: { own?: boolean; threads?: number }): { own: boolean; threads: number; helpedChunks: number } {
  if (options.own !== undefined) {
    setOwnMatMul(options.own);
    setOwnConv(options.own);
  }
  if (options.threads !== undefined) {
    wanted = Math.min(options.threads, gemmThreadsAvailable());
    setGemmPoolFactory(startPool);
  }
  return gemmStatus();
}

export function gemmStatus(): { own: boolean; threads: number; helpedChunks: number } {
  return { own: ownMatMulActive('wasm'), threads: pool?.threads ?? 1, helpedChunks: pool?.helpedChunks ?? 0 };
}
