import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Gemm } from '../../src/lib/engine/kernels/gemm';
import { GemmThreadPool } from '../../src/lib/engine/kernels/gemm-pool';
import { spawnNodeGemmThread } from './node-gemm-thread';
import { registerOwnMatMul } from '../../src/lib/engine/kernels/matmul';
import { heapGemm, setGemmPoolFactory, type WasmBackendLike } from '../../src/lib/engine/kernels/wasm-heap';


let pool: GemmThreadPool;
beforeAll(async () => {
  pool = new GemmThreadPool(3, spawnNodeGemmThread);
  registerOwnMatMul();
  await tf.setBackend('wasm');
});
afterAll(async () => {
  setGemmPoolFactory(null);
  heapGemm(tf.backend() as unknown as WasmBackendLike)?.setPool(null);
  pool.dispose();
  await tf.setBackend('cpu');
});

function random(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  return Float32Array.from({ length: n }, () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 31 - 1;
  });
}

describe('GEMM threads', () => {
  it('give the same bits as one thread, for every operand layout, with bias, relu and accumulation', async () => {
    const memory = new WebAssembly.Memory({ initial: 256 });
    let top = 1024;
    const heap = { malloc: (bytes: number) => ((top += bytes + 64), top - bytes - 64), free: () => {} };
    const single = new Gemm(memory, heap);
    const helped = pool.helpedChunks;
    for (const [m, k, n] of [[101, 333, 37], [784, 128, 128], [128, 784, 10], [9, 1000, 8]]) {
      for (const [ta, tb] of [[false, false], [true, false], [false, true]]) {
        const a = heap.malloc(4 * m * k);
        const b = heap.malloc(4 * k * n);
        const bias = heap.malloc(4 * n);
        const c1 = heap.malloc(4 * m * n);
        const c2 = heap.malloc(4 * m * n);
        new Float32Array(memory.buffer, a, m * k).set(random(m * k, m + k));
        new Float32Array(memory.buffer, b, k * n).set(random(k * n, n + 7));
        new Float32Array(memory.buffer, bias, n).set(random(n, 3));
        const start = random(m * n, 11);
        new Float32Array(memory.buffer, c1, m * n).set(start);
        new Float32Array(memory.buffer, c2, m * n).set(start);
        for (const extra of [{ bias, relu: true }, { accumulate: true }]) {
          const call = { m, n, k, a, rsA: ta ? 1 : k, csA: ta ? m : 1, b, rsB: tb ? 1 : n, csB: tb ? k : 1, ldc: n, ...extra };
          single.run({ ...call, c: c1 });
          pool.run({ ...call, c: c2 }, memory);
          const one = new Float32Array(memory.buffer, c1, m * n);
          const many = new Float32Array(memory.buffer, c2, m * n);
          expect(Array.from(many), `${m}×${k}×${n} ${ta} ${tb} ${JSON.stringify(extra)}`).toEqual(Array.from(one));
        }
      }
    }
    // The other threads did part of the work.
    expect(pool.helpedChunks).toBeGreaterThan(helped);
  });

  it('run TF.js matmuls on the WASM heap with the same results as one thread', async () => {
    const a = tf.randomNormal([256, 784], 0, 1, 'float32', 1);
    const b = tf.randomNormal([256, 128], 0, 1, 'float32', 2);
    const gemm = heapGemm(tf.backend() as unknown as WasmBackendLike)!;
    gemm.setPool(null);
    const one = await tf.matMul(a, b, true, false).data();
    setGemmPoolFactory(() => pool);
    expect(heapGemm(tf.backend() as unknown as WasmBackendLike)!.threads).toBe(3);
    const many = await tf.matMul(a, b, true, false).data();
    expect(Array.from(many)).toEqual(Array.from(one));
    tf.dispose([a, b]);
  });
});
