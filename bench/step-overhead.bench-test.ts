import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { it } from 'vitest';
import { registerOwnKernels } from '../src/lib/engine/kernels/matmul';
import { setFusedSoftmaxXent } from '../src/lib/engine/kernels/softmax-xent';
import { buildModel } from '../src/lib/engine/models/build';
import { classicMlp } from '../src/lib/engine/models/spec';
import { FusedAdamOptimizer } from '../src/lib/engine/train/fused-adam';
import { setHandWrittenBackward, StepRunner } from '../src/lib/engine/train/step';
import { loadMnist, slice } from '../tests/unit/helpers';

/**
 * CPU time of one training step of the classic MLP on Node's WASM backend with our kernels, one thread:
 * rounds alternate the step as before (TF.js ops for the loss and accuracy, the tape), with the fused loss
 * (kernels/softmax-xent.ts), and with the fused loss and the hand-written backward (train/step.ts), in one process.
 * `npx vitest run --config bench/vitest.config.ts bench/step-overhead.bench-test.ts` (BATCH, ROUNDS, STEPS).
 */
it('training step of the classic MLP, WASM, our kernels, 1 thread: CPU ms per step, alternating', async () => {
  await tf.setBackend('wasm');
  registerOwnKernels('wasm');
  const data = slice(await loadMnist(), 4096, 10);
  const batch = Number(process.env.BATCH ?? 128);
  const rounds = Number(process.env.ROUNDS ?? 6);
  const steps = Number(process.env.STEPS ?? 300);
  const model = buildModel(classicMlp(), data.inputShape, 1);
  const optimizer = new FusedAdamOptimizer(0.001, 0.9, 0.999, 1e-7);
  const runner = new StepRunner(model, data, 'sparseCategoricalCrossentropy');
  const x = Float32Array.from(data.train.x.subarray(0, batch * 784), (v) => v / 255);
  const y = Int32Array.from(data.train.y.subarray(0, batch));
  // Each variant switches our pieces on or off: [fused softmax cross-entropy, hand-written backward instead of the tape].
  const variants: [string, [boolean, boolean]][] = [['before', [false, false]], ['loss', [true, false]], ['fused', [true, true]]];
  const setFused = ([loss, hand]: [boolean, boolean]) => {
    setFusedSoftmaxXent(loss);
    setHandWrittenBackward(hand);
  };
  const results: Record<string, number[]> = {};
  const run = async (n: number) => {
    let last: tf.Tensor[] = [];
    for (let i = 0; i < n; i++) {
      tf.dispose(last);
      last = runner.step(optimizer, x, y, batch);
      if (i % 8 === 7) await last[0].data();
    }
    await last[0].data();
    tf.dispose(last);
  };
  for (const [, on] of variants) {
    setFused(on);
    await run(30);
  }
  const tensors = tf.memory().numTensors;
  for (let r = 0; r < rounds; r++) {
    for (const [name, on] of variants) {
      setFused(on);
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await run(steps);
      const cpu = process.cpuUsage(c0);
      const wall = performance.now() - t0;
      (results[name] ??= []).push((cpu.user + cpu.system) / 1000 / steps);
      (results[`${name} wall`] ??= []).push(wall / steps);
    }
  }
  // One step of each variant under tf.profile: kernels per step, and the kernels' own time (Node's clock).
  for (const [name, on] of variants) {
    setFused(on);
    const info = await tf.profile(() => {
      tf.dispose(runner.step(optimizer, x, y, batch));
      return [];
    });
    const byName = new Map<string, { calls: number; ms: number }>();
    for (const k of info.kernels) {
      const row = byName.get(k.name) ?? { calls: 0, ms: 0 };
      row.calls++;
      row.ms += Number(await k.kernelTimeMs) || 0;
      byName.set(k.name, row);
    }
    const rows = [...byName.entries()].sort((a, b) => b[1].ms - a[1].ms);
    const total = rows.reduce((t, [, r]) => t + r.ms, 0);
    console.log(`${name}: ${info.kernels.length} kernel calls, ${total.toFixed(2)} ms in kernels: ${rows.map(([k, r]) => `${k} ×${r.calls} ${r.ms.toFixed(2)}`).join(', ')}`);
  }
  setFused([true, true]);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const [name, xs] of Object.entries(results)) console.log(`${name.padEnd(14)} ms/step median ${median(xs).toFixed(3)}  (${xs.map((v) => v.toFixed(3)).join(', ')})`);
  for (const [a, b] of [['before', 'fused'], ['loss', 'fused'], ['before', 'loss']]) {
    const ratios = results[a].map((v, i) => v / results[b][i]);
    console.log(`${a} / ${b} CPU time per round: ${ratios.map((v) => v.toFixed(3)).join(', ')}; median ${median(ratios).toFixed(3)}`);
  }
  console.log(`${Math.round((batch * 1000) / median(results.fused)).toLocaleString('en')} samples/s of CPU time, all fused`);
  console.log(`tensors before ${tensors}, after ${tf.memory().numTensors}`);
  optimizer.dispose();
  model.dispose();
});
