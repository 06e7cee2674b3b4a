import * as tf from '../tf';

/** Where each trainable weight tensor sits in the flat parameter vector θ ∈ ℝᴾ. */
export interface WeightLayout {
  shapes: number[][];
  offsets: number[];
  sizes: number[];
  total: number;
}

export function weightLayout(model: tf.LayersModel): WeightLayout {
  const shapes = model.trainableWeights.map((w) => w.shape.slice() as number[]);
  const sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
  const offsets: number[] = [];
  let total = 0;
  for (const n of sizes) {
    offsets.push(total);
    total += n;
  }
  return { shapes, offsets, sizes, total };
}

/** The model's trainable weights as one float32 vector (read back asynchronously; keeps no tensors). */
export async function flattenWeights(model: tf.LayersModel): Promise<Float32Array> {
  const layout = weightLayout(model);
  const values = await Promise.all(model.trainableWeights.map((w) => w.read().data()));
  const flat = new Float32Array(layout.total);
  values.forEach((v, k) => flat.set(v as Float32Array, layout.offsets[k]));
  return flat;
}

/** The slices of a flat vector as tensors shaped like the weights (the caller disposes them). */
export function splitToTensors(flat: Float32Array, layout: WeightLayout): tf.Tensor[] {
  return layout.shapes.map((shape, k) => tf.tensor(flat.subarray(layout.offsets[k], layout.offsets[k] + layout.sizes[k]), shape));
}
