import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerConv2dBackpropFilter } from '../../src/lib/engine/kernels/conv2d-backprop-filter';

beforeAll(() => registerConv2dBackpropFilter());
afterAll(() => tf.setBackend('cpu'));

/** Gradient of Σ conv2d(x, w)² with respect to w, on `backend`. */
type Shape4 = [number, number, number, number];
async function filterGrad(backend: string, xShape: Shape4, wShape: Shape4, stride: number, padding: 'same' | 'valid'): Promise<Float32Array> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const x = tf.randomNormal(xShape, 0, 1, 'float32', 1) as tf.Tensor4D;
    const w = tf.randomNormal(wShape, 0, 1, 'float32', 2) as tf.Tensor4D;
    return tf.grad((ww) => tf.sum(tf.square(tf.conv2d(x, ww as tf.Tensor4D, stride, padding))))(w);
  }).data() as Promise<Float32Array>;
}

describe('Conv2DBackpropFilter for the WASM backend', () => {
  it('equals the CPU backend’s filter gradient for valid and same padding and strides 1 to 3', async () => {
    const cases: [Shape4, Shape4, number, 'same' | 'valid'][] = [
      [[2, 9, 7, 3], [3, 3, 3, 4], 1, 'same'],
      [[2, 9, 7, 3], [3, 3, 3, 4], 2, 'same'],
      [[2, 10, 9, 2], [5, 5, 2, 3], 2, 'valid'],
      [[3, 28, 28, 1], [5, 5, 1, 6], 1, 'same'],
      [[1, 8, 8, 2], [2, 2, 2, 2], 3, 'valid'],
    ];
    for (const [xs, ws, stride, padding] of cases) {
      const cpu = await filterGrad('cpu', xs, ws, stride, padding);
      const wasm = await filterGrad('wasm', xs, ws, stride, padding);
      expect(wasm.length).toBe(cpu.length);
      const worst = Math.max(...Array.from(cpu, (v, i) => Math.abs(v - wasm[i]) / (1 + Math.abs(v))));
      expect(worst, `${xs} ${ws} stride ${stride} ${padding}`).toBeLessThan(1e-4);
    }
  });

  it('leaks no tensors', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomNormal([2, 6, 6, 1]) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 1, 2]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    tf.dispose(tf.grad((ww) => tf.sum(tf.conv2d(x, ww as tf.Tensor4D, 1, 'same')))(w));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w]);
  });
});

describe('Adam kernel (WebAssembly)', () => {
  it('the committed bytes are what adam.wat compiles to', async () => {
    // @ts-expect-error: a plain ES module script without types
    const { compileAdamKernel, kernelModuleSource } = await import('../../scripts/build-kernels.mjs');
    const committed = readFileSync(resolve(__dirname, '../../src/lib/engine/kernels/adam-wasm.ts'), 'utf8');
    expect(committed).toBe(kernelModuleSource(await compileAdamKernel()));
  });
});
