import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/lib/engine/models/build';
import { classicMlp } from '../../src/lib/engine/models/spec';
import { FusedAdamOptimizer } from '../../src/lib/engine/train/fused-adam';
import { createOptimizer, setOptimizerParams } from '../../src/lib/engine/train/optimizers';
import { StepRunner } from '../../src/lib/engine/train/step';
import { BatchSource } from '../../src/lib/engine/tune/batches';
import { loadMnist, slice } from './helpers';

afterAll(() => tf.setBackend('cpu'));

/** Losses of 40 steps of the classic MLP from seed 3, with β₁ changed halfway (as one-cycle does). */
async function losses(backend: string, stock: boolean): Promise<{ losses: number[]; norms: number[]; weights: Float32Array[] }> {
  await tf.setBackend(backend);
  const data = slice(await loadMnist(), 2048, 10);
  const model = buildModel(classicMlp(), data.inputShape, 3);
  const optimizer = createOptimizer('adam', 0.003, stock);
  expect(optimizer.constructor === FusedAdamOptimizer).toBe(!stock);
  const stepper = new StepRunner(model, data, 'sparseCategoricalCrossentropy');
  const source = new BatchSource(data, Uint32Array.from({ length: 2048 }, (_, i) => i), 64, 5);
  const out: number[] = [];
  const norms: number[] = [];
  for (let i = 0; i < 40; i++) {
    if (i === 20) setOptimizerParams(optimizer, 0.001, 0.85);
    source.next(64);
    const [loss, acc, norm] = stepper.step(optimizer, source.x, source.y, 64);
    out.push((await loss.data())[0]);
    norms.push((await norm.data())[0]);
    tf.dispose([loss, acc, norm]);
  }
  if (!stock) expect((optimizer as FusedAdamOptimizer).path).toBe(backend === 'wasm' ? 'wasm' : 'js');
  const weights = await Promise.all(model.getWeights().map((w) => w.data() as Promise<Float32Array>));
  optimizer.dispose();
  model.dispose();
  return { losses: out, norms, weights };
}

describe('fused Adam', () => {
  for (const backend of ['cpu', 'wasm']) {
    it(`gives TF.js Adam's loss curve, gradient norms and weights on ${backend}`, async () => {
      const stock = await losses(backend, true);
      const before = tf.memory().numTensors;
      const fused = await losses(backend, false);
      expect(tf.memory().numTensors).toBe(before);
      for (let i = 0; i < 40; i++) {
        // Every operation is rounded as TF.js rounds it: the same float32 results.
        expect(fused.losses[i], `loss at step ${i}`).toBe(stock.losses[i]);
        expect(Math.abs(fused.norms[i] - stock.norms[i]) / stock.norms[i], `gradient norm at step ${i}`).toBeLessThan(1e-3);
      }
      expect(fused.losses[39]).toBeLessThan(fused.losses[0] * 0.5);
      for (let v = 0; v < stock.weights.length; v++) {
        const worst = Math.max(...Array.from(stock.weights[v], (s, k) => Math.abs(s - fused.weights[v][k])));
        expect(worst, `weights ${v}`).toBe(0);
      }
    });
  }
});
