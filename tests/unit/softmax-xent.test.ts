import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerOwnKernels } from '../../src/lib/engine/kernels/matmul';
import { fusedSoftmaxXentActive, setFusedSoftmaxXent, sparseSoftmaxCrossEntropy } from '../../src/lib/engine/kernels/softmax-xent';
import { buildModel } from '../../src/lib/engine/models/build';
import { classicMlp } from '../../src/lib/engine/models/spec';
import { FusedAdamOptimizer } from '../../src/lib/engine/train/fused-adam';
import { accuracy, sparseCategoricalCrossentropy } from '../../src/lib/engine/train/losses';
import { setHandWrittenBackward, setWholeStepKernel, StepRunner } from '../../src/lib/engine/train/step';
import { loadMnist, slice } from './helpers';

// These tests are of the loss kernel and the hand-written backward on TF.js's kernels; the whole-step kernel has its own (dense-train.test.ts).
beforeAll(async () => {
  await tf.setBackend('wasm');
  registerOwnKernels('wasm');
  setWholeStepKernel(false);
});
afterAll(async () => {
  setWholeStepKernel(true);
  setFusedSoftmaxXent(true);
  setHandWrittenBackward(true);
  await tf.setBackend('cpu');
});

/** Loss, accuracy and d(loss)/d(logits) through TF.js's ops (softmax, then train/losses.ts), on the same backend. */
function composite(logits: tf.Tensor2D, labels: tf.Tensor1D) {
  const acc = tf.tidy(() => accuracy(tf.softmax(logits), labels));
  const { value, grad } = tf.valueAndGrad((z: tf.Tensor) => sparseCategoricalCrossentropy(tf.softmax(z), labels))(logits);
  return { loss: value.dataSync()[0], acc: acc.dataSync()[0], grad: grad.dataSync(), dispose: () => tf.dispose([acc, value, grad]) };
}

function fused(logits: tf.Tensor2D, labels: tf.Tensor1D) {
  let acc!: tf.Scalar;
  const { value, grad } = tf.valueAndGrad((z: tf.Tensor) => {
    const r = sparseSoftmaxCrossEntropy(z as tf.Tensor2D, labels);
    acc = tf.keep(r.accuracy);
    return r.loss;
  })(logits);
  return { loss: value.dataSync()[0], acc: acc.dataSync()[0], grad: grad.dataSync(), dispose: () => tf.dispose([acc, value, grad]) };
}

describe('fused softmax + sparse cross-entropy + accuracy (WASM)', () => {
  it('is active on WASM with our kernels, and off when switched off', () => {
    expect(fusedSoftmaxXentActive()).toBe(true);
    setFusedSoftmaxXent(false);
    expect(fusedSoftmaxXentActive()).toBe(false);
    setFusedSoftmaxXent(true);
    expect(fusedSoftmaxXentActive('cpu')).toBe(false);
  });

  it('gives TF.js’s loss, accuracy and logit gradient, clipped rows and a label out of range included', () => {
    const rows = 37;
    const classes = 10;
    const values = Float32Array.from(tf.randomNormal([rows, classes], 0, 3, 'float32', 11).dataSync());
    // Row 0: p[label] ≈ 1 (clipped above: no gradient); row 1: p[label] ≈ 0 (clipped below); row 2: ties.
    values.fill(0, 0, 20);
    values[3] = 40;
    values[10 + 5] = 40;
    const labels = Int32Array.from({ length: rows }, (_, i) => (i * 7) % classes);
    labels[0] = 3;
    labels[1] = 2;
    labels[4] = 12; // out of range: p = 0, as TF.js's oneHot gives
    const x = tf.tensor2d(values, [rows, classes]);
    const y = tf.tensor1d(labels, 'int32');
    const a = composite(x, y);
    const b = fused(x, y);
    expect(b.loss).toBeCloseTo(a.loss, 5);
    expect(b.acc).toBe(a.acc);
    expect(b.grad.length).toBe(a.grad.length);
    let worst = 0;
    for (let i = 0; i < a.grad.length; i++) worst = Math.max(worst, Math.abs(a.grad[i] - b.grad[i]));
    expect(worst).toBeLessThan(1e-7);
    // The clipped rows really have no gradient, the others do.
    expect(Array.from(b.grad.subarray(0, 20)).every((v) => v === 0)).toBe(true);
    expect(Array.from(b.grad.subarray(20, 30)).some((v) => v !== 0)).toBe(true);
    a.dispose();
    b.dispose();
    tf.dispose([x, y]);
  });

  it('scales the gradient by dy and leaks no tensors', () => {
    const x = tf.randomNormal([8, 4], 0, 1, 'float32', 3) as tf.Tensor2D;
    const y = tf.tensor1d([0, 1, 2, 3, 3, 2, 1, 0], 'int32');
    const before = tf.memory().numTensors;
    const g1 = tf.grad((z: tf.Tensor) => tf.mul(sparseSoftmaxCrossEntropy(z as tf.Tensor2D, y).loss, 3))(x);
    const g2 = tf.grad((z: tf.Tensor) => tf.mul(sparseCategoricalCrossentropy(tf.softmax(z), y), 3))(x);
    const [a, b] = [g1.dataSync(), g2.dataSync()];
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-6);
    tf.dispose([g1, g2]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });

  it('the training step gives the same losses, accuracies, gradients and weights with and without it and the hand-written backward (classic MLP, 20 steps)', async () => {
    const data = slice(await loadMnist(), 1280, 10);
    const batch = 64;
    const run = (on: boolean, hand = false, spec = classicMlp()) => {
      setFusedSoftmaxXent(on);
      setHandWrittenBackward(hand);
      const model = buildModel(spec, data.inputShape, 9);
      const optimizer = new FusedAdamOptimizer(0.001, 0.9, 0.999, 1e-7);
      const runner = new StepRunner(model, data, 'sparseCategoricalCrossentropy');
      const out: { loss: number; acc: number }[] = [];
      const before = tf.memory().numTensors;
      for (let s = 0; s < 20; s++) {
        const x = Float32Array.from(data.train.x.subarray(s * batch * 784, (s + 1) * batch * 784), (v) => v / 255);
        const y = Int32Array.from(data.train.y.subarray(s * batch, (s + 1) * batch));
        const r = runner.step(optimizer, x, y, batch);
        out.push({ loss: r[0].dataSync()[0], acc: r[1].dataSync()[0] });
        tf.dispose(r);
      }
      const tensorsAfter = tf.memory().numTensors;
      const weights = model.getWeights().map((w) => w.dataSync().slice());
      const grads = tf.tidy(() => {
        const x = Float32Array.from(data.train.x.subarray(0, batch * 784), (v) => v / 255);
        const g = (runner as unknown as { gradients(x: tf.Tensor, y: tf.Tensor1D): { value: tf.Scalar; grads: tf.NamedTensorMap; acc: tf.Scalar } }).gradients(
          tf.tensor(x, [batch, 784]),
          tf.tensor1d(Int32Array.from(data.train.y.subarray(0, batch)), 'int32'),
        );
        return Object.keys(g.grads).sort().map((k) => g.grads[k].dataSync().slice());
      });
      optimizer.dispose();
      model.dispose();
      return { out, weights, grads, leaked: tensorsAfter - before - 2 * model.trainableWeights.length /* Adam's moments, created at the first step */ };
    };
    const plain = run(false);
    const ours = run(true, true);
    setFusedSoftmaxXent(true);
    setHandWrittenBackward(true);
    expect(ours.leaked).toBe(plain.leaked);
    for (let s = 0; s < 20; s++) {
      expect(ours.out[s].loss).toBeCloseTo(plain.out[s].loss, 4);
      expect(ours.out[s].acc).toBeCloseTo(plain.out[s].acc, 6);
    }
    for (let w = 0; w < plain.weights.length; w++) {
      let worst = 0;
      for (let i = 0; i < plain.weights[w].length; i++) worst = Math.max(worst, Math.abs(plain.weights[w][i] - ours.weights[w][i]));
      expect(worst, `weight ${w}`).toBeLessThan(1e-4);
      worst = 0;
      for (let i = 0; i < plain.grads[w].length; i++) worst = Math.max(worst, Math.abs(plain.grads[w][i] - ours.grads[w][i]));
      expect(worst, `gradient ${w}`).toBeLessThan(1e-4);
    }
    expect(plain.grads.length).toBe(plain.weights.length);
  });

  it('the hand-written backward pass of a Dense-only classifier gives the tape’s losses, gradients and weights exactly', async () => {
    const data = slice(await loadMnist(), 1280, 10);
    const batch = 64;
    const specs = [
      classicMlp(),
      { name: 'deep', layers: [{ type: 'flatten' as const }, { type: 'dense' as const, units: 48, activation: 'relu' as const }, { type: 'dense' as const, units: 24, activation: 'linear' as const }, { type: 'dense' as const, units: 10, activation: 'softmax' as const }] },
    ];
    for (const spec of specs) {
      // mixed: the two paths take turns on one runner and optimizer (the Adam moments must follow their variables).
      const run = (hand: boolean | 'mixed') => {
        setHandWrittenBackward(hand === true);
        const model = buildModel(spec, data.inputShape, 9);
        const optimizer = new FusedAdamOptimizer(0.001, 0.9, 0.999, 1e-7);
        const runner = new StepRunner(model, data, 'sparseCategoricalCrossentropy');
        const out: number[] = [];
        const before = tf.memory().numTensors;
        for (let s = 0; s < 10; s++) {
          if (hand === 'mixed') setHandWrittenBackward(s % 2 === 1);
          const x = Float32Array.from(data.train.x.subarray(s * batch * 784, (s + 1) * batch * 784), (v) => v / 255);
          const y = Int32Array.from(data.train.y.subarray(s * batch, (s + 1) * batch));
          const r = runner.step(optimizer, x, y, batch);
          out.push(r[0].dataSync()[0], r[1].dataSync()[0], r[2].dataSync()[0]);
          tf.dispose(r);
        }
        const grown = tf.memory().numTensors - before;
        const weights = model.getWeights().flatMap((w) => Array.from(w.dataSync()));
        optimizer.dispose();
        model.dispose();
        return { out, weights, grown };
      };
      const tape = run(false);
      const hand = run(true);
      expect(hand.grown).toBe(tape.grown);
      expect(hand.out).toEqual(tape.out);
      expect(hand.weights).toEqual(tape.weights);
      const mixed = run('mixed');
      expect(mixed.out).toEqual(tape.out);
      expect(mixed.weights).toEqual(tape.weights);
    }
    setHandWrittenBackward(true);
  });
});
