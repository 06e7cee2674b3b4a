import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerOwnMatMul, ownMatMulActive, setOwnMatMul } from '../../src/lib/engine/kernels/matmul';
import { heapGemm, wasmMemory, type WasmBackendLike } from '../../src/lib/engine/kernels/wasm-heap';
import { buildModel } from '../../src/lib/engine/models/build';
import { classicMlp } from '../../src/lib/engine/models/spec';
import { createOptimizer } from '../../src/lib/engine/train/optimizers';
import { StepRunner } from '../../src/lib/engine/train/step';
import { loadMnist, slice } from './helpers';

beforeAll(async () => {
  registerOwnMatMul();
  await tf.setBackend('wasm');
});
afterAll(async () => {
  setOwnMatMul(true);
  await tf.setBackend('cpu');
});

/** A seeded uniform(-1, 1) Float32Array. */
function random(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  return Float32Array.from({ length: n }, () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 31 - 1;
  });
}

/** max |x − ref| / max |ref|. */
function relativeError(x: ArrayLike<number>, ref: ArrayLike<number>): number {
  let worst = 0;
  let scale = 1e-30;
  for (let i = 0; i < ref.length; i++) {
    worst = Math.max(worst, Math.abs(x[i] - ref[i]));
    scale = Math.max(scale, Math.abs(ref[i]));
  }
  return worst / scale;
}

type Case = { m: number; k: number; n: number; ta: boolean; tb: boolean; bias?: boolean; act?: 'relu' | 'linear'; batch?: number };

/** op(A)·op(B) (+ bias, activation) on `backend`, from the same seeded inputs. */
async function product(backend: string, c: Case, seed: number): Promise<Float32Array> {
  await tf.setBackend(backend);
  const batch = c.batch ?? 1;
  const aShape = c.ta ? [c.k, c.m] : [c.m, c.k];
  const bShape = c.tb ? [c.n, c.k] : [c.k, c.n];
  const a = tf.tensor(random(batch * c.m * c.k, seed), batch > 1 ? [batch, ...aShape] : aShape);
  const b = tf.tensor(random(batch * c.k * c.n, seed + 1), batch > 1 ? [batch, ...bShape] : bShape);
  const bias = c.bias ? tf.tensor1d(random(c.n, seed + 2)) : undefined;
  const out = c.bias || c.act
    ? tf.engine().runKernel('_FusedMatMul', bias ? { a, b, bias } : { a, b }, { transposeA: c.ta, transposeB: c.tb, activation: c.act ?? 'linear', leakyreluAlpha: 0 }) as tf.Tensor
    : tf.matMul(a, b, c.ta, c.tb);
  const values = (await out.data()) as Float32Array;
  tf.dispose([a, b, out, ...(bias ? [bias] : [])]);
  return values;
}

describe('our WASM GEMM (BatchMatMul, _FusedMatMul)', () => {
  it('the committed bytes are what gemm.wat compiles to', async () => {
    // @ts-expect-error: a plain ES module script without types
    const { compileGemmKernel, gemmModuleSource } = await import('../../scripts/build-kernels.mjs');
    const committed = readFileSync(resolve(__dirname, '../../src/lib/engine/kernels/gemm-wasm.ts'), 'utf8');
    expect(committed).toBe(gemmModuleSource(await compileGemmKernel()));
  });

  it('equals the CPU backend on odd, prime, single-row and ragged shapes, transposed either way, with bias and relu', async () => {
    const shapes: [number, number, number][] = [[1, 1, 1], [1, 7, 3], [3, 5, 2], [4, 8, 8], [5, 9, 11], [13, 17, 19], [1, 784, 128], [31, 37, 41], [128, 10, 10], [67, 300, 9], [8, 600, 33]];
    let seed = 1;
    for (const [m, k, n] of shapes) {
      for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as [boolean, boolean][]) {
        const cases: Case[] = [{ m, k, n, ta, tb }, { m, k, n, ta, tb, bias: true, act: 'relu' }, { m, k, n, ta, tb, bias: true, act: 'linear' }];
        if (m > 1) cases.push({ m, k, n, ta, tb, batch: 3 });
        for (const c of cases) {
          seed += 3;
          const ours = await product('wasm', c, seed);
          const cpu = await product('cpu', c, seed);
          expect(ours.length).toBe(cpu.length);
          expect(relativeError(ours, cpu), JSON.stringify(c)).toBeLessThanOrEqual(1e-5);
        }
      }
    }
    await tf.setBackend('wasm');
    expect(ownMatMulActive()).toBe(true);
  });

  it('the relaxed-SIMD variant (f32x4.relaxed_madd, what Chromium runs) gives the plain variant’s products', () => {
    // Node 20 validates relaxed SIMD only behind a flag: run both variants in a child process that has it.
    const source = readFileSync(resolve(__dirname, '../../src/lib/engine/kernels/gemm-wasm.ts'), 'utf8');
    const bytes = (name: string) => source.match(new RegExp(`${name}: '([^']+)'`))![1];
    const script = `
      const memory = new WebAssembly.Memory({ initial: 64 });
      const load = (b64) => new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(b64, 'base64')), { env: { memory } }).exports;
      const relaxed = load('${bytes('plainRelaxed')}');
      const plain = load('${bytes('plainSimd')}');
      const f = new Float32Array(memory.buffer);
      const [m, k, n, A, B, P, C1, C2, T] = [37, 301, 29, 4096, 200000, 400000, 800000, 900000, 1000000];
      let s = 7;
      const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 31) - 1;
      for (let i = 0; i < m * k; i++) f[A / 4 + i] = rnd();
      for (let i = 0; i < k * n; i++) f[B / 4 + i] = rnd();
      let worst = 0, scale = 0;
      for (const [ta, tb] of [[0, 0], [1, 0], [0, 1]]) {
        for (const [g, c] of [[relaxed, C1], [plain, C2]]) {
          g.packB(B, tb ? 4 : 4 * n, tb ? 4 * k : 4, k, n, 256, P, 0, k);
          g.gemm(0, m, n, k, 256, A, ta ? 4 : 4 * k, ta ? 4 * m : 4, P, c, 4 * n, 0, 2, T);
        }
        for (let i = 0; i < m * n; i++) {
          worst = Math.max(worst, Math.abs(f[C1 / 4 + i] - f[C2 / 4 + i]));
          scale = Math.max(scale, Math.abs(f[C2 / 4 + i]));
        }
      }
      console.log(JSON.stringify({ validated: WebAssembly.validate(Buffer.from('${bytes('plainRelaxed')}', 'base64')), error: worst / scale, scale }));`;
    const out = JSON.parse(execFileSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--input-type=module', '-e', script]).toString());
    expect(out.validated).toBe(true);
    expect(out.scale).toBeGreaterThan(1);
    expect(out.error).toBeLessThanOrEqual(1e-5);
  });

  it('accumulates into C and spans several k blocks', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as unknown as WasmBackendLike;
    const gemm = heapGemm(backend)!;
    const [m, k, n] = [9, 700, 13];
    const a = tf.tensor(random(m * k, 5), [m, k]);
    const b = tf.tensor(random(k * n, 6), [k, n]);
    const c0 = random(m * n, 7);
    const c = tf.tensor(c0, [m, n]);
    const offset = (t: tf.Tensor) => backend.dataIdMap.get(t.dataId)!.memoryOffset!;
    gemm.run({ m, n, k, a: offset(a), rsA: k, csA: 1, b: offset(b), rsB: n, csB: 1, c: offset(c), ldc: n, accumulate: true });
    const got = new Float32Array(wasmMemory(backend)!.buffer, offset(c), m * n).slice();
    const av = await a.data();
    const bv = await b.data();
    const want = Float64Array.from(c0, (v, idx) => {
      const [i, j] = [Math.floor(idx / n), idx % n];
      let s = v;
      for (let p = 0; p < k; p++) s += av[i * k + p] * bv[p * n + j];
      return s;
    });
    expect(relativeError(got, want)).toBeLessThanOrEqual(1e-5);
    tf.dispose([a, b, c]);
  });
});

describe('training with our GEMM', () => {
  it('gives model.fit’s per-step loss curve over 200 steps', async () => {
    await tf.setBackend('wasm');
    const data = slice(await loadMnist(), 200 * 16, 10);
    const batch = 16;
    const steps = 200;
    const size = 784;
    // model.fit with TF.js's own kernels, no shuffling: batches in order.
    setOwnMatMul(false);
    const ref = buildModel(classicMlp(), data.inputShape, 3);
    ref.compile({ optimizer: createOptimizer('adam', 0.001, true), loss: 'sparseCategoricalCrossentropy' });
    const xs = tf.tidy(() => tf.mul(tf.tensor(data.train.x.subarray(0, steps * batch * size), [steps * batch, 28, 28, 1]), data.xScale));
    const ys = tf.tensor1d(Float32Array.from(data.train.y.subarray(0, steps * batch)));
    const fitLosses: number[] = [];
    await ref.fit(xs, ys, { batchSize: batch, epochs: 1, shuffle: false, verbose: 0, callbacks: { onBatchEnd: async (_, logs) => void fitLosses.push(logs!.loss as number) } });
    ref.dispose();
    // Our loop's step on the same batches with our kernels.
    setOwnMatMul(true);
    const model = buildModel(classicMlp(), data.inputShape, 3);
    const optimizer = createOptimizer('adam', 0.001);
    const stepper = new StepRunner(model, data, 'sparseCategoricalCrossentropy');
    const xBuf = new Float32Array(batch * size);
    const yBuf = new Int32Array(batch);
    const ours: number[] = [];
    const xsv = await xs.data();
    for (let s = 0; s < steps; s++) {
      xBuf.set(xsv.subarray(s * batch * size, (s + 1) * batch * size));
      yBuf.set(data.train.y.subarray(s * batch, (s + 1) * batch));
      const out = stepper.step(optimizer, xBuf, yBuf, batch);
      ours.push((await out[0].data())[0]);
      tf.dispose(out);
    }
    tf.dispose([xs, ys]);
    optimizer.dispose();
    model.dispose();
    expect(fitLosses.length).toBe(steps);
    for (let s = 0; s < steps; s++) expect(Math.abs(ours[s] - fitLosses[s]), `step ${s}: ${ours[s]} vs ${fitLosses[s]}`).toBeLessThan(2e-3 * Math.max(1, fitLosses[s]));
    expect(ours[steps - 1]).toBeLessThan(ours[0] * 0.5);
  });

  it('leaks no tensors and no WASM heap across 1,000 steps', async () => {
    await tf.setBackend('wasm');
    const data = slice(await loadMnist(), 512, 10);
    const spec = { name: 'small', layers: [{ type: 'flatten' as const }, { type: 'dense' as const, units: 24, activation: 'relu' as const }, { type: 'dense' as const, units: 10, activation: 'softmax' as const }] };
    const model = buildModel(spec, data.inputShape, 1);
    const optimizer = createOptimizer('adam', 0.001);
    const stepper = new StepRunner(model, data, 'sparseCategoricalCrossentropy');
    const batch = 8;
    const memory = wasmMemory(tf.backend() as unknown as WasmBackendLike)!;
    const xs = Float32Array.from(data.train.x, (v) => v * data.xScale);
    const ys = Int32Array.from(data.train.y);
    const run = async (i: number) => {
      const out = stepper.step(optimizer, xs.subarray((i % 64) * batch * 784), ys.subarray((i % 64) * batch), batch);
      await out[0].data();
      tf.dispose(out);
    };
    for (let i = 0; i < 5; i++) await run(i);
    const tensors = tf.memory().numTensors;
    const bytes = tf.memory().numBytes;
    const heap = memory.buffer.byteLength;
    for (let i = 0; i < 1000; i++) await run(i);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.memory().numBytes).toBe(bytes);
    expect(memory.buffer.byteLength).toBe(heap);
    optimizer.dispose();
    model.dispose();
  });
});
