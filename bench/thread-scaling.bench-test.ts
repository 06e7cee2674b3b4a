import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { it } from 'vitest';
import { Gemm } from '../src/lib/engine/kernels/gemm';
import { GemmThreadPool } from '../src/lib/engine/kernels/gemm-pool';
import { GEMM_WASM } from '../src/lib/engine/kernels/gemm-wasm';
import { spawnNodeGemmThread } from '../tests/unit/node-gemm-thread';

/**
 * How far two threads can go on this machine, for issue 15's "two threads ≥ 1.6×": the classic MLP's two large
 * matmuls (forward 784→128, and the weight gradient xᵀ·dz) at batch 128 and 512, timed
 *   - on one thread (our GEMM, as the training loop runs it without a pool);
 *   - as the machine's ceiling: two threads each running the same GEMM on memory of its own, at the same time,
 *     nothing shared (aggregate speed-up = 2 × one-thread time / the slower thread's time);
 *   - through our pool of two threads sharing the rows of one GEMM (gemm-pool.ts, with its operand copies).
 * Node's V8 and worker_threads, plain SIMD128 (Node has no relaxed SIMD). Rounds alternate; medians printed.
 * `npx vitest run --config bench/vitest.config.ts bench/thread-scaling.bench-test.ts`
 */
const SHAPES = [
  { name: 'forward b128', m: 128, k: 784, n: 128, transposeA: false },
  { name: 'dW b128', m: 784, k: 128, n: 128, transposeA: true },
  { name: 'forward b512', m: 512, k: 784, n: 128, transposeA: false },
  { name: 'dW b512', m: 784, k: 512, n: 128, transposeA: true },
];
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const REPS = 60;

/** Source of a thread that times `reps` GEMMs of one shape on a memory of its own, after a barrier. */
const SOLO = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ wasm, shape, reps, barrier, parties }) => {
  const memory = new WebAssembly.Memory({ initial: 1024, maximum: 16384, shared: true });
  const g = new WebAssembly.Instance(new WebAssembly.Module(Uint8Array.from(atob(wasm), (c) => c.charCodeAt(0))), { env: { memory } }).exports;
  const { m, k, n, transposeA } = shape;
  const a = 65536, b = a + 4 * m * k + 64, packed = b + 4 * k * n + 64, c = packed + 4 * k * n + 64, tile = c + 4 * m * n + 64;
  new Float32Array(memory.buffer, a, m * k).fill(0.5);
  new Float32Array(memory.buffer, b, k * n).fill(0.01);
  const one = () => {
    g.packB(b, 4 * n, 4, k, n, 256, packed, 0, k);
    g.gemm(0, m, n, k, 256, a, transposeA ? 4 : 4 * k, transposeA ? 4 * m : 4, packed, c, 4 * n, 0, 0, tile);
  };
  for (let i = 0; i < 10; i++) one();
  const flag = new Int32Array(barrier);
  Atomics.add(flag, 0, 1);
  while (Atomics.load(flag, 0) < parties) {}
  const t = performance.now();
  for (let i = 0; i < reps; i++) one();
  parentPort.postMessage((performance.now() - t) / reps);
});`;

async function solo(parties: number, shape: (typeof SHAPES)[number]): Promise<number[]> {
  const barrier = new SharedArrayBuffer(4);
  return Promise.all(
    Array.from({ length: parties }, () => new Promise<number>((resolve, reject) => {
      const w = new Worker(SOLO, { eval: true });
      w.once('message', (ms: number) => {
        void w.terminate();
        resolve(ms);
      });
      w.once('error', reject);
      w.postMessage({ wasm: GEMM_WASM.sharedSimd, shape, reps: REPS, barrier, parties });
    })),
  );
}

it('two threads on this machine: the ceiling, and our pool', async () => {
  const pool = new GemmThreadPool(2, spawnNodeGemmThread);
  const memory = new WebAssembly.Memory({ initial: 1024 });
  let top = 1024;
  const heap = { malloc: (bytes: number) => ((top += bytes + 64), top - bytes - 64), free: () => {} };
  const single = new Gemm(memory, heap);
  const samples = new Map<string, number[]>();
  const add = (key: string, v: number) => (samples.get(key) ?? samples.set(key, []).get(key)!).push(v);
  const calls = SHAPES.map((s) => {
    const a = heap.malloc(4 * s.m * s.k);
    const b = heap.malloc(4 * s.k * s.n);
    const c = heap.malloc(4 * s.m * s.n);
    new Float32Array(memory.buffer, a, s.m * s.k).fill(0.5);
    new Float32Array(memory.buffer, b, s.k * s.n).fill(0.01);
    return { m: s.m, n: s.n, k: s.k, a, rsA: s.transposeA ? 1 : s.k, csA: s.transposeA ? s.m : 1, b, rsB: s.n, csB: 1, c, ldc: s.n };
  });
  const time = (f: () => void) => {
    for (let i = 0; i < 10; i++) f();
    const t = performance.now();
    for (let i = 0; i < REPS; i++) f();
    return (performance.now() - t) / REPS;
  };
  await new Promise((r) => setTimeout(r, 300));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, s] of SHAPES.entries()) {
      const one = time(() => single.run(calls[i]));
      const [alone] = await solo(1, s);
      const both = await solo(2, s);
      const pooled = time(() => pool.run(calls[i], memory));
      add(`${s.name}/one`, one);
      add(`${s.name}/ceiling`, (2 * alone) / Math.max(...both));
      add(`${s.name}/pool`, one / pooled);
    }
  }
  pool.dispose();
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  console.log(`\nTwo threads on this machine (${availableParallelism()} cores), medians of ${ROUNDS} alternating rounds; ranges in brackets`);
  console.log('GEMM          | one thread | 2 independent threads (ceiling) | our pool, 2 threads');
  for (const s of SHAPES) {
    const [one, ceiling, pool2] = ['one', 'ceiling', 'pool'].map((k) => samples.get(`${s.name}/${k}`)!);
    const range = (xs: number[]) => `[${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}]`;
    console.log(`${s.name.padEnd(13)} | ${median(one).toFixed(3)} ms   | ${median(ceiling).toFixed(2)}× ${range(ceiling)}`.padEnd(66) + ` | ${median(pool2).toFixed(2)}× ${range(pool2)}`);
  }
}, 600_000);
