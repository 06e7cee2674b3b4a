import * as tf from '../../tf';
import { FusedAdamOptimizer } from '../../train/fused-adam';
import { denseTrainingForward } from '../dense';
import { adamClass, bucket, denseClass, forceWebGPUChoice, setWebGPUChoice, webgpuChoices, type KernelChoice } from './select';

/** A Dense layer's training pass to time: [batch, inputs] → [batch, units]. */
export interface DenseShape {
  batch: number;
  inputs: number;
  units: number;
  activation: 'relu' | 'linear';
  hNeedsGrad: boolean;
}

export interface TimingRow {
  shapeClass: string;
  /** Milliseconds per call, best round: ours, TF.js's, and (Dense only) the transposes materialised first. */
  oursMs: number;
  tfjsMs: number;
  explicitMs?: number;
  choice: KernelChoice;
}

/** One round: `reps` calls of `run` (each call's tensors disposed), the GPU queue drained at the end; ms per call. */
async function round(run: () => tf.Tensor[], reps: number): Promise<number> {
  const t0 = performance.now();
  let last: tf.Tensor[] = [];
  for (let i = 0; i < reps; i++) {
    tf.dispose(last);
    last = run();
  }
  await Promise.all(last.map((t) => t.data()));
  tf.dispose(last);
  return (performance.now() - t0) / reps;
}

/**
 * Best round of each contender, rounds alternating between them (so a busy moment of the machine falls on all
 * of them alike). Each is run once first, untimed: its pipelines compile then.
 */
async function timeAll(contenders: (() => tf.Tensor[])[], reps: number, rounds: number): Promise<number[]> {
  for (const run of contenders) await round(run, 1);
  const best = contenders.map(() => Infinity);
  for (let r = 0; r < rounds; r++) {
    for (let c = 0; c < contenders.length; c++) best[c] = Math.min(best[c], await round(contenders[c], reps));
  }
  return best;
}

/** Ours only when at least 5% faster: a near tie (within the rounds' noise) keeps TF.js's, the default. */
const faster = (oursMs: number, tfjsMs: number): KernelChoice => (oursMs < 0.95 * tfjsMs ? 'ours' : 'tfjs');

/** forward.ts's path before WebGPU kernels: matmuls with the transposes materialised, bias and relu apart. */
function explicitDense(h: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, relu: boolean): tf.Tensor2D {
  const mm = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [hh, ww, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    save([hh, ww]);
    return {
      value: tf.matMul(hh, ww),
      gradFunc: (dy: tf.Tensor, [hs, ws]: tf.Tensor[]) => [tf.matMul(dy as tf.Tensor2D, tf.transpose(ws as tf.Tensor2D)), tf.matMul(tf.transpose(hs as tf.Tensor2D), dy as tf.Tensor2D)],
    };
  });
  const z: tf.Tensor2D = tf.add(mm(h, w) as tf.Tensor2D, b);
  return relu ? tf.relu(z) : z;
}

/**
 * Times our WebGPU kernels against TF.js's on the active WebGPU backend, per shape class, and records the faster
 * one for each (kernels/webgpu/select.ts). A Dense class is timed as one forward and backward of the layer, an
 * Adam class as one step of a variable of that size. Returns what was measured.
 */
export async function timeWebGPUKernels(options: { dense?: DenseShape[]; adamSizes?: number[]; reps?: number; rounds?: number; explicit?: boolean }): Promise<TimingRow[]> {
  if (tf.getBackend() !== 'webgpu') throw new Error('timeWebGPUKernels: the WebGPU backend is not active');
  const reps = options.reps ?? 5;
  const rounds = options.rounds ?? 5;
  const rows: TimingRow[] = [];
  try {
    for (const s of options.dense ?? []) {
      const [h, w, b, dy] = tf.tidy(() => [tf.randomNormal([s.batch, s.inputs]), tf.randomNormal([s.inputs, s.units], 0, 0.1), tf.randomNormal([s.units]), tf.randomNormal([s.batch, s.units])]) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D];
      const grads = (f: (h: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor) => () =>
        tf.tidy(() => (s.hNeedsGrad ? tf.grads((hh, ww, bb) => f(hh as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D))([h, w, b], dy) : tf.grads((ww, bb) => f(h, ww as tf.Tensor2D, bb as tf.Tensor1D))([w, b], dy)));
      const fused = grads((hh, ww, bb) => denseTrainingForward(hh, ww, bb, s.activation, s.hNeedsGrad));
      const as = (choice: KernelChoice) => () => {
        forceWebGPUChoice(choice);
        return fused();
      };
      const contenders = [as('ours'), as('tfjs')];
      if (options.explicit) contenders.push(grads((hh, ww, bb) => explicitDense(hh, ww, bb, s.activation === 'relu')));
      const [oursMs, tfjsMs, explicitMs] = await timeAll(contenders, reps, rounds);
      forceWebGPUChoice(null);
      const shapeClass = denseClass(s.batch, s.inputs, s.units, s.activation, s.hNeedsGrad);
      const choice = faster(oursMs, tfjsMs);
      setWebGPUChoice(shapeClass, choice);
      rows.push({ shapeClass, oursMs, tfjsMs, ...(explicitMs !== undefined ? { explicitMs } : {}), choice });
      tf.dispose([h, w, b, dy]);
    }
    for (const n of options.adamSizes ?? []) {
      const w = tf.tidy(() => tf.variable(tf.randomNormal([n])));
      const g = tf.randomNormal([n], 0, 0.01);
      // Each contender has its own optimizer (the choice is made per step); a clone of the weights is waited on
      // (it shares their buffer; a step writes new weights, never in place).
      const optimizers = [0, 1].map(() => new FusedAdamOptimizer(0.001, 0.9, 0.999, 1e-7));
      const as = (choice: KernelChoice, opt: FusedAdamOptimizer) => () => {
        forceWebGPUChoice(choice);
        opt.applyGradients([{ name: w.name, tensor: g }]);
        return [tf.clone(w)];
      };
      let oursMs: number;
      let tfjsMs: number;
      try {
        [oursMs, tfjsMs] = await timeAll([as('ours', optimizers[0]), as('tfjs', optimizers[1])], reps, rounds);
      } finally {
        forceWebGPUChoice(null);
        optimizers.forEach((o) => o.dispose());
      }
      const shapeClass = adamClass(n);
      const choice = faster(oursMs, tfjsMs);
      setWebGPUChoice(shapeClass, choice);
      rows.push({ shapeClass, oursMs, tfjsMs, choice });
      tf.dispose([w, g]);
    }
  } finally {
    forceWebGPUChoice(null);
  }
  return rows;
}

/**
 * The Dense training passes and Adam updates a Sequential model's training step runs (train/forward.ts's path):
 * each Dense layer fed a matrix, with its activation fused when relu (else linear), and whether it needs the
 * gradient of its input (every layer but the first that computes); one Adam update per trainable variable.
 */
export function kernelShapesOf(model: tf.LayersModel, batch: number): { dense: DenseShape[]; adamSizes: number[] } {
  const dense: DenseShape[] = [];
  let first = true;
  for (const layer of model.layers) {
    const kind = layer.getClassName();
    if (kind === 'Flatten') continue;
    const input = (layer.input as tf.SymbolicTensor).shape;
    if (kind === 'Dense' && Array.isArray(input) && input.length === 2) {
      const [inputs, units] = (layer.getWeights()[0]?.shape ?? []) as number[];
      const activation = (layer as unknown as { activation: { getClassName(): string } }).activation.getClassName() === 'relu' ? 'relu' : 'linear';
      if (inputs && units) dense.push({ batch, inputs, units, activation, hNeedsGrad: !first });
    }
    first = false;
  }
  const adamSizes = [...new Set(model.trainableWeights.map((w) => w.shape.reduce<number>((a, b) => a * (b ?? 1), 1)))];
  return { dense, adamSizes };
}

/**
 * Before a run on WebGPU: times, once per shape class, the classes of this model's step that were never timed on
 * this adapter, so each kernel runs where it was measured faster (the selection's only source; select.ts).
 * A few short rounds: milliseconds on a real GPU, about a second for the classic MLP on a software adapter.
 */
export async function timeModelKernels(model: tf.LayersModel, batch: number, optimizer: string): Promise<TimingRow[]> {
  if (tf.getBackend() !== 'webgpu') return [];
  const timed = webgpuChoices();
  const shapes = kernelShapesOf(model, batch);
  const dense = shapes.dense.filter((s) => !(denseClass(s.batch, s.inputs, s.units, s.activation, s.hNeedsGrad) in timed));
  const adamSizes = optimizer === 'adam' ? [...new Set(shapes.adamSizes.map(bucket))].filter((n) => !(adamClass(n) in timed)) : [];
  if (dense.length === 0 && adamSizes.length === 0) return [];
  return timeWebGPUKernels({ dense, adamSizes, reps: 3, rounds: 3 });
}
