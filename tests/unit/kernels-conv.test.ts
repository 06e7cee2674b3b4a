import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownMatMulActive } from '../../src/lib/engine/kernels/matmul';
import { convCalls, setOwnConv } from '../../src/lib/engine/kernels/conv';

beforeAll(async () => {
  await tf.setBackend('wasm');
  expect(ownMatMulActive()).toBe(true); // registers our matmul and convolution kernels
});
afterAll(() => tf.setBackend('cpu'));

type Shape4 = [number, number, number, number];

/** max |x − ref| / max |ref|. */
function relativeError(x: ArrayLike<number>, ref: ArrayLike<number>): number {
  let worst = 0;
  let scale = 1e-30;
  for (let i = 0; i < ref.length; i++) {
    worst = Math.max(worst, Math.abs(x[i] - ref[i]));
    scale = Math.max(scale, Math.abs(ref[i]));
  }
  return worst / scale;
}

/** Output, input gradient and filter gradient of Σ (conv2d(x, w) · r) on `backend`, from seeded inputs. */
async function convAll(backend: string, xs: Shape4, ws: Shape4, stride: number, pad: 'same' | 'valid', fusedRelu: boolean): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const out = tf.tidy(() => {
    const x = tf.randomNormal(xs, 0, 1, 'float32', 1) as tf.Tensor4D;
    const w = tf.randomNormal(ws, 0, 1, 'float32', 2) as tf.Tensor4D;
    const y = tf.conv2d(x, w, stride, pad);
    const r = tf.randomNormal(y.shape, 0, 1, 'float32', 3);
    const [dx, dw] = tf.grads((a, b) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad), r)))([x, w]);
    const bias = tf.randomNormal([ws[3]], 0, 1, 'float32', 4) as tf.Tensor1D;
    const fused = tf.fused.conv2d({ x, filter: w, strides: stride, pad, bias, activation: fusedRelu ? 'relu' : 'linear' });
    return [y, dx, dw, fused];
  });
  const values = await Promise.all(out.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose(out);
  return values;
}

async function poolGrad(backend: string, xs: Shape4, size: number, stride: number, pad: 'same' | 'valid'): Promise<Float32Array> {
  await tf.setBackend(backend);
  const g = tf.tidy(() => {
    // Rounded inputs make ties, which must resolve as TF.js's CPU backend resolves them.
    const x = tf.round(tf.mul(tf.randomNormal(xs, 0, 1, 'float32', 5), 2)) as tf.Tensor4D;
    const r = tf.randomNormal(tf.maxPool(x, size, stride, pad).shape, 0, 1, 'float32', 6);
    return tf.grad((a) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, size, stride, pad), r)))(x);
  });
  const v = (await g.data()) as Float32Array;
  g.dispose();
  return v;
}

describe('our WASM convolution kernels', () => {
  it('Conv2D’s input and filter gradients equal the CPU backend (and the forward and fused forward still do)', async () => {
    const cases: [Shape4, Shape4, number, 'same' | 'valid'][] = [
      [[2, 28, 28, 1], [5, 5, 1, 6], 1, 'same'],
      [[3, 14, 14, 6], [5, 5, 6, 16], 1, 'valid'],
      [[1, 9, 7, 3], [3, 3, 3, 5], 2, 'same'],
      [[2, 10, 11, 2], [5, 5, 2, 3], 2, 'valid'],
      [[1, 8, 8, 7], [1, 1, 7, 9], 1, 'valid'],
      [[2, 5, 5, 4], [3, 3, 4, 13], 3, 'same'],
      [[1, 6, 6, 1], [2, 2, 1, 1], 1, 'same'],
    ];
    const before = { ...convCalls };
    for (const [xs, ws, stride, pad] of cases) {
      for (const relu of [false, true]) {
        const cpu = await convAll('cpu', xs, ws, stride, pad, relu);
        const ours = await convAll('wasm', xs, ws, stride, pad, relu);
        ['output', 'input gradient', 'filter gradient', 'fused'].forEach((what, i) => {
          expect(ours[i].length).toBe(cpu[i].length);
          expect(relativeError(ours[i], cpu[i]), `${what} ${xs} ${ws} ${stride} ${pad}`).toBeLessThanOrEqual(1e-5);
        });
      }
    }
    // Both gradients ran ours, never TF.js's (the forward convolution is TF.js's: see kernels/conv.ts).
    expect(convCalls.own - before.own).toBe(cases.length * 2 * 2);
    expect(convCalls.fallback).toBe(before.fallback);
  });

  it('MaxPoolGrad equals the CPU backend, ties included', async () => {
    const before = convCalls.own;
    for (const [xs, size, stride, pad] of [[[2, 28, 28, 6], 2, 2, 'valid'], [[1, 10, 10, 16], 2, 2, 'valid'], [[2, 7, 9, 5], 3, 2, 'same'], [[1, 6, 6, 1], 2, 1, 'valid']] as [Shape4, number, number, 'same' | 'valid'][]) {
      const cpu = await poolGrad('cpu', xs, size, stride, pad);
      const ours = await poolGrad('wasm', xs, size, stride, pad);
      expect(relativeError(ours, cpu), `${xs} ${size} ${stride} ${pad}`).toBeLessThanOrEqual(1e-6);
    }
    expect(convCalls.own - before).toBe(4);
  });

  it('leaks no tensors and frees its scratch', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomNormal([4, 12, 12, 3]) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 3, 4]) as tf.Tensor4D;
    const step = () => tf.dispose(tf.grads((a, b) => tf.sum(tf.maxPool(tf.relu(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same')), 2, 2, 'valid')))([x, w]));
    for (let i = 0; i < 3; i++) step();
    const tensors = tf.memory().numTensors;
    const heap = (tf.backend() as unknown as { wasm: { wasmMemory?: WebAssembly.Memory } }).wasm.wasmMemory?.buffer.byteLength;
    for (let i = 0; i < 200; i++) step();
    expect(tf.memory().numTensors).toBe(tensors);
    expect((tf.backend() as unknown as { wasm: { wasmMemory?: WebAssembly.Memory } }).wasm.wasmMemory?.buffer.byteLength).toBe(heap);
    setOwnConv(true);
    tf.dispose([x, w]);
  });
});
