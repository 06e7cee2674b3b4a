import { Worker } from 'node:worker_threads';
import { poolThreadSource, type PoolThreadInit } from '../../src/lib/engine/kernels/pool-work';
import type { PoolThread } from '../../src/lib/engine/kernels/gemm-pool';

/** Starts a kernel pool thread in Node (worker_threads), from the thread functions' own source: the tests' and benches' `spawn`. */
export function spawnNodeGemmThread(init: PoolThreadInit): PoolThread {
  const worker = new Worker(`${poolThreadSource()}\nrequire('node:worker_threads').parentPort.once('message', (init) => gemmThreadMain(init));`, { eval: true });
  worker.postMessage(init);
  return { terminate: () => void worker.terminate() };
}
