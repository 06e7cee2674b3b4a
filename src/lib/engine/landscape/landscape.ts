import * as tf from '../tf';
import type { Domain } from '../lab/surfaces';
import type { LossName } from '../train/losses';
import { nextMacrotask } from '../train/yield';
import { firstDenseEvaluator, naiveEvaluator } from './evaluators';
import { splitToTensors, type WeightLayout } from './weights';

/** A 2-D slice of the loss around θ*: L(θ* + α·d₁ + β·d₂) on a grid of (α, β). */
export interface LossSlice {
  size: number;
  domain: Domain;
  /** Float32 losses, `size × size`, row 0 at the top (largest β). */
  losses: Float32Array;
}

export interface SliceInputs {
  model: tf.LayersModel;
  layout: WeightLayout;
  center: Float32Array;
  d1: Float32Array;
  d2: Float32Array;
  /** Use the whole-model evaluation even where the first-layer shortcut applies (for tests). */
  naive?: boolean;
  /** Inputs and targets of the fixed data subset (the caller owns and disposes them). */
  x: tf.Tensor;
  y: tf.Tensor1D;
  lossName: LossName;
  size: number;
  domain: Domain;
}

/** How long the loop may run before it lets other messages (cancel) in, ms. */
const YIELD_MS = 15;

/**
 * Evaluates the loss on the subset at every grid point, moving the model's weights there and back.
 * The model is left exactly at `center` when this returns, throws or is cancelled (`shouldStop`
 * true: returns null). `onProgress` gets the fraction done after each row.
 */
export async function computeSlice(inputs: SliceInputs, onProgress: (fraction: number) => void, shouldStop: () => boolean): Promise<LossSlice | null> {
  const { model, layout, size, domain } = inputs;
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const [c, u, v] = [inputs.center, inputs.d1, inputs.d2].map((flat) => splitToTensors(flat, layout));
  const losses = new Float32Array(size * size);
  let lastYield = performance.now();
  const evalInputs = { model, vars, center: c, d1: u, d2: v, x: inputs.x, y: inputs.y, lossName: inputs.lossName };
  const evaluator = (!inputs.naive && firstDenseEvaluator(evalInputs)) || naiveEvaluator(evalInputs);
  try {
    for (let j = 0; j < size; j++) {
      const beta = domain.yMax - (j / (size - 1)) * (domain.yMax - domain.yMin);
      const row: tf.Scalar[] = [];
      try {
        for (let i = 0; i < size; i++) {
          const alpha = domain.xMin + (i / (size - 1)) * (domain.xMax - domain.xMin);
          row.push(evaluator.lossAt(alpha, beta));
          if (performance.now() - lastYield > YIELD_MS) {
            await nextMacrotask();
            lastYield = performance.now();
            if (shouldStop()) return null;
          }
        }
        const stacked = tf.stack(row);
        losses.set((await stacked.data()) as Float32Array, j * size);
        stacked.dispose();
      } finally {
        tf.dispose(row);
      }
      onProgress((j + 1) / size);
      if (shouldStop()) return null;
    }
    return { size, domain, losses };
  } finally {
    evaluator.dispose();
    tf.tidy(() => vars.forEach((w, k) => w.assign(c[k])));
    tf.dispose([...c, ...u, ...v]);
  }
}
