import * as tf from '../../tf';
import { FusedAdamOptimizer } from '../../train/fused-adam';
import { trainingForward } from '../../train/forward';
import { sparseCategoricalCrossentropy } from '../../train/losses';
import { denseTrainingForward } from '../dense';
import { ourDispatchCount } from './device';
import { forceWebGPUChoice } from './select';
import { timeWebGPUKernels, type DenseShape, type TimingRow } from './timing';

/**
 * Our WebGPU kernels checked against TF.js's CPU backend, in the worker (tests/e2e/webgpu-kernels.spec.ts; the
 * WebGPU backend exists only in a browser). Run with the WebGPU backend active; it switches to the CPU backend
 * for the references and back. Errors are relative to the reference's largest magnitude: max|ours − ref| / max|ref|.
 */
export interface WebGPUCheckReport {
  adapter: string;
  /** relFallbackVsCpu: FusedAdamOptimizer on WebGPU with TF.js's kernels chosen (its fallback). */
  adam: { steps: number; relVsCpu: number; relFallbackVsCpu: number; unequalVsTfjsWebgpu: number; maxAbsVsTfjsWebgpu: number; elements: number };
  dense: { shape: string; relForward: number; relGrads: number; relTfjsForward: number; relTfjsGrads: number }[];
  curve: { ours: number[]; cpu: number[]; maxRel: number };
  tensors: { before: number; after: number; afterFirstStep: number; afterLastStep: number; stages: Record<string, number> };
  /** Dispatches of our WGSL programs during the check (0 would mean our kernels never ran); `tfjs`: while TF.js's were chosen (must be 0). */
  ourDispatches: { adam: number; dense: number; curve: number; tfjs: number };
}

/** Deterministic values in [-1, 1) (a 32-bit LCG), the same on every backend. */
function values(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 31 - 1) * scale;
  }
  return out;
}

function relError(ours: ArrayLike<number>, ref: ArrayLike<number>): number {
  let diff = 0;
  let mag = 0;
  for (let i = 0; i < ref.length; i++) {
    diff = Math.max(diff, Math.abs(ours[i] - ref[i]));
    mag = Math.max(mag, Math.abs(ref[i]));
  }
  return ours.length !== ref.length ? Infinity : diff / Math.max(mag, 1e-30);
}

async function onBackend<T>(name: string, work: () => Promise<T>): Promise<T> {
  const previous = tf.getBackend();
  await tf.setBackend(name);
  try {
    return await work();
  } finally {
    await tf.setBackend(previous);
  }
}

const ADAM_SHAPES = [[7, 13], [13], [1], [129, 3]];
const ADAM_STEPS = 25;

/** Weights after `ADAM_STEPS` steps of `make()` from fixed weights and gradients; flattened per variable. */
async function adamRun(make: () => tf.Optimizer): Promise<Float32Array[]> {
  const vars = ADAM_SHAPES.map((shape, i) => tf.tidy(() => tf.variable(tf.tensor(values(tf.util.sizeFromShape(shape), 11 + i), shape))));
  const opt = make();
  try {
    for (let step = 0; step < ADAM_STEPS; step++) {
      const grads = vars.map((v, i) => ({ name: v.name, tensor: tf.tensor(values(v.size, 1000 * step + i + 1, step % 5 === 4 ? 3 : 0.1), v.shape) }));
      opt.applyGradients(grads);
      tf.dispose(grads.map((g) => g.tensor));
    }
    return await Promise.all(vars.map(async (v) => (await v.data()) as Float32Array));
  } finally {
    opt.dispose();
    tf.dispose(vars);
  }
}

const DENSE_SHAPES: DenseShape[] = [
  { batch: 1, inputs: 7, units: 5, activation: 'relu', hNeedsGrad: true },
  { batch: 13, inputs: 31, units: 17, activation: 'relu', hNeedsGrad: true },
  { batch: 3, inputs: 1, units: 1, activation: 'linear', hNeedsGrad: false },
  { batch: 37, inputs: 64, units: 29, activation: 'linear', hNeedsGrad: true },
  { batch: 64, inputs: 97, units: 33, activation: 'relu', hNeedsGrad: false },
  { batch: 1, inputs: 50, units: 10, activation: 'relu', hNeedsGrad: true },
];

/** y and the gradients (dh when asked, dW, db) of one Dense layer, for the upstream gradient dy; `plain`: TF.js's ops as a model would run them. */
async function denseRun(s: DenseShape, plain: boolean): Promise<{ y: Float32Array; grads: Float32Array[] }> {
  const h = tf.tensor2d(values(s.batch * s.inputs, 3), [s.batch, s.inputs]);
  const w = tf.tensor2d(values(s.inputs * s.units, 5, 0.5), [s.inputs, s.units]);
  const b = tf.tensor1d(values(s.units, 7, 0.3));
  const dy = tf.tensor2d(values(s.batch * s.units, 9), [s.batch, s.units]);
  const forward = (hh: tf.Tensor2D, ww: tf.Tensor2D, bb: tf.Tensor1D): tf.Tensor2D => {
    if (!plain) return denseTrainingForward(hh, ww, bb, s.activation, s.hNeedsGrad);
    const z: tf.Tensor2D = tf.add(tf.matMul(hh, ww), bb);
    return s.activation === 'relu' ? tf.relu(z) : z;
  };
  try {
    const y = tf.tidy(() => forward(h, w, b));
    const grads = tf.tidy(() => (s.hNeedsGrad ? tf.grads((hh, ww, bb) => forward(hh as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D))([h, w, b], dy) : tf.grads((ww, bb) => forward(h, ww as tf.Tensor2D, bb as tf.Tensor1D))([w, b], dy)));
    const out = { y: (await y.data()) as Float32Array, grads: (await Promise.all(grads.map((g) => g.data()))) as Float32Array[] };
    tf.dispose([y, ...grads]);
    return out;
  } finally {
    tf.dispose([h, w, b, dy]);
  }
}

const CURVE_STEPS = 12;

/** Loss per step of a small MLP (12 → 19 relu → 9 relu → 4 softmax), batch 23, Adam 0.01, from fixed weights; our training path or `model.apply` with tf.train.adam. */
async function curveRun(ours: boolean, counts?: { afterFirstStep: number; afterLastStep: number }): Promise<number[]> {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [12], units: 19, activation: 'relu' }),
      tf.layers.dense({ units: 9, activation: 'relu' }),
      tf.layers.dense({ units: 4, activation: 'softmax' }),
    ],
  });
  const weights = model.getWeights().map((t, i) => tf.tensor(values(t.size, 100 + i, 0.6), t.shape));
  model.setWeights(weights);
  tf.dispose(weights);
  const x = tf.tensor2d(values(23 * 12, 77, 2), [23, 12]);
  const labels = tf.tensor1d(Array.from({ length: 23 }, (_, i) => (i * 7) % 4), 'int32');
  const opt = ours ? new FusedAdamOptimizer(0.01, 0.9, 0.999, 1e-7) : tf.train.adam(0.01, 0.9, 0.999, 1e-7);
  const losses: number[] = [];
  try {
    for (let step = 0; step < CURVE_STEPS; step++) {
      const loss = opt.minimize(() => sparseCategoricalCrossentropy(ours ? trainingForward(model, x) : (model.apply(x, { training: true }) as tf.Tensor), labels), true)!;
      losses.push((await loss.data())[0]);
      loss.dispose();
      if (counts && step === 0) counts.afterFirstStep = tf.memory().numTensors;
      if (counts && step === CURVE_STEPS - 1) counts.afterLastStep = tf.memory().numTensors;
    }
    return losses;
  } finally {
    opt.dispose();
    model.dispose();
    tf.dispose([x, labels]);
  }
}

/** The whole check (about 20 s on SwiftShader). Requires the WebGPU backend to be active. */
export async function checkWebGPUKernels(): Promise<WebGPUCheckReport> {
  if (tf.getBackend() !== 'webgpu') throw new Error(`checkWebGPUKernels: the active backend is ${tf.getBackend()}, not webgpu`);
  const info = (tf.backend() as unknown as { adapterInfo?: { vendor?: string; architecture?: string } }).adapterInfo;
  const before = tf.memory().numTensors;
  const counts = { afterFirstStep: 0, afterLastStep: 0 };
  forceWebGPUChoice('ours');
  try {
    const stages: Record<string, number> = {};
    const dispatches = { adam: 0, dense: 0, curve: 0, tfjs: 0 };
    let mark = ourDispatchCount();
    const counted = (part: keyof typeof dispatches) => {
      dispatches[part] += ourDispatchCount() - mark;
      mark = ourDispatchCount();
      stages[part] = tf.memory().numTensors;
    };
    const adamOurs = await adamRun(() => new FusedAdamOptimizer(0.01, 0.9, 0.999, 1e-7));
    counted('adam');
    const adamTfjs = await adamRun(() => tf.train.adam(0.01, 0.9, 0.999, 1e-7));
    stages.adamTfjs = tf.memory().numTensors;
    forceWebGPUChoice('tfjs');
    const adamFusedTfjs = await adamRun(() => new FusedAdamOptimizer(0.01, 0.9, 0.999, 1e-7));
    counted('tfjs');
    forceWebGPUChoice('ours');
    const adamCpu = await onBackend('cpu', () => adamRun(() => tf.train.adam(0.01, 0.9, 0.999, 1e-7)));
    stages.adamCpu = tf.memory().numTensors;
    mark = ourDispatchCount();
    let unequal = 0;
    let maxAbs = 0;
    let elements = 0;
    adamOurs.forEach((a, i) => a.forEach((x, k) => ((unequal += x === adamTfjs[i][k] ? 0 : 1), (maxAbs = Math.max(maxAbs, Math.abs(x - adamTfjs[i][k]))), elements++)));
    const adam = { steps: ADAM_STEPS, relVsCpu: Math.max(...adamOurs.map((a, i) => relError(a, adamCpu[i]))), relFallbackVsCpu: Math.max(...adamFusedTfjs.map((a, i) => relError(a, adamCpu[i]))), unequalVsTfjsWebgpu: unequal, maxAbsVsTfjsWebgpu: maxAbs, elements };

    const dense: WebGPUCheckReport['dense'] = [];
    for (const s of DENSE_SHAPES) {
      const ours = await denseRun(s, false);
      counted('dense');
      forceWebGPUChoice('tfjs');
      const tfjs = await denseRun(s, false);
      counted('tfjs');
      forceWebGPUChoice('ours');
      const cpu = await onBackend('cpu', () => denseRun(s, true));
      const grads = (r: { grads: Float32Array[] }) => Math.max(...r.grads.map((g, i) => relError(g, cpu.grads[i])));
      dense.push({ shape: `${s.batch}x${s.inputs}→${s.units} ${s.activation}${s.hNeedsGrad ? ' +dh' : ''}`, relForward: relError(ours.y, cpu.y), relGrads: grads(ours), relTfjsForward: relError(tfjs.y, cpu.y), relTfjsGrads: grads(tfjs) });
    }

    const oursCurve = await curveRun(true, counts);
    counted('curve');
    const cpuCurve = await onBackend('cpu', () => curveRun(false));
    stages.curveCpu = tf.memory().numTensors;
    const curve = { ours: oursCurve, cpu: cpuCurve, maxRel: Math.max(...oursCurve.map((l, i) => Math.abs(l - cpuCurve[i]) / Math.abs(cpuCurve[i]))) };
    return { adapter: `${info?.vendor ?? '?'} ${info?.architecture ?? '?'}`, adam, dense, curve, tensors: { before, after: tf.memory().numTensors, ...counts, stages }, ourDispatches: dispatches };
  } finally {
    forceWebGPUChoice(null);
  }
}

/** The shape classes the bench times: the classic MLP's layers (784→128→10) at batch 32 and 128, odd small layers, and Adam sizes. */
export const BENCH_SHAPES: { dense: DenseShape[]; adamSizes: number[] } = {
  dense: [
    { batch: 32, inputs: 784, units: 128, activation: 'relu', hNeedsGrad: false },
    { batch: 32, inputs: 128, units: 10, activation: 'linear', hNeedsGrad: true },
    { batch: 128, inputs: 784, units: 128, activation: 'relu', hNeedsGrad: false },
    { batch: 128, inputs: 128, units: 10, activation: 'linear', hNeedsGrad: true },
    { batch: 16, inputs: 2, units: 64, activation: 'relu', hNeedsGrad: false },
    { batch: 16, inputs: 64, units: 64, activation: 'relu', hNeedsGrad: true },
  ],
  adamSizes: [10, 128, 1280, 100_352],
};

export { forceWebGPUChoice, timeWebGPUKernels, type TimingRow };
export { webgpuChoices } from './select';
