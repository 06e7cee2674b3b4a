import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAllocationFailure, rebuildBackend } from '../../src/lib/engine/backend-recovery';
import type { Dataset } from '../../src/lib/engine/data/dataset';
import { EngineError } from '../../src/lib/engine/errors';
import { registerConv2dBackpropFilter } from '../../src/lib/engine/kernels/conv2d-backprop-filter';
import { buildModel } from '../../src/lib/engine/models/build';
import { makePreset } from '../../src/lib/engine/models/presets';
import type { ModelSpec } from '../../src/lib/engine/models/spec';
import { breakBackendForTest } from '../../src/lib/engine/testing/hooks';
import { FusedAdamOptimizer } from '../../src/lib/engine/train/fused-adam';
import { createOptimizer } from '../../src/lib/engine/train/optimizers';
import { StepRunner } from '../../src/lib/engine/train/step';
import { BatchSource } from '../../src/lib/engine/tune/batches';
import { loadMnist, slice } from './helpers';

beforeAll(() => registerConv2dBackpropFilter('wasm'));
afterAll(() => tf.setBackend('cpu'));

describe('isAllocationFailure', () => {
  it('recognises failed allocations and broken backends as they surface', () => {
    const failures: unknown[] = [
      new WebAssembly.RuntimeError('memory access out of bounds'),
      new WebAssembly.RuntimeError('table index is out of bounds'),
      new RangeError('Array buffer allocation failed'),
      new RangeError('Invalid typed array length: 4800000000'),
      new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded'),
      new WebAssembly.RuntimeError('Aborted(OOM). Build with -sASSERTIONS for more info.'),
      new Error('Out of memory'),
      new Error('WebGL context lost.'),
      new Error('GPUDevice was lost: destroyed'),
      { name: 'GPUOutOfMemoryError', message: '' },
      new EngineError('engine.failed', { detail: 'memory access out of bounds' }),
      new Error('The run failed', { cause: new RangeError('Array buffer allocation failed') }),
    ];
    for (const err of failures) expect(isAllocationFailure(err), String((err as Error).message)).toBe(true);
  });

  it('does not take other errors for one', () => {
    const others: unknown[] = [
      new Error("Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'"),
      new EngineError('session.busy', { job: 'training' }),
      new TypeError("Cannot read properties of undefined (reading 'shape')"),
      new Error('Zoom level out of range'),
      'stopped',
      null,
    ];
    for (const err of others) expect(isAllocationFailure(err), String(err)).toBe(false);
  });
});

/** A few Adam steps of `spec` from seed 7 on the active backend: the losses, and the optimizer's path. */
async function train(spec: ModelSpec, data: Dataset, steps: number): Promise<{ losses: number[]; path: string | null }> {
  const model = buildModel(spec, data.inputShape, 7);
  const optimizer = createOptimizer('adam', 0.003) as FusedAdamOptimizer;
  const stepper = new StepRunner(model, data, 'sparseCategoricalCrossentropy');
  const source = new BatchSource(data, Uint32Array.from({ length: data.train.count }, (_, i) => i), 32, 5);
  const losses: number[] = [];
  try {
    for (let i = 0; i < steps; i++) {
      source.next(32);
      const scalars = stepper.step(optimizer, source.x, source.y, 32);
      losses.push((await scalars[0].data())[0]);
      tf.dispose(scalars);
    }
    return { losses, path: optimizer.path };
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('rebuildBackend on WASM', () => {
  it('brings back a heap broken by an oversized tensor: the classic MLP and LeNet train again, fused Adam on the new heap', async () => {
    const data = slice(await loadMnist(), 1024, 10);
    const mlp = makePreset('classicMlp', data, 'mlp');
    const lenet = makePreset('lenet', data, 'lenet');
    await tf.setBackend('wasm');
    const healthy = await train(mlp, data, 12);

    // A model whose weights live on the heap when it breaks, as the session's would.
    const held = buildModel(mlp, data.inputShape, 1);
    const before = tf.memory().numTensors;
    const broken = await breakBackendForTest().catch((err: unknown) => err);
    expect((broken as Error).message).toMatch(/out of bounds/);
    expect(isAllocationFailure(broken)).toBe(true);
    // Broken for good: the classic MLP cannot train any more (nor would any model, until the backend is rebuilt).
    const failed = await train(mlp, data, 3).then(
      () => null,
      (err: unknown) => err,
    );
    expect(failed, 'training on the broken heap').not.toBeNull();
    expect(isAllocationFailure(failed)).toBe(true);

    await rebuildBackend('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.findBackendFactory('wasm')).not.toBeNull();
    // The weights of the broken heap are let go of without touching it.
    held.dispose();
    expect(tf.memory().numTensors).toBe(before - held.weights.length);

    const again = await train(mlp, data, 12);
    expect(again.path).toBe('wasm');
    // Same seed, same steps: the fresh backend computes exactly what a healthy one did.
    expect(again.losses).toEqual(healthy.losses);
    expect(mean(again.losses.slice(-4))).toBeLessThan(mean(again.losses.slice(0, 4)));

    // The conv filter gradient (our kernel) works on the new instance too.
    const cnn = await train(lenet, data, 12);
    expect(cnn.path).toBe('wasm');
    expect(cnn.losses.every(Number.isFinite)).toBe(true);
    expect(mean(cnn.losses.slice(-4))).toBeLessThan(mean(cnn.losses.slice(0, 4)));
  });

  it('recovers again after a second failure', async () => {
    const data = slice(await loadMnist(), 512, 10);
    await tf.setBackend('wasm');
    for (let i = 0; i < 2; i++) {
      await expect(breakBackendForTest()).rejects.toThrow(/out of bounds/);
      await rebuildBackend('wasm');
    }
    const run = await train(makePreset('classicMlp', data, 'mlp'), data, 10);
    expect(mean(run.losses.slice(-3))).toBeLessThan(mean(run.losses.slice(0, 3)));
  });
});
