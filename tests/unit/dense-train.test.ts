import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GemmThreadPool } from '../../src/lib/engine/kernels/gemm-pool';
import { registerOwnKernels } from '../../src/lib/engine/kernels/matmul';
import { kernelPool, setGemmPoolFactory, wasmMemory, type WasmBackendLike } from '../../src/lib/engine/kernels/wasm-heap';
import { buildModel } from '../../src/lib/engine/models/build';
import { classicMlp, type ModelSpec } from '../../src/lib/engine/models/spec';
import { FusedAdamOptimizer } from '../../src/lib/engine/train/fused-adam';
import { setWholeStepKernel, StepRunner } from '../../src/lib/engine/train/step';
import { Trainer } from '../../src/lib/engine/train/loop';
import { gatherBatch } from '../../src/lib/engine/data/dataset';
import type { TrainEvent } from '../../src/lib/engine/train/events';
import { loadMnist, slice } from './helpers';
import { spawnNodeGemmThread } from './node-gemm-thread';

/**
 * The whole-step kernel (kernels/dense-train.ts): a Dense classifier's forward pass, loss, backward pass and Adam
 * in the pool's memory, on one thread or several. Checked against the step on TF.js's kernels (our GEMM, the
 * hand-written backward, the fused Adam), which gemm.test.ts and softmax-xent.test.ts check against TF.js's own.
 */
let pool: GemmThreadPool;
beforeAll(async () => {
  await tf.setBackend('wasm');
  registerOwnKernels('wasm');
  pool = new GemmThreadPool(3, spawnNodeGemmThread);
});
afterAll(async () => {
  setWholeStepKernel(true);
  setGemmPoolFactory(null);
  pool.dispose();
  await tf.setBackend('cpu');
});

const deep: ModelSpec = {
  name: 'deep',
  layers: [
    { type: 'flatten' },
    { type: 'dense', units: 37, activation: 'relu' },
    { type: 'dense', units: 13, activation: 'linear' },
    { type: 'dense', units: 10, activation: 'softmax' },
  ],
};

interface Trace {
  out: number[];
  weights: Float32Array[];
  grads: Float32Array[];
  whole: boolean;
}

/**
 * `steps` steps of `spec` from seed 9 on consecutive MNIST batches. `mode(s)` sets up step s: whole-step kernel
 * or not, and the pool (null: the caller alone). Gradients of the last step come through the `onGradients` hook.
 */
async function train(spec: ModelSpec, batch: number, steps: number, mode: (s: number) => { whole: boolean; pool: GemmThreadPool | null }): Promise<Trace> {
  const data = slice(await loadMnist(), 4096, 10);
  const model = buildModel(spec, data.inputShape, 9);
  const optimizer = new FusedAdamOptimizer(0.002, 0.9, 0.999, 1e-7);
  const runner = new StepRunner(model, data, 'sparseCategoricalCrossentropy');
  const xBuf = new Float32Array(batch * 784);
  const yBuf = new Int32Array(batch);
  const out: number[] = [];
  let grads: Float32Array[] = [];
  let whole = true;
  for (let s = 0; s < steps; s++) {
    const m = mode(s);
    setWholeStepKernel(m.whole);
    setGemmPoolFactory(() => m.pool);
    const start = (s * batch) % (4096 - batch);
    const { x, y } = runner.inputBuffers(optimizer, batch, xBuf, yBuf);
    for (let i = 0; i < batch * 784; i++) x[i] = data.train.x[start * 784 + i] * data.xScale;
    y.set(data.train.y.subarray(start, start + batch));
    const last = s === steps - 1;
    const r = runner.step(optimizer, x, y, batch, last ? (g) => (grads = Object.keys(g).map((k) => g[k].dataSync().slice() as Float32Array)) : undefined);
    whole &&= runner.wholeStepActive === m.whole;
    out.push(...r.map((t) => t.dataSync()[0]));
    tf.dispose(r);
  }
  const weights = model.getWeights().map((w) => w.dataSync().slice() as Float32Array);
  optimizer.dispose();
  model.dispose();
  setWholeStepKernel(true);
  return { out, weights, grads, whole };
}

function worstRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(scale, 1e-6));
  return worst;
}

describe('whole-step kernel (WASM)', () => {
  it('gives the TF.js-kernel step’s losses, accuracies, |g|, gradients and weights over 200 steps (classic MLP; a deeper net with a linear layer; odd batches)', async () => {
    for (const [spec, batch] of [[classicMlp(), 32], [deep, 37], [deep, 1]] as const) {
      const ref = await train(spec, batch, 200, () => ({ whole: false, pool: null }));
      const ours = await train(spec, batch, 200, () => ({ whole: true, pool: null }));
      expect(ours.whole, `${spec.name} b${batch}: the whole-step kernel ran`).toBe(true);
      for (let s = 0; s < 200; s++) {
        const [loss, acc, norm] = ours.out.slice(3 * s, 3 * s + 3);
        const [rl, ra, rn] = ref.out.slice(3 * s, 3 * s + 3);
        expect(Math.abs(loss - rl), `${spec.name} b${batch} step ${s} loss ${loss} vs ${rl}`).toBeLessThan(2e-3 * Math.max(1, rl));
        expect(Math.abs(norm - rn), `step ${s} |g|`).toBeLessThan(2e-2 * Math.max(1, rn));
        if (s < 20) expect(acc, `step ${s} accuracy`).toBeCloseTo(ra, 6);
      }
      for (let w = 0; w < ref.weights.length; w++) expect(worstRelative(ours.weights[w], ref.weights[w]), `${spec.name} b${batch} weight ${w}`).toBeLessThan(2e-2);
      expect(ours.grads.length).toBe(ref.grads.length);
      for (let g = 0; g < ref.grads.length; g++) expect(worstRelative(ours.grads[g], ref.grads[g]), `${spec.name} b${batch} gradient ${g}`).toBeLessThan(2e-2);
    }
  });

  it('is the same to the bit on one thread and on three, and when the moments go back and forth between the kernel and the optimizer', async () => {
    const one = await train(deep, 37, 30, () => ({ whole: true, pool: null }));
    const three = await train(deep, 37, 30, () => ({ whole: true, pool }));
    // A new pool every few steps: the kernel hands Adam's moments back, a new one borrows them.
    const handed = await train(deep, 37, 30, (s) => ({ whole: true, pool: s % 3 === 2 ? pool : null }));
    expect(three.whole && handed.whole).toBe(true);
    expect(three.out).toEqual(one.out);
    expect(three.weights).toEqual(one.weights);
    expect(three.grads).toEqual(one.grads);
    expect(handed.out).toEqual(one.out);
    expect(handed.weights).toEqual(one.weights);
    expect(pool.helpedChunks).toBeGreaterThan(0);
  });

  it('hands the moments to TF.js-kernel steps in between: the run matches one on TF.js’s kernels alone', async () => {
    const ref = await train(classicMlp(), 16, 60, () => ({ whole: false, pool: null }));
    const mixed = await train(classicMlp(), 16, 60, (s) => ({ whole: s % 4 !== 3, pool: s % 2 ? pool : null }));
    expect(mixed.whole).toBe(true);
    for (let s = 0; s < 60; s++) expect(Math.abs(mixed.out[3 * s] - ref.out[3 * s]), `step ${s}`).toBeLessThan(2e-3 * Math.max(1, ref.out[3 * s]));
    for (let w = 0; w < ref.weights.length; w++) expect(worstRelative(mixed.weights[w], ref.weights[w]), `weight ${w}`).toBeLessThan(2e-2);
  });

  it('sees weights set from outside between steps (restored weights, as the range test does)', async () => {
    setGemmPoolFactory(() => pool);
    const data = slice(await loadMnist(), 256, 10);
    const model = buildModel(classicMlp(), data.inputShape, 4);
    const optimizer = new FusedAdamOptimizer(0.01, 0.9, 0.999, 1e-7);
    const runner = new StepRunner(model, data, 'sparseCategoricalCrossentropy');
    const x = Float32Array.from(data.train.x.subarray(0, 64 * 784), (v) => v * data.xScale);
    const y = Int32Array.from(data.train.y.subarray(0, 64));
    const saved = model.getWeights().map((w) => w.clone());
    const first = runner.step(optimizer, x, y, 64);
    const loss0 = first[0].dataSync()[0];
    tf.dispose(first);
    for (let i = 0; i < 5; i++) tf.dispose(runner.step(optimizer, x, y, 64));
    model.setWeights(saved);
    // The same weights again: the loss of the next step is the first step's loss.
    const again = runner.step(optimizer, x, y, 64);
    expect(runner.wholeStepActive).toBe(true);
    expect(again[0].dataSync()[0]).toBe(loss0);
    tf.dispose([again, saved]);
    optimizer.dispose();
    model.dispose();
  });

  it('leaks no tensor, no WASM heap and no pool memory across 1,000 steps, and disposing the optimizer frees its memory', async () => {
    setGemmPoolFactory(() => pool);
    const data = slice(await loadMnist(), 512, 10);
    const model = buildModel(deep, data.inputShape, 1);
    const optimizer = new FusedAdamOptimizer(0.001, 0.9, 0.999, 1e-7);
    const runner = new StepRunner(model, data, 'sparseCategoricalCrossentropy');
    const batch = 8;
    const heap = wasmMemory(tf.backend() as unknown as WasmBackendLike)!;
    const xs = Float32Array.from(data.train.x, (v) => v * data.xScale);
    const ys = Int32Array.from(data.train.y);
    const xBuf = new Float32Array(batch * 784);
    const yBuf = new Int32Array(batch);
    const allocatedBefore = pool.allocatedBytes;
    const run = async (i: number) => {
      const { x, y } = runner.inputBuffers(optimizer, batch, xBuf, yBuf);
      x.set(xs.subarray((i % 64) * batch * 784, ((i % 64) + 1) * batch * 784));
      y.set(ys.subarray((i % 64) * batch, ((i % 64) + 1) * batch));
      const out = runner.step(optimizer, x, y, batch, i % 50 === 0 ? () => {} : undefined);
      await out[0].data();
      tf.dispose(out);
    };
    for (let i = 0; i < 5; i++) await run(i);
    const tensors = tf.memory().numTensors;
    const bytes = tf.memory().numBytes;
    const heapBytes = heap.buffer.byteLength;
    const allocated = pool.allocatedBytes;
    const poolBytes = pool.memory.buffer.byteLength;
    for (let i = 0; i < 1000; i++) await run(i);
    expect(runner.wholeStepActive).toBe(true);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.memory().numBytes).toBe(bytes);
    expect(heap.buffer.byteLength).toBe(heapBytes);
    expect(pool.allocatedBytes).toBe(allocated);
    expect(pool.memory.buffer.byteLength).toBe(poolBytes);
    optimizer.dispose();
    expect(pool.allocatedBytes).toBe(allocatedBefore);
    expect(runner.wholeStepActive).toBe(false);
    model.dispose();
  });

  it('scales a staged uint8 batch on the threads exactly as gatherBatch does', async () => {
    setGemmPoolFactory(() => pool);
    const data = slice(await loadMnist(), 1024, 10);
    const model = buildModel(deep, data.inputShape, 2);
    const optimizer = new FusedAdamOptimizer(0.001, 0.9, 0.999, 1e-7);
    const runner = new StepRunner(model, data, 'sparseCategoricalCrossentropy');
    const order = Uint32Array.from({ length: 1024 }, (_, i) => (i * 389) % 1024);
    const batch = 37;
    const inputs = runner.gather(optimizer, data.train, data.xScale, order, 100, batch, new Float32Array(batch * 784), new Int32Array(batch));
    tf.dispose(runner.step(optimizer, inputs.x, inputs.y, batch));
    const want = { x: new Float32Array(batch * 784), y: new Int32Array(batch) };
    gatherBatch(data.train, 784, data.xScale, order, 100, batch, want.x, want.y);
    const got = runner.inputBuffers(optimizer, batch, new Float32Array(0), new Int32Array(0));
    expect(runner.wholeStepActive).toBe(true);
    expect(Array.from(got.x)).toEqual(Array.from(want.x));
    expect(Array.from(got.y)).toEqual(Array.from(want.y));
    optimizer.dispose();
    model.dispose();
  });

  it('a batch gathered during the previous step (the loop passes where the next one starts) trains exactly as one gathered before its own step', async () => {
    setGemmPoolFactory(() => pool);
    const data = slice(await loadMnist(), 1024, 10);
    const order = Uint32Array.from({ length: 1024 }, (_, i) => (i * 389) % 1024);
    const batch = 40;
    const run = (prefetch: boolean) => {
      const model = buildModel(deep, data.inputShape, 2);
      const optimizer = new FusedAdamOptimizer(0.003, 0.9, 0.999, 1e-7);
      const runner = new StepRunner(model, data, 'sparseCategoricalCrossentropy');
      const out: number[] = [];
      for (let s = 0; s < 20; s++) {
        const inputs = runner.gather(optimizer, data.train, data.xScale, order, s * batch, batch, new Float32Array(0), new Int32Array(0), prefetch && s < 19 ? (s + 1) * batch : -1);
        const r = runner.step(optimizer, inputs.x, inputs.y, batch);
        out.push(...r.map((t) => t.dataSync()[0]));
        tf.dispose(r);
      }
      const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
      optimizer.dispose();
      model.dispose();
      return { out, weights };
    };
    const plain = run(false);
    const prefetched = run(true);
    expect(prefetched.out).toEqual(plain.out);
    expect(prefetched.weights).toEqual(plain.weights);
  });

  it('the training loop: two epochs give the losses and accuracies of the loop on TF.js’s kernels', async () => {
    const data = slice(await loadMnist(), 2048, 10);
    const run = async (whole: boolean) => {
      setWholeStepKernel(whole);
      setGemmPoolFactory(() => (whole ? pool : null));
      const model = buildModel(classicMlp(), data.inputShape, 5);
      const trainer = new Trainer(model, data, { optimizer: 'adam', learningRate: 0.001, batchSize: 32, epochs: 2, validationSplit: 0.1, seed: 3 });
      const epochs: TrainEvent[] = [];
      await trainer.run((e) => void (e.kind === 'epoch' && epochs.push(e)));
      trainer.dispose();
      model.dispose();
      return epochs as Extract<TrainEvent, { kind: 'epoch' }>[];
    };
    const ref = await run(false);
    const ours = await run(true);
    setWholeStepKernel(true);
    expect(ours.length).toBe(2);
    for (let e = 0; e < 2; e++) {
      expect(Math.abs(ours[e].trainLoss - ref[e].trainLoss), `epoch ${e + 1} loss`).toBeLessThan(2e-3);
      expect(Math.abs(ours[e].valLoss! - ref[e].valLoss!), `epoch ${e + 1} validation loss`).toBeLessThan(2e-3);
      expect(Math.abs(ours[e].valAccuracy! - ref[e].valAccuracy!), `epoch ${e + 1} validation accuracy`).toBeLessThanOrEqual(0.011);
    }
  });

  it('runs on the caller alone where no pool is given, on a plain memory', () => {
    setGemmPoolFactory(null);
    const alone = kernelPool();
    expect(alone.threads).toBe(1);
    expect(alone.memory.buffer instanceof SharedArrayBuffer).toBe(false);
    expect(kernelPool()).toBe(alone);
  });
});
