import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/lib/engine/models/build';
import { trainingForward } from '../../src/lib/engine/train/forward';
import { sparseCategoricalCrossentropy } from '../../src/lib/engine/train/losses';
import { DEFAULT_CONFIG } from '../../src/lib/engine/train/config';
import { Trainer } from '../../src/lib/engine/train/loop';
import { classicMlp } from '../../src/lib/engine/models/spec';
import { splitIndices } from '../../src/lib/engine/data/dataset';
import { Rng } from '../../src/lib/engine/rng';
import { loadMnist, slice, useCpu } from './helpers';

beforeAll(useCpu);

describe('training forward pass with the explicit-transpose Dense gradient', () => {
  it('gives the same outputs and gradients as model.apply', () => {
    const model = buildModel(
      { name: 'mlp', layers: [{ type: 'flatten' }, { type: 'dense', units: 32, activation: 'relu' }, { type: 'dense', units: 16, activation: 'tanh' }, { type: 'dense', units: 10, activation: 'softmax' }] },
      [4, 4, 1],
      3,
    );
    const x = tf.randomUniform([8, 4, 4, 1], 0, 1, 'float32', 1);
    const y = tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32');
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const grads = (f: () => tf.Tensor) => tf.variableGrads(() => sparseCategoricalCrossentropy(f(), y), vars);
    const ours = grads(() => trainingForward(model, x));
    const theirs = grads(() => model.apply(x, { training: true }) as tf.Tensor);
    expect(ours.value.dataSync()[0]).toBeCloseTo(theirs.value.dataSync()[0], 6);
    for (const name of Object.keys(theirs.grads)) {
      const a = ours.grads[name].dataSync();
      const b = theirs.grads[name].dataSync();
      for (let i = 0; i < b.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-6);
    }
    tf.dispose([x, y, ours.value, theirs.value, ...Object.values(ours.grads), ...Object.values(theirs.grads)]);
    model.dispose();
  });

  it('the loss curve for a fixed seed matches plain TF.js model.fit on the same batches, step by step', async () => {
    const data = slice(await loadMnist(), 640, 10);
    const config = { ...DEFAULT_CONFIG, batchSize: 64, epochs: 1, validationSplit: 0, optimizer: 'adam' as const, learningRate: 0.001 };
    const ours = buildModel(classicMlp(), data.inputShape, 5);
    const losses: number[] = [];
    const trainer = new Trainer(ours, data, config);
    await trainer.run((e) => e.kind === 'steps' && losses.push(...e.loss));
    trainer.dispose();

    // The reference sees the examples in the order our loop drew them (seeded split, then the epoch's permutation).
    const trainIdx = splitIndices(640, 0, config.seed).train;
    const order = new Rng(config.seed).permutation(new Uint32Array(640)).map((i) => trainIdx[i]);
    const ref = buildModel(classicMlp(), data.inputShape, 5);
    ref.compile({ optimizer: tf.train.adam(0.001, 0.9, 0.999, 1e-7), loss: 'sparseCategoricalCrossentropy' });
    const xs = tf.tensor(Float32Array.from({ length: 640 * 784 }, (_, k) => data.train.x[order[Math.floor(k / 784)] * 784 + (k % 784)] / 255), [640, 28, 28, 1]);
    const ys = tf.tensor1d(Float32Array.from(order, (i) => data.train.y[i]));
    const refLosses: number[] = [];
    await ref.fit(xs, ys, { batchSize: 64, epochs: 1, shuffle: false, verbose: 0, callbacks: { onBatchEnd: async (_b, logs) => void refLosses.push(logs!.loss as number) } });
    expect(losses).toHaveLength(10);
    for (let i = 0; i < 10; i++) expect(losses[i]).toBeCloseTo(refLosses[i], 4);
    tf.dispose([xs, ys]);
    ours.dispose();
    ref.dispose();
  });
});
