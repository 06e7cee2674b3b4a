import { EngineError } from '../errors';
import * as tf from '../tf';
import type { Split } from '../data/dataset';
import type { Domain } from '../lab/surfaces';

/** The model's class map over a square grid of the input plane, row 0 at the top (largest x₂). */
export interface DecisionGrid {
  size: number;
  domain: Domain;
  /** Predicted class per cell, `size × size`. */
  classes: Uint8Array;
  /** Probability of the predicted class per cell. */
  confidence: Float32Array;
}

/**
 * The box around the first two features of `split`, widened by `pad` of its size on each side
 * and made square (so the plot is not stretched).
 */
export function dataDomain(split: Split, features: number, pad = 0.08): Domain {
  let [xMin, xMax, yMin, yMax] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < split.count; i++) {
    const x = split.x[i * features];
    const y = split.x[i * features + 1];
    if (x < xMin) xMin = x;
    if (x > xMax) xMax = x;
    if (y < yMin) yMin = y;
    if (y > yMax) yMax = y;
  }
  if (!(xMax > xMin)) [xMin, xMax] = [xMin - 1, xMin + 1];
  if (!(yMax > yMin)) [yMin, yMax] = [yMin - 1, yMin + 1];
  const half = (Math.max(xMax - xMin, yMax - yMin) / 2) * (1 + 2 * pad);
  const cx = (xMin + xMax) / 2;
  const cy = (yMin + yMax) / 2;
  return { xMin: cx - half, xMax: cx + half, yMin: cy - half, yMax: cy + half };
}

/**
 * Evaluates a classifier of 2-D inputs at the centres of a `size × size` grid over `domain`: one
 * predict call inside `tf.tidy`, read back asynchronously. Keeps no tensors.
 */
export async function predictGrid(model: tf.LayersModel, domain: Domain, size: number): Promise<DecisionGrid> {
  if (!(Number.isInteger(size) && size >= 2 && size <= 400)) throw new EngineError('boundary.badSize', { value: size, min: 2, max: 400 });
  const inputs = new Float32Array(size * size * 2);
  for (let j = 0; j < size; j++) {
    const y = domain.yMax - ((j + 0.5) / size) * (domain.yMax - domain.yMin);
    for (let i = 0; i < size; i++) {
      const k = 2 * (j * size + i);
      inputs[k] = domain.xMin + ((i + 0.5) / size) * (domain.xMax - domain.xMin);
      inputs[k + 1] = y;
    }
  }
  const [argT, maxT] = tf.tidy(() => {
    const probs = model.predict(tf.tensor2d(inputs, [size * size, 2])) as tf.Tensor2D;
    return [tf.argMax(probs, 1), tf.max(probs, 1)];
  });
  try {
    const [arg, max] = await Promise.all([argT.data(), maxT.data()]);
    return { size, domain, classes: Uint8Array.from(arg), confidence: Float32Array.from(max) };
  } finally {
    tf.dispose([argT, maxT]);
  }
}
