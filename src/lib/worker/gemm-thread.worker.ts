/// <reference lib="webworker" />
import { gemmThreadMain, type PoolThreadInit } from '../engine/kernels/gemm-pool';

// One thread of our GEMM's pool (engine/kernels/gemm-pool.ts): started by the trainer worker with the pool's
// shared memory and the kernel module, then it loops until the pool is disposed.
self.onmessage = (e: MessageEvent<PoolThreadInit>) => gemmThreadMain(e.data);
