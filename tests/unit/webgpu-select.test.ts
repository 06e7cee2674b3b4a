import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { denseTrainingForward } from '../../src/lib/engine/kernels/dense';
import { ourDispatchCount, webgpuBackend } from '../../src/lib/engine/kernels/webgpu/device';
import { adamClass, bucket, denseClass, forceWebGPUChoice, setWebGPUChoice, webgpuChoice, webgpuChoices } from '../../src/lib/engine/kernels/webgpu/select';
import { FusedAdamOptimizer } from '../../src/lib/engine/train/fused-adam';

// The WebGPU kernels themselves run only in a browser (tests/e2e/webgpu-kernels.spec.ts); here: which one is chosen.
describe('WebGPU kernel selection', () => {
  it('runs TF.js’s kernels for a class never timed, ours only where timing chose it, and a forced choice over both', () => {
    const dense = denseClass(100, 784, 128, 'relu', false);
    expect(dense).toBe('dense:128x784x128:relu:nodh');
    expect(denseClass(65, 784, 128, 'relu', false)).toBe(dense);
    expect(adamClass(100_352)).toBe('adam:131072');
    expect([bucket(0), bucket(1), bucket(3), bucket(64)]).toEqual([1, 1, 4, 64]);
    expect(webgpuChoice(dense)).toBe('tfjs');
    setWebGPUChoice(dense, 'ours');
    setWebGPUChoice(adamClass(10), 'tfjs');
    expect(webgpuChoice(dense)).toBe('ours');
    expect(webgpuChoice(adamClass(10))).toBe('tfjs');
    forceWebGPUChoice('tfjs');
    expect(webgpuChoice(dense)).toBe('tfjs');
    forceWebGPUChoice(null);
    expect(webgpuChoices()).toEqual({ [dense]: 'ours', 'adam:16': 'tfjs' });
  });

  it('leaves the CPU backend’s paths alone even where ours was chosen', async () => {
    await tf.setBackend('cpu');
    expect(webgpuBackend()).toBeNull();
    forceWebGPUChoice('ours');
    try {
      const before = ourDispatchCount();
      const w = tf.variable(tf.ones([3, 2]));
      const y = tf.tidy(() => denseTrainingForward(tf.ones([4, 3]), w as unknown as tf.Tensor2D, null, 'relu', false));
      expect(Array.from(await y.data())).toEqual(new Array(8).fill(3));
      const opt = new FusedAdamOptimizer(0.1, 0.9, 0.999, 1e-7);
      const g = tf.ones([3, 2]);
      opt.applyGradients([{ name: w.name, tensor: g }]);
      expect(opt.path).toBe('js');
      expect(ourDispatchCount()).toBe(before);
      tf.dispose([w, y, g]);
      opt.dispose();
    } finally {
      forceWebGPUChoice(null);
    }
  });
});

describe('the shape classes a run times before it starts on WebGPU', () => {
  it('lists each Dense layer fed a matrix (relu fused, else linear; the first one needs no input gradient) and the Adam variable sizes', async () => {
    const { buildModel } = await import('../../src/lib/engine/models/build');
    const { classicMlp } = await import('../../src/lib/engine/models/spec');
    const { kernelShapesOf, timeModelKernels } = await import('../../src/lib/engine/kernels/webgpu/timing');
    await tf.setBackend('cpu');
    const model = buildModel(classicMlp(10), [28, 28, 1], 1);
    try {
      const shapes = kernelShapesOf(model, 32);
      expect(shapes.dense).toEqual([
        { batch: 32, inputs: 784, units: 128, activation: 'relu', hNeedsGrad: false },
        { batch: 32, inputs: 128, units: 10, activation: 'linear', hNeedsGrad: true },
      ]);
      expect(shapes.adamSizes.sort((a, b) => a - b)).toEqual([10, 128, 1280, 100_352]);
      // Off WebGPU nothing is timed and nothing is chosen.
      const before = webgpuChoices();
      expect(await timeModelKernels(model, 32, 'adam')).toEqual([]);
      expect(webgpuChoices()).toEqual(before);
    } finally {
      model.dispose();
    }
  });
});
