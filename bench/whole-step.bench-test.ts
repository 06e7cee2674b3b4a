import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { availableParallelism } from 'node:os';
import { it } from 'vitest';
import { GemmThreadPool } from '../src/lib/engine/kernels/gemm-pool';
import { registerOwnKernels } from '../src/lib/engine/kernels/matmul';
import { setGemmPoolFactory } from '../src/lib/engine/kernels/wasm-heap';
import { buildModel } from '../src/lib/engine/models/build';
import { classicMlp } from '../src/lib/engine/models/spec';
import { createOptimizer } from '../src/lib/engine/train/optimizers';
import { setWholeStepKernel, StepRunner } from '../src/lib/engine/train/step';
import { loadMnist } from '../tests/unit/helpers';
import { spawnNodeGemmThread } from '../tests/unit/node-gemm-thread';

/**
 * The classic MLP's training step in Node on TF.js's WASM backend with our kernels, samples/s: the whole-step
 * kernel (kernels/dense-train.ts) on one thread and on two, against the step on TF.js's kernels (our GEMM,
 * the hand-written backward, the fused Adam) on one thread and with the pool sharing its large GEMMs.
 * Variants alternate within each round; medians printed.
 * `npx vitest run --config bench/vitest.config.ts bench/whole-step.bench-test.ts`
 */
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const BATCHES = [128, 512];

it('whole-step kernel: one thread and two, against TF.js-kernel steps', async () => {
  await tf.setBackend('wasm');
  registerOwnKernels('wasm');
  const data = await loadMnist();
  const pool = new GemmThreadPool(2, spawnNodeGemmThread);
  const variants = [
    { name: 'TF.js kernels, 1 thread', whole: false, threads: 1 },
    { name: 'TF.js kernels, 2 threads', whole: false, threads: 2 },
    { name: 'whole step, 1 thread', whole: true, threads: 1 },
    { name: 'whole step, 2 threads', whole: true, threads: 2 },
  ];
  const samples = new Map<string, number[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const batch of BATCHES) {
      const steps = Math.max(40, Math.round(24_000 / batch));
      const x = Float32Array.from(data.train.x.subarray(0, batch * 784 * 8), (v) => v * data.xScale);
      const y = Int32Array.from(data.train.y.subarray(0, batch * 8));
      for (const v of variants) {
        setWholeStepKernel(v.whole);
        setGemmPoolFactory(() => (v.threads > 1 ? pool : null));
        const model = buildModel(classicMlp(), data.inputShape, 1);
        const optimizer = createOptimizer('adam', 0.001);
        const runner = new StepRunner(model, data, 'sparseCategoricalCrossentropy');
        const one = (s: number) => tf.dispose(runner.step(optimizer, x.subarray((s % 8) * batch * 784), y.subarray((s % 8) * batch), batch));
        for (let s = 0; s < 10; s++) one(s);
        const t = performance.now();
        for (let s = 0; s < steps; s++) one(s);
        const perSecond = (steps * batch) / ((performance.now() - t) / 1000);
        optimizer.dispose();
        model.dispose();
        const key = `${batch}/${v.name}`;
        (samples.get(key) ?? samples.set(key, []).get(key)!).push(perSecond);
      }
    }
  }
  setWholeStepKernel(true);
  setGemmPoolFactory(null);
  pool.dispose();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`\nClassic MLP training step, Node ${process.version}, ${availableParallelism()} cores, samples/s (medians of ${ROUNDS} alternating rounds)`);
  console.log(`batch | ${variants.map((v) => v.name).join(' | ')} | whole step 2 / 1 thread`);
  for (const batch of BATCHES) {
    const m = variants.map((v) => median(samples.get(`${batch}/${v.name}`)!));
    console.log(`${batch} | ${m.map((x) => Math.round(x).toLocaleString('en-US')).join(' | ')} | ${(m[3] / m[2]).toFixed(2)}×`);
  }
}, 600_000);
