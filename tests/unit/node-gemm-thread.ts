import { Worker } from 'node:worker_threads';
import { gemmThreadMain, type PoolThread, type PoolThreadInit } from '../../src/lib/engine/kernels/gemm-pool';

/** Starts a GEMM pool thread in Node (worker_threads), from the thread function's own source: the tests' and benches' `spawn`. */
export function spawnNodeGemmThread(init: PoolThreadInit): PoolThread {
  const worker = new Worker(`require('node:worker_threads').parentPort.once('message', (init) => (${gemmThreadMain.toString()})(init));`, { eval: true });
  worker.postMessage(init);
  return { terminate: () => void worker.terminate() };
}
