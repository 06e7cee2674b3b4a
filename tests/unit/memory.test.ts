import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/lib/engine/data/dataset';
import { EngineError } from '../../src/lib/engine/errors';
import { registerConv2dBackpropFilter } from '../../src/lib/engine/kernels/conv2d-backprop-filter';
import { buildModel } from '../../src/lib/engine/models/build';
import { checkModelFits, type DataShape } from '../../src/lib/engine/models/fit';
import { assertFitsMemory, estimateTrainingMemory, largestFittingBatch, memoryBudget } from '../../src/lib/engine/models/memory';
import { makePreset } from '../../src/lib/engine/models/presets';
import { inferShapes } from '../../src/lib/engine/models/shapes';
import type { LayerSpec } from '../../src/lib/engine/models/spec';
import { createOptimizer } from '../../src/lib/engine/train/optimizers';
import { StepRunner } from '../../src/lib/engine/train/step';
import { BatchSource } from '../../src/lib/engine/tune/batches';
import { loadMnist, slice, useCpu } from './helpers';

beforeAll(useCpu);
afterAll(useCpu);

const MNIST: DataShape = { inputShape: [28, 28, 1], task: 'classification', numClasses: 10 };
const GiB = 1024 ** 3;

const layersOf = (id: 'classicMlp' | 'lenet' | 'fashionCnn') => makePreset(id, MNIST, id).layers;

/** LeNet as the editor builds it, with `filters` filters in the first Conv2D. */
function wideLenet(filters: number): LayerSpec[] {
  const layers = layersOf('lenet');
  const first = layers[0];
  if (first.type !== 'conv2d') throw new Error('LeNet starts with a Conv2D');
  return [{ ...first, filters }, ...layers.slice(1)];
}

function estimate(layers: LayerSpec[], batch: number, optimizer: 'adam' | 'sgd' = 'adam') {
  const report = inferShapes(layers, MNIST.inputShape);
  expect(report.error).toBeUndefined();
  return estimateTrainingMemory(layers, report.layers, MNIST.inputShape, batch, optimizer);
}

describe('memory estimate', () => {
  it('the classic MLP at batch 32 is far below every budget', () => {
    const e = estimate(layersOf('classicMlp'), 32);
    // 101,770 parameters × (weights, gradients, squared gradients, Adam's m and v) + the first layer's 100,480 × 16 temporaries, × 4 bytes.
    expect(e.parameters).toBe((101_770 * 5 + 100_480 * 16) * 4);
    expect(e.total).toBeLessThan(memoryBudget('cpu') / 100);
    expect(e.total).toBeLessThan(memoryBudget('wasm') / 100);
  });

  it('LeNet with 100,000 filters in the first Conv2D at batch 32 is above every budget', () => {
    const e = estimate(wideLenet(100_000), 32);
    // Its first layer alone outputs 28 × 28 × 100,000 floats per example: 10 GB at batch 32.
    expect(e.activations).toBeGreaterThan(28 * 28 * 100_000 * 32 * 4);
    for (const backend of ['wasm', 'cpu', 'webgl', 'webgpu', null]) expect(e.total).toBeGreaterThan(memoryBudget(backend));
  });

  it('activations and scratch grow linearly with the batch size, parameters not at all', () => {
    for (const layers of [layersOf('classicMlp'), layersOf('lenet'), layersOf('fashionCnn')]) {
      const [a, b, c] = [estimate(layers, 32), estimate(layers, 64), estimate(layers, 320)];
      expect(b.activations).toBe(2 * a.activations);
      expect(c.activations).toBe(10 * a.activations);
      expect(b.scratch).toBe(2 * a.scratch);
      expect(b.parameters).toBe(a.parameters);
      expect(b.total).toBe(b.parameters + b.activations + b.scratch);
    }
  });

  it('counts the optimizer: Adam keeps two slots per weight and makes 16 temporaries per update, SGD none and 2', () => {
    const layers = layersOf('lenet');
    const params = inferShapes(layers, MNIST.inputShape).totalParams;
    const largest = Math.max(...inferShapes(layers, MNIST.inputShape).layers.map((l) => l.params));
    expect(estimate(layers, 32, 'adam').parameters - estimate(layers, 32, 'sgd').parameters).toBe((params * 2 + largest * (16 - 2)) * 4);
  });

  it('budgets: 2 GiB on WASM, 1 GiB elsewhere and before a backend has started', () => {
    expect(memoryBudget('wasm')).toBe(2 * GiB);
    for (const backend of ['cpu', 'webgl', 'webgpu', undefined]) expect(memoryBudget(backend)).toBe(GiB);
  });

  /** The most bytes TF.js holds during two training steps of `layers` from scratch, with TF.js's own optimizer. */
  async function measuredPeak(layers: LayerSpec[], data: Dataset, batch: number, optimizerName: 'adam' | 'sgd'): Promise<number> {
    const model = buildModel({ name: 'm', layers }, data.inputShape, 1);
    // Stock TF.js: its slots are tensors the engine counts (our fused Adam's are not, on CPU).
    const optimizer = createOptimizer(optimizerName, 0.001, true);
    const stepper = new StepRunner(model, data, 'sparseCategoricalCrossentropy');
    const source = new BatchSource(data, Uint32Array.from({ length: data.train.count }, (_, i) => i), batch, 2);
    const before = tf.memory().numBytes - model.countParams() * 4;
    try {
      const info = await tf.profile(async () => {
        for (let i = 0; i < 2; i++) {
          source.next(batch);
          const scalars = stepper.step(optimizer, source.x, source.y, batch);
          await scalars[0].data();
          tf.dispose(scalars);
        }
      });
      return info.peakBytes - before;
    } finally {
      optimizer.dispose();
      model.dispose();
    }
  }

  it('is an upper bound of what TF.js really holds while training each preset on WASM, and not a wild one', async () => {
    registerConv2dBackpropFilter('wasm');
    await tf.setBackend('wasm');
    const data = slice(await loadMnist(), 256, 10);
    for (const id of ['classicMlp', 'deepMlp', 'lenet', 'fashionCnn'] as const) {
      for (const optimizer of ['adam', 'sgd'] as const) {
        const layers = makePreset(id, MNIST, id).layers;
        const peak = await measuredPeak(layers, data, 32, optimizer);
        const e = estimate(layers, 32, optimizer);
        expect(e.total, `${id} ${optimizer}`).toBeGreaterThanOrEqual(peak);
        expect(e.total, `${id} ${optimizer}`).toBeLessThan(peak * 3);
      }
    }
    await useCpu();
  });
});

describe('refusing a model too large for the backend', () => {
  const setup = (backend: string | null) => ({ batchSize: 32, backend, optimizer: 'adam' as const });

  it('the editor check names the estimate, the budget and the batch size, for the model as a whole', () => {
    const report = checkModelFits(wideLenet(100_000), MNIST, 'sparseCategoricalCrossentropy', setup('wasm'));
    expect(report.error?.index).toBe(-1);
    expect(report.error?.code).toBe('shape.tooLarge');
    const params = report.error?.params as { bytes: number; budget: number; batchSize: number; backend: string };
    expect(params.budget).toBe(2 * GiB);
    expect(params.batchSize).toBe(32);
    expect(params.backend).toBe('wasm');
    expect(params.bytes).toBe(estimate(wideLenet(100_000), 32).total);
    // The layers' shapes are still reported, so the editor can show them.
    expect(report.layers).toHaveLength(wideLenet(100_000).length);
  });

  it('passes models that fit, and checks memory only when asked', () => {
    for (const id of ['classicMlp', 'lenet', 'fashionCnn'] as const) {
      expect(checkModelFits(layersOf(id), MNIST, 'sparseCategoricalCrossentropy', setup('wasm')).error).toBeUndefined();
      expect(checkModelFits(layersOf(id), MNIST, 'sparseCategoricalCrossentropy', setup(null)).error).toBeUndefined();
    }
    expect(checkModelFits(wideLenet(100_000), MNIST, 'sparseCategoricalCrossentropy').error).toBeUndefined();
  });

  it('the same estimate decides at another batch size: a wide model fits at batch 1 and not at 512', () => {
    const layers = wideLenet(2_000);
    expect(checkModelFits(layers, MNIST, undefined, { batchSize: 1, backend: 'wasm' }).error).toBeUndefined();
    expect(checkModelFits(layers, MNIST, undefined, { batchSize: 512, backend: 'wasm' }).error?.code).toBe('shape.tooLarge');
  });

  it('the largest batch that fits: its estimate is within the budget, one more example is not', () => {
    for (const [layers, backend] of [
      [wideLenet(200), 'wasm'],
      [layersOf('fashionCnn'), 'wasm'],
      [layersOf('fashionCnn'), 'webgl'],
    ] as const) {
      const batch = largestFittingBatch(layers, MNIST.inputShape, backend);
      expect(batch).toBeGreaterThan(0);
      expect(estimate(layers, batch).total).toBeLessThanOrEqual(memoryBudget(backend));
      expect(estimate(layers, batch + 1).total).toBeGreaterThan(memoryBudget(backend));
    }
    // Not even one example of a model whose parameters alone pass the budget.
    expect(largestFittingBatch([{ type: 'flatten' }, { type: 'dense', units: 100_000, activation: 'relu' }, { type: 'dense', units: 10, activation: 'softmax' }], MNIST.inputShape, 'cpu')).toBe(0);
  });

  it('the engine refuses the same way before building: EngineError shape.tooLarge', () => {
    expect(() => assertFitsMemory(layersOf('classicMlp'), MNIST.inputShape, setup('wasm'))).not.toThrow();
    let thrown: unknown;
    try {
      assertFitsMemory(wideLenet(100_000), MNIST.inputShape, setup('wasm'));
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(EngineError);
    expect((thrown as EngineError).code).toBe('shape.tooLarge');
    expect((thrown as EngineError<'shape.tooLarge'>).params.bytes).toBeGreaterThan(2 * GiB);
  });
});
